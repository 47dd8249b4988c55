"""The tutor's side of a session: the chat, only for the session's tutor, and reporting it."""

import re

import pytest

from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.models import SessionReport, TutoringSession
from lti_tool.services.chat import ChatLimits, post_message
from lti_tool.services.tutor_sessions import end_session
from tests.platform_fixture import TOOL
from tests.tutoring_factories import (
    ask,
    fresh,
    make_school,
    make_student,
    opening_event,
    sender,
    sign_in_tutor,
)


@pytest.fixture
def session(app, joanetta, algebra) -> TutoringSession:
    """Priya's request, accepted by Joanetta."""
    course = make_school(students=0).course
    session = ask(course, make_student(course, "Priya"), algebra)
    joanetta.accept(session)
    return fresh(TutoringSession, session.id)


def test_messages_go_both_ways_once_each(app, joanetta, session):
    limits = ChatLimits.from_config(app.config)
    said = "I'm stuck <b>here</b>\nstep 2"
    post_message(session.id, sender(session, "student", "Priya"), said, "s-1", limits, utcnow())
    updates = opening_event(joanetta.get(f"/tutor/sessions/{session.id}/updates", after=0))
    assert updates["status"] == "active"
    [line] = updates["messages"]
    assert (line["seq"], line["role"], line["body"]) == (1, "student", said)
    assert re.fullmatch(r"\[00:00:\d\d\] Priya \(Student\)", line["heading"])

    sent = joanetta.post(f"/tutor/sessions/{session.id}/messages",
                         {"body": "Let's isolate x.", "client_key": "t-1"}, script=True)
    again = joanetta.post(f"/tutor/sessions/{session.id}/messages",
                          {"body": "Let's isolate x.", "client_key": "t-1"}, script=True)
    assert sent.status_code == again.status_code == 201 and sent.json == again.json
    assert sent.json["seq"] == 2 and sent.json["heading"].endswith("Joanetta L. (Tutor)")
    quiet = opening_event(joanetta.get(f"/tutor/sessions/{session.id}/updates", after=2))
    assert quiet == {"status": "active", "messages": []}

    page = joanetta.get(f"/tutor/sessions/{session.id}").text
    assert 'data-seq="1"' in page and 'data-seq="2"' in page and 'data-after="2"' in page
    assert "&lt;b&gt;here&lt;/b&gt;" in page and "<b>here" not in page

    end_session(session, by="student", now=utcnow())
    ended = opening_event(joanetta.get(f"/tutor/sessions/{session.id}/updates", after=2))
    assert ended == {"status": "ended", "messages": []}


def test_sending_without_a_script_redirects_back_or_shows_the_problem(joanetta, session):
    path = f"/tutor/sessions/{session.id}/messages"
    assert joanetta.post(path, {"body": "Hello", "client_key": "k-1"}).status_code == 302
    empty = joanetta.post(path, {"body": "  ", "client_key": "k-2"})
    assert empty.status_code == 400 and "Write a message before sending." in empty.text
    scripted = joanetta.post(path, {"body": "", "client_key": "k-3"}, script=True)
    assert scripted.status_code == 400 and scripted.json == {
        "error": "Write a message before sending."}
    unsigned = joanetta.client.post(path, data={"body": "Hi"}, base_url=TOOL,
                                    headers={"Referer": TOOL + "/tutor/"})
    assert unsigned.status_code == 400  # no CSRF token


def test_another_tutor_cannot_open_or_act_on_the_session(app, algebra, session):
    other = sign_in_tutor(app, "ravi@tutors.example.org", algebra, name="Ravi Shah")
    base = f"/tutor/sessions/{session.id}"
    assert other.get(base).status_code == 404
    assert other.get(base + "/updates", after=0).status_code == 404
    assert other.get(base + "/diagnosis").status_code == 404
    for action in ("/messages", "/end", "/report", "/diagnosis"):
        assert other.post(base + action, {"body": "x", "reason": "x"}).status_code == 404
    assert fresh(TutoringSession, session.id).status == "active"


def test_a_session_can_be_reported_with_a_reason(joanetta, session):
    path = f"/tutor/sessions/{session.id}/report"
    assert joanetta.post(path, {"reason": ""}).status_code == 400
    assert joanetta.post(path, {"reason": "Abusive language"}).status_code == 302
    [report] = db.session.execute(db.select(SessionReport)).scalars()
    assert (report.reporter_role, report.reason) == ("tutor", "Abusive language")
