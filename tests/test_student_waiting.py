"""A student waits for a tutor: the queue, stopping, a tutor joining, nobody joining in time."""

from datetime import timedelta

from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.services.tutor_sessions import accept_session
from tests.student_fixtures import ask, post, sessions, updates
from tests.student_fixtures import fixture_catalog as fixture_catalog
from tests.student_fixtures import fixture_student as fixture_student
from tests.tutoring_factories import opening_event


def test_student_can_stop_waiting(client, student, catalog):
    ask(client, student.token, catalog.algebra)
    [session] = sessions()
    page = post(client, f"/tutoring/sessions/{session.id}/cancel", student.token)
    assert page.status_code == 200 and "Request cancelled" in page.text
    assert sessions()[0].status == "cancelled"
    again = post(client, f"/tutoring/sessions/{session.id}/cancel", student.token)
    assert again.status_code == 409
    assert "Ask for a tutor" in post(client, "/tutoring/", student.token).text


def test_asking_and_cancelling_over_and_over_is_slowed_down(client, student, catalog):
    for _ in range(12):
        ask(client, student.token, catalog.algebra)
        post(client, f"/tutoring/sessions/{sessions()[-1].id}/cancel", student.token)
    refused = ask(client, student.token, catalog.algebra)
    assert refused.status_code == 429 and "many times in the last hour" in refused.text
    assert len(sessions()) == 12 and all(s.status == "cancelled" for s in sessions())


def test_request_nobody_takes_in_time_is_abandoned_with_advice(app, client, student, catalog):
    ask(client, student.token, catalog.algebra)
    [session] = sessions()
    minutes = app.config["TUTORING_ABANDON_AFTER_MINUTES"]
    session.requested_at = utcnow() - timedelta(minutes=minutes + 1)
    db.session.commit()
    news = opening_event(updates(client, session.id, student.token, after=0))
    assert news["status"] == "abandoned"
    page = post(client, f"/tutoring/sessions/{session.id}", student.token)
    assert "No tutor was free in time" in page.text
    assert "Ask the same question again now" in page.text
    assert "contact your instructor" in page.text


def test_waiting_request_within_the_time_stays_in_the_queue(client, student, catalog):
    ask(client, student.token, catalog.algebra)
    [session] = sessions()
    news = opening_event(updates(client, session.id, student.token, after=0))
    assert news["status"] == "waiting" and news["messages"] == []
    assert news["queue"]["place"] == 1
    assert news["queue"]["tutors_online"] == 0
    assert "launch_token" not in news


def test_waiting_room_hears_that_a_tutor_joined(client, student, catalog):
    ask(client, student.token, catalog.algebra)
    [session] = sessions()
    accept_session(session.id, catalog.tutor, utcnow())
    news = opening_event(updates(client, session.id, student.token, after=0))
    assert news["status"] == "active" and "queue" not in news
    page = post(client, f"/tutoring/sessions/{session.id}", student.token)
    assert "Chat with Sam" in page.text and 'id="send-form"' in page.text
