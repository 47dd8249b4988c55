"""Messages in a live session: sending one (queries/transcripts.py reads them)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from .. import live
from ..domain.chat import MessageRefused, clean_message, within_rate
from ..domain.session_states import Status
from ..extensions import db
from ..models import Message, TutoringSession
from ..queries.transcripts import message_note, seal_note
from .help_requests import session_channel
from .tutoring_errors import Conflict, Invalid, NotFound, TooFast

CLIENT_KEY_MAX = 64


@dataclass(frozen=True)
class ChatLimits:
    max_chars: int
    rate_count: int
    rate_seconds: int

    @classmethod
    def from_config(cls, config) -> "ChatLimits":
        return cls(config["MESSAGE_MAX_CHARS"], config["MESSAGE_RATE_COUNT"],
                   config["MESSAGE_RATE_SECONDS"])


@dataclass(frozen=True)
class Sender:
    """Who sends: their side of the session, the name their lines carry, and whose session it
    must be (the student's own, asked from the course they launched; the tutor's taken one)."""

    role: str  # student | tutor
    name: str
    person_id: int  # the student's LmsUser id or the tutor's Account id
    course_id: int | None = None  # the student's launched course


@dataclass(frozen=True)
class Posted:
    """A message as stored (not loaded back), with its session's start, which its transcript
    heading counts from."""

    message: Message
    started_at: datetime | None


# Built once: a chat sends many messages a second, and a statement object reused keeps its
# compiled form and cache key.
RECENT_SENDS = select(Message.sent_at).where(
    Message.session_id == bindparam("session_id"), Message.author_role == bindparam("role"),
    Message.sent_at > bindparam("since"))
OWNED_BY = {
    "student": (TutoringSession.student_id == bindparam("person_pk"))
    & (TutoringSession.course_id == bindparam("course_pk")),
    "tutor": TutoringSession.tutor_id == bindparam("person_pk"),
}
# One statement checks the session is the sender's and active, takes the next seq and locks
# the session's row until the message is stored, so an end or a burst of sends cannot slip in
# between (SQLite writes one at a time anyway). Readers never see seq n+1 before n is
# committed.
NEXT_SEQ = {
    role: update(TutoringSession)
    .where(TutoringSession.id == bindparam("session_pk"),
           TutoringSession.status == Status.ACTIVE, owned)
    .values(last_seq=TutoringSession.last_seq + 1)
    .returning(TutoringSession.last_seq, TutoringSession.started_at)
    .execution_options(synchronize_session=False)
    for role, owned in OWNED_BY.items()
}
# The table's own insert: no unit of work to flush for a row nothing else touches here.
INSERT_MESSAGE = insert(Message.__table__)
STATUS_FOR = {
    role: select(TutoringSession.status, TutoringSession.started_at)
    .where(TutoringSession.id == bindparam("session_pk"), owned)
    for role, owned in OWNED_BY.items()
}


def _recent_sends(session_id: int, role: str, since: datetime) -> list[datetime]:
    return list(db.session.execute(
        RECENT_SENDS, {"session_id": session_id, "role": role, "since": since}).scalars())


def _owners(session_id: int, sender: Sender) -> dict:
    # Named apart from the table's columns, which an UPDATE's SET clause claims.
    return {"session_pk": session_id, "person_pk": sender.person_id,
            "course_pk": sender.course_id}


def _by_client_key(session_id: int, role: str, client_key: str | None) -> Message | None:
    if not client_key:
        return None
    return db.session.execute(
        db.select(Message).filter_by(session_id=session_id, author_role=role,
                                     client_key=client_key)
    ).scalar_one_or_none()


def _refuse(error: Exception, session_id: int, sender: Sender, client_key: str | None) -> Posted:
    """Undo the attempt; return the original when this was a resend of a stored message."""
    db.session.rollback()
    owners = _owners(session_id, sender)
    session = db.session.execute(STATUS_FOR[sender.role], owners).one_or_none()
    if session is None:
        raise NotFound("This session does not exist.")
    if (sent := _by_client_key(session_id, sender.role, client_key)) is not None:
        return Posted(sent, session.started_at)
    if session.status != Status.ACTIVE:
        raise Conflict("This session has ended; messages can no longer be sent.")
    raise error


def post_message(session_id: int, sender: Sender, body: str | None, client_key: str | None,
                 limits: ChatLimits, now: datetime) -> Posted:
    """Add a message to the sender's active session; a resend with the same key returns the
    original. NotFound when the session is not the sender's."""
    if client_key is not None and (not client_key or len(client_key) > CLIENT_KEY_MAX):
        raise Invalid("The message key is malformed; reload the page.")
    try:
        text = clean_message(body, limits.max_chars)
    except MessageRefused as exc:
        raise Invalid(str(exc)) from exc
    owners = _owners(session_id, sender)
    taken = db.session.execute(NEXT_SEQ[sender.role], owners).one_or_none()
    if taken is None:  # not the sender's, or not active
        return _refuse(Conflict("This session has ended; messages can no longer be sent."),
                       session_id, sender, client_key)
    window = now - timedelta(seconds=limits.rate_seconds)
    if not within_rate(_recent_sends(session_id, sender.role, window), now, limits.rate_count,
                       limits.rate_seconds):
        return _refuse(TooFast("You are sending messages very fast; wait a moment and try "
                               "again."), session_id, sender, client_key)
    row = {"session_id": session_id, "seq": taken.last_seq, "author_role": sender.role,
           "author_name": sender.name, "body": text, "client_key": client_key or None,
           "sent_at": now}
    try:
        db.session.execute(INSERT_MESSAGE, row)
    except IntegrityError as exc:  # the key of a message already stored: a resend
        return _refuse(exc, session_id, sender, client_key)
    # The note carries the message, so that the live streams following the session need not
    # read it back.
    live.announce(session_channel(session_id), note=seal_note(message_note(
        row["seq"], row["author_role"], row["author_name"], row["body"], row["sent_at"])))
    db.session.commit()
    return Posted(Message(**row), taken.started_at)
