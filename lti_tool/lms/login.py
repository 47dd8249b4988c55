"""OIDC third-party login initiation: check the request, store the state, build the auth URL."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode, urlsplit

from sqlalchemy import func

from ..extensions import db
from ..models import LaunchState, Platform
from .errors import LaunchRefused
from .limits import MAX_URL_LENGTH, bounded_id
from .registry import find_platform
from .state_binding import binding_hash
from .tool_config import LAUNCH_PATH, launch_url


@dataclass(frozen=True)
class LoginRedirect:
    """Where to send the browser next, and the secret that binds the state to it."""

    auth_url: str
    state: str
    binding_secret: str
    platform: Platform


def is_our_launch_target(url: str, tool_url: str) -> bool:
    """Accept only our own origin and launch path; the login request is unsigned."""
    target, ours = urlsplit(url), urlsplit(tool_url)
    return (
        (target.scheme, target.netloc.lower()) == (ours.scheme, ours.netloc.lower())
        and target.path == LAUNCH_PATH
    )


def _pending_logins(platform: Platform, now: datetime, cap: int) -> int:
    # Counting stops at the cap, so a full table costs no more than the cap to check.
    pending = (
        db.select(LaunchState.state)
        .where(LaunchState.platform_id == platform.id, LaunchState.expires_at > now)
        .limit(cap)
        .subquery()
    )
    return db.session.execute(db.select(func.count()).select_from(pending)).scalar_one()


def begin_login(
    params: dict, tool_url: str, now: datetime, ttl_seconds: int, max_pending: int
) -> LoginRedirect:
    """Validate a login initiation and record its state; the caller commits."""
    issuer, login_hint = params.get("iss"), params.get("login_hint")
    target_link_uri = params.get("target_link_uri")
    if not issuer or not login_hint or not target_link_uri:
        raise LaunchRefused("login_params_missing", 400)
    deployment_id = params.get("lti_deployment_id") or None
    if len(target_link_uri) > MAX_URL_LENGTH or (deployment_id and not bounded_id(deployment_id)):
        raise LaunchRefused("login_params_invalid", 400)
    platform = find_platform(issuer, params.get("client_id"))
    if platform is None:
        raise LaunchRefused("registration_unknown", 400, hint="register")
    if not platform.enabled:
        raise LaunchRefused("registration_disabled", 403, hint="disabled")
    if not is_our_launch_target(target_link_uri, tool_url):
        raise LaunchRefused("target_link_uri_foreign", 400)
    if _pending_logins(platform, now, max_pending) >= max_pending:
        raise LaunchRefused("login_states_full", 503, hint="busy")

    state, nonce, secret = (secrets.token_urlsafe(32) for _ in range(3))
    db.session.add(
        LaunchState(
            state=state,
            nonce=nonce,
            platform_id=platform.id,
            login_deployment_id=deployment_id,
            target_link_uri=target_link_uri,
            browser_binding_hash=binding_hash(secret),
            created_at=now,
            expires_at=now + timedelta(seconds=ttl_seconds),
        )
    )
    auth_params = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": platform.client_id,
        "redirect_uri": launch_url(tool_url),
        "login_hint": login_hint,
        "state": state,
        "nonce": nonce,
    }
    if params.get("lti_message_hint"):
        auth_params["lti_message_hint"] = params["lti_message_hint"]
    separator = "&" if "?" in platform.auth_login_url else "?"
    return LoginRedirect(
        platform.auth_login_url + separator + urlencode(auth_params), state, secret, platform
    )
