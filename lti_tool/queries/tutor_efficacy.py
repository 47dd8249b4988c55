"""What the tutor's own page reads: their ended sessions with what each diagnosis recorded."""

from dataclasses import dataclass

from sqlalchemy.orm import selectinload

from ..domain.session_states import Status
from ..domain.tutor_efficacy import SessionOutcome
from ..extensions import db
from ..models import Diagnosis, TutoringSession
from .tutoring import topic_label


@dataclass(frozen=True)
class TutorSession:
    session_id: int
    course: str
    subject: str
    topic: str
    barrier: str | None  # a domain.barriers key, "none", or None before the diagnosis
    outcome: SessionOutcome


def tutor_sessions(tutor_id: int) -> list[TutorSession]:
    """Return the tutor's ended sessions, newest first."""
    rows = db.session.execute(
        db.select(TutoringSession, Diagnosis)
        .outerjoin(Diagnosis, Diagnosis.session_id == TutoringSession.id)
        .where(TutoringSession.tutor_id == tutor_id, TutoringSession.status == Status.ENDED)
        .options(selectinload(TutoringSession.course), selectinload(TutoringSession.subject),
                 selectinload(TutoringSession.topic), selectinload(Diagnosis.topic))
        .order_by(TutoringSession.started_at.desc(), TutoringSession.id.desc())
    ).all()
    return [_row(session, diagnosis) for session, diagnosis in rows]


def _row(session: TutoringSession, diagnosis: Diagnosis | None) -> TutorSession:
    # The tutor's mapping to a course topic, when they made one, says best what it was about.
    topic = diagnosis.topic.name if diagnosis and diagnosis.topic else topic_label(session)
    outcome = SessionOutcome(
        started_at=session.started_at, ended_at=session.ended_at, rating=session.rating,
        exit_ticket=diagnosis.exit_ticket if diagnosis else None,
        mastery=diagnosis.mastery if diagnosis else None,
        reassessment=diagnosis.reassessment if diagnosis else None,
    )
    return TutorSession(session.id, session.course.display_title, session.subject.name, topic,
                        diagnosis.barrier if diagnosis else None, outcome)
