"""The live session's turning points: a tutor accepts, either side ends, the student rates,
either side reports it to the service admin."""

import logging
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from .. import live
from ..domain.events import SessionEnded, SessionRated, SessionStarted
from ..domain.ids import parse_id
from ..domain.session_states import Action, IllegalTransition, Status, next_status
from ..extensions import db
from ..models import Account, Message, SessionReport, TutoringSession, TutorSubject
from ..queries.tutor_console import unfinished_session_of
from . import events
from .help_requests import QUEUE, session_channel
from .tutoring_errors import Conflict, Invalid, TooFast

log = logging.getLogger(__name__)

REASON_MAX = 2000
# One side may report a session a few times (new things happen), not flood the admin.
REPORTS_PER_SIDE = 3
COMMENT_MAX = 1000


def covers(tutor: Account, subject_id: int) -> bool:
    """Whether the tutor covers the subject."""
    return db.session.get(TutorSubject, (tutor.id, subject_id)) is not None


def accept_session(session_id: int, tutor: Account, now: datetime) -> TutoringSession:
    """Give the waiting request to this tutor; exactly one of two racing tutors gets it."""
    session = db.session.get(TutoringSession, session_id)
    if session is None or not covers(tutor, session.subject_id):
        raise Conflict("This request is not in your queue.")
    if unfinished_session_of(tutor.id) is not None:
        raise Conflict("Finish your current session and its diagnosis before taking another.")
    try:
        status = next_status(session.status, Action.ACCEPT)
    except IllegalTransition as exc:
        raise Conflict("Another tutor has already taken this request, or it was closed.") from exc
    try:
        # The WHERE on status is the race guard: of two tutors, one update changes the row.
        changed = db.session.execute(
            db.update(TutoringSession)
            .where(TutoringSession.id == session.id, TutoringSession.status == Status.WAITING)
            .values(status=status, tutor_id=tutor.id, started_at=now, busy_tutor_id=tutor.id)
        ).rowcount
    except IntegrityError:
        db.session.rollback()
        raise Conflict("Finish your current session before taking another.") from None
    if not changed:
        db.session.rollback()
        raise Conflict("Another tutor has just taken this request.")
    db.session.refresh(session)
    events.record(SessionStarted(session.id, session.student_id, session.course_id,
                                 session.platform_id, session.is_test_user, session.subject_id,
                                 now), now)
    live.announce(QUEUE, session_channel(session.id))
    db.session.commit()
    log.info("session %s accepted by tutor %s", session.id, tutor.id)
    return session


def end_session(session: TutoringSession, by: str, now: datetime) -> None:
    """End the live session on behalf of the student or the tutor."""
    try:
        status = next_status(session.status, Action.END)
    except IllegalTransition as exc:
        raise Conflict("This session has already ended.") from exc
    changed = db.session.execute(
        db.update(TutoringSession)
        .where(TutoringSession.id == session.id, TutoringSession.status == Status.ACTIVE)
        .values(status=status, ended_at=now, ended_by=by, open_student_id=None)
    ).rowcount
    if not changed:
        db.session.rollback()
        raise Conflict("This session has already ended.")
    db.session.refresh(session)
    events.record(SessionEnded(session.id, session.student_id, session.course_id,
                               session.is_test_user, session.subject_id, session.started_at,
                               now, by), now)
    live.announce(QUEUE, session_channel(session.id))
    db.session.commit()
    log.info("session %s ended by %s", session.id, by)


def end_idle_sessions(now: datetime, idle: timedelta) -> int:
    """End live sessions where nobody has written for `idle`: both sides have left, and the
    student and the tutor must not stay held by a session nobody will end."""
    # last_seq names the latest message, so each active session costs one indexed lookup
    # instead of grouping the whole messages table.
    quiet = db.session.execute(
        db.select(TutoringSession)
        .outerjoin(Message, (Message.session_id == TutoringSession.id)
                   & (Message.seq == TutoringSession.last_seq))
        .where(TutoringSession.status == Status.ACTIVE,
               func.coalesce(Message.sent_at, TutoringSession.started_at) <= now - idle)
    ).scalars().all()
    ended = 0
    for session in quiet:
        try:
            end_session(session, "system", now)
        except Conflict:
            continue  # ended by a participant meanwhile
        ended += 1
    return ended


def parse_rating(raw: str | None) -> int:
    """Return a 1-5 rating from form input, or raise Invalid."""
    value = parse_id(raw or "")
    if value is None or not 1 <= value <= 5:
        raise Invalid("Choose a rating from 1 to 5 stars.")
    return value


def rate_session(session: TutoringSession, rating: int, comment: str, now: datetime) -> None:
    """Store the student's one rating of an ended session."""
    if len(comment) > COMMENT_MAX:
        raise Invalid(f"Comments are limited to {COMMENT_MAX} characters.")
    if session.status != Status.ENDED:
        raise Conflict("You can rate a session once it has ended.")
    changed = db.session.execute(
        db.update(TutoringSession)
        .where(TutoringSession.id == session.id, TutoringSession.rating.is_(None))
        .values(rating=rating, rating_comment=comment.strip() or None, rated_at=now)
    ).rowcount
    if not changed:
        db.session.rollback()
        raise Conflict("You have already rated this session.")
    events.record(SessionRated(session.id, session.student_id, session.course_id, rating), now)
    db.session.commit()
    db.session.refresh(session)


def report_session(session: TutoringSession, by: str, reason: str, now: datetime) -> None:
    """Report the session to the service admin with the participant's reason."""
    reason = reason.strip()
    if not reason:
        raise Invalid("Say what went wrong so the service admin can act on it.")
    if len(reason) > REASON_MAX:
        raise Invalid(f"Reports are limited to {REASON_MAX} characters.")
    if session.status not in (Status.ACTIVE, Status.ENDED):
        raise Conflict("Only a session that took place can be reported.")
    reports = db.session.execute(
        db.select(db.func.count()).select_from(SessionReport)
        .where(SessionReport.session_id == session.id, SessionReport.reporter_role == by)
    ).scalar_one()
    if reports >= REPORTS_PER_SIDE:
        raise TooFast("This session has been reported already; the service admin will look "
                      "into it.")
    db.session.add(SessionReport(session_id=session.id, reporter_role=by, reason=reason,
                                 created_at=now))
    db.session.commit()
    log.info("session %s reported by its %s", session.id, by)
