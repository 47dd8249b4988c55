"""The tutor console: queue, accepting, chat, diagnosis, the student's history, own figures."""

import re
import threading
from datetime import datetime, timedelta

import pytest
from markupsafe import escape

from lti_tool.clock import utcnow
from lti_tool.domain.barriers import BARRIERS, BY_KEY
from lti_tool.extensions import db
from lti_tool.models import (
    Account,
    Course,
    Deployment,
    Diagnosis,
    LmsUser,
    Platform,
    SessionReport,
    Subject,
    Topic,
    TutoringSession,
    TutorSubject,
)
from lti_tool.queries.tutoring import online_tutor_counts
from lti_tool.services.accounts import create_account
from lti_tool.services.chat import ChatLimits, post_message
from lti_tool.services.help_requests import HelpRequest, request_help
from lti_tool.services.tutor_sessions import end_session
from tests.admin_session import csrf_token, sign_in
from tests.platform_fixture import TOOL

PASSWORD = "tutor-password-1"
QUESTION = "How do I solve 2x + 3 = 7?"


@pytest.fixture(autouse=True)
def _answer_at_once(app):
    app.config["LIVE_WAIT_SECONDS"] = 0  # long-polls check once and answer


@pytest.fixture
def subjects(app) -> dict[str, Subject]:
    rows = {name: Subject(name=name) for name in ("Algebra", "Statistics")}
    db.session.add_all(rows.values())
    db.session.commit()
    return rows


@pytest.fixture
def course(app) -> Course:
    platform = Platform(name="State U", issuer="https://lms.example.edu", client_id="c-1",
                        auth_login_url="https://lms.example.edu/auth",
                        auth_token_url="https://lms.example.edu/token",
                        jwks_url="https://lms.example.edu/jwks")
    db.session.add(platform)
    db.session.flush()
    deployment = Deployment(platform_id=platform.id, deployment_id="d-1")
    db.session.add(deployment)
    db.session.flush()
    course = Course(platform_id=platform.id, deployment_id=deployment.id, context_id="ctx-1",
                    title="Algebra 101")
    db.session.add(course)
    db.session.commit()
    return course


@pytest.fixture
def student(course):
    def make(given: str) -> LmsUser:
        user = LmsUser(platform_id=course.platform_id, sub=f"lms-sub-{given.lower()}",
                       given_name=given, family_name="Zabriskie", name=f"{given} Zabriskie",
                       email=f"{given.lower()}@students.example.edu")
        db.session.add(user)
        db.session.commit()
        return user

    return make


def ask(course, user, subject, minutes_ago=0, goal="", topic_text="") -> TutoringSession:
    return request_help(course, user, HelpRequest(subject.id, None, topic_text, QUESTION, goal),
                        test_user=False, now=utcnow() - timedelta(minutes=minutes_ago))


class Tutor:
    """A tutor signed in through the real sign-in, in their own browser."""

    def __init__(self, app, account: Account):
        self.account, self.client = account, app.test_client()
        assert sign_in(self.client, account.email, PASSWORD).status_code == 302
        self.token = csrf_token(self.get("/tutor/").text)

    def get(self, path: str, **kwargs):
        return self.client.get(path, base_url=TOOL, **kwargs)

    def post(self, path: str, data: dict | None = None, *, script: bool = False):
        headers = {"Referer": TOOL + "/tutor/"}
        if script:
            headers |= {"Accept": "application/json", "X-CSRFToken": self.token}
            return self.client.post(path, data=data or {}, headers=headers, base_url=TOOL)
        headers["Accept"] = "text/html,application/xhtml+xml,*/*;q=0.8"
        return self.client.post(path, data={**(data or {}), "csrf_token": self.token},
                                headers=headers, base_url=TOOL)


@pytest.fixture
def tutor(app, subjects):
    def make(email: str, name: str, *covers: str) -> Tutor:
        account = create_account(email, name, PASSWORD)
        account.is_tutor = True
        db.session.add_all(TutorSubject(account_id=account.id, subject_id=subjects[s].id)
                           for s in covers)
        db.session.commit()
        return Tutor(app, account)

    return make


@pytest.fixture
def joanetta(tutor) -> Tutor:
    return tutor("joanetta@tutors.example.org", "Joanetta Lopez", "Algebra")


def fresh(model, key):
    return db.session.get(model, key, populate_existing=True)


def accepted(tutor: Tutor, session: TutoringSession) -> str:
    response = tutor.post(f"/tutor/requests/{session.id}/accept")
    assert response.status_code == 302
    return response.headers["Location"]


def diagnosis_form(**fields) -> dict:
    form = {"observe_prior_required": "Needed factoring", "barrier": "prior_knowledge",
            "steps_prior_knowledge": ["Re-teach factoring", "", "Practice the goal"],
            "learning_goal": "Solve linear equations", "prerequisite": "low",
            "mastery": "partial", "exit_ticket_given": "yes", "exit_ticket": "60",
            "topic_id": "none"}
    return {**form, **fields}


def ended_and_diagnosed(tutor: Tutor, session: TutoringSession, **fields) -> Diagnosis:
    accepted(tutor, session)
    tutor.post(f"/tutor/sessions/{session.id}/end")
    response = tutor.post(f"/tutor/sessions/{session.id}/diagnosis", diagnosis_form(**fields))
    assert response.status_code == 302, response.text
    return db.session.execute(db.select(Diagnosis).filter_by(session_id=session.id)).scalar_one()


def test_queue_shows_the_tutors_subjects_oldest_first_with_the_first_name_only(
        joanetta, course, subjects, student):
    ask(course, student("Priya"), subjects["Algebra"], minutes_ago=2)
    ask(course, student("Tomas"), subjects["Statistics"], minutes_ago=9)
    ask(course, student("Cleo"), subjects["Algebra"], minutes_ago=7)
    page = joanetta.get("/tutor/").text
    assert page.index("Cleo") < page.index("Priya") and "Tomas" not in page
    assert "Algebra 101" in page and escape(QUESTION) in page and "7 min" in page
    assert "Zabriskie" not in page and "@students" not in page and "lms-sub-" not in page


def test_accepting_a_request_opens_its_chat(joanetta, course, subjects, student):
    session = ask(course, student("Priya"), subjects["Algebra"], goal="Solve for x")
    assert accepted(joanetta, session) == f"/tutor/sessions/{session.id}"
    page = joanetta.get(f"/tutor/sessions/{session.id}").text
    assert "Session with Priya" in page and "Solve for x" in page and 'data-status="active"' in page
    assert "This is Priya's first session" in page


def test_a_second_tutor_gets_409_and_the_first_keeps_the_student(
        joanetta, tutor, course, subjects, student):
    session = ask(course, student("Priya"), subjects["Algebra"])
    other = tutor("ravi@tutors.example.org", "Ravi Shah", "Algebra")
    accepted(joanetta, session)
    response = other.post(f"/tutor/requests/{session.id}/accept")
    assert response.status_code == 409 and "already taken" in response.text
    assert fresh(TutoringSession, session.id).tutor_id == joanetta.account.id


def test_a_tutor_must_record_the_diagnosis_before_taking_another_student(
        joanetta, course, subjects, student):
    first = ask(course, student("Priya"), subjects["Algebra"])
    waiting = ask(course, student("Tomas"), subjects["Algebra"])
    accepted(joanetta, first)
    assert joanetta.post(f"/tutor/sessions/{first.id}/end").headers["Location"].endswith(
        f"/tutor/sessions/{first.id}/diagnosis")
    console = joanetta.get("/tutor/").text
    assert "record the diagnosis before taking another student" in console
    assert re.search(rf'id="accept-{waiting.id}" disabled', console)
    response = joanetta.post(f"/tutor/requests/{waiting.id}/accept")
    assert response.status_code == 409 and "diagnosis" in response.text
    assert fresh(TutoringSession, waiting.id).status == "waiting"


def test_messages_go_both_ways_once_each(app, joanetta, course, subjects, student):
    session = ask(course, student("Priya"), subjects["Algebra"])
    accepted(joanetta, session)
    limits = ChatLimits.from_config(app.config)
    said = "I'm stuck <b>here</b>\nstep 2"
    post_message(session, "student", "Priya", said, "s-1", limits, utcnow())
    updates = joanetta.get(f"/tutor/sessions/{session.id}/updates?after=0&status=active").json
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
    quiet = joanetta.get(f"/tutor/sessions/{session.id}/updates?after=2&status=active").json
    assert quiet == {"status": "active", "messages": []}

    page = joanetta.get(f"/tutor/sessions/{session.id}").text
    assert 'data-seq="1"' in page and 'data-seq="2"' in page and 'data-after="2"' in page
    assert "&lt;b&gt;here&lt;/b&gt;" in page and "<b>here" not in page

    end_session(session, by="student", now=utcnow())
    ended = joanetta.get(f"/tutor/sessions/{session.id}/updates?after=2&status=active").json
    assert ended == {"status": "ended", "messages": []}


def test_sending_without_a_script_redirects_back_or_shows_the_problem(
        joanetta, course, subjects, student):
    session = ask(course, student("Priya"), subjects["Algebra"])
    accepted(joanetta, session)
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


def test_the_diagnosis_form_asks_what_was_observed_before_why(
        joanetta, course, subjects, student):
    session = ask(course, student("Priya"), subjects["Algebra"], goal="Solve for x")
    accepted(joanetta, session)
    joanetta.post(f"/tutor/sessions/{session.id}/end")
    page = joanetta.get(f"/tutor/sessions/{session.id}/diagnosis").text
    questions = [escape(q.text) for b in BARRIERS for q in b.observe]
    assert all(q in page for q in questions)
    assert max(page.index(q) for q in questions) < page.index("Why did it happen?")
    assert page.index("Why did it happen?") < page.index(escape(BARRIERS[0].name))
    assert '<select id="barrier"' not in page
    assert page.count('name="barrier"') == len(BARRIERS) + 1  # and "No barrier"
    for barrier in BARRIERS:
        assert f'id="barrier-{barrier.key}"' in page and escape(barrier.why) in page
        assert all(escape(step) in page for step in barrier.steps)
    assert 'value="Solve for x"' in page
    assert "reassessment" not in page  # a first session has no plan to reassess


def test_missing_fields_are_listed_next_to_their_fields_and_nothing_is_stored(
        joanetta, course, subjects, student):
    session = ask(course, student("Priya"), subjects["Algebra"])
    accepted(joanetta, session)
    joanetta.post(f"/tutor/sessions/{session.id}/end")
    response = joanetta.post(f"/tutor/sessions/{session.id}/diagnosis",
                             {"barrier": "precision", "observe_precision_slip": "Sign slip"})
    assert response.status_code == 400
    for problem in ("Write the session&#39;s learning goal.",
                    "Say whether prerequisite knowledge was adequate or low.",
                    "Say whether an exit ticket was given.",
                    "Choose the course topic the session was about, or none of them."):
        assert problem in response.text
    assert re.search(r'id="learning_goal"[^>]*aria-describedby="[^"]*learning_goal-error"',
                     response.text)
    assert 'value="Sign slip"' in response.text and 'id="barrier-precision" ' in response.text
    assert db.session.execute(db.select(Diagnosis)).first() is None
    assert fresh(TutoringSession, session.id).busy_tutor_id == joanetta.account.id


def test_a_valid_diagnosis_keeps_the_edited_steps_and_frees_the_tutor(
        joanetta, course, subjects, student):
    session = ask(course, student("Priya"), subjects["Algebra"])
    waiting = ask(course, student("Tomas"), subjects["Algebra"])
    diagnosis = ended_and_diagnosed(
        joanetta, session, steps_practice=["Not this one"], exit_ticket="75")
    assert diagnosis.next_steps == ["Re-teach factoring", "Practice the goal"]
    assert (diagnosis.barrier, diagnosis.exit_ticket, diagnosis.mastery) == (
        "prior_knowledge", 75, "partial")
    assert fresh(TutoringSession, session.id).busy_tutor_id is None
    assert f'id="accept-{waiting.id}" disabled' not in joanetta.get("/tutor/").text
    assert accepted(joanetta, waiting) == f"/tutor/sessions/{waiting.id}"


def test_a_returning_student_brings_the_last_plan_and_its_reassessment(
        joanetta, tutor, course, subjects, student):
    priya = student("Priya")
    first = ended_and_diagnosed(joanetta, ask(course, priya, subjects["Algebra"]))
    other = tutor("ravi@tutors.example.org", "Ravi Shah", "Algebra")
    again = ask(course, priya, subjects["Algebra"])
    accepted(other, again)
    page = other.get(f"/tutor/sessions/{again.id}").text
    assert "Reassess today:" in page and "Re-teach factoring" in page
    assert BY_KEY["prior_knowledge"].name in page and "60/100" in page

    other.post(f"/tutor/sessions/{again.id}/end")
    form_page = other.get(f"/tutor/sessions/{again.id}/diagnosis").text
    assert "Did the last plan&#39;s reassessment show improvement?" in form_page
    path = f"/tutor/sessions/{again.id}/diagnosis"
    unanswered = other.post(path, diagnosis_form(barrier="none"))
    assert unanswered.status_code == 400
    assert "Say whether the last plan&#39;s reassessment showed improvement." in unanswered.text
    assert other.post(path, diagnosis_form(barrier="none", reassessment="improved",
                                           reassessment_why="Factoring is solid now")
                      ).status_code == 302
    second = db.session.execute(db.select(Diagnosis).filter_by(session_id=again.id)).scalar_one()
    assert (second.reassessed_diagnosis_id, second.reassessment) == (first.id, "improved")


def test_another_tutor_cannot_open_or_act_on_the_session(joanetta, tutor, course, subjects,
                                                          student):
    session = ask(course, student("Priya"), subjects["Algebra"])
    accepted(joanetta, session)
    other = tutor("ravi@tutors.example.org", "Ravi Shah", "Algebra")
    base = f"/tutor/sessions/{session.id}"
    assert other.get(base).status_code == 404
    assert other.get(base + "/updates?after=0&status=active").status_code == 404
    assert other.get(base + "/diagnosis").status_code == 404
    for action in ("/messages", "/end", "/report", "/diagnosis"):
        assert other.post(base + action, {"body": "x", "reason": "x"}).status_code == 404
    assert fresh(TutoringSession, session.id).status == "active"


def test_a_session_can_be_reported_with_a_reason(joanetta, course, subjects, student):
    session = ask(course, student("Priya"), subjects["Algebra"])
    accepted(joanetta, session)
    path = f"/tutor/sessions/{session.id}/report"
    assert joanetta.post(path, {"reason": ""}).status_code == 400
    assert joanetta.post(path, {"reason": "Abusive language"}).status_code == 302
    [report] = db.session.execute(db.select(SessionReport)).scalars()
    assert (report.reporter_role, report.reason) == ("tutor", "Abusive language")


def test_my_page_lists_sessions_and_efficacy_figures(joanetta, tutor, course, subjects,
                                                     student):
    priya, start = student("Priya"), datetime(2025, 3, 10, 14, 0)
    topic = Topic(course_id=course.id, name="Linear equations")
    db.session.add(topic)
    db.session.flush()

    def session(tutor_id, minutes, rating=None, **diagnosis):
        row = TutoringSession(platform_id=course.platform_id, course_id=course.id,
                              student_id=priya.id, subject_id=subjects["Algebra"].id,
                              question="?", status="ended", tutor_id=tutor_id,
                              requested_at=start, started_at=start, rating=rating,
                              ended_at=start + timedelta(minutes=minutes))
        db.session.add(row)
        db.session.flush()
        if diagnosis:
            db.session.add(Diagnosis(session_id=row.id, tutor_id=tutor_id, learning_goal="g",
                                     prerequisite="adequate", **diagnosis))

    mine = joanetta.account.id
    session(mine, 18 + 13.2 / 60, rating=5, barrier="prior_knowledge", mastery="demonstrated",
            exit_ticket=80, reassessment="improved", topic_id=topic.id)
    session(mine, 30, rating=2, barrier="none", mastery="not_demonstrated",
            reassessment="not_assessed")
    session(mine, 12)  # ended, diagnosis still to record
    session(tutor("ravi@tutors.example.org", "Ravi Shah").account.id, 50, rating=1,
            barrier="none", mastery="partial", exit_ticket=10)
    db.session.commit()

    page = joanetta.get("/tutor/me").text
    assert "18.22" in page and "30.00" in page and "12.00" in page and "50.00" not in page
    assert "Linear equations" in page and "Prior knowledge issue" in page
    figures = dict(re.findall(r'id="(figure-[\w-]+|mastery-\w+|reassessment-\w+)">([^<]*)', page))
    assert figures["figure-sessions"] == "3"
    assert figures["figure-rating"].startswith("3.50 / 5")
    assert figures["figure-exit-ticket"].startswith("80.00 / 100")
    assert (figures["mastery-demonstrated"], figures["mastery-partial"],
            figures["mastery-not_demonstrated"]) == ("1", "0", "1")
    assert (figures["reassessment-improved"], figures["reassessment-not_improved"],
            figures["reassessment-not_assessed"]) == ("1", "0", "1")


def test_available_tutors_who_keep_the_console_open_count_as_online(app, joanetta, subjects):
    algebra, fresh_seconds = subjects["Algebra"].id, app.config["TUTOR_ONLINE_SECONDS"]
    assert online_tutor_counts(utcnow(), fresh_seconds) == {}  # away until they say otherwise
    assert joanetta.post("/tutor/availability", {"available": "1"}).status_code == 302
    assert online_tutor_counts(utcnow(), fresh_seconds) == {algebra: 1}

    account = fresh(Account, joanetta.account.id)
    account.last_seen_at = utcnow() - timedelta(minutes=10)  # the console was closed
    db.session.commit()
    assert online_tutor_counts(utcnow(), fresh_seconds) == {}
    assert joanetta.get("/tutor/queue/updates?version=").status_code == 200
    assert online_tutor_counts(utcnow(), fresh_seconds) == {algebra: 1}

    joanetta.post("/tutor/availability", {"available": "0"})
    assert online_tutor_counts(utcnow(), fresh_seconds) == {}


def test_queue_updates_answer_a_new_version_when_a_student_asks(
        joanetta, course, subjects, student):
    first = joanetta.get("/tutor/queue/updates?version=").json
    assert first["entries"] == [] and first["busy"] is False
    same = joanetta.get(f"/tutor/queue/updates?version={first['version']}").json
    assert same["version"] == first["version"]
    session = ask(course, student("Priya"), subjects["Algebra"], minutes_ago=3)
    news = joanetta.get(f"/tutor/queue/updates?version={first['version']}").json
    assert news["version"] != first["version"]
    assert [(e["id"], e["first_name"], e["wait_minutes"]) for e in news["entries"]] == [
        (session.id, "Priya", 3)]
    assert f'id="accept-{session.id}"' in news["html"] and "Zabriskie" not in news["html"]


def test_a_waiting_queue_poll_answers_when_a_student_asks(app, joanetta, course, subjects,
                                                         student):
    version = joanetta.get("/tutor/queue/updates?version=").json["version"]
    app.config["LIVE_WAIT_SECONDS"] = 60  # generous: the poll returns as soon as it sees news
    answer = {}
    poll = threading.Thread(target=lambda: answer.update(
        joanetta.get(f"/tutor/queue/updates?version={version}").json))
    poll.start()
    session = ask(course, student("Priya"), subjects["Algebra"])
    poll.join(60)
    assert [e["id"] for e in answer["entries"]] == [session.id]


def test_tutor_pages_need_a_signed_in_tutor(app, client, subjects):
    assert client.get("/tutor/", base_url=TOOL).headers["Location"].startswith("/account/login")
    create_account("admin@example.edu", "Admin", "admin-password-1", is_admin=True)
    admin = app.test_client()
    assert sign_in(admin, "admin@example.edu", "admin-password-1").status_code == 302
    assert admin.get("/tutor/", base_url=TOOL).status_code == 403

