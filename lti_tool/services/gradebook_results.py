"""A student's results on the course's tutoring columns (AGS result.readonly), read from the
LMS when a session starts, so the tutor's panel shows them."""

import logging
from datetime import datetime

from flask import current_app

from ..clock import utcnow
from ..extensions import db
from ..lms import ags
from ..lms.claims import SCOPE_RESULT_READONLY
from ..lms.errors import LmsRefused, ScopeNotGranted
from ..lms.gateway import LmsGateway
from ..models import Course, DomainEvent, LineItemResult, LmsUser
from ..models.rows import get_or_insert
from ..queries.gradebook import Column, tutoring_columns
from .events import consumer

log = logging.getLogger(__name__)


def read_results(course_id: int, student_id: int, config: dict, now: datetime) -> int:
    """Store the student's current results on the course's tutoring columns, dropping the
    ones the LMS no longer has; return how many were stored. An unavailable LMS raises."""
    course = db.session.get(Course, course_id)
    if course is None or not course.grants(SCOPE_RESULT_READONLY):
        return 0
    gateway = LmsGateway.for_course(course, config)
    columns = tutoring_columns(course.id)
    if not columns or gateway is None:
        return 0
    student = db.session.get(LmsUser, student_id)
    stored = 0
    for column in columns:
        try:
            found = [r for r in ags.results(gateway, column.lineitem_url, user_id=student.sub)
                     if r.user_id == student.sub and r.score is not None]
        except ScopeNotGranted:
            log.warning("course %s: the LMS did not grant reading results", course.id)
            return stored
        except LmsRefused as exc:
            # One column the LMS refuses (deleted, say) must not hide the others.
            log.warning("course %s: results of a tutoring column refused (%s)", course.id,
                        exc.status)
            continue
        stored += _keep(course.id, student.id, column, found[-1] if found else None, now)
    log.info("course %s: %s gradebook results read for user %s", course.id, stored, student.id)
    return stored


def _keep(course_id: int, student_id: int, column: Column, result: ags.Result | None,
          now: datetime) -> int:
    keys = {"lineitem_url": column.lineitem_url, "student_id": student_id}
    if result is None:
        db.session.execute(db.delete(LineItemResult).filter_by(**keys))
        return 0
    values = {"course_id": course_id, "label": column.label, "result_score": result.score,
              "result_maximum": result.maximum, "fetched_at": now}
    row = get_or_insert(LineItemResult, keys, values)
    for name, value in values.items():
        setattr(row, name, value)
    return 1


@consumer("session_started", "gradebook_results")
def on_session_started(event: DomainEvent) -> None:
    """Read the student's gradebook results for the tutor who just accepted the session."""
    read_results(event.payload["course_id"], event.payload["student_id"], current_app.config,
                 utcnow())
