"""The sandbox demo: subject catalog, demo tutors, the demo course's topics and students, and
four weeks of tutoring history, created once however often setup runs."""

from datetime import datetime, timedelta

import pytest

from lti_tool.clock import utcnow
from lti_tool.domain.barriers import BY_KEY, NONE
from lti_tool.domain.diagnosis import MASTERY, PREREQUISITE
from lti_tool.extensions import db
from lti_tool.models import (
    Account,
    Course,
    Deployment,
    Diagnosis,
    LmsUser,
    Membership,
    Message,
    SessionReport,
    Subject,
    Topic,
    TutoringSession,
)
from lti_tool.queries.tutoring import latest_diagnosis_before, student_panel, tutor_queue
from lti_tool.services.help_requests import HelpRequest, request_help
from lti_tool.services.sandbox import set_up_sandbox
from tests.admin_session import sign_in
from tests.platform_fixture import TOOL

NOW = utcnow().replace(microsecond=0)
TABLES = (Account, Course, Diagnosis, LmsUser, Membership, Message, SessionReport, Subject,
          Topic, TutoringSession)


@pytest.fixture
def demo(app, tmp_path):
    app.config["SANDBOX_KEY_FILE"] = str(tmp_path / "sandbox.pem")
    return set_up_sandbox(app, NOW)


def counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(db.select(db.func.count()).select_from(model))
            for model in TABLES}


def student(sub: str) -> LmsUser:
    return db.session.execute(db.select(LmsUser).filter_by(sub=sub)).scalar_one()


def ask(sub: str, subject: str) -> TutoringSession:
    course = db.session.execute(db.select(Course)).scalar_one()
    subject_id = db.session.execute(db.select(Subject.id).filter_by(name=subject)).scalar_one()
    return request_help(course, student(sub), HelpRequest(subject_id, None, "", "Help?", ""),
                        test_user=False, now=NOW)


def test_setting_up_twice_adds_nothing_the_second_time(app, demo):
    before = counts()
    assert before["TutoringSession"] >= 35 and before["LmsUser"] == 30
    assert set_up_sandbox(app, NOW + timedelta(days=1)) == demo
    assert counts() == before


def test_demo_tutors_are_printed_and_can_sign_in(app, demo):
    assert [(email, name) for email, _, name, _ in demo["tutors"]] == [
        ("tutor@demo.example", "Joanetta Lewis"), ("tutor2@demo.example", "Ralph Nguyen")]
    for email, password, _, _ in demo["tutors"]:
        response = sign_in(app.test_client(), email, password)
        assert response.headers["Location"].removeprefix(TOOL) == "/tutor/"


def test_demo_tutor_is_available_and_sees_requests_in_their_subjects(demo):
    tutor = db.session.execute(
        db.select(Account).filter_by(email="tutor@demo.example")).scalar_one()
    assert tutor.is_tutor and tutor.active and tutor.available and not tutor.is_admin
    ask("student-02", "Statistics")
    ask("student-03", "Calculus")
    assert [e.subject for e in tutor_queue(tutor.id)] == ["Statistics"]


def test_demo_course_has_its_topics_and_every_student_as_a_learner(demo):
    course = db.session.execute(db.select(Course)).scalar_one()
    deployment = db.session.get(Deployment, course.deployment_id)
    # Keyed as the first launch will look it up, so that launch reuses this course.
    assert (deployment.deployment_id, course.context_id) == ("sandbox-deployment",
                                                             "demo-course-101")
    topics = db.session.execute(db.select(Topic.name, Topic.source)).all()
    assert sorted(topics) == [("Linear equations", "instructor"),
                              ("Quadratic functions", "instructor"),
                              ("Systems of equations", "instructor")]
    assert student("student-01").name == "Ava Adams"
    roles = db.session.execute(db.select(Membership.roles)).scalars().all()
    assert len(roles) == 30 and all(r[0].endswith("#Learner") for r in roles)


def test_history_covers_every_barrier_rating_and_diagnosis_value(demo):
    diagnoses = db.session.execute(db.select(Diagnosis)).scalars().all()
    assert {d.barrier for d in diagnoses} == {*BY_KEY, NONE}
    assert {d.prerequisite for d in diagnoses} == set(PREREQUISITE)
    assert {d.mastery for d in diagnoses} == set(MASTERY)
    assert any(d.exit_ticket is None for d in diagnoses)
    assert any(d.exit_ticket is not None for d in diagnoses)
    assert any(d.reassessment for d in diagnoses)
    sessions = db.session.execute(db.select(TutoringSession)).scalars().all()
    assert all(s.status == "ended" and s.ended_at <= NOW for s in sessions)
    assert min(s.started_at for s in sessions) >= NOW - timedelta(days=29)
    assert {s.rating for s in sessions} >= {None, 4, 5}


def test_every_seeded_follow_up_is_the_plan_a_live_session_would_follow_up(demo):
    diagnoses = db.session.execute(db.select(Diagnosis)).scalars().all()
    for diagnosis in diagnoses:
        if diagnosis.reassessed_diagnosis_id is not None:
            previous = latest_diagnosis_before(diagnosis.session)
            assert diagnosis.reassessed_diagnosis_id == previous.id


def history_is_in_the_past_and_nobody_is_in_two_sessions_at_once(now) -> None:
    sessions = db.session.execute(
        db.select(TutoringSession).order_by(TutoringSession.started_at)).scalars().all()
    assert all(s.ended_at <= now and (s.rated_at or now) <= now for s in sessions)
    for person in ("tutor_id", "student_id"):
        ends: dict[int, datetime] = {}
        for s in sessions:
            assert ends.get(getattr(s, person), s.started_at) <= s.started_at
            ends[getattr(s, person)] = s.ended_at


def test_history_is_in_the_past_and_never_double_books_anyone(demo):
    history_is_in_the_past_and_nobody_is_in_two_sessions_at_once(NOW)


def test_history_made_just_after_midnight_is_consistent_too(app, tmp_path):
    app.config["SANDBOX_KEY_FILE"] = str(tmp_path / "sandbox.pem")
    just_after_midnight = NOW.replace(hour=0, minute=30, second=0)
    set_up_sandbox(app, just_after_midnight)
    history_is_in_the_past_and_nobody_is_in_two_sessions_at_once(just_after_midnight)


def test_ava_returns_with_a_plan_to_reassess(demo):
    session = ask("student-01", "Algebra")
    panel = student_panel(session)
    assert len(panel.past) >= 7 and panel.reassessment_due
    assert panel.last.barrier in BY_KEY and panel.plan


def test_transcripts_read_like_the_seed_and_one_session_is_reported(demo):
    bodies = db.session.execute(db.select(Message.body)).scalars().all()
    assert "what method do you like to use to solve these??" in bodies
    report = db.session.execute(db.select(SessionReport)).scalar_one()
    assert report.resolved_at is None and report.session.status == "ended"
