"""Wake live requests (chat, queue) when something they watch changes in the database."""

import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from flask import current_app
from sqlalchemy import text

from .extensions import db
from .live_listener import CHANNEL, Listener, listener_for

T = TypeVar("T")


def announce(*channels: str) -> None:
    """Tell waiting requests that these channels changed, when the current transaction commits."""
    # A notification leaves at commit and vanishes on rollback, so nobody rechecks before the
    # change is visible. SQLite has no notifications: its waiters poll.
    if db.engine.dialect.name == "postgresql":
        for channel in dict.fromkeys(channels):
            db.session.execute(
                text("SELECT pg_notify(:name, :channel)"), {"name": CHANNEL, "channel": channel}
            )


def wait_for(channels: Iterable[str], check: Callable[[], T | None], timeout: float) -> T | None:
    """Return check()'s first non-None result, rechecking on announcements, or None at timeout.

    Between checks the session's transaction is committed, which hands its connection back to
    the pool while the request waits; call it with no pending writes. Objects already loaded
    stay usable, since the session does not expire them on commit. timeout=0 checks once.
    """
    config = current_app.config
    postgresql = db.engine.dialect.name == "postgresql"
    # The safety poll covers a listener that is reconnecting and announcements it missed.
    recheck = config["LIVE_SAFETY_POLL_SECONDS"] if postgresql else config["LIVE_POLL_SECONDS"]
    deadline = time.monotonic() + timeout
    with listener().watching(channels) as watch:
        while True:
            # Taken before the check, so an announcement made during the check still wakes us.
            seen = watch.snapshot()
            result = check()
            db.session.commit()
            remaining = deadline - time.monotonic()
            if result is not None or remaining <= 0:
                return result
            woken = watch.wait(seen, min(remaining, recheck))
            if not woken and remaining <= recheck:
                # Quiet until the deadline: answer at once, the page asks again straight away.
                return None


def listener() -> Listener:
    """Return this process's listener for the app's database; on SQLite it never wakes anyone."""
    if db.engine.dialect.name != "postgresql":
        return listener_for(None)
    url = db.engine.url.set(drivername="postgresql")
    return listener_for(url.render_as_string(hide_password=False))
