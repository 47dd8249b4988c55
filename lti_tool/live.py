"""Wake live requests (chat, queue) when something they watch changes in the database."""

import math
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from flask import current_app
from sqlalchemy import text

from .extensions import db
from .live_listener import CHANNEL, Listener, listener_for

T = TypeVar("T")
# PostgreSQL refuses a notification payload of 8000 bytes or more; a longer note is left out.
NOTE_MAX_BYTES = 7900


def announce(*channels: str, note: str | None = None) -> None:
    """Tell waiting requests that these channels changed, when the current transaction commits;
    `note` (one channel only) says what changed, so that they need not read it back; it
    travels through the database's statement log, so whatever people wrote comes sealed."""
    # A notification leaves at commit and vanishes on rollback, so nobody rechecks before the
    # change is visible. SQLite has no notifications: its waiters poll.
    if db.engine.dialect.name != "postgresql":
        return
    for channel in dict.fromkeys(channels):
        payload = channel
        if note is not None and len(channel.encode()) + len(note.encode()) < NOTE_MAX_BYTES:
            payload = f"{channel}\n{note}"
        db.session.execute(
            text("SELECT pg_notify(:name, :payload)"), {"name": CHANNEL, "payload": payload}
        )


def follow(channels: Iterable[str], check: Callable[[list[str] | None], T | None],
           timeout: float, heartbeat: float) -> Iterator[T | None]:
    """Yield check()'s non-None results as announcements come, the first check's at once, and
    None after each `heartbeat` seconds without one, until `timeout` seconds have passed.

    check() is given the notes of the announcements since it last ran (Watch.notes), or None
    when it must read the database: on the first check, after a quiet wait, and whenever an
    announcement carried no note.

    After each check the session's transaction is committed, which hands its connection back
    to the pool while the caller waits or writes; use it with no pending writes. Objects
    already loaded stay usable, since the session does not expire them on commit. timeout=0
    checks once.
    """
    # PostgreSQL wakes us on announcements; SQLite has none, so there we read again often.
    if db.engine.dialect.name == "postgresql":
        recheck = math.inf
    else:
        recheck = current_app.config["LIVE_POLL_SECONDS"]
    deadline = time.monotonic() + timeout
    with listener().watching(channels) as watch:
        quiet_since = time.monotonic()
        # Taken before each check, so an announcement made during the check (or while the
        # caller handled the last result) still wakes the next wait.
        seen, notes = watch.snapshot(), None
        while True:
            result = check(notes)
            db.session.commit()
            if result is not None or time.monotonic() - quiet_since >= heartbeat:
                yield result
                quiet_since = time.monotonic()
            now = time.monotonic()
            if now >= deadline:
                return
            wake_at = min(deadline, quiet_since + heartbeat)
            watch.wait(seen, max(min(wake_at - now, recheck), 0))
            latest = watch.snapshot()
            seen, notes = latest, watch.notes(seen, latest)


def listener() -> Listener:
    """Return this process's listener for the app's database; on SQLite it never wakes anyone."""
    if db.engine.dialect.name != "postgresql":
        return listener_for(None)
    url = db.engine.url.set(drivername="postgresql")
    return listener_for(url.render_as_string(hide_password=False))

