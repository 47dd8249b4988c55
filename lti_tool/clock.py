"""The one place that reads the wall clock; everything below receives `now`."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Return the current UTC time as a naive datetime, as every table stores it."""
    return datetime.now(UTC).replace(tzinfo=None)
