"""Set up the sandbox LMS: register it with the tool, create the demo accounts, the demo
course with its topics and students, and its tutoring history."""

from datetime import datetime

from flask import Flask

from ..clock import utcnow
from ..extensions import db
from ..lms.claims import AGS_SCOPES
from ..lms.presets import Endpoints
from ..models import Account, Course, Platform, Subject, Topic
from ..models.rows import get_or_insert
from ..sandbox import history
from ..sandbox.instance import sandbox_platform
from ..sandbox.platform import SandboxPlatform
from .accounts import create_account
from .platforms import add_platform
from .subjects import catalog_path, load_catalog, subjects_named
from .tool_keys import generate_key
from .tutors import create_tutor

DEMO_ADMIN = ("admin@demo.example", "Demo Admin", "demo-admin-password")
DEMO_TUTORS = (
    ("tutor@demo.example", "Joanetta Lewis", "demo-tutor-password",
     ("Algebra", "Statistics", "Finance")),
    ("tutor2@demo.example", "Ralph Nguyen", "demo-tutor-password", ("Calculus", "English")),
)


def set_up_sandbox(app: Flask, now: datetime | None = None) -> dict:
    """Register the sandbox platform, demo accounts, course and history (idempotent); return
    what to print."""
    now = now or utcnow()
    generate_key(app.config)
    platform = sandbox_platform(app)
    record = add_platform(
        "Sandbox LMS",
        Endpoints("sandbox", platform.issuer, platform.auth_url, platform.token_url,
                  platform.jwks_url),
        platform.client_id,
        [platform.deployment_id],
    )
    email, name, password = DEMO_ADMIN
    if _account(email) is None:
        create_account(email, name, password, is_admin=True)
    load_catalog(catalog_path())
    tutors = {}
    for t_email, t_name, t_password, covered in DEMO_TUTORS:
        tutor = _account(t_email) or _demo_tutor(t_email, t_name, t_password, covered)
        tutors.update(dict.fromkeys(covered, tutor))
    course = _demo_course(record, platform)
    students = history.seed_people(record.id, course, platform.course.members)
    history.seed_history(course, students, tutors, now)
    db.session.commit()
    return {
        "sandbox_url": platform.base_url + "/",
        "admin": (email, password),
        "tutors": [(e, p, n, covered) for e, n, p, covered in DEMO_TUTORS],
    }


def _account(email: str) -> Account | None:
    return db.session.execute(db.select(Account).filter_by(email=email)).scalar_one_or_none()


def _demo_tutor(email: str, name: str, password: str, covered: tuple[str, ...]) -> Account:
    tutor = create_tutor(email, name, password, [s.id for s in subjects_named(list(covered))])
    tutor.available = True  # ready for the queue as soon as they sign in
    db.session.commit()
    return tutor


def _demo_course(record: Platform, platform: SandboxPlatform) -> Course:
    # Keyed as a launch keys it, so the first launch finds this row and fills in the rest.
    deployment = next(d for d in record.deployments if d.deployment_id == platform.deployment_id)
    demo = platform.course
    course = get_or_insert(Course, {"deployment_id": deployment.id, "context_id": demo.context_id},
                           {"platform_id": record.id, "title": demo.title, "label": demo.label})
    # The endpoints a launch would bring, so the worker can read the roster and the gradebook
    # before anyone has launched.
    course.nrps_url = course.nrps_url or platform.memberships_url
    course.ags_lineitems_url = course.ags_lineitems_url or platform.lineitems_url
    course.ags_scopes = course.ags_scopes or list(AGS_SCOPES)
    db.session.flush()
    algebra = db.session.execute(db.select(Subject).filter_by(name="Algebra")).scalar_one_or_none()
    for topic in demo.topics:
        get_or_insert(Topic, {"course_id": course.id, "name": topic},
                      {"subject_id": algebra.id if algebra else None, "source": "instructor"})
    db.session.flush()
    return course
