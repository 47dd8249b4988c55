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
    platform = db.session.get(Platform, context.platform_id)
    deployment = db.session.get(Deployment, context.deployment_id)
    user = db.session.get(LmsUser, context.user_id)
    if platform is None or deployment is None or user is None:
        return None
    return OpenLaunch(
        context=context,
        platform=platform,
        user=user,
        course=db.session.get(Course, context.course_id) if context.course_id else None,
        enabled=platform.enabled and deployment.status == "approved",
    )
