"""Platform public keys: cached in the database, refetched once per interval for an unknown kid."""

import re
from datetime import datetime, timedelta

from sqlalchemy import or_, update

from ..extensions import db
from ..models import Platform, PlatformKeyCache
from ..models.rows import get_or_insert
from .errors import FetchRefused, LaunchRefused
from .http import OutboundPolicy, fetch

MIN_TTL = timedelta(minutes=1)
MAX_TTL = timedelta(hours=1)


def _find(keys: dict | None, kid: str) -> dict | None:
    for key in (keys or {}).get("keys", []):
        if isinstance(key, dict) and key.get("kid") == kid:
            return key
    return None


def _ttl(cache_control: str | None, default: timedelta) -> timedelta:
    match = re.search(r"max-age=(\d+)", cache_control or "")
    ttl = timedelta(seconds=int(match.group(1))) if match else default
    return max(MIN_TTL, min(ttl, MAX_TTL))


def _claim_fetch(platform_id: int, now: datetime, interval: timedelta) -> bool:
    # One UPDATE decides, across every worker and host, who may fetch in this interval.
    result = db.session.execute(
        update(PlatformKeyCache)
        .where(
            PlatformKeyCache.platform_id == platform_id,
            or_(
                PlatformKeyCache.last_attempt_at.is_(None),
                PlatformKeyCache.last_attempt_at <= now - interval,
            ),
        )
        .values(last_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _cache_row(platform_id: int) -> PlatformKeyCache:
    return get_or_insert(PlatformKeyCache, {"platform_id": platform_id})


def _refresh(row: PlatformKeyCache, platform: Platform, now: datetime, config: dict) -> None:
    try:
        response = fetch("GET", platform.jwks_url, OutboundPolicy.from_config(config))
        if not response.ok:
            raise FetchRefused(f"key set URL answered {response.status_code}")
        keys = response.json()
        if not isinstance(keys, dict) or not isinstance(keys.get("keys"), list):
            raise FetchRefused("key set is not a JWKS document")
    except FetchRefused as exc:
        # Keep the last good keys: an LMS outage must not lock everyone out.
        row.last_error = str(exc)
        return
    default_ttl = timedelta(seconds=config["JWKS_DEFAULT_TTL_SECONDS"])
    row.keys = keys
    row.fetched_at = now
    row.expires_at = now + _ttl(response.header("Cache-Control"), default_ttl)
    row.last_error = None


def platform_key(platform: Platform, kid: str, now: datetime, config: dict) -> dict:
    """Return the platform's JWK for `kid`, fetching or refetching under the rate limit."""
    row = _cache_row(platform.id)
    fresh = row.expires_at is not None and row.expires_at > now
    key = _find(row.keys, kid)
    if key is not None and fresh:
        return key
    interval = timedelta(seconds=config["JWKS_MIN_REFETCH_SECONDS"])
    claimed = _claim_fetch(platform.id, now, interval)
    db.session.refresh(row)  # another worker may have just fetched newer keys
    if claimed:
        _refresh(row, platform, now, config)
    key = _find(row.keys, kid)
    if key is not None:
        return key
    if row.keys is None:
        raise LaunchRefused("jwks_unavailable", 503, hint="lms_down")
    raise LaunchRefused("kid_unknown")
