"""Seed the chat benchmark's database: one course, N students, N tutors, N active sessions.

Run by bench/chat.py in a process of its own with the tool's environment, after
`flask db upgrade`; prints what the participants need as JSON on stdout:

    python bench/chat_seed.py --sessions 200 --token-seconds 900

Sessions become active through the tool's own services (request_help, then accept_session),
so every session has one student and one tutor, as it would after a real queue.
"""

import argparse
import json
import secrets

from werkzeug.security import generate_password_hash

from lti_tool import create_app
from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.launch_context import LaunchContext, issue, new_launch_id
from lti_tool.lms.presets import Endpoints
from lti_tool.models import Account, Course, LmsUser, Membership, Subject, TutorSubject
from lti_tool.services.help_requests import HelpRequest, request_help
from lti_tool.services.platforms import add_platform
from lti_tool.services.tutor_sessions import accept_session

LMS = "http://127.0.0.1:9"  # never fetched: nobody launches through it, tokens are minted here
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, required=True)
    parser.add_argument("--token-seconds", type=int, required=True,
                        help="lifetime of the students' launch tokens")
    return parser.parse_args()


def seed(count: int, token_seconds: int, secret_key: str) -> dict:
    """Create the people and the active sessions; return what the participants need."""
    endpoints = Endpoints("other", LMS, LMS + "/auth", LMS + "/token", LMS + "/jwks")
    platform = add_platform("Bench chat LMS", endpoints, "bench-chat", ["bench-chat"])
    deployment = platform.deployments[0]
    course = Course(platform_id=platform.id, deployment_id=deployment.id,
                    context_id="bench-chat", title="Bench course")
    subject = Subject(name="Bench Algebra")
    db.session.add_all([course, subject])
    db.session.flush()
    password = secrets.token_urlsafe(16)
    # One hash for everyone: hashing is slow on purpose, and 200 of them would be minutes.
    password_hash = generate_password_hash(password)
    students, tutors = [], []
    for n in range(1, count + 1):
        student = LmsUser(platform_id=platform.id, sub=f"bench-student-{n}",
                          name=f"Student {n}", given_name="Student", family_name=str(n))
        tutor = Account(email=f"tutor{n}@bench.test", name=f"Tutor {n}",
                        password_hash=password_hash, is_tutor=True, available=True)
        db.session.add_all([student, tutor])
        students.append(student)
        tutors.append(tutor)
    db.session.flush()
    for student, tutor in zip(students, tutors, strict=True):
        db.session.add_all([
            Membership(course_id=course.id, user_id=student.id, roles=[LEARNER]),
            TutorSubject(account_id=tutor.id, subject_id=subject.id),
        ])
    db.session.commit()

    now = utcnow()
    sessions = []
    for student, tutor in zip(students, tutors, strict=True):
        ask = HelpRequest(subject.id, None, "", f"Benchmark question of {student.name}", "")
        waiting = request_help(course, student, ask, test_user=False, now=now)
        session = accept_session(waiting.id, tutor, now)
        context = LaunchContext(
            platform_id=platform.id, deployment_id=deployment.id, user_id=student.id,
            course_id=course.id, staff=False, learner=True, designer=False, test_user=False,
            launch_id=new_launch_id(),
        )
        sessions.append({
            "id": session.id,
            "student_token": issue(context, secret_key, now, token_seconds),
            "tutor_email": tutor.email,
        })
    return {"password": password, "sessions": sessions}


def main() -> None:
    args = parse_args()
    app = create_app()
    with app.app_context():
        print(json.dumps(seed(args.sessions, args.token_seconds, app.config["SECRET_KEY"])))


if __name__ == "__main__":
    main()
