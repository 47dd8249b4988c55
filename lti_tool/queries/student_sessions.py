"""A student's or a tutor's own sessions, and how the student's last request ended."""

from datetime import datetime

from ..domain.session_states import Status
from ..extensions import db
from ..models import TutoringSession


def student_session(session_id: int, student_id: int,
                    course_id: int | None = None) -> TutoringSession | None:
    """Return the student's session (asked from `course_id`, when given) read afresh from the
    database; None for others'."""
    session = db.session.get(TutoringSession, session_id, populate_existing=True)
    if session is None or session.student_id != student_id:
        return None
    if course_id is not None and session.course_id != course_id:
        return None
    return session


def tutor_session(session_id: int, tutor_id: int) -> TutoringSession | None:
    """Return the tutor's session read afresh from the database; None for anyone else's."""
    session = db.session.get(TutoringSession, session_id, populate_existing=True)
    if session is None or session.tutor_id != tutor_id:
        return None
    return session


def reread(session: TutoringSession) -> TutoringSession:
    """Read the session again, so a change another request committed shows."""
    db.session.refresh(session)
    return session


def recently_abandoned(student_id: int, course_id: int,
                       since: datetime) -> TutoringSession | None:
    """Return the student's latest request in the course if it was abandoned after `since`."""
    latest = db.session.execute(
        db.select(TutoringSession).filter_by(student_id=student_id, course_id=course_id)
        .order_by(TutoringSession.requested_at.desc(), TutoringSession.id.desc()).limit(1)
    ).scalar_one_or_none()
    if latest is None or latest.status != Status.ABANDONED:
        return None
    return latest if latest.ended_at is not None and latest.ended_at >= since else None
