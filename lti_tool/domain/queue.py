"""What a waiting student is told: their place, the likely wait, when tutors are usually on."""

import math
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from statistics import median
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def estimate_wait(recent_waits: Sequence[timedelta], place: int,
                  tutors_online: int) -> timedelta | None:
    """Estimate the wait from recent waits in the subject; None without enough history or
    with nobody online, when any figure would be a guess."""
    if len(recent_waits) < 3 or tutors_online < 1:
        return None
    typical = median(recent_waits)
    ahead_per_tutor = (place - 1) // tutors_online
    return typical * (1 + ahead_per_tutor)


def estimate_minutes(estimate: timedelta | None) -> int | None:
    """Return the likely wait in whole minutes, rounded up and never below one."""
    if estimate is None:
        return None
    return max(math.ceil(estimate.total_seconds() / 60), 1)


def queue_summary(place: int, minutes: int | None, tutors_online: int) -> str:
    """Describe a waiting student's place, the likely wait and who is online."""
    parts = [f"You are number {place} in the queue."]
    if minutes is not None:
        unit = "minute" if minutes == 1 else "minutes"
        parts.append(f"The wait is likely about {minutes} {unit}.")
    if tutors_online == 0:
        parts.append("No tutor for this subject is online right now.")
    else:
        parts.append(f"{tutors_online} tutor{'s' if tutors_online > 1 else ''} for this subject"
                     f" {'are' if tutors_online > 1 else 'is'} online.")
    return " ".join(parts)


def wait_minutes(requested_at: datetime, now: datetime) -> int:
    """Return how many whole minutes a request has waited, as a tutor's queue shows it."""
    return max(int((now - requested_at).total_seconds() // 60), 0)


def usual_hours(started: Sequence[datetime], min_sessions: int = 5) -> tuple[int, int] | None:
    """Return the (first, last) UTC hours that hold most sessions, or None without history.

    The range is the shortest run of consecutive hours covering at least 80% of sessions.
    """
    if len(started) < min_sessions:
        return None
    by_hour = Counter(moment.hour for moment in started)
    need = 0.8 * len(started)
    best: tuple[int, int] | None = None
    for first in range(24):
        covered = 0
        for length in range(1, 25):
            covered += by_hour[(first + length - 1) % 24]
            if covered >= need:
                if best is None or length < (best[1] - best[0]) % 24 + 1:
                    best = (first, (first + length - 1) % 24)
                break
    return best


def usual_hours_label(span: tuple[int, int], now: datetime, zone_name: str | None) -> str:
    """Say the usual hours in UTC and, when the student's time zone is known, in theirs."""
    first, last = span
    start = now.replace(hour=first, minute=0, second=0, microsecond=0, tzinfo=UTC)
    end = start + timedelta(hours=(last - first) % 24 + 1)
    text = f"{start:%H:%M}–{end:%H:%M} UTC"
    try:
        zone = ZoneInfo(zone_name) if zone_name else None
    except (ZoneInfoNotFoundError, ValueError):
        zone = None  # an LMS may send a zone name this server does not know
    if zone is not None:
        text += f" ({start.astimezone(zone):%H:%M}–{end.astimezone(zone):%H:%M} your time)"
    return text
