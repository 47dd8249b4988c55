"""The tutor console: the live queue of waiting students, accepting one, being online."""

import json
import queue
import threading
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from markupsafe import escape

from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.models import Account, TutoringSession
from lti_tool.queries.tutoring import online_tutor_counts
from lti_tool.services.accounts import create_account
from tests.admin_session import sign_in
from tests.platform_fixture import TOOL
from tests.tutoring_factories import (
    QUESTION,
    ask,
    fresh,
    make_school,
    make_student,
    make_subject,
    opening_event,
    sign_in_tutor,
)


@pytest.fixture
def course(app):
    return make_school(students=0).course


def test_queue_shows_the_tutors_subjects_oldest_first_with_the_first_name_only(
        joanetta, course, algebra):
    ask(course, make_student(course, "Priya"), algebra, minutes_ago=2)
    ask(course, make_student(course, "Tomas"), make_subject("Statistics"), minutes_ago=9)
    ask(course, make_student(course, "Cleo"), algebra, minutes_ago=7)
    page = joanetta.get("/tutor/").text
    assert page.index("Cleo") < page.index("Priya") and "Tomas" not in page
    assert course.title in page and escape(QUESTION) in page and "7 min" in page
    assert "Zabriskie" not in page and "@students" not in page and "lms-sub-" not in page


def test_markup_in_a_students_question_and_topic_is_shown_as_text_in_the_queue(
        joanetta, course, algebra):
    scripts_on_the_console = joanetta.get("/tutor/").text.count("<script")
    question = 'Why <script>alert("q")</script> fails? <img src=x onerror=alert(1)>'
    topic = "<script>alert('t')</script><b>Fractions</b>"
    ask(course, make_student(course, "Priya"), algebra, question=question, topic_text=topic)

    page = joanetta.get("/tutor/").text
    html = opening_event(joanetta.get("/tutor/queue/updates"))["html"]
    for shown in (page, html):
        assert escape(question) in shown and escape(topic) in shown
        assert "<img" not in shown and "<b>Fractions" not in shown
    assert page.count("<script") == scripts_on_the_console  # only the console's own
    assert "<script" not in html  # the script puts this into innerHTML


def test_accepting_a_request_opens_its_chat(joanetta, course, algebra):
    session = ask(course, make_student(course, "Priya"), algebra, goal="Solve for x")
    assert joanetta.accept(session) == f"/tutor/sessions/{session.id}"
    page = joanetta.get(f"/tutor/sessions/{session.id}").text
    assert "Session with Priya" in page and "Solve for x" in page and 'data-status="active"' in page
    assert "This is Priya's first session" in page


def test_a_second_tutor_gets_409_and_the_first_keeps_the_student(app, joanetta, course,
                                                                  algebra):
    session = ask(course, make_student(course, "Priya"), algebra)
    other = sign_in_tutor(app, "ravi@tutors.example.org", algebra, name="Ravi Shah")
    joanetta.accept(session)
    response = other.post(f"/tutor/requests/{session.id}/accept")
    assert response.status_code == 409 and "already taken" in response.text
    assert fresh(TutoringSession, session.id).tutor_id == joanetta.account.id


def test_available_tutors_who_keep_the_console_open_count_as_online(app, joanetta, algebra):
    fresh_seconds = app.config["TUTOR_ONLINE_SECONDS"]
    assert online_tutor_counts(utcnow(), fresh_seconds) == {}  # away until they say otherwise
    assert joanetta.post("/tutor/availability", {"available": "1"}).status_code == 302
    assert online_tutor_counts(utcnow(), fresh_seconds) == {algebra.id: 1}

    account = fresh(Account, joanetta.account.id)
    account.last_seen_at = utcnow() - timedelta(minutes=10)  # the console was closed
    db.session.commit()
    assert online_tutor_counts(utcnow(), fresh_seconds) == {}
    assert opening_event(joanetta.get("/tutor/queue/updates"))
    assert online_tutor_counts(utcnow(), fresh_seconds) == {algebra.id: 1}

    joanetta.post("/tutor/availability", {"available": "0"})
    assert online_tutor_counts(utcnow(), fresh_seconds) == {}


def test_queue_stream_opens_with_the_queue_as_it_is(joanetta, course, algebra):
    first = opening_event(joanetta.get("/tutor/queue/updates"))
    assert first["entries"] == [] and first["busy"] is False
    session = ask(course, make_student(course, "Priya"), algebra, minutes_ago=3)
    news = opening_event(joanetta.get("/tutor/queue/updates"))
    assert news["version"] != first["version"]
    assert [(e["id"], e["first_name"], e["wait_minutes"]) for e in news["entries"]] == [
        (session.id, "Priya", 3)]
    assert f'id="accept-{session.id}"' in news["html"] and "Zabriskie" not in news["html"]


def test_an_open_queue_stream_sends_a_student_who_asks(app, joanetta, course, algebra):
    app.config["LIVE_STREAM_SECONDS"] = 60  # generous: the stream is closed after two events
    events: queue.Queue = queue.Queue()

    def follow():
        # The view and every event in this one thread, as a server runs a stream (the test
        # client's isolation would run them in two different contexts).
        response = FlaskClient.open(joanetta.client, "/tutor/queue/updates", base_url=TOOL,
                                    buffered=False)
        try:
            sent = (json.loads(chunk.removeprefix(b"data: ")) for chunk in response.response
                    if chunk.startswith(b"data: "))
            for _ in range(2):
                events.put(next(sent))
        finally:
            response.close()

    stream = threading.Thread(target=follow, daemon=True)
    stream.start()
    assert events.get(timeout=60)["entries"] == []
    session = ask(course, make_student(course, "Priya"), algebra)
    assert [e["id"] for e in events.get(timeout=60)["entries"]] == [session.id]
    stream.join(60)
    assert not stream.is_alive()


def test_tutor_pages_need_a_signed_in_tutor(app, client):
    assert client.get("/tutor/", base_url=TOOL).headers["Location"].startswith("/account/login")
    create_account("admin@example.edu", "Admin", "admin-password-1", is_admin=True)
    admin = app.test_client()
    assert sign_in(admin, "admin@example.edu", "admin-password-1").status_code == 302
    assert admin.get("/tutor/", base_url=TOOL).status_code == 403
