"""Access tokens for LMS services: client credentials with a signed JWT assertion, cached in
the database per (registration, token endpoint, scopes) and shared by every worker."""

import logging
import uuid
from datetime import datetime, timedelta

from authlib.oauth2.rfc7523 import private_key_jwt_sign
from joserfc.jwk import RSAKey
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..clock import epoch_seconds
from ..extensions import db
from ..models import Platform, ServiceToken
from ..sealing import box
from .errors import FetchFailed, FetchRefused, LmsRefused, LmsUnavailable, ScopeNotGranted
from .http import Fetched, OutboundPolicy, fetch
from .keys import signing_key
from .retry import is_retryable

log = logging.getLogger(__name__)

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_LIFETIME = timedelta(minutes=5)
DEFAULT_TOKEN_LIFETIME = 3600  # seconds, when the LMS does not say (SEC 4.1.1)


def scope_key(scopes: tuple[str, ...]) -> str:
    """Return the cache key of a scope set: sorted, space-separated, as requested."""
    return " ".join(sorted(set(scopes)))


def client_assertion(platform: Platform, now: datetime, config: dict) -> str:
    """Sign the JWT that authenticates the tool at the platform's token endpoint."""
    key = signing_key(box(config))
    issued = epoch_seconds(now)
    return private_key_jwt_sign(
        RSAKey.import_key(key.private_pem),
        client_id=platform.client_id,
        token_endpoint=platform.auth_audience or platform.auth_token_url,
        claims={"jti": str(uuid.uuid4())},
        header={"kid": key.kid},
        issued_at=issued,
        expires_at=issued + int(ASSERTION_LIFETIME.total_seconds()),
    )


def access_token(
    platform: Platform,
    scopes: tuple[str, ...],
    now: datetime,
    config: dict,
    *,
    rejected: str | None = None,
) -> str:
    """Return a token granting `scopes`: the cached one unless it is near expiry or is the
    `rejected` token an LMS just answered 401 to; otherwise a new one from the LMS."""
    margin = timedelta(seconds=config["SERVICE_TOKEN_MARGIN_SECONDS"])
    keys = {"platform_id": platform.id, "token_url": platform.auth_token_url,
            "scopes": scope_key(scopes)}
    # A transaction of its own: the token outlives a caller that fails and rolls back, and
    # the lock below is held only while one token request runs, not for the caller's work.
    with Session(db.engine) as cache:
        row = _cache_row(cache, keys)
        cached = _usable(row, now, margin, rejected, config)
        if cached is not None:
            return cached
        # The update locks the row: a second worker waits here, then finds the token the
        # first one stored instead of asking the LMS again.
        cache.execute(update(ServiceToken).where(ServiceToken.id == row.id)
                      .values(requested_at=now))
        cache.refresh(row)
        cached = _usable(row, now, margin, rejected, config)
        if cached is not None:
            cache.commit()
            return cached
        token, granted, lifetime = _request(platform, scopes, now, config)
        row.access_token_encrypted = box(config).encrypt(token.encode())
        row.granted_scopes = granted
        row.expires_at = now + timedelta(seconds=lifetime)
        cache.commit()
    log.info("service token issued: platform=%s scopes=%s", platform.id, len(scopes))
    return token


def _cache_row(cache: Session, keys: dict) -> ServiceToken:
    query = select(ServiceToken).filter_by(**keys)
    row = cache.execute(query).scalar_one_or_none()
    if row is None:
        try:
            cache.add(ServiceToken(**keys))
            cache.commit()
        except IntegrityError:  # another worker inserted it first
            cache.rollback()
        row = cache.execute(query).scalar_one()
    return row


def _usable(row: ServiceToken, now: datetime, margin: timedelta, rejected: str | None,
            config: dict) -> str | None:
    if row.access_token_encrypted is None or row.expires_at is None:
        return None
    if row.expires_at - margin <= now:
        return None
    token = box(config).decrypt(row.access_token_encrypted).decode()
    return None if token == rejected else token


def _request(platform: Platform, scopes: tuple[str, ...], now: datetime,
             config: dict) -> tuple[str, str, int]:
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": client_assertion(platform, now, config),
        "scope": scope_key(scopes),
    }
    try:
        response = fetch("POST", platform.auth_token_url, OutboundPolicy.from_config(config),
                         data=form, headers={"Accept": "application/json"})
    except FetchFailed as exc:
        raise LmsUnavailable("the LMS token endpoint could not be reached", None, str(exc)) from exc
    except FetchRefused as exc:
        raise LmsRefused("the LMS token endpoint may not be called", None, str(exc)) from exc
    if not response.ok:
        error = LmsUnavailable if is_retryable(response.status_code) else LmsRefused
        raise error("the LMS refused a service token", response.status_code, lms_said(response))
    body = response.json()
    token = body.get("access_token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        raise LmsRefused("the LMS token response has no access_token", response.status_code)
    granted = body.get("scope")
    granted = granted if isinstance(granted, str) else scope_key(scopes)
    missing = set(scopes) - set(granted.split())
    if missing:
        raise ScopeNotGranted("the LMS did not grant the scopes this needs", None,
                              "missing " + " ".join(sorted(missing)))
    lifetime = body.get("expires_in")
    lifetime = int(lifetime) if isinstance(lifetime, int | float) and lifetime > 0 else (
        DEFAULT_TOKEN_LIFETIME)
    return token, granted, lifetime


def lms_said(response: Fetched) -> str:
    """Return what an LMS error response says, briefly: its error fields or its text."""
    try:
        body = response.json()
    except FetchRefused:
        body = None
    if isinstance(body, dict):
        parts = [body.get(k) for k in ("error", "error_description", "message", "errors")]
        words = "; ".join(str(p) for p in parts if p)
        if words:
            return words[:500]
    return response.content[:300].decode("utf-8", "replace").strip()
