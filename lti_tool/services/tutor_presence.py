"""Whether a tutor is online: the available / away switch and the console's heartbeat."""

from datetime import datetime

from .. import live
from ..extensions import db
from ..models import Account
from .help_requests import QUEUE


def record_heartbeat(tutor: Account, now: datetime) -> None:
    """Mark the tutor as seen now, so students count them online while they are available."""
    tutor.last_seen_at = now
    db.session.commit()


def set_available(tutor: Account, available: bool, now: datetime) -> None:
    """Mark the tutor available or away; waiting students' "tutors online" counts change."""
    tutor.available, tutor.last_seen_at = available, now
    live.announce(QUEUE)
    db.session.commit()
