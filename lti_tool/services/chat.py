"""Messages in a live session: send, and read everything after a cursor."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from .. import live
from ..domain.chat import MessageRefused, clean_message, within_rate
from ..domain.session_states import Status
from ..extensions import db
from ..models import Message, TutoringSession
from .help_requests import session_channel
from .tutoring_errors import Conflict, Invalid, TooFast

log = logging.getLogger(__name__)

CLIENT_KEY_MAX = 64
PAGE = 500
MAX_SEQ_ATTEMPTS = 20


@dataclass(frozen=True)
class ChatLimits:
    max_chars: int
    rate_count: int
    rate_seconds: int

    @classmethod
    def from_config(cls, config) -> "ChatLimits":
        return cls(config["MESSAGE_MAX_CHARS"], config["MESSAGE_RATE_COUNT"],
                   config["MESSAGE_RATE_SECONDS"])


def _recent_sends(session_id: int, role: str, since: datetime) -> list[datetime]:
    return list(db.session.execute(
        db.select(Message.sent_at).where(Message.session_id == session_id,
                                         Message.author_role == role, Message.sent_at > since)
    ).scalars())


def _by_client_key(session_id: int, role: str, client_key: str) -> Message | None:
    return db.session.execute(
        db.select(Message).filter_by(session_id=session_id, author_role=role,
                                     client_key=client_key)
    ).scalar_one_or_none()


def post_message(session: TutoringSession, role: str, author_name: str, body: str | None,
                 client_key: str | None, limits: ChatLimits, now: datetime) -> Message:
    """Add a message to an active session; a resend with the same key returns the original."""
    if client_key is not None and (not client_key or len(client_key) > CLIENT_KEY_MAX):
        raise Invalid("The message key is malformed; reload the page.")
    if client_key and (sent := _by_client_key(session.id, role, client_key)) is not None:
        return sent
    # Lock the session (PostgreSQL; SQLite writes one at a time anyway): the status and rate
    # checks below then hold until this message is stored, so an end or a burst cannot slip in.
    db.session.execute(
        db.select(TutoringSession).filter_by(id=session.id).with_for_update()
        .execution_options(populate_existing=True)
    )
    if session.status != Status.ACTIVE:
        raise Conflict("This session has ended; messages can no longer be sent.")
    try:
        text = clean_message(body, limits.max_chars)
    except MessageRefused as exc:
        raise Invalid(str(exc)) from exc
    window = now - timedelta(seconds=limits.rate_seconds)
    if not within_rate(_recent_sends(session.id, role, window), now, limits.rate_count,
                       limits.rate_seconds):
        raise TooFast("You are sending messages very fast; wait a moment and try again.")
    for _attempt in range(MAX_SEQ_ATTEMPTS):
        # seq is the next number in this session; the unique (session, seq) constraint makes a
        # concurrent sender retry, so a reader never sees seq n+1 before n is committed.
        seq = db.session.execute(
            db.select(func.coalesce(func.max(Message.seq), 0)).filter_by(session_id=session.id)
        ).scalar_one() + 1
        message = Message(session_id=session.id, seq=seq, author_role=role,
                          author_name=author_name, body=text, client_key=client_key or None,
                          sent_at=now)
        try:
            with db.session.begin_nested():
                db.session.add(message)
        except IntegrityError:
            if client_key and (sent := _by_client_key(session.id, role, client_key)):
                return sent
            continue
        break
    else:
        raise Conflict("The session is very busy; send your message again.")
    live.announce(session_channel(session.id))
    db.session.commit()
    return message


def messages_after(session_id: int, after_seq: int) -> list[Message]:
    """Return the session's messages with seq greater than `after_seq`, in order."""
    return list(db.session.execute(
        db.select(Message).where(Message.session_id == session_id, Message.seq > after_seq)
        .order_by(Message.seq).limit(PAGE)
    ).scalars())
