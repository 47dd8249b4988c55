"""Messages in a live session: sending one (queries/transcripts.py reads them)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from .. import live
from ..domain.chat import MessageRefused, clean_message, within_rate
from ..domain.session_states import Status
from ..extensions import db
from ..models import Message, TutoringSession
from .help_requests import session_channel
from .tutoring_errors import Conflict, Invalid, TooFast

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


# Built once: a chat sends many messages a second, and a statement object reused keeps its
# compiled form and cache key.
RECENT_SENDS = select(Message.sent_at).where(
    Message.session_id == bindparam("session_id"), Message.author_role == bindparam("role"),
    Message.sent_at > bindparam("since"))
# One statement takes the next seq, checks the session is active and locks its row until the
# message is stored, so an end or a burst of sends cannot slip in between (SQLite writes one
# at a time anyway). Readers never see seq n+1 before n is committed.
NEXT_SEQ = (
    update(TutoringSession)
    .where(TutoringSession.id == bindparam("session_id"),
           TutoringSession.status == Status.ACTIVE)
    .values(last_seq=TutoringSession.last_seq + 1)
    .returning(TutoringSession.last_seq)
    .execution_options(synchronize_session=False)
)


def _recent_sends(session_id: int, role: str, since: datetime) -> list[datetime]:
    return list(db.session.execute(
        RECENT_SENDS, {"session_id": session_id, "role": role, "since": since}).scalars())


def _by_client_key(session_id: int, role: str, client_key: str | None) -> Message | None:
    if not client_key:
        return None
    return db.session.execute(
        db.select(Message).filter_by(session_id=session_id, author_role=role,
                                     client_key=client_key)
    ).scalar_one_or_none()


def _refuse(error: Exception, session_id: int, role: str, client_key: str | None) -> Message:
    """Undo the attempt; return the original when this was a resend of a stored message."""
    db.session.rollback()
    if (sent := _by_client_key(session_id, role, client_key)) is not None:
        return sent
    raise error


def post_message(session: TutoringSession, role: str, author_name: str, body: str | None,
                 client_key: str | None, limits: ChatLimits, now: datetime) -> Message:
    """Add a message to an active session; a resend with the same key returns the original."""
    if client_key is not None and (not client_key or len(client_key) > CLIENT_KEY_MAX):
        raise Invalid("The message key is malformed; reload the page.")
    try:
        text = clean_message(body, limits.max_chars)
    except MessageRefused as exc:
        raise Invalid(str(exc)) from exc
    session_id = session.id  # the object is expired once a failed attempt is rolled back
    seq = db.session.execute(NEXT_SEQ, {"session_id": session_id}).scalar_one_or_none()
    if seq is None:
        return _refuse(Conflict("This session has ended; messages can no longer be sent."),
                       session_id, role, client_key)
    window = now - timedelta(seconds=limits.rate_seconds)
    if not within_rate(_recent_sends(session_id, role, window), now, limits.rate_count,
                       limits.rate_seconds):
        return _refuse(TooFast("You are sending messages very fast; wait a moment and try "
                               "again."), session_id, role, client_key)
    message = Message(session_id=session_id, seq=seq, author_role=role, author_name=author_name,
                      body=text, client_key=client_key or None, sent_at=now)
    db.session.add(message)
    try:
        db.session.flush()
    except IntegrityError as exc:  # the key of a message already stored: a resend
        return _refuse(exc, session_id, role, client_key)
    live.announce(session_channel(session_id))
    db.session.commit()
    return message
