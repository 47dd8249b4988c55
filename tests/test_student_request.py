"""A student asks for help from their course; after a request nobody took, the form says why."""

from datetime import timedelta

from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.models import TutoringSession
from lti_tool.services.help_requests import abandon_stale_requests
from tests.conftest import form_fields
from tests.platform_fixture import TOOL
from tests.student_fixtures import ask, post, sessions
from tests.student_fixtures import fixture_catalog as fixture_catalog
from tests.student_fixtures import fixture_student as fixture_student


def test_form_lists_subjects_and_course_topics_and_who_is_online(client, student, catalog):
    catalog.tutor.available, catalog.tutor.last_seen_at = True, utcnow()
    db.session.commit()
    page = post(client, "/tutoring/", student.token)
    assert page.status_code == 200
    assert "Algebra (1 tutor online)" in page.text
    assert "Statistics (no tutor online now)" in page.text
    assert "Linear equations" in page.text and "Ratios" in page.text
    assert "Something else" in page.text
    assert "transcripts" in page.text and "/tutoring/privacy" in page.text


def test_form_says_plainly_no_tutor_is_online_and_when_they_usually_are(client, student,
                                                                        catalog):
    day = utcnow().replace(hour=15, minute=10, second=0, microsecond=0) - timedelta(days=1)
    db.session.add_all([
        TutoringSession(platform_id=student.course.platform_id, course_id=student.course.id,
                        student_id=student.user.id, subject_id=catalog.statistics.id,
                        question="Earlier question", status="ended",
                        requested_at=day - timedelta(days=n, minutes=5),
                        started_at=day - timedelta(days=n),
                        ended_at=day - timedelta(days=n) + timedelta(minutes=20))
        for n in range(5)
    ])
    db.session.commit()
    page = post(client, "/tutoring/", student.token)
    assert "No tutor is online right now." in page.text
    assert "Tutors are usually on 15:00–16:00 UTC" in page.text
    assert "your time" in page.text  # the LMS sent Ava's time zone


def test_topic_of_the_link_the_student_launched_from_is_preselected(client, lms, student):
    linked = student.topics[1]
    _, token = lms.land(lms.launch("student-01", custom={"topic_id": str(linked.id)}))
    page = post(client, "/tutoring/", token)
    assert f'<option value="{linked.id}" selected>Ratios</option>' in page.text


def test_request_opens_the_waiting_room_at_place_one(client, student, catalog):
    page = ask(client, student.token, catalog.algebra, topic_id=str(student.topics[0].id),
               learning_goal="Solve one-step equations")
    assert page.status_code == 200
    assert "Waiting for a tutor" in page.text
    assert "You are number 1 in the queue." in page.text
    [session] = sessions()
    assert (session.status, session.topic_id, session.question) == (
        "waiting", student.topics[0].id, "How do I solve 2x + 3 = 7?")
    assert session.is_test_user is False


def test_invalid_request_shows_the_form_again_with_what_was_typed(client, student, catalog):
    page = post(client, "/tutoring/requests", student.token, subject_id="",
                question="My own words stay here")
    assert page.status_code == 400
    assert "Choose a subject from the list." in page.text
    assert "My own words stay here" in page.text
    assert sessions() == []


def test_second_request_while_one_is_open_shows_the_open_one(client, student, catalog):
    ask(client, student.token, catalog.algebra)
    again = ask(client, student.token, catalog.statistics, question="Something else")
    assert again.status_code == 409
    assert "You already have an open request; here it is." in again.text
    assert "How do I solve 2x + 3 = 7?" in again.text
    assert len(sessions()) == 1
    home = post(client, "/tutoring/", student.token)
    assert "Waiting for a tutor" in home.text


def test_test_student_requests_are_marked(client, lms, catalog):
    _, token = lms.land(lms.launch("test-student"))
    ask(client, token, catalog.algebra)
    assert sessions()[0].is_test_user is True


def test_privacy_page_needs_no_launch(client):
    page = client.get("/tutoring/privacy", base_url=TOOL)
    assert page.status_code == 200
    assert "instructors" in page.text and "never see your email" in page.text


def abandoned_by_the_worker(app, client, student, catalog, *, days_ago: int = 0):
    """Ask in Algebra and let the worker close the request nobody took, `days_ago` days ago."""
    ask(client, student.token, catalog.algebra, question="Why is x = 2 here?")
    session = sessions()[-1]
    closed_at = utcnow() - timedelta(days=days_ago)
    after = timedelta(minutes=app.config["TUTORING_ABANDON_AFTER_MINUTES"])
    session.requested_at = closed_at - after - timedelta(minutes=1)
    db.session.commit()
    assert abandon_stale_requests(closed_at, after) == 1
    return session


def test_home_after_an_abandoned_request_says_what_to_do_above_the_form(app, client, student,
                                                                        catalog):
    abandoned_by_the_worker(app, client, student, catalog)
    page = post(client, "/tutoring/", student.token)
    assert page.status_code == 200
    assert "No tutor was free in time" in page.text
    assert "Why is x = 2 here?" in page.text
    assert "Try again later in the day" in page.text  # no history of usual hours yet
    assert "contact your instructor" in page.text
    assert page.text.index("No tutor was free in time") < page.text.index("Ask for a tutor")
    # "Ask the same question again now" sends the closed request's fields as they were.
    assert "Ask the same question again now" in page.text
    fields = form_fields(page.text)
    assert (fields["subject_id"], fields["question"]) == (str(catalog.algebra.id),
                                                          "Why is x = 2 here?")
    again = client.post("/tutoring/requests", data=fields, base_url=TOOL)
    assert "You are number 1 in the queue." in again.text
    assert [s.status for s in sessions()] == ["abandoned", "waiting"]


def test_home_forgets_a_request_abandoned_more_than_a_day_ago(app, client, student, catalog):
    abandoned_by_the_worker(app, client, student, catalog, days_ago=2)
    page = post(client, "/tutoring/", student.token)
    assert "No tutor was free in time" not in page.text
    assert "Ask for a tutor" in page.text


def test_home_gives_no_advice_once_a_newer_request_followed(app, client, student, catalog):
    abandoned_by_the_worker(app, client, student, catalog)
    ask(client, student.token, catalog.algebra)
    post(client, f"/tutoring/sessions/{sessions()[-1].id}/cancel", student.token)
    page = post(client, "/tutoring/", student.token)
    assert "No tutor was free in time" not in page.text
