"""Exit-ticket results to the LMS gradebook (AGS scores), when the instructor turned it on.

A recorded diagnosis becomes the (line item, student) row's latest score; a durable job
sends the row's latest value with a timestamp later than any sent before, so a retry or a
re-recorded score never sends two scores with one timestamp (AGS 3.4).
"""

import logging
from datetime import datetime

from flask import current_app

from ..clock import utcnow
from ..domain.gradebook import ScoreCase, already_sent, next_timestamp, why_not_sent
from ..domain.roles import audience_for
from ..domain.roster import is_enrolled
from ..extensions import db
from ..lms import ags
from ..lms.claims import SCOPE_SCORE
from ..lms.gateway import LmsGateway
from ..models import Course, Diagnosis, DomainEvent, LmsUser, MasteryScore, Membership
from ..models.rows import get_or_insert
from .events import consumer
from .jobs import enqueue, handler

log = logging.getLogger(__name__)

SEND_SCORE = "ags.score"


def score_case(diagnosis: Diagnosis, course: Course) -> ScoreCase:
    """Gather what decides whether the diagnosis's exit ticket goes to the gradebook."""
    session = diagnosis.session
    membership = db.session.execute(
        db.select(Membership).filter_by(course_id=course.id, user_id=session.student_id)
    ).scalar_one_or_none()
    audience = audience_for(membership.roles if membership else [])
    return ScoreCase(
        course_sends=course.sends_mastery_scores,
        has_column=bool(diagnosis.topic and diagnosis.topic.lineitem_url),
        exit_ticket=diagnosis.exit_ticket,
        score_scope=course.grants(SCOPE_SCORE),
        member_active=bool(membership and is_enrolled(membership.status,
                                                      membership.removed_at)),
        learner=audience.learner,
        staff=audience.staff,
        test_user=bool(session.is_test_user or audience.test_user
                       or (membership and membership.is_test_user)),
    )


def keep_mastery_score(diagnosis: Diagnosis, now: datetime) -> MasteryScore | None:
    """Store the diagnosis's exit ticket as the topic's latest score and queue sending it;
    None when this result stays out of the gradebook."""
    course = db.session.get(Course, diagnosis.session.course_id)
    reason = why_not_sent(score_case(diagnosis, course))
    if reason is not None:
        log.info("exit ticket of session %s stays out of the gradebook: %s",
                 diagnosis.session_id, reason)
        return None
    values = {"course_id": course.id, "topic_id": diagnosis.topic_id,
              "diagnosis_id": diagnosis.id, "score_given": diagnosis.exit_ticket,
              "recorded_at": diagnosis.recorded_at}
    row = get_or_insert(MasteryScore, {"lineitem_url": diagnosis.topic.lineitem_url,
                                       "student_id": diagnosis.session.student_id}, values)
    if row.diagnosis_id != diagnosis.id:
        if row.recorded_at > diagnosis.recorded_at:
            # Consumers may run out of order after retries: an older result never wins.
            log.info("exit ticket of session %s is older than score %s; kept the newer",
                     diagnosis.session_id, row.id)
            return row
        for name, value in values.items():
            setattr(row, name, value)
        db.session.flush()
    enqueue(SEND_SCORE, {"score_id": row.id}, now,
            idempotency_key=f"{SEND_SCORE}:{row.id}:{row.recorded_at.isoformat()}")
    log.info("score %s of course %s queued for the gradebook", row.id, course.id)
    return row


@consumer("diagnosis_recorded", "gradebook")
def on_diagnosis_recorded(event: DomainEvent) -> None:
    """Queue the exit ticket of a recorded diagnosis for the gradebook."""
    diagnosis = db.session.get(Diagnosis, event.payload["diagnosis_id"])
    if diagnosis is not None:
        keep_mastery_score(diagnosis, utcnow())


def send_score(score_id: int, config: dict, now: datetime) -> bool:
    """Send the row's latest score unless the switch was turned off or it was already sent;
    return whether it was sent. An LMS failure raises, so the job retries."""
    query = db.select(MasteryScore).filter_by(id=score_id)
    if db.engine.dialect.name == "postgresql":
        # Two jobs of one row (a re-recorded score) must not send with one timestamp.
        query = query.with_for_update()
    row = db.session.execute(query).scalar_one_or_none()
    if row is None:
        return False
    course = db.session.get(Course, row.course_id)
    gateway = LmsGateway.for_course(course, config)
    if not course.sends_mastery_scores or gateway is None:
        log.info("score %s not sent: the course stopped sending scores or its LMS is off", row.id)
        return False
    if already_sent(row.score_given, row.sent_score):
        log.info("score %s not sent: the gradebook has it already", row.id)
        return False
    student = db.session.get(LmsUser, row.student_id)
    timestamp = next_timestamp(now, row.sent_timestamp)
    ags.post_score(gateway, row.lineitem_url, student.sub, row.score_given, row.score_maximum,
                   timestamp)
    row.sent_timestamp, row.sent_score, row.sent_at = timestamp, row.score_given, now
    log.info("score %s sent to the gradebook of course %s", row.id, course.id)
    return True


@handler(SEND_SCORE)
def send_score_job(payload: dict) -> None:
    """Run one score job (its writes commit with the job's outcome)."""
    send_score(payload["score_id"], current_app.config, utcnow())
