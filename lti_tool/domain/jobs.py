"""When a failed job runs again, and when it stops trying."""

from datetime import datetime, timedelta

BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=1)


def retry_delay(attempts: int) -> timedelta:
    """Return the wait before the next attempt: doubling from 30 s, capped at an hour."""
    return min(BASE_DELAY * (2 ** max(attempts - 1, 0)), MAX_DELAY)


def after_failure(attempts: int, max_attempts: int, now: datetime) -> tuple[str, datetime | None]:
    """Return the job's next status and due time after its `attempts`-th failure."""
    if attempts >= max_attempts:
        return "parked", None
    return "pending", now + retry_delay(attempts)
