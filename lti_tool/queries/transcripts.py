"""A session's transcript as every audience shows it: one headed line per message."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, bindparam, select

from ..domain.chat import transcript_line
from ..extensions import db
from ..models import Message, TutoringSession

NEWS_PAGE = 500  # lines per answer; a page that asks again gets the rest
# Built once: live streams run it on every wake-up, and a statement object reused keeps its
# compiled form and cache key.
NEWS = (
    select(TutoringSession.status, TutoringSession.started_at, Message.seq, Message.author_role,
           Message.author_name, Message.body, Message.sent_at)
    .outerjoin(Message, (Message.session_id == TutoringSession.id)
               & (Message.seq > bindparam("after_seq")))
    .where(TutoringSession.id == bindparam("session_id"))
    .order_by(Message.seq)
    .limit(NEWS_PAGE)
)


@dataclass(frozen=True)
class TranscriptLine:
    seq: int
    heading: str
    body: str
    role: str


@dataclass(frozen=True)
class ChatNews:
    """A session's state and the transcript lines after a cursor, read in one statement."""

    status: str
    lines: list[TranscriptLine]


def line_at(started_at: datetime | None, message: Message | Row,
            student_name: str | None = None) -> TranscriptLine:
    """Return a message as a transcript line, its time counted from `started_at`."""
    # Tutors see a student's first name only, whatever name the student's side stored.
    student = message.author_role == "student"
    name = student_name if student and student_name else message.author_name
    return TranscriptLine(message.seq,
                          transcript_line(started_at, message.sent_at, name,
                                          message.author_role),
                          message.body, message.author_role)


def line_of(session: TutoringSession, message: Message,
            student_name: str | None = None) -> TranscriptLine:
    """Return a message as a transcript line, headed `[hh:mm:ss] Name (Role)`."""
    return line_at(session.started_at, message, student_name)


def chat_news(session_id: int, after_seq: int, student_name: str | None = None) -> ChatNews:
    """Return the session's status and its transcript lines after seq `after_seq`.

    Live streams call this on every wake-up, so it is one statement on a connection of its
    own, outside any transaction: no ORM objects, no BEGIN and COMMIT.
    """
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        rows = connection.execute(NEWS, {"session_id": session_id, "after_seq": after_seq}).all()
    status, started_at = rows[0].status, rows[0].started_at
    return ChatNews(status, [line_at(started_at, row, student_name) for row in rows
                             if row.seq is not None])


def transcript(session: TutoringSession, student_name: str | None = None) -> list[TranscriptLine]:
    """Return the session's whole transcript in order."""
    messages = db.session.execute(
        db.select(Message).filter_by(session_id=session.id).order_by(Message.seq)
    ).scalars()
    return [line_of(session, message, student_name) for message in messages]
