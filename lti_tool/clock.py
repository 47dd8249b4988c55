"""The one place that reads the wall clock; everything below receives `now`."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Return the current UTC time as a naive datetime, as every table stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


def epoch_seconds(moment: datetime) -> int:
    """Return a naive UTC datetime as seconds since the epoch, whatever the server's zone."""
    return int(moment.replace(tzinfo=UTC).timestamp())
