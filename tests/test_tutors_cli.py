"""`flask tutors` and `flask subjects` manage tutor accounts and the subject catalog."""

from lti_tool.extensions import db
from lti_tool.models import Account, Subject
from lti_tool.services.accounts import authenticate
from lti_tool.services.subjects import catalog_path


def _subjects() -> list[str]:
    return list(db.session.execute(db.select(Subject.name).order_by(Subject.name)).scalars())


def test_subjects_load_adds_the_shipped_catalog_once(runner):
    first = runner.invoke(args=["subjects", "load"])
    assert first.exit_code == 0, first.output
    assert "Added 10 subject(s)" in first.output
    again = runner.invoke(args=["subjects", "load"])
    assert "Added 0 subject(s)." in again.output
    assert _subjects() == sorted(catalog_path().read_text().split())


def test_subjects_load_reads_a_file_and_skips_names_already_there_in_any_case(runner, tmp_path):
    runner.invoke(args=["subjects", "add", "Algebra"])
    listed = tmp_path / "subjects.txt"
    listed.write_text("ALGEBRA\n\n  Organic   Chemistry \nGeometry\n")
    result = runner.invoke(args=["subjects", "load", str(listed)])
    assert "Added 2 subject(s): Organic Chemistry, Geometry." in result.output
    assert _subjects() == ["Algebra", "Geometry", "Organic Chemistry"]


def test_subjects_add_refuses_a_duplicate_and_list_shows_the_catalog(runner):
    assert runner.invoke(args=["subjects", "add", "Statistics"]).exit_code == 0
    duplicate = runner.invoke(args=["subjects", "add", "statistics"])
    assert duplicate.exit_code == 1 and "already has Statistics" in duplicate.output
    assert runner.invoke(args=["subjects", "list"]).output == "Statistics\n"


def test_tutors_add_with_a_prompted_password_then_list(runner):
    runner.invoke(args=["subjects", "load"])
    result = runner.invoke(
        args=["tutors", "add", "Joanetta@Tutors.example", "--name", "Joanetta Lewis",
              "--subject", "Algebra", "--subject", "statistics"],
        input="a-long-password\na-long-password\n",
    )
    assert result.exit_code == 0, result.output
    assert "/account/login" in result.output
    tutor = authenticate("joanetta@tutors.example", "a-long-password")
    assert tutor is not None and tutor.is_tutor and not tutor.is_admin
    listing = runner.invoke(args=["tutors", "list"]).output
    assert listing == ("joanetta@tutors.example\tJoanetta Lewis\tactive\taway\t"
                       "Algebra, Statistics\n")


def test_tutors_add_reads_the_password_from_stdin(runner):
    runner.invoke(args=["subjects", "add", "Calculus"])
    result = runner.invoke(args=["tutors", "add", "ralph@tutors.example", "--name",
                                 "Ralph Nguyen", "--subject", "Calculus", "--password-stdin"],
                           input="another-long-password\n")
    assert result.exit_code == 0, result.output
    assert authenticate("ralph@tutors.example", "another-long-password") is not None


def test_tutors_add_names_an_unknown_subject_before_asking_for_a_password(runner):
    result = runner.invoke(args=["tutors", "add", "x@tutors.example", "--name", "X",
                                 "--subject", "Astrology"])
    assert result.exit_code == 1
    assert "No active subject named Astrology" in result.output
    assert "Password" not in result.output
    assert db.session.execute(db.select(Account)).first() is None


def test_tutors_add_refuses_a_short_password(runner):
    result = runner.invoke(args=["tutors", "add", "x@tutors.example", "--name", "X",
                                 "--password-stdin"], input="short\n")
    assert result.exit_code == 1 and "at least 10 characters" in result.output


def test_tutors_disable_and_enable_by_email(runner):
    runner.invoke(args=["tutors", "add", "x@tutors.example", "--name", "X Y",
                        "--password-stdin"], input="a-long-password\n")
    result = runner.invoke(args=["tutors", "disable", "X@tutors.example"])
    assert result.exit_code == 0 and "disabled" in result.output
    assert authenticate("x@tutors.example", "a-long-password") is None
    assert "DISABLED" in runner.invoke(args=["tutors", "list"]).output
    runner.invoke(args=["tutors", "enable", "x@tutors.example"])
    assert authenticate("x@tutors.example", "a-long-password") is not None


def test_tutors_disable_names_an_unknown_email(runner):
    result = runner.invoke(args=["tutors", "disable", "nobody@tutors.example"])
    assert result.exit_code == 1 and "no tutor account for nobody@tutors.example" in result.output
