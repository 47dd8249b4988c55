"""What the live pages' script is answered: whether it asked, and messages as it shows them."""

from dataclasses import asdict

from flask import request

from ..queries.transcripts import ChatNews, line_at
from ..services.chat import Posted


def wants_json() -> bool:
    """Whether the chat script, not a plain form, sent the request."""
    return request.accept_mimetypes.best == "application/json"


def posted_json(posted: Posted) -> dict:
    """Return a message just sent as its sender's page shows it."""
    return asdict(line_at(posted.started_at, posted.message))


def news_json(news: ChatNews) -> dict:
    """Return a session's status and newer messages as a live stream sends them."""
    return {"status": news.status, "messages": [asdict(line) for line in news.lines]}
