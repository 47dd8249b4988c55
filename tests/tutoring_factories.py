"""Rows for tutoring tests, made directly: a course with students, subjects, tutors, help
requests; and a tutor's browser, signed in through the real sign-in."""

import json
from dataclasses import dataclass, field
from datetime import timedelta

from werkzeug.security import generate_password_hash

from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.models import (
    Account,
    Course,
    Deployment,
    LmsUser,
    Membership,
    Platform,
    Subject,
    TutoringSession,
    TutorSubject,
)
from lti_tool.services.chat import Sender
from lti_tool.services.help_requests import HelpRequest, request_help
from tests.admin_session import csrf_token, sign_in
from tests.platform_fixture import TOOL

LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
QUESTION = "How do I solve 2x + 3 = 7?"
# One cheap hash for every test tutor: the default one takes a noticeable fraction of a second.
PASSWORD = "tutor-password-123"
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


@dataclass
class School:
    platform: Platform
    course: Course
    students: list[LmsUser] = field(default_factory=list)


def make_school(students: int = 2, name: str = "lms") -> School:
    """Create a platform, an approved deployment and a course with `students` learners."""
    platform = Platform(name=name, issuer=f"https://{name}.test", client_id="c",
                        auth_login_url="https://x.test/a", auth_token_url="https://x.test/t",
                        jwks_url="https://x.test/j")
    deployment = Deployment(platform=platform, deployment_id="d", status="approved")
    db.session.add_all([platform, deployment])
    db.session.flush()
    course = Course(platform_id=platform.id, deployment_id=deployment.id, context_id="c1",
                    title="MATH 101")
    db.session.add(course)
    db.session.flush()
    school = School(platform, course)
    for n in range(students):
        user = LmsUser(platform_id=platform.id, sub=f"s{n}", name=f"Student{n} Last",
                       given_name=f"Student{n}", email=f"s{n}@school.test")
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(course_id=course.id, user_id=user.id, roles=[LEARNER]))
        school.students.append(user)
    db.session.commit()
    return school


def make_student(course: Course, given: str, family: str = "Zabriskie") -> LmsUser:
    """Create a learner in the course; sub and email say who they are, for pages to hide."""
    user = LmsUser(platform_id=course.platform_id, sub=f"lms-sub-{given.lower()}",
                   given_name=given, family_name=family, name=f"{given} {family}",
                   email=f"{given.lower()}@students.example.edu")
    db.session.add(user)
    db.session.flush()
    db.session.add(Membership(course_id=course.id, user_id=user.id, roles=[LEARNER]))
    db.session.commit()
    return user


def make_subject(name: str = "Algebra") -> Subject:
    subject = Subject(name=name)
    db.session.add(subject)
    db.session.commit()
    return subject


def make_tutor(email: str, *subjects: Subject, name: str = "Joanetta Lewis") -> Account:
    """Create an active tutor covering `subjects`, password PASSWORD."""
    tutor = Account(email=email, name=name, password_hash=PASSWORD_HASH, is_tutor=True)
    db.session.add(tutor)
    db.session.flush()
    db.session.add_all(TutorSubject(account_id=tutor.id, subject_id=s.id) for s in subjects)
    db.session.commit()
    return tutor


def ask(course: Course, student: LmsUser, subject: Subject, minutes_ago: int = 0, *,
        question: str = QUESTION, goal: str = "", topic_text: str = "") -> TutoringSession:
    """Have the student ask for help, `minutes_ago` minutes ago."""
    return request_help(course, student, HelpRequest(subject.id, None, topic_text, question, goal),
                        test_user=False, now=utcnow() - timedelta(minutes=minutes_ago))


def sender(session: TutoringSession, role: str, name: str) -> Sender:
    """Return the session's student or tutor as the chat service takes a sender."""
    if role == "student":
        return Sender("student", name, session.student_id, session.course_id)
    return Sender("tutor", name, session.tutor_id)


def fresh(model, key):
    """Return the row as the database has it now, not as this session last saw it."""
    return db.session.get(model, key, populate_existing=True)


def live_events(response) -> list[dict]:
    """Return the events a live page's stream sent (in tests, streams end after the first)."""
    assert response.status_code == 200, response.text
    assert response.mimetype == "text/event-stream"
    return [json.loads(line.removeprefix("data: ")) for line in response.text.splitlines()
            if line.startswith("data: ")]


def opening_event(response) -> dict:
    """Return the one event a stream that ends at once sent: the state when it opened."""
    [event] = live_events(response)
    return event


class Tutor:
    """A tutor signed in through the real sign-in, in their own browser."""

    def __init__(self, app, account: Account, password: str = PASSWORD):
        self.account, self.client = account, app.test_client()
        assert sign_in(self.client, account.email, password).status_code == 302
        self.token = csrf_token(self.get("/tutor/").text)

    def get(self, path: str, **query):
        return self.client.get(path, query_string=query, base_url=TOOL)

    def post(self, path: str, data: dict | None = None, *, script: bool = False):
        """Post as the console's script does (JSON, token in a header) or as a form."""
        headers = {"Referer": TOOL + "/tutor/"}
        if script:
            headers |= {"Accept": "application/json", "X-CSRFToken": self.token}
            return self.client.post(path, data=data or {}, headers=headers, base_url=TOOL)
        headers["Accept"] = "text/html,application/xhtml+xml,*/*;q=0.8"
        return self.client.post(path, data={**(data or {}), "csrf_token": self.token},
                                headers=headers, base_url=TOOL)

    def accept(self, session: TutoringSession) -> str:
        """Accept the student's request; return where the tutor is sent."""
        response = self.post(f"/tutor/requests/{session.id}/accept")
        assert response.status_code == 302, response.text
        return response.headers["Location"]


def sign_in_tutor(app, email: str, *subjects: Subject, name: str = "Joanetta Lewis") -> Tutor:
    """Create a tutor covering `subjects` and sign them in in a browser of their own."""
    return Tutor(app, make_tutor(email, *subjects, name=name))
