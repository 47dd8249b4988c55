"""Whether a tutor is online: the available / away switch and the console's heartbeat."""

from datetime import datetime, timedelta

from sqlalchemy import or_, update

from .. import live
from ..extensions import db
from ..models import Account
from .help_requests import QUEUE


def record_heartbeat(tutor: Account, now: datetime) -> None:
    """Mark the tutor as seen now, so students count them online while they are available."""
    tutor.last_seen_at = now
    db.session.commit()


def keep_online(tutor_id: int, now: datetime, every: timedelta) -> None:
    """Mark the tutor as seen now unless they were seen within `every` (an open console
    calls this on each of its checks; one conditional update, and no write most times)."""
    db.session.execute(
        update(Account)
        .where(Account.id == tutor_id,
               or_(Account.last_seen_at.is_(None), Account.last_seen_at <= now - every))
        .values(last_seen_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def set_available(tutor: Account, available: bool, now: datetime) -> None:
    """Mark the tutor available or away; waiting students' "tutors online" counts change."""
    tutor.available, tutor.last_seen_at = available, now
    live.announce(QUEUE)
    db.session.commit()
