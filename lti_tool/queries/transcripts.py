"""A session's transcript as every audience shows it: one headed line per message."""

from dataclasses import dataclass

from ..domain.chat import transcript_line
from ..extensions import db
from ..models import Message, TutoringSession


@dataclass(frozen=True)
class TranscriptLine:
    seq: int
    heading: str
    body: str
    role: str


def line_of(session: TutoringSession, message: Message,
            student_name: str | None = None) -> TranscriptLine:
    """Return a message as a transcript line, headed `[hh:mm:ss] Name (Role)`."""
    # Tutors see a student's first name only, whatever name the student's side stored.
    student = message.author_role == "student"
    name = student_name if student and student_name else message.author_name
    return TranscriptLine(message.seq,
                          transcript_line(session.started_at, message.sent_at, name,
                                          message.author_role),
                          message.body, message.author_role)


def transcript(session: TutoringSession, student_name: str | None = None) -> list[TranscriptLine]:
    """Return the session's whole transcript in order."""
    messages = db.session.execute(
        db.select(Message).filter_by(session_id=session.id).order_by(Message.seq)
    ).scalars()
    return [line_of(session, message, student_name) for message in messages]
