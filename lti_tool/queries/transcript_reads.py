"""The disclosure record as the service admin reads it."""

from ..extensions import db
from ..models import TranscriptRead

SHOWN = 200


def recent_transcript_reads(limit: int = SHOWN) -> list[TranscriptRead]:
    """Return the latest reads of students' transcripts, newest first."""
    return list(db.session.execute(
        db.select(TranscriptRead).order_by(TranscriptRead.read_at.desc(),
                                           TranscriptRead.id.desc()).limit(limit)
    ).scalars())
