"""A student asks for help from their course, waits, chats with a tutor, rates and looks back."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest

from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.launch_context import issue, read
from lti_tool.models import (
    Account,
    Course,
    Diagnosis,
    LmsUser,
    Message,
    SessionReport,
    Subject,
    Topic,
    TutoringSession,
    TutorSubject,
)
from lti_tool.services.chat import ChatLimits, post_message
from lti_tool.services.tutor_sessions import accept_session
from tests.platform_fixture import TOOL

HEADING = re.compile(r"\[\d\d:\d\d:\d\d\] Ava \(Student\)")


@pytest.fixture(autouse=True)
def answer_at_once(app):
    """Long-polls look once and answer: no test waits for news."""
    app.config["LIVE_WAIT_SECONDS"] = 0


@pytest.fixture
def catalog(app):
    algebra, statistics = Subject(name="Algebra"), Subject(name="Statistics")
    tutor = Account(email="sam@tutors.example", name="Sam Rivera", password_hash="-",
                    is_tutor=True)
    db.session.add_all([algebra, statistics, tutor])
    db.session.flush()
    db.session.add(TutorSubject(account_id=tutor.id, subject_id=algebra.id))
    db.session.commit()
    return SimpleNamespace(algebra=algebra, statistics=statistics, tutor=tutor)


@pytest.fixture
def student(lms, catalog):
    """Ava, launched from MATH 101 as a Learner; the course has two topics."""
    _, token = lms.land(lms.launch("student-01"))
    course = db.session.execute(db.select(Course)).scalar_one()
    topics = [Topic(course_id=course.id, name=name) for name in ("Linear equations", "Ratios")]
    db.session.add_all(topics)
    db.session.commit()
    return SimpleNamespace(token=token, course=course, topics=topics,
                           user=db.session.execute(
                               db.select(LmsUser).filter_by(sub="student-01")).scalar_one())


def post(client, path: str, token: str, **form):
    return client.post(path, data={"launch_token": token, **form}, base_url=TOOL)


def post_json(client, path: str, token: str, **form):
    return client.post(path, data=form, base_url=TOOL,
                       headers={"X-Launch-Token": token, "Accept": "application/json"})


def updates(client, session_id: int, token: str, **params):
    return client.get(f"/tutoring/sessions/{session_id}/updates", query_string=params,
                      headers={"X-Launch-Token": token, "Accept": "application/json"},
                      base_url=TOOL)


def ask(client, token: str, subject: Subject, question="How do I solve 2x + 3 = 7?", **form):
    return post(client, "/tutoring/requests", token, subject_id=str(subject.id),
                question=question, **form)


def sessions() -> list[TutoringSession]:
    return list(db.session.execute(
        db.select(TutoringSession).order_by(TutoringSession.id)
        .execution_options(populate_existing=True)
    ).scalars())


def message_count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Message))


@pytest.fixture
def chat(client, student, catalog):
    """Ava's request in Algebra, taken by Sam."""
    ask(client, student.token, catalog.algebra)
    session = sessions()[0]
    accept_session(session.id, catalog.tutor, utcnow())
    return SimpleNamespace(id=session.id, path=f"/tutoring/sessions/{session.id}",
                           session=session)


def tutor_says(chat, text: str) -> Message:
    session = db.session.get(TutoringSession, chat.id)
    return post_message(session, "tutor", "Sam", text, None,
                        ChatLimits(2000, 100, 5), utcnow())


def login_other(lms, user_id="student-02") -> str:
    return lms.land(lms.launch(user_id))[1]


# Asking ------------------------------------------------------------------------------------

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


def test_student_can_stop_waiting(client, student, catalog):
    ask(client, student.token, catalog.algebra)
    [session] = sessions()
    page = post(client, f"/tutoring/sessions/{session.id}/cancel", student.token)
    assert page.status_code == 200 and "Request cancelled" in page.text
    assert sessions()[0].status == "cancelled"
    again = post(client, f"/tutoring/sessions/{session.id}/cancel", student.token)
    assert again.status_code == 409
    assert "Ask for a tutor" in post(client, "/tutoring/", student.token).text


def test_request_nobody_takes_in_time_is_abandoned_with_advice(app, client, student, catalog):
    ask(client, student.token, catalog.algebra)
    [session] = sessions()
    minutes = app.config["TUTORING_ABANDON_AFTER_MINUTES"]
    session.requested_at = utcnow() - timedelta(minutes=minutes + 1)
    db.session.commit()
    news = updates(client, session.id, student.token, after=0, status="waiting")
    assert news.json["status"] == "abandoned"
    page = post(client, f"/tutoring/sessions/{session.id}", student.token)
    assert "No tutor was free in time" in page.text
    assert "Ask the same question again now" in page.text
    assert "contact your instructor" in page.text


def test_waiting_request_within_the_time_stays_in_the_queue(client, student, catalog):
    ask(client, student.token, catalog.algebra)
    [session] = sessions()
    news = updates(client, session.id, student.token, after=0, status="waiting", place=1)
    assert news.status_code == 200
    assert news.json["status"] == "waiting" and news.json["messages"] == []
    assert news.json["queue"]["place"] == 1
    assert news.json["queue"]["tutors_online"] == 0
    assert "launch_token" not in news.json


def test_waiting_room_hears_that_a_tutor_joined(client, student, catalog):
    ask(client, student.token, catalog.algebra)
    [session] = sessions()
    accept_session(session.id, catalog.tutor, utcnow())
    news = updates(client, session.id, student.token, after=0, status="waiting")
    assert news.json["status"] == "active" and "queue" not in news.json
    page = post(client, f"/tutoring/sessions/{session.id}", student.token)
    assert "Chat with Sam" in page.text and 'id="send-form"' in page.text


# Chatting ----------------------------------------------------------------------------------

def test_student_sends_a_message_with_the_script(client, student, chat):
    sent = post_json(client, f"{chat.path}/messages", student.token, body="Hi Sam",
                     client_key="key-1")
    assert sent.status_code == 201
    assert sent.json["seq"] == 1 and sent.json["body"] == "Hi Sam"
    assert sent.json["role"] == "student" and HEADING.fullmatch(sent.json["heading"])


def test_student_sends_a_message_without_the_script(client, student, chat):
    page = post(client, f"{chat.path}/messages", student.token, body="Hello from a form")
    assert page.status_code == 200
    assert "Hello from a form" in page.text
    assert HEADING.search(page.text)
    assert message_count() == 1


def test_updates_return_only_newer_messages(client, student, chat):
    post_json(client, f"{chat.path}/messages", student.token, body="First", client_key="a")
    tutor_says(chat, "Second")
    tutor_says(chat, "Third")
    news = updates(client, chat.id, student.token, after=1, status="active")
    assert [m["body"] for m in news.json["messages"]] == ["Second", "Third"]
    assert [m["seq"] for m in news.json["messages"]] == [2, 3]
    assert news.json["messages"][0]["heading"].endswith("Sam (Tutor)")
    quiet = updates(client, chat.id, student.token, after=3, status="active")
    assert quiet.json == {"status": "active", "messages": []}


def test_resend_with_the_same_key_is_stored_once(client, student, chat):
    first = post_json(client, f"{chat.path}/messages", student.token, body="Once",
                      client_key="same-key")
    second = post_json(client, f"{chat.path}/messages", student.token, body="Once",
                       client_key="same-key")
    assert second.status_code == 201 and second.json == first.json
    assert message_count() == 1


@pytest.mark.parametrize("body, status", [("   ", 400), ("x" * 2001, 400)])
def test_empty_or_oversized_message_is_refused(client, student, chat, body, status):
    refused = post_json(client, f"{chat.path}/messages", student.token, body=body,
                        client_key="k")
    assert refused.status_code == status and refused.json["error"]
    assert message_count() == 0


def test_too_many_messages_at_once_are_refused(app, client, student, chat):
    allowed = app.config["MESSAGE_RATE_COUNT"]
    for n in range(allowed):
        assert post_json(client, f"{chat.path}/messages", student.token, body=f"m{n}",
                         client_key=f"k{n}").status_code == 201
    refused = post_json(client, f"{chat.path}/messages", student.token, body="one more",
                        client_key="k-more")
    assert refused.status_code == 429 and "wait a moment" in refused.json["error"]
    assert message_count() == allowed


def test_refused_message_without_the_script_keeps_the_text_on_the_page(client, student, chat):
    page = post(client, f"{chat.path}/messages", student.token, body="x" * 2001)
    assert page.status_code == 400
    assert "Messages are limited to 2000 characters." in page.text
    assert "x" * 2001 in page.text
    assert message_count() == 0


def test_markup_in_a_message_is_shown_as_text(client, student, chat):
    evil = "<script>alert('hi')</script>"
    sent = post_json(client, f"{chat.path}/messages", student.token, body=evil, client_key="x")
    assert sent.json["body"] == evil
    page = post(client, chat.path, student.token)
    assert evil not in page.text
    assert "&lt;script&gt;alert(&#39;hi&#39;)&lt;/script&gt;" in page.text


def test_page_renders_the_transcript_for_the_script_to_continue(client, student, chat):
    post_json(client, f"{chat.path}/messages", student.token, body="One", client_key="1")
    tutor_says(chat, "Two")
    page = post(client, chat.path, student.token)
    assert re.search(r'<li data-seq="1"[^>]*>.*One', page.text)
    assert re.search(r'<li data-seq="2"[^>]*>.*Two', page.text)
    assert 'data-after="2"' in page.text and 'data-status="active"' in page.text


def test_student_ends_the_session_and_can_no_longer_send(client, student, chat):
    page = post(client, f"{chat.path}/end", student.token)
    assert page.status_code == 200 and "Session ended" in page.text
    assert "Rate this session" in page.text
    session = sessions()[0]
    assert (session.status, session.ended_by) == ("ended", "student")
    late = post_json(client, f"{chat.path}/messages", student.token, body="Too late",
                     client_key="late")
    assert late.status_code == 409 and message_count() == 0
    news = updates(client, chat.id, student.token, after=0, status="active")
    assert news.json["status"] == "ended"


# After the session -------------------------------------------------------------------------

@pytest.mark.parametrize("rating", ["0", "6", "x", ""])
def test_rating_outside_one_to_five_is_refused(client, student, chat, rating):
    post(client, f"{chat.path}/end", student.token)
    refused = post(client, f"{chat.path}/rating", student.token, rating=rating)
    assert refused.status_code == 400
    assert "Choose a rating from 1 to 5 stars." in refused.text
    assert sessions()[0].rating is None


def test_student_rates_the_session_once(client, student, chat):
    post(client, f"{chat.path}/end", student.token)
    page = post(client, f"{chat.path}/rating", student.token, rating="4", comment="Clear")
    assert page.status_code == 200
    assert "You rated this session 4 out of 5." in page.text
    again = post(client, f"{chat.path}/rating", student.token, rating="1")
    assert again.status_code == 409
    assert (sessions()[0].rating, sessions()[0].rating_comment) == (4, "Clear")


def test_report_needs_a_reason_and_is_stored_with_it(client, student, chat):
    refused = post(client, f"{chat.path}/report", student.token, reason="  ")
    assert refused.status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(SessionReport)) == 0
    page = post(client, f"{chat.path}/report", student.token, reason="The tutor was rude.")
    assert page.status_code == 200 and "The service admin will look into" in page.text
    report = db.session.execute(db.select(SessionReport)).scalar_one()
    assert (report.reporter_role, report.reason) == ("student", "The tutor was rude.")


def test_history_shows_length_and_the_next_steps_not_the_observations(client, student, chat,
                                                                     catalog):
    post(client, f"{chat.path}/end", student.token)
    session = sessions()[0]
    session.ended_at = session.started_at + timedelta(minutes=18, seconds=13.2)
    db.session.add(Diagnosis(
        session_id=session.id, tutor_id=catalog.tutor.id, barrier="practice",
        observations={"practice_at_bats": "Only two tries at the board"},
        observation_notes="Seemed tired today", next_steps=["Do ten more one-step equations"],
        learning_goal="Solve linear equations", prerequisite="adequate", mastery="partial"))
    db.session.commit()
    listing = post(client, "/tutoring/history", student.token)
    assert "18.22" in listing.text and "Algebra" in listing.text and "Sam" in listing.text
    detail = post(client, f"/tutoring/history/{session.id}", student.token)
    assert detail.status_code == 200
    assert "Do ten more one-step equations" in detail.text
    assert "Seemed tired today" not in detail.text
    assert "Only two tries at the board" not in detail.text


# Whose session ------------------------------------------------------------------------------

SESSION_ROUTES = ["", "/messages", "/cancel", "/end", "/rating", "/report"]


def _all_refused(client, chat, token) -> None:
    for suffix in SESSION_ROUTES:
        assert post(client, f"{chat.path}{suffix}", token, body="hi", rating="5",
                    reason="r").status_code == 404, suffix
    assert updates(client, chat.id, token, after=0, status="active").status_code == 404
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


# A long wait and chat stay alive -----------------------------------------------------------

def test_updates_renew_a_launch_token_near_its_expiry(app, client, student, chat):
    secret = app.config["SECRET_KEY"]
    context = read(student.token, secret, utcnow())
    short = issue(context, secret, utcnow(), 60)
    news = updates(client, chat.id, short, after=0, status="active")
    renewed = news.json["launch_token"]
    assert read(renewed, secret, utcnow() + timedelta(minutes=30)) == context
    assert post_json(client, f"{chat.path}/messages", renewed, body="Still here",
                     client_key="r").status_code == 201
    fresh = updates(client, chat.id, renewed, after=1, status="active")
    assert "launch_token" not in fresh.json


def test_test_student_requests_are_marked(client, lms, catalog):
    _, token = lms.land(lms.launch("test-student"))
    ask(client, token, catalog.algebra)
    assert sessions()[0].is_test_user is True


def test_privacy_page_needs_no_launch(client):
    page = client.get("/tutoring/privacy", base_url=TOOL)
    assert page.status_code == 200
    assert "instructors" in page.text and "never see your email" in page.text

