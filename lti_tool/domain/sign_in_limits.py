"""How long someone must wait after too many failed sign-ins."""

import math
from collections.abc import Iterable
from datetime import datetime, timedelta


def minutes_to_wait(
    failures: Iterable[datetime], limit: int, window: timedelta, now: datetime
) -> int:
    """Return the whole minutes until another attempt is allowed; 0 when it is allowed now."""
    recent = sorted(at for at in failures if at > now - window)
    if len(recent) < limit:
        return 0
    # Another attempt is allowed once enough failures have aged out to leave fewer than `limit`.
    frees_at = recent[len(recent) - limit] + window
    return max(1, math.ceil((frees_at - now).total_seconds() / 60))
