"""A session's transcript as every audience shows it: one headed line per message."""

import json
from dataclasses import dataclass
from datetime import datetime

from cryptography.fernet import InvalidToken
from sqlalchemy import Row, bindparam, select

from ..domain.chat import transcript_line
from ..extensions import db
from ..models import Message, TutoringSession
from ..models.sealed import transcripts_box

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


def line_at(started_at: datetime | None, message: "Message | Row | HeardMessage",
            student_name: str | None = None) -> TranscriptLine:
    """Return a message as a transcript line, its time counted from `started_at`."""
    # Tutors see a student's first name only, whatever name the student's side stored.
    student = message.author_role == "student"
    name = student_name if student and student_name else message.author_name
    return TranscriptLine(message.seq,
                          transcript_line(started_at, message.sent_at, name,
                                          message.author_role),
                          message.body, message.author_role)


@dataclass(frozen=True)
class HeardMessage:
    """A message as its announcement's note carried it."""

    seq: int
    author_role: str
    author_name: str
    body: str
    sent_at: datetime


def message_note(seq: int, author_role: str, author_name: str, body: str,
                 sent_at: datetime) -> str:
    """Return the note announcing a stored message (read back by ChatReader)."""
    return json.dumps([seq, author_role, author_name, body, sent_at.isoformat()])


def seal_note(note: str) -> str:
    """Return a note sealed like the transcript itself: announcements pass through the
    database's statement log, which must never hold what people wrote in clear."""
    return transcripts_box().encrypt(note.encode()).decode()


def open_notes(notes: list[str] | None) -> list[str] | None:
    """Return sealed notes (live.follow) opened, or None when there are none or one won't open."""
    # Opened by the stream that uses them, not by the listener: one thread per process feeds
    # every stream, and cryptography hands the interpreter lock back and forth. A note that
    # will not open (sealed under another key) only sends its reader to the database.
    if notes is None:
        return None
    cipher = transcripts_box()
    try:
        return [cipher.decrypt(note.encode()).decode() for note in notes]
    except InvalidToken:
        return None


def _heard(note: str) -> HeardMessage:
    seq, role, name, body, sent_at = json.loads(note)
    return HeardMessage(seq, role, name, body, datetime.fromisoformat(sent_at))


class ChatReader:
    """Reads a session's status and transcript lines after a cursor for one live stream.

    When every announcement since the last read carried its message as a note, and they
    follow the cursor without a gap, the lines come from the notes; otherwise from one
    statement on a connection of its own, outside any transaction (no ORM objects, no BEGIN
    and COMMIT), since streams read on every wake-up.
    """

    def __init__(self, session_id: int, student_name: str | None = None) -> None:
        self.session_id, self.student_name = session_id, student_name
        self.status: str | None = None
        self.started_at: datetime | None = None

    def news(self, after_seq: int, notes: list[str] | None) -> ChatNews:
        """Return the status and the lines after `after_seq`."""
        # Only messages carry notes, and a session takes messages only while it is active: a
        # change of status is announced without one, and sends this reader to the database.
        if notes is not None and self.status is not None:
            heard = [m for m in map(_heard, notes) if m.seq > after_seq]
            if [m.seq for m in heard] == list(range(after_seq + 1, after_seq + 1 + len(heard))):
                return ChatNews(self.status, [line_at(self.started_at, m, self.student_name)
                                              for m in heard])
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            rows = connection.execute(
                NEWS, {"session_id": self.session_id, "after_seq": after_seq}).all()
        self.status, self.started_at = rows[0].status, rows[0].started_at
        return ChatNews(self.status, [line_at(self.started_at, row, self.student_name)
                                      for row in rows if row.seq is not None])


def transcript(session: TutoringSession, student_name: str | None = None) -> list[TranscriptLine]:
    """Return the session's whole transcript in order."""
    messages = db.session.execute(
        db.select(Message).filter_by(session_id=session.id).order_by(Message.seq)
    ).scalars()
    return [line_at(session.started_at, message, student_name) for message in messages]
