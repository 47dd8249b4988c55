"""Record domain events with the change they describe, and hand them to their consumers.

Each consumer of an event runs as a durable job: a consumer that fails is retried with
backoff and parked after too many attempts (visible in /admin/jobs), without holding up
other events or other consumers.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from ..domain.events import Event, payload
from ..extensions import db
from ..models import DomainEvent
from .jobs import enqueue, handler

log = logging.getLogger(__name__)

CONSUME = "event.consume"
Consumer = Callable[[DomainEvent], None]
_consumers: dict[str, dict[str, Consumer]] = {}


def consumer(kind: str, name: str) -> Callable[[Consumer], Consumer]:
    """Register a function, under a stable name, to run once for every event of `kind`."""

    def register(fn: Consumer) -> Consumer:
        _consumers.setdefault(kind, {})[name] = fn
        return fn

    return register


def record(event: Event, occurred_at: datetime) -> None:
    """Add the event to the current transaction: it exists exactly when the change does."""
    db.session.add(DomainEvent(kind=event.kind, session_id=event.session_id,
                               payload=payload(event), occurred_at=occurred_at))


def dispatch_events(now: datetime, limit: int = 100) -> int:
    """Queue one job per consumer of each undispatched event, oldest first; return how many
    events were dispatched. One event per transaction, locked so two workers never both
    take it; the job's idempotency key makes a repeat harmless anyway."""
    query = (db.select(DomainEvent).where(DomainEvent.dispatched_at.is_(None))
             .order_by(DomainEvent.id).limit(1))
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    handled = 0
    while handled < limit:
        event = db.session.execute(query).scalar_one_or_none()
        if event is None:
            break
        for name in _consumers.get(event.kind, {}):
            enqueue(CONSUME, {"event_id": event.id, "consumer": name}, now,
                    idempotency_key=f"event:{event.id}:{name}")
        event.dispatched_at = now
        db.session.commit()
        handled += 1
    return handled


@handler(CONSUME)
def consume(job_payload: dict) -> None:
    """Run one consumer on one event (the job machinery retries it when it raises)."""
    event = db.session.get(DomainEvent, job_payload["event_id"])
    fn = _consumers.get(event.kind, {}).get(job_payload["consumer"]) if event else None
    if fn is None:
        raise LookupError(f"no consumer {job_payload['consumer']!r} for event "
                          f"{job_payload['event_id']}")
    fn(event)
