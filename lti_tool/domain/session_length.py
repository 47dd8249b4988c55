"""How long a tutoring session ran."""

from datetime import datetime


def length_minutes(started_at: datetime | None, ended_at: datetime | None) -> float | None:
    """Return the session's length in minutes to two decimals, or None if it never ran."""
    if started_at is None or ended_at is None:
        return None
    return round((ended_at - started_at).total_seconds() / 60, 2)
