"""Flask commands for the tutoring service: tutor accounts and the subject catalog."""

import sys
from pathlib import Path

import click
from flask import current_app

from .services import subjects, tutors

tutors_cli = click.Group("tutors", help="Tutor accounts and the subjects they cover.")
subjects_cli = click.Group("subjects", help="The subject catalog.")


def _tutoring(operation):
    try:
        return operation()
    except (subjects.SubjectError, tutors.TutorError, tutors.TutorNotFound) as exc:
        raise click.ClickException(str(exc)) from exc


@tutors_cli.command("add")
@click.argument("email")
@click.option("--name", required=True, help="The tutor's full name.")
@click.option("--subject", "subject_names", multiple=True, help="A subject covered (repeatable).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def tutors_add(email, name, subject_names, password_stdin):
    """Create a tutor account covering the given subjects."""
    covered = _tutoring(lambda: subjects.subjects_named(list(subject_names)))
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    _tutoring(lambda: tutors.create_tutor(email, name, password, [s.id for s in covered]))
    login = current_app.config["TOOL_URL"] + "/account/login"
    click.echo(f"Tutor {email} created; they sign in at {login}.")


@tutors_cli.command("list")
def tutors_list():
    """List tutors, their state and their subjects."""
    for t in tutors.list_tutors():
        a = t.account
        click.echo(f"{a.email}\t{a.name}\t{'active' if a.active else 'DISABLED'}\t"
                   f"{'available' if a.available else 'away'}\t"
                   f"{', '.join(s.name for s in t.subjects) or '(no subjects)'}")


@tutors_cli.command("disable")
@click.argument("email")
def tutors_disable(email):
    """Turn a tutor account off: no sign-in, never shown as online."""
    _tutoring(lambda: tutors.set_tutor_active(tutors.tutor_by_email(email).id, False))
    click.echo(f"Tutor {email} disabled.")


@tutors_cli.command("enable")
@click.argument("email")
def tutors_enable(email):
    """Turn a tutor account back on."""
    _tutoring(lambda: tutors.set_tutor_active(tutors.tutor_by_email(email).id, True))
    click.echo(f"Tutor {email} enabled.")


@subjects_cli.command("load")
@click.argument("path", required=False,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
def subjects_load(path):
    """Add the subjects listed one per line in PATH (default: the shipped catalog)."""
    added = _tutoring(lambda: subjects.load_catalog(path or subjects.catalog_path()))
    click.echo(f"Added {len(added)} subject(s)" + (f": {', '.join(added)}." if added else "."))


@subjects_cli.command("add")
@click.argument("name")
def subjects_add(name):
    """Add one subject to the catalog."""
    subject = _tutoring(lambda: subjects.add_subject(name))
    click.echo(f"Subject {subject.name} added.")


@subjects_cli.command("list")
def subjects_list():
    """List the catalog, retired subjects marked."""
    for subject in subjects.list_subjects():
        click.echo(subject.name + ("\t(retired)" if subject.retired else ""))
