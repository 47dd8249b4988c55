"""A student's request for help: ask, wait, cancel; requests nobody takes are abandoned."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from .. import live
from ..domain.session_states import Action, IllegalTransition, Status, next_status
from ..extensions import db
from ..models import Course, LmsUser, Subject, Topic, TutoringSession
from .tutoring_errors import AlreadyOpen, Conflict, Invalid, TooFast

log = logging.getLogger(__name__)

QUESTION_MAX = 2000
TOPIC_TEXT_MAX = 200
GOAL_MAX = 500
QUEUE = "queue"
# Asking and cancelling over and over would keep flashing requests in tutors' queues.
REQUESTS_PER_HOUR = 12


def session_channel(session_id: int) -> str:
    """Return the live channel that carries one session's news."""
    return f"session:{session_id}"


@dataclass(frozen=True)
class HelpRequest:
    subject_id: int | None
    topic_id: int | None
    topic_text: str
    question: str
    learning_goal: str


def open_session_of(student_id: int) -> TutoringSession | None:
    """Return the student's waiting or active session, if any."""
    return db.session.execute(
        db.select(TutoringSession).filter_by(open_student_id=student_id)
    ).scalar_one_or_none()


def _checked(course: Course, ask: HelpRequest) -> tuple[Subject, Topic | None]:
    subject = db.session.get(Subject, ask.subject_id) if ask.subject_id else None
    if subject is None or subject.retired:
        raise Invalid("Choose a subject from the list.")
    topic = db.session.get(Topic, ask.topic_id) if ask.topic_id else None
    if ask.topic_id and (topic is None or topic.course_id != course.id or topic.retired):
        raise Invalid("Choose a topic of this course, or describe it in your own words.")
    if not ask.question.strip():
        raise Invalid("Write your question so the tutor knows where to start.")
    if len(ask.question) > QUESTION_MAX:
        raise Invalid(f"Questions are limited to {QUESTION_MAX} characters.")
    if len(ask.topic_text) > TOPIC_TEXT_MAX or len(ask.learning_goal) > GOAL_MAX:
        raise Invalid("The topic or the learning goal is too long.")
    return subject, topic


def request_help(course: Course, student: LmsUser, ask: HelpRequest, *, test_user: bool,
                 now: datetime) -> TutoringSession:
    """Put the student's request in the queue; raise AlreadyOpen if one is open already."""
    existing = open_session_of(student.id)
    if existing is not None:
        raise AlreadyOpen(existing.id)
    if _requests_since(student.id, now - timedelta(hours=1)) >= REQUESTS_PER_HOUR:
        raise TooFast("You have asked for help many times in the last hour. Wait a little, "
                      "or ask your instructor.")
    subject, topic = _checked(course, ask)
    session = TutoringSession(
        platform_id=course.platform_id, course_id=course.id, student_id=student.id,
        subject_id=subject.id, topic_id=topic.id if topic else None,
        topic_text=None if topic else (ask.topic_text.strip() or None),
        question=ask.question.strip(), learning_goal=ask.learning_goal.strip() or None,
        is_test_user=test_user, status=Status.WAITING, requested_at=now,
        open_student_id=student.id,
    )
    db.session.add(session)
    try:
        db.session.flush()
    except IntegrityError:
        # A second tab asked at the same moment; the database kept one request.
        db.session.rollback()
        other = open_session_of(student.id)
        if other is None:  # that request closed meanwhile, or another constraint failed
            raise
        raise AlreadyOpen(other.id) from None
    live.announce(QUEUE)
    db.session.commit()
    log.info("session %s requested", session.id)
    return session


def _requests_since(student_id: int, since: datetime) -> int:
    return db.session.execute(
        db.select(db.func.count()).select_from(TutoringSession)
        .where(TutoringSession.student_id == student_id, TutoringSession.requested_at > since)
    ).scalar_one()


def _close_waiting(session: TutoringSession, action: Action, now: datetime) -> None:
    try:
        status = next_status(session.status, action)
    except IllegalTransition as exc:
        raise Conflict("This request has already been taken or closed.") from exc
    changed = db.session.execute(
        db.update(TutoringSession)
        .where(TutoringSession.id == session.id, TutoringSession.status == Status.WAITING)
        .values(status=status, ended_at=now, open_student_id=None)
    ).rowcount
    if not changed:
        db.session.rollback()
        raise Conflict("A tutor has just taken this request.")
    live.announce(QUEUE, session_channel(session.id))
    db.session.commit()
    db.session.refresh(session)
    log.info("session %s %s", session.id, status)


def cancel_request(session: TutoringSession, now: datetime) -> None:
    """Take the student's waiting request out of the queue."""
    _close_waiting(session, Action.CANCEL, now)


def abandon_if_stale(session: TutoringSession, now: datetime, after: timedelta) -> bool:
    """Mark the request abandoned when nobody took it in time; return whether it was."""
    if session.status != Status.WAITING or now - session.requested_at < after:
        return False
    try:
        _close_waiting(session, Action.ABANDON, now)
    except Conflict:
        return False
    return True


def abandon_stale_requests(now: datetime, after: timedelta) -> int:
    """Abandon every request that has waited longer than `after`; return how many."""
    stale = db.session.execute(
        db.select(TutoringSession).where(TutoringSession.status == Status.WAITING,
                                         TutoringSession.requested_at <= now - after)
    ).scalars().all()
    return sum(abandon_if_stale(session, now, after) for session in stale)
