"""Reopen the launch a page carries: its context, registration, person and course."""

from dataclasses import dataclass
from datetime import datetime

from ..extensions import db
from ..launch_context import LaunchContext, read
from ..models import Course, Deployment, LmsUser, Platform


@dataclass(frozen=True)
class OpenLaunch:
    """What an LTI page needs: who, in which course, through which registration."""

    context: LaunchContext
    platform: Platform
    user: LmsUser
    course: Course | None
    enabled: bool


def open_launch(token: str | None, secret_key: str, now: datetime) -> OpenLaunch | None:
    """Return the launch a token carries, or None when the token is missing, forged or old."""
    context = read(token, secret_key, now) if token else None
    if context is None:
        return None
    # One round trip for what every LTI request needs: this runs on each page and each poll.
    row = db.session.execute(
        db.select(Platform, Deployment, LmsUser, Course)
        .join(Deployment, Deployment.platform_id == Platform.id)
        .join(LmsUser, LmsUser.platform_id == Platform.id)
        .outerjoin(Course, (Course.id == context.course_id)
                   & (Course.deployment_id == Deployment.id))
        .where(Platform.id == context.platform_id, Deployment.id == context.deployment_id,
               LmsUser.id == context.user_id)
    ).one_or_none()
    if row is None:
        return None
    platform, deployment, user, course = row
    return OpenLaunch(
        context=context,
        platform=platform,
        user=user,
        course=course,
        enabled=platform.enabled and deployment.status == "approved",
    )
