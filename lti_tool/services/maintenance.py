"""Housekeeping jobs the worker schedules for itself."""

from datetime import datetime, timedelta

from sqlalchemy import delete

from ..clock import utcnow
from ..extensions import db
from ..models import LaunchState
from . import gradebook_results, mastery_scores  # noqa: F401  (their event consumers)
from .events import dispatch_events
from .help_requests import abandon_stale_requests
from .jobs import enqueue, handler
from .tutor_sessions import end_idle_sessions

PURGE_LAUNCH_STATES = "launch_states.purge"


@handler(PURGE_LAUNCH_STATES)
def purge_launch_states(payload: dict) -> None:
    """Delete login states that expired without a launch."""
    db.session.execute(delete(LaunchState).where(LaunchState.expires_at <= utcnow()))


def schedule_housekeeping(now: datetime) -> None:
    """Queue this hour's purge once, however many workers ask."""
    enqueue(PURGE_LAUNCH_STATES, {}, now, idempotency_key=f"purge:{now:%Y%m%d%H}")
    db.session.commit()


def tidy_tutoring(now: datetime, config) -> int:
    """Abandon requests nobody took in time, end sessions both sides left, and hand recorded
    events to their consumers; return how many things were done, so an idle worker knows it
    may sleep."""
    after = timedelta(minutes=config["TUTORING_ABANDON_AFTER_MINUTES"])
    idle = timedelta(minutes=config["TUTORING_IDLE_END_MINUTES"])
    return (abandon_stale_requests(now, after) + end_idle_sessions(now, idle)
            + dispatch_events(now))
