"""Record domain events with the change they describe, and hand them to their consumers."""

import logging
from collections.abc import Callable
from datetime import datetime

from ..domain.events import Event, payload
from ..extensions import db
from ..models import DomainEvent

log = logging.getLogger(__name__)

Consumer = Callable[[DomainEvent], None]
_consumers: dict[str, list[Consumer]] = {}


def consumer(kind: str) -> Callable[[Consumer], Consumer]:
    """Register a function to run once for every recorded event of `kind`."""

    def register(fn: Consumer) -> Consumer:
        _consumers.setdefault(kind, []).append(fn)
        return fn

    return register


def record(event: Event, occurred_at: datetime) -> None:
    """Add the event to the current transaction: it exists exactly when the change does."""
    db.session.add(DomainEvent(kind=event.kind, session_id=event.session_id,
                               payload=payload(event), occurred_at=occurred_at))


def dispatch_events(now: datetime, limit: int = 100) -> int:
    """Run the consumers of undispatched events, oldest first; return how many were handled.

    One event per transaction, locked so that two workers never hand over the same event;
    an event whose consumer fails stays for the next round.
    """
    query = (db.select(DomainEvent).where(DomainEvent.dispatched_at.is_(None))
             .order_by(DomainEvent.id).limit(1))
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    handled = 0
    while handled < limit:
        event = db.session.execute(query).scalar_one_or_none()
        if event is None:
            break
        try:
            for fn in _consumers.get(event.kind, []):
                fn(event)
        except Exception:
            db.session.rollback()
            log.exception("consumer of event %s (%s) failed", event.id, event.kind)
            break
        event.dispatched_at = now
        db.session.commit()
        handled += 1
    return handled
