"""The disclosure record: every read of a student's transcript by someone else is logged."""

from datetime import datetime

from ..extensions import db
from ..models import Account, TranscriptRead, TutoringSession


def record_transcript_read(session: TutoringSession, reader: Account, role: str,
                           now: datetime) -> None:
    """Log that `reader`, in `role` (tutor, admin), read the session's transcript."""
    db.session.add(TranscriptRead(session_id=session.id, student_id=session.student_id,
                                  course_id=session.course_id, reader_role=role,
                                  account_id=reader.id, read_at=now))
    db.session.commit()
