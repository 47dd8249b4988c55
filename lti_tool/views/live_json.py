"""What the live pages' script is answered: whether it asked, and messages as it shows them."""

from dataclasses import asdict

from flask import request

from ..models import Message, TutoringSession
from ..queries.transcripts import line_of


def wants_json() -> bool:
    """Whether the chat script, not a plain form, sent the request."""
    return request.accept_mimetypes.best == "application/json"


def message_json(session: TutoringSession, message: Message,
                 student_name: str | None = None) -> dict:
    """Return a message as the page and the live protocol show it."""
    return asdict(line_of(session, message, student_name))
