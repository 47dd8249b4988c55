"""Reopen the launch a page carries: its context, registration, person and course."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import load_only

from ..domain.roster import is_enrolled
from ..extensions import db
from ..launch_context import LaunchContext, read
from ..models import Course, Deployment, LmsUser, Membership, Platform


@dataclass(frozen=True)
class OpenLaunch:
    """What an LTI page needs: who, in which course, through which registration."""

    context: LaunchContext
    platform: Platform
    user: LmsUser
    course: Course | None
    enabled: bool
    # False once the roster says the person left the course (or was deactivated there) after
    # this launch: a page left open must not outlive the enrolment.
    enrolled: bool


# One round trip for what every LTI request needs: this runs on each page and each chat
# message. Built once, so that its compiled form is reused; it loads the columns pages use,
# and any other is read when first touched.
LAUNCH = (
    select(Platform, Deployment, LmsUser, Course, Membership.status, Membership.removed_at)
    .join(Deployment, Deployment.platform_id == Platform.id)
    .join(LmsUser, LmsUser.platform_id == Platform.id)
    .outerjoin(Course, (Course.id == bindparam("course_id"))
               & (Course.deployment_id == Deployment.id))
    .outerjoin(Membership, (Membership.course_id == Course.id)
               & (Membership.user_id == LmsUser.id))
    .where(Platform.id == bindparam("platform_id"), Deployment.id == bindparam("deployment_id"),
           LmsUser.id == bindparam("user_id"))
    .options(
        load_only(Platform.name, Platform.kind, Platform.enabled, Platform.frame_origins),
        load_only(Deployment.status),
        load_only(LmsUser.platform_id, LmsUser.name, LmsUser.given_name, LmsUser.family_name,
                  LmsUser.timezone),
        # With what the home pages check (roster and topics to refresh), each read otherwise.
        load_only(Course.platform_id, Course.deployment_id, Course.context_id, Course.title,
                  Course.label, Course.nrps_url, Course.roster_synced_at,
                  Course.ags_lineitems_url, Course.ags_scopes, Course.topics_synced_at),
    )
)


def open_launch(token: str | None, secret_key: str, now: datetime) -> OpenLaunch | None:
    """Return the launch a token carries, or None when the token is missing, forged or old."""
    context = read(token, secret_key, now) if token else None
    if context is None:
        return None
    row = db.session.execute(LAUNCH, {
        "platform_id": context.platform_id, "deployment_id": context.deployment_id,
        "user_id": context.user_id, "course_id": context.course_id,
    }).one_or_none()
    if row is None:
        return None
    platform, deployment, user, course, status, removed_at = row
    return OpenLaunch(
        context=context,
        platform=platform,
        user=user,
        course=course,
        enabled=platform.enabled and deployment.status == "approved",
        enrolled=course is None or is_enrolled(status, removed_at),
    )
