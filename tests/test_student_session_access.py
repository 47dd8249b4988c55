"""Only the student who asked, launched from the course they asked from, opens a session."""

from tests.student_fixtures import fixture_catalog as fixture_catalog
from tests.student_fixtures import fixture_chat as fixture_chat
from tests.student_fixtures import fixture_student as fixture_student
from tests.student_fixtures import login_other, message_count, post, sessions, updates

SESSION_ROUTES = ["", "/messages", "/cancel", "/end", "/rating", "/report"]


def _all_refused(client, chat, token) -> None:
    for suffix in SESSION_ROUTES:
        assert post(client, f"{chat.path}{suffix}", token, body="hi", rating="5",
                    reason="r").status_code == 404, suffix
    assert updates(client, chat.id, token, after=0).status_code == 404
    assert post(client, f"/tutoring/history/{chat.id}", token).status_code == 404


def test_another_student_of_the_course_cannot_open_the_session(client, lms, student, chat):
    _all_refused(client, chat, login_other(lms))
    assert message_count() == 0 and sessions()[0].status == "active"


def test_same_student_launched_from_another_course_cannot_open_it(client, lms, student, chat):
    lms.platform.course.context_id = "demo-course-202"
    lms.platform.course.title = "MATH 202: Calculus"
    other_course = login_other(lms, "student-01")
    _all_refused(client, chat, other_course)
    home = post(client, "/tutoring/", other_course)
    assert "You already have an open request" in home.text
    assert "MATH 101" in home.text and 'id="send-form"' not in home.text
