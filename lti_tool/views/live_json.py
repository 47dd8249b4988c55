"""What the live pages' script is answered: whether it asked, and messages as it shows them."""

from dataclasses import asdict

from flask import request

from ..models import Message, TutoringSession
from ..queries.transcripts import ChatNews, line_of


def wants_json() -> bool:
    """Whether the chat script, not a plain form, sent the request."""
    return request.accept_mimetypes.best == "application/json"


def message_json(session: TutoringSession, message: Message,
                 student_name: str | None = None) -> dict:
    """Return a message as the page and the live protocol show it."""
    return asdict(line_of(session, message, student_name))


def news_json(news: ChatNews) -> dict:
    """Return a session's status and newer messages as a live stream sends them."""
    return {"status": news.status, "messages": [asdict(line) for line in news.lines]}
