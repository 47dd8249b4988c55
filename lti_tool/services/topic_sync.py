"""Course topics from the tool's own line items (AGS), read by a durable job.

Only line items tagged as the tool's tutoring columns count: Canvas shows a tool only the
columns it created, and no other gradebook column is a topic.
"""

import logging
from datetime import datetime, timedelta

from flask import current_app

from ..clock import epoch_seconds, utcnow
from ..extensions import db
from ..lms import ags
from ..lms.claims import SCOPE_LINEITEM, SCOPE_LINEITEM_READONLY
from ..lms.gateway import LmsGateway
from ..lms.limits import bounded_url, same_origin
from ..models import Course, Job, Topic
from ..models.rows import get_or_insert
from .jobs import enqueue, handler
from .topics import NAME_MAX, topic_for_link, topic_named

log = logging.getLogger(__name__)

SYNC = "topics.sync"


def reads_lineitems(course: Course) -> bool:
    """Whether the course's launches let the tool list its line items."""
    return bool(course.ags_lineitems_url) and course.grants(SCOPE_LINEITEM,
                                                            SCOPE_LINEITEM_READONLY)


def topic_name_of(label: str) -> str:
    """Return the topic a column stands for: its label without the tool's prefix."""
    name = " ".join(label.split())
    if name.lower().startswith(ags.COLUMN_LABEL.lower()):
        name = name[len(ags.COLUMN_LABEL):].strip()
    return name[:NAME_MAX].strip()


def sync_topics_from_lineitems(course_id: int, now: datetime, config: dict,
                               gateway: LmsGateway | None = None) -> int:
    """Read the course's tutoring line items into topics; return how many topics changed."""
    course = db.session.get(Course, course_id)
    if course is None or not reads_lineitems(course):
        return 0
    live = LmsGateway.for_course(course, config)
    if live is None:
        log.info("topics not synced: course=%s its LMS is turned off in the tool", course.id)
        return 0
    gateway = gateway or live
    items = ags.lineitems(gateway, course.ags_lineitems_url, tag=ags.TUTORING_TAG)
    # Some LMSs ignore the tag filter: the tag itself decides. Scores and results go to a
    # column's URL with our token, so only columns on the course's own service origin count.
    changed = sum(_apply(course, item, now) for item in items
                  if item.tag == ags.TUTORING_TAG and bounded_url(item.url)
                  and same_origin(item.url, course.ags_lineitems_url))
    course.topics_synced_at = now
    db.session.commit()
    log.info("topics synced: course=%s columns=%s changed=%s", course.id, len(items), changed)
    return changed


def _apply(course: Course, item: ags.LineItem, now: datetime) -> bool:
    owner = db.session.execute(
        db.select(Topic).filter_by(course_id=course.id, lineitem_url=item.url)
    ).scalars().first()
    if owner is not None:
        return False  # already known, perhaps renamed or retired since: leave it be
    # A column placed with Deep Linking names its topic's id; a merged topic's column
    # belongs to the topic it was merged into.
    topic = topic_for_link(course, item.resource_id)
    if topic is None:
        name = topic_name_of(item.label)
        if not name:
            return False
        topic = topic_named(course.id, name) or get_or_insert(
            Topic, {"course_id": course.id, "name": name},
            {"source": "lineitem", "created_at": now})
    if topic.lineitem_url:
        return False  # the topic has a column of its own already
    topic.lineitem_url = item.url
    db.session.flush()
    return True


def refresh_topics_if_stale(course: Course, now: datetime, config: dict) -> bool:
    """Queue a read of the course's line items when the last one is too old; never waits on
    the LMS. Return whether a job was queued."""
    if not reads_lineitems(course):
        return False
    synced = course.topics_synced_at
    if synced is not None and now - synced < timedelta(minutes=config["TOPICS_MAX_AGE_MINUTES"]):
        return False
    # One job per course and window, however many pages ask meanwhile; a job that failed
    # for good (parked) does not stop the next window's.
    window = config["TOPICS_MAX_AGE_MINUTES"] * 60
    key = f"{SYNC}:{course.id}:{epoch_seconds(now) // window}"
    if db.session.execute(db.select(Job.id).filter_by(idempotency_key=key)).first():
        return False
    enqueue(SYNC, {"course_id": course.id}, now, idempotency_key=key)
    db.session.commit()
    log.info("topics sync queued: course=%s", course.id)
    return True


@handler(SYNC)
def run_sync(payload: dict) -> None:
    """Run one queued read (the job machinery retries it when the LMS fails)."""
    sync_topics_from_lineitems(payload["course_id"], utcnow(), current_app.config)
