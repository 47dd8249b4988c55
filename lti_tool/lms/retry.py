"""When a failed LMS call is tried again: exponential backoff with jitter, honouring the
LMS's Retry-After, within a cap."""

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def is_retryable(status: int) -> bool:
    """Return whether another try may succeed: throttled (429) or a server failure (5xx)."""
    return status == 429 or 500 <= status <= 599


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Read a Retry-After header (seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is not None:  # our clock is naive UTC
        when = when.astimezone(UTC).replace(tzinfo=None)
    return max((when - now).total_seconds(), 0.0)


def backoff_seconds(
    attempt: int, retry_after: float | None, base: float, cap: float, jitter: float
) -> float:
    """Return the wait before try `attempt + 1`: what the LMS asked for, else `base` doubling
    per try plus up to half of it again (`jitter` in [0, 1)), never more than `cap`."""
    if retry_after is not None:
        return min(retry_after, cap)
    delay = base * 2 ** max(attempt - 1, 0)
    return min(delay * (1 + jitter / 2), cap)
