"""Register, list, disable platforms; approve deployments; invite LMS admins."""

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from ..extensions import db
from ..lms.limits import origin
from ..lms.presets import Endpoints
from ..lms.registry import find_platform
from ..models import Deployment, Invitation, Platform

log = logging.getLogger(__name__)


class PlatformError(ValueError):
    """A platform operation that cannot be done as asked; the message says why."""


def add_platform(
    name: str,
    endpoints: Endpoints,
    client_id: str,
    deployment_ids: list[str],
    audience: str | None = None,
) -> Platform:
    """Register (issuer, client_id) with approved deployments, or add deployments to it."""
    platform = stage_platform(name, endpoints, client_id, deployment_ids, audience)
    db.session.commit()
    log.info("platform %s registered or updated (%s)", platform.id, platform.kind)
    return platform


def stage_platform(
    name: str,
    endpoints: Endpoints,
    client_id: str,
    deployment_ids: list[str],
    audience: str | None = None,
) -> Platform:
    """Add or update a registration in the session, as add_platform does; the caller commits."""
    platform = find_platform(endpoints.issuer, client_id)
    if platform is None:
        platform = Platform(
            name=name,
            kind=endpoints.kind,
            issuer=endpoints.issuer,
            client_id=client_id,
            auth_login_url=endpoints.auth_login_url,
            auth_token_url=endpoints.auth_token_url,
            auth_audience=audience,
            jwks_url=endpoints.jwks_url,
            frame_origins=sorted(
                {o for o in (origin(endpoints.issuer), origin(endpoints.auth_login_url)) if o}
            ),
            extra_audiences=[],
        )
        db.session.add(platform)
        db.session.flush()
    known = {d.deployment_id for d in platform.deployments}
    for deployment_id in deployment_ids:
        if deployment_id not in known:
            platform.deployments.append(Deployment(deployment_id=deployment_id, status="approved"))
    db.session.flush()
    return platform


def list_platforms() -> list[Platform]:
    """Return every registration with its deployments."""
    return list(db.session.execute(db.select(Platform).order_by(Platform.id)).scalars())


def get_platform(platform_id: int) -> Platform:
    """Return one registration or raise PlatformError."""
    platform = db.session.get(Platform, platform_id)
    if platform is None:
        raise PlatformError(f"no platform with id {platform_id}")
    return platform


def set_platform_enabled(platform_id: int, enabled: bool) -> Platform:
    """Enable or disable a registration; a disabled one refuses every launch."""
    platform = get_platform(platform_id)
    platform.enabled = enabled
    db.session.commit()
    log.info("platform %s %s", platform.id, "enabled" if enabled else "disabled")
    return platform


def set_deployment_status(deployment_pk: int, status: str) -> Deployment:
    """Approve or disable one deployment."""
    if status not in ("approved", "disabled"):
        raise PlatformError("status must be approved or disabled")
    deployment = db.session.get(Deployment, deployment_pk)
    if deployment is None:
        raise PlatformError(f"no deployment with id {deployment_pk}")
    deployment.status = status
    db.session.commit()
    log.info("deployment %s %s", deployment.id, status)
    return deployment


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_invitation(note: str, now: datetime, ttl_hours: int) -> str:
    """Create a single-use registration invitation and return its secret token."""
    token = secrets.token_urlsafe(24)
    db.session.add(
        Invitation(
            token_hash=_token_hash(token),
            note=note,
            created_at=now,
            expires_at=now + timedelta(hours=ttl_hours),
        )
    )
    db.session.commit()
    return token


def find_open_invitation(token: str | None, now: datetime) -> Invitation | None:
    """Return the invitation a token opens, if it is unused and unexpired."""
    if not token:
        return None
    invitation = db.session.execute(
        db.select(Invitation).filter_by(token_hash=_token_hash(token))
    ).scalar_one_or_none()
    if invitation is None or invitation.used_at is not None or invitation.expires_at <= now:
        return None
    return invitation


def redeem_invitation(invitation: Invitation | None, platform: Platform, now: datetime) -> bool:
    """Mark an invitation used by its registration; False if another request did first."""
    if invitation is None:
        return True
    # Claim only an unused row, so two registrations racing on one invitation cannot both win;
    # the caller commits.
    claimed = db.session.execute(
        db.update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
        .values(used_at=now, platform_id=platform.id)
    )
    return claimed.rowcount == 1
