"""Register the tool with an LMS, by Dynamic Registration or by hand, behind an invitation."""

import logging
from datetime import datetime
from urllib.parse import urlsplit

from ..extensions import db
from ..lms import dynamic_registration
from ..lms.errors import RegistrationFailed
from ..lms.http import OutboundPolicy
from ..lms.presets import Endpoints
from ..lms.registry import find_platform
from ..lms.tool_config import ToolConfig, canvas_developer_key
from ..models import Invitation, Platform
from .platforms import find_open_invitation, redeem_invitation, stage_platform
from .registration_form import FormInvalid, read_form

log = logging.getLogger(__name__)


class InvitationRequired(Exception):
    """Registration needs an open invitation, and none came with the request."""


def canvas_json(config: dict) -> dict:
    """Return the Canvas developer-key JSON."""
    return canvas_developer_key(ToolConfig.from_config(config))


def open_invitation(token: str | None, config: dict, now: datetime) -> Invitation | None:
    """Return the invitation that opens registration, or None when registration is open to all."""
    invitation = find_open_invitation(token, now)
    if invitation is None and not config["OPEN_REGISTRATION"]:
        log.info(
            "registration refused: %s",
            "invitation unknown, used or expired" if token else "no invitation",
        )
        raise InvitationRequired()
    return invitation


def register_dynamically(
    configuration_url: str,
    registration_token: str | None,
    invitation: Invitation | None,
    config: dict,
    now: datetime,
) -> Platform:
    """Register with the LMS that sent the admin here, then store what it made."""
    try:
        made = dynamic_registration.register(
            configuration_url,
            registration_token,
            ToolConfig.from_config(config),
            OutboundPolicy.from_config(config),
        )
    except RegistrationFailed as failure:
        log.warning("dynamic registration failed: %s", failure)
        raise
    deployments = [made.deployment_id] if made.deployment_id else []
    platform = _store(made.endpoints, made.client_id, deployments, made.audience, invitation, now)
    log.info(
        "dynamic registration: platform %s (%s), deployment %s",
        platform.id,
        platform.kind,
        made.deployment_id or "none yet",
    )
    return platform


def register_manually(
    form: dict, invitation: Invitation | None, config: dict, now: datetime
) -> Platform:
    """Store a registration an LMS admin made by hand; raise FormInvalid on any bad field."""
    entry = read_form(form, OutboundPolicy.from_config(config))
    if find_platform(entry.endpoints.issuer, entry.client_id) is not None:
        # An invitation creates a registration; it never changes someone else's.
        raise FormInvalid(
            {
                "client_id": "This client id is already registered for this LMS. Ask the "
                "service administrator to add your deployments to it."
            }
        )
    platform = _store(entry.endpoints, entry.client_id, entry.deployment_ids, None, invitation, now)
    log.info("manual registration: platform %s (%s)", platform.id, platform.kind)
    return platform


def _store(
    endpoints: Endpoints,
    client_id: str,
    deployment_ids: list[str],
    audience: str | None,
    invitation: Invitation | None,
    now: datetime,
) -> Platform:
    name = (invitation.note if invitation else "") or (
        f"{urlsplit(endpoints.issuer).hostname} ({client_id})"
    )
    platform = stage_platform(name[:200], endpoints, client_id, deployment_ids, audience)
    if not redeem_invitation(invitation, platform, now):
        db.session.rollback()
        log.info("registration refused: invitation redeemed by another request")
        raise InvitationRequired()
    db.session.commit()
    return platform
