"""Flask commands for course rosters: sync them from the LMS on demand."""

import click
from flask import current_app

from .clock import utcnow
from .lms.errors import FetchRefused, LmsServiceError
from .queries.roster import roster_courses
from .services.roster import sync_roster

roster_cli = click.Group("roster", help="Course rosters from the LMS (Names and Roles).")


@roster_cli.command("sync")
@click.option("--course", "course_ids", type=int, multiple=True,
              help="The tool's course id (repeatable); default: every course with a roster "
                   "endpoint.")
def roster_sync(course_ids):
    """Fetch course rosters from the LMS now, page by page, printing progress."""
    courses = roster_courses(list(course_ids))
    unknown = sorted(set(course_ids) - {c.id for c in courses})
    failed = [f"course {course_id}: no such course" for course_id in unknown]
    for line in failed:
        click.echo(line, err=True)
    done = 0
    for course in courses:
        label = course.label or course.display_title
        course_id = course.id

        def report(pages, members, label=label):
            click.echo(f"{label}: page {pages}, {members} members")

        try:
            result = sync_roster(course_id, utcnow(), current_app.config, progress=report)
        except (LmsServiceError, FetchRefused) as exc:
            failed.append(f"{label} (course {course_id}): {exc}")
            click.echo(f"{label}: failed: {exc}", err=True)
            continue
        done += 1
        click.echo(f"{label} (course {course_id}): {result.members} members, "
                   f"{result.removed} newly removed from the roster"
                   + (" (resumed an interrupted sync)" if result.resumed else ""))
    click.echo(f"Synced {done} of {len(courses) + len(unknown)} course(s); "
               f"{len(failed)} failed.")
    if failed:
        raise click.exceptions.Exit(1)
