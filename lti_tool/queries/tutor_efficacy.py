"""What the tutor's own page reads: their ended sessions with what each diagnosis recorded,
and every diagnosis of the students they diagnosed, to follow up on their plans."""

from dataclasses import dataclass

from sqlalchemy.orm import selectinload

from ..domain.session_states import Status
from ..domain.tutor_efficacy import SessionOutcome, StudentDiagnosis
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
    )
    return TutorSession(session.id, session.course.display_title, session.subject.name, topic,
                        diagnosis.barrier if diagnosis else None, outcome)


def student_diagnoses(tutor_id: int) -> list[StudentDiagnosis]:
    """Return every diagnosis, by any tutor, of the students this tutor has diagnosed."""
    students = (
        db.select(TutoringSession.student_id)
        .join(Diagnosis, Diagnosis.session_id == TutoringSession.id)
        .where(Diagnosis.tutor_id == tutor_id)
    )
    rows = db.session.execute(
        db.select(Diagnosis.id, TutoringSession.student_id, TutoringSession.subject_id,
                  Diagnosis.tutor_id,
                  db.func.coalesce(TutoringSession.started_at, TutoringSession.requested_at)
                  .label("session_at"),
                  Diagnosis.barrier, Diagnosis.exit_ticket,
                  Diagnosis.reassessed_diagnosis_id, Diagnosis.reassessment)
        .join(TutoringSession, TutoringSession.id == Diagnosis.session_id)
        .where(TutoringSession.student_id.in_(students))
    ).all()
    return [StudentDiagnosis(**row._mapping) for row in rows]
