"""Generate and rotate the tool's signing keys, shared by every host through the database."""

import logging
from datetime import datetime, timedelta

from ..extensions import db
from ..lms.keys import current_key, new_key, public_jwk, published_keys
from ..models import ToolKey
from ..sealing import box

log = logging.getLogger(__name__)


def generate_key(config: dict) -> tuple[ToolKey, bool]:
    """Create the first key; return (key, created) and leave an existing key alone."""
    existing = current_key()
    if existing is not None:
        return existing, False
    key = new_key(box(config))
    db.session.add(key)
    db.session.commit()
    log.info("tool key %s generated", key.kid)
    return key, True


def rotate_key(config: dict, now: datetime) -> ToolKey:
    """Make a new key current; the previous one stays published until the overlap ends."""
    key = new_key(box(config))
    for old in db.session.execute(db.select(ToolKey).where(ToolKey.retired_at.is_(None))).scalars():
        old.retired_at = now
    db.session.add(key)
    db.session.commit()
    log.info("tool key rotated to %s", key.kid)
    return key


def tool_jwks(config: dict, now: datetime) -> dict:
    """Return the public key set every host publishes."""
    overlap = timedelta(hours=config["KEY_ROTATION_OVERLAP_HOURS"])
    return {"keys": [public_jwk(k) for k in published_keys(now, overlap)]}
