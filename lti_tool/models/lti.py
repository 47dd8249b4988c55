"""LMS registrations, their deployments, and the keys on both sides."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db


class Platform(db.Model):
    """One LMS registration, keyed by (issuer, client_id); cloud Canvas schools share an issuer."""

    __tablename__ = "platforms"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="other")  # canvas, moodle, sandbox, other
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    auth_login_url: Mapped[str] = mapped_column(String(1000))
    auth_token_url: Mapped[str] = mapped_column(String(1000))
    auth_audience: Mapped[str | None] = mapped_column(String(1000))
    jwks_url: Mapped[str] = mapped_column(String(1000))
    # Audiences besides our client id that this platform may list in `aud` (SEC 5.1.3 step 3).
    extra_audiences: Mapped[list] = mapped_column(JSON, default=list)
    enabled: Mapped[bool] = mapped_column(default=True)
    # Origins allowed to frame our pages, learnt from signed launch claims and the registration.
    frame_origins: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    deployments: Mapped[list["Deployment"]] = relationship(
        back_populates="platform", cascade="all, delete-orphan", order_by="Deployment.id"
    )
    key_cache: Mapped["PlatformKeyCache | None"] = relationship(viewonly=True)


class Deployment(db.Model):
    """One install of a registration; launches need it approved."""

    __tablename__ = "deployments"
    __table_args__ = (UniqueConstraint("platform_id", "deployment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id"), index=True)
    deployment_id: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(
        String(20), default="approved"
    )  # approved, pending, disabled
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    platform: Mapped[Platform] = relationship(back_populates="deployments")


class PlatformKeyCache(db.Model):
    """The last good key set fetched from a platform's JWKS URL, shared by every worker."""

    __tablename__ = "platform_key_cache"

    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id"), primary_key=True)
    keys: Mapped[dict | None] = mapped_column(JSON)
    fetched_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    # Claimed atomically before a fetch, so a flood of unknown kids refetches once per interval.
    last_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class ToolKey(db.Model):
    """One of the tool's RSA signing keys; the private half is encrypted at rest."""

    __tablename__ = "tool_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    public_pem: Mapped[str] = mapped_column(Text)
    private_pem_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when a newer key replaces this one; the key stays published until the overlap ends.
    retired_at: Mapped[datetime | None]


class ServiceToken(db.Model):
    """A platform's access token for one set of service scopes, shared by every worker."""

    __tablename__ = "service_tokens"
    # Keyed by registration, not issuer: cloud Canvas schools share an issuer, never a token.
    __table_args__ = (UniqueConstraint("platform_id", "token_url", "scopes"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id"))
    token_url: Mapped[str] = mapped_column(String(1000))
    scopes: Mapped[str] = mapped_column(String(1000))  # the requested scopes, sorted
    access_token_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    granted_scopes: Mapped[str | None] = mapped_column(String(1000))
    expires_at: Mapped[datetime | None]
    # Claimed atomically before a token request, so workers do not stampede the LMS.
    requested_at: Mapped[datetime | None]


class Invitation(db.Model):
    """A single-use, expiring link that lets an LMS admin register the tool."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    platform_id: Mapped[int | None] = mapped_column(ForeignKey("platforms.id"))
