"""LMS users, courses, memberships and resource links, kept current from launches."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db


class LmsUser(db.Model):
    """A person as one platform knows them: (platform, sub)."""

    __tablename__ = "lms_users"
    __table_args__ = (UniqueConstraint("platform_id", "sub"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id"))
    sub: Mapped[str] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(255))
    given_name: Mapped[str | None] = mapped_column(String(255))
    family_name: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320))
    timezone: Mapped[str | None] = mapped_column(String(64))
    last_launch_at: Mapped[datetime | None]

    @property
    def display_name(self) -> str:
        """Name to show; launches without PII still get a usable label."""
        full = self.name or " ".join(p for p in (self.given_name, self.family_name) if p)
        return full or "LMS user"


class Course(db.Model):
    """An LTI context within one deployment, with the service endpoints its launches carried."""

    __tablename__ = "courses"
    __table_args__ = (UniqueConstraint("deployment_id", "context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id"), index=True)
    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployments.id"))
    context_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(String(255))
    label: Mapped[str | None] = mapped_column(String(255))
    nrps_url: Mapped[str | None] = mapped_column(String(1000))
    ags_lineitems_url: Mapped[str | None] = mapped_column(String(1000))
    ags_scopes: Mapped[list] = mapped_column(JSON, default=list)
    # The roster from Names and Roles: when the last full sync finished, when one was last
    # tried or queued, why it failed, and the next page of a sync in progress (a checkpoint).
    roster_synced_at: Mapped[datetime | None]
    roster_requested_at: Mapped[datetime | None]
    roster_error: Mapped[str | None] = mapped_column(String(1000))
    roster_sync_started_at: Mapped[datetime | None]
    roster_next_url: Mapped[str | None] = mapped_column(String(1000))
    # When the tool's own line items were last read into course topics.
    topics_synced_at: Mapped[datetime | None]
    # Send exit-ticket results to the LMS gradebook (an instructor's choice, off by default).
    sends_mastery_scores: Mapped[bool] = mapped_column(default=False)
    last_launch_at: Mapped[datetime | None] = mapped_column(index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def display_title(self) -> str:
        """Title to show, falling back to the label."""
        return self.title or self.label or "Untitled course"

    def grants(self, *scopes: str) -> bool:
        """Whether the course's launches granted the tool any of these service scopes."""
        return any(scope in (self.ags_scopes or []) for scope in scopes)


class Membership(db.Model):
    """A user's roles in a course, as last seen in a launch or a roster sync."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("course_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_users.id"), index=True)
    roles: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="Active")
    is_test_user: Mapped[bool] = mapped_column(default=False)
    # When the member was last seen: by a launch, or by the roster sync that started at this
    # time. A member a full sync did not see since it started has left the course: marked
    # with removed_at, never deleted.
    roster_seen_at: Mapped[datetime | None]
    removed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped[LmsUser] = relationship()
    course: Mapped[Course] = relationship()


class ResourceLink(db.Model):
    """A placement of the tool in a course, with the return URL its last launch gave."""

    __tablename__ = "resource_links"
    __table_args__ = (UniqueConstraint("course_id", "link_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    link_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(String(255))
    custom: Mapped[dict] = mapped_column(JSON, default=dict)
    ags_lineitem_url: Mapped[str | None] = mapped_column(String(1000))
    return_url: Mapped[str | None] = mapped_column(String(1000))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
