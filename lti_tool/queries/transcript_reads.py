"""The disclosure record as the service admin reads it."""

from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import TranscriptRead

SHOWN = 200


def recent_transcript_reads(limit: int = SHOWN) -> list[TranscriptRead]:
    """Return the latest reads of students' transcripts, newest first."""
    return list(db.session.execute(
        db.select(TranscriptRead)
        # The page names each read's reader, course and student.
        .options(selectinload(TranscriptRead.account), selectinload(TranscriptRead.course),
                 selectinload(TranscriptRead.student))
        .order_by(TranscriptRead.read_at.desc(), TranscriptRead.id.desc()).limit(limit)
    ).scalars())
