"""Rules for chat messages and how a transcript line shows its time."""

from collections.abc import Sequence
from datetime import datetime, timedelta


class MessageRefused(ValueError):
    """A message that cannot be sent as it is; the text says why."""


def clean_message(body: str | None, max_chars: int) -> str:
    """Return the message to store, or raise MessageRefused when it is empty or too long."""
    text = (body or "").replace("\r\n", "\n").strip()
    if not text:
        raise MessageRefused("Write a message before sending.")
    if len(text) > max_chars:
        raise MessageRefused(f"Messages are limited to {max_chars} characters.")
    return text


def within_rate(recent: Sequence[datetime], now: datetime, count: int, seconds: int) -> bool:
    """Whether one more message fits: at most `count` by one person in any `seconds`."""
    window_start = now - timedelta(seconds=seconds)
    return sum(1 for sent in recent if sent > window_start) < count


def offset_label(started_at: datetime | None, sent_at: datetime) -> str:
    """Return hh:mm:ss from the session's start (00:00:00 for anything said before it)."""
    seconds = max(int((sent_at - started_at).total_seconds()), 0) if started_at else 0
    hours, rest = divmod(seconds, 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def transcript_line(started_at: datetime | None, sent_at: datetime, name: str, role: str) -> str:
    """Return the heading of a transcript line: `[hh:mm:ss] Name (Student|Tutor)`."""
    return f"[{offset_label(started_at, sent_at)}] {name} ({role.capitalize()})"
