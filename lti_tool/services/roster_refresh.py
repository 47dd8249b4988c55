"""Keep rosters fresh without waiting on the LMS: queue `roster.sync` jobs, run them."""

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, update

from ..clock import utcnow
from ..extensions import db
from ..lms.errors import ServiceNotOffered
from ..lms.gateway import LmsGateway
from ..models import Course, Platform
from .jobs import enqueue, handler
from .roster import sync_roster

log = logging.getLogger(__name__)

SYNC_ROSTER = "roster.sync"
SCHEDULE_BATCH = 100  # courses queued per worker loop, so one loop stays short


@handler(SYNC_ROSTER)
def run_roster_sync(payload: dict) -> None:
    """Sync one course's roster, unless a sync finished since this one was asked for."""
    course = db.session.get(Course, payload["course_id"])
    if course is None:
        return
    requested = datetime.fromisoformat(payload["requested_at"])
    if course.roster_synced_at is not None and course.roster_synced_at >= requested:
        return  # another job or the CLI did it meanwhile
    if LmsGateway.for_course(course, current_app.config) is None:
        return  # an admin turned the registration off: the tool stops calling that LMS
    try:
        sync_roster(course.id, utcnow(), current_app.config)
    except ServiceNotOffered:
        log.info("roster sync skipped: course=%s offers no Names and Roles", course.id)


def refresh_roster_if_stale(course: Course, now: datetime, config: dict) -> bool:
    """Queue a roster sync when the roster is older than ROSTER_MAX_AGE_MINUTES (or missing)
    and none was asked for within that time; never calls the LMS. Return whether it queued."""
    max_age = timedelta(minutes=config["ROSTER_MAX_AGE_MINUTES"])
    if not course.nrps_url:
        return False
    if course.roster_synced_at is not None and now - course.roster_synced_at < max_age:
        return False
    return _request_sync(course.id, now, max_age)


def schedule_roster_refreshes(now: datetime, config: dict) -> int:
    """Queue syncs for courses launched within ROSTER_ACTIVE_DAYS whose roster is older than
    ROSTER_REFRESH_MINUTES; return how many were queued."""
    every = timedelta(minutes=config["ROSTER_REFRESH_MINUTES"])
    due = db.session.execute(
        db.select(Course.id)
        .join(Platform, Platform.id == Course.platform_id)
        .where(Platform.enabled.is_(True), Course.nrps_url.is_not(None),
               Course.last_launch_at >= now - timedelta(days=config["ROSTER_ACTIVE_DAYS"]),
               or_(Course.roster_synced_at.is_(None), Course.roster_synced_at < now - every),
               or_(Course.roster_requested_at.is_(None),
                   Course.roster_requested_at < now - every))
        .order_by(Course.roster_synced_at.is_not(None), Course.roster_synced_at, Course.id)
        .limit(SCHEDULE_BATCH)
    ).scalars().all()
    db.session.commit()  # end the read, so no snapshot is held while the worker sleeps
    return sum(_request_sync(course_id, now, every) for course_id in due)


def _request_sync(course_id: int, now: datetime, within: timedelta) -> bool:
    """Mark the course as asked for and queue its job, unless it was asked for `within`.

    The conditional update lets exactly one of several pages or workers win the race."""
    claimed = db.session.execute(
        update(Course)
        .where(Course.id == course_id,
               or_(Course.roster_requested_at.is_(None),
                   Course.roster_requested_at <= now - within))
        .values(roster_requested_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        return False
    enqueue(SYNC_ROSTER, {"course_id": course_id, "requested_at": now.isoformat()}, now)
    db.session.commit()
    log.info("roster sync queued: course=%s", course_id)
    return True
