"""Fixtures and helpers for a student's side of tutoring: Ava in MATH 101, Sam her tutor.

A test module imports the fixtures it uses, the autouse one included, as
`from tests.student_fixtures import fixture_chat as fixture_chat`: pytest finds them by the
name given to @pytest.fixture, and the explicit alias tells ruff the import is meant.
"""

import re
from types import SimpleNamespace

import pytest

from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.models import (
    Account,
    Course,
    LmsUser,
    Message,
    Subject,
    Topic,
    TutoringSession,
    TutorSubject,
)
from lti_tool.services.chat import ChatLimits, post_message
from lti_tool.services.tutor_sessions import accept_session
from tests.platform_fixture import TOOL
from tests.tutoring_factories import sender

HEADING = re.compile(r"\[\d\d:\d\d:\d\d\] Ava \(Student\)")


@pytest.fixture(name="catalog")
def fixture_catalog(app):
    algebra, statistics = Subject(name="Algebra"), Subject(name="Statistics")
    tutor = Account(email="sam@tutors.example", name="Sam Rivera", password_hash="-",
                    is_tutor=True)
    db.session.add_all([algebra, statistics, tutor])
    db.session.flush()
    db.session.add(TutorSubject(account_id=tutor.id, subject_id=algebra.id))
    db.session.commit()
    return SimpleNamespace(algebra=algebra, statistics=statistics, tutor=tutor)


@pytest.fixture(name="student")
def fixture_student(lms, catalog):
    """Ava, launched from MATH 101 as a Learner; the course has two topics."""
    _, token = lms.land(lms.launch("student-01"))
    course = db.session.execute(db.select(Course)).scalar_one()
    topics = [Topic(course_id=course.id, name=name) for name in ("Linear equations", "Ratios")]
    db.session.add_all(topics)
    db.session.commit()
    return SimpleNamespace(token=token, course=course, topics=topics,
                           user=db.session.execute(
                               db.select(LmsUser).filter_by(sub="student-01")).scalar_one())


@pytest.fixture(name="chat")
def fixture_chat(client, student, catalog):
    """Ava's request in Algebra, taken by Sam."""
    ask(client, student.token, catalog.algebra)
    session = sessions()[0]
    accept_session(session.id, catalog.tutor, utcnow())
    return SimpleNamespace(id=session.id, path=f"/tutoring/sessions/{session.id}",
                           session=session)


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


def tutor_says(chat, text: str) -> Message:
    session = db.session.get(TutoringSession, chat.id)
    return post_message(chat.id, sender(session, "tutor", "Sam"), text, None,
                        ChatLimits(2000, 100, 5), utcnow()).message


def login_other(lms, user_id="student-02") -> str:
    return lms.land(lms.launch(user_id))[1]
