"""Rows for tutoring tests, made directly: a course with students, subjects, tutors."""

from dataclasses import dataclass, field

from werkzeug.security import generate_password_hash

from lti_tool.extensions import db
from lti_tool.models import (
    Account,
    Course,
    Deployment,
    LmsUser,
    Membership,
    Platform,
    Subject,
    TutorSubject,
)

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
        db.session.add(Membership(course_id=course.id, user_id=user.id,
                                  roles=["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]))
        school.students.append(user)
    db.session.commit()
    return school


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
