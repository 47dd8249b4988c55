"""Count announcements per channel in this process and wake the requests watching them.

An announcement may carry a note (what changed, as text): a watcher that heard every
announcement since it last looked, each with its note, need not read the database.
"""

import logging
import os
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)

CHANNEL = "tutoring_live"
NOTES_KEPT = 64  # per watched channel: more than a burst between two looks
RECONNECT_FIRST_SECONDS = 1
RECONNECT_MAX_SECONDS = 30
# A peer that vanished without closing the socket is noticed within about a minute and a half.
KEEPALIVE = {
    "keepalives": 1,
    "keepalives_idle": 60,
    "keepalives_interval": 10,
    "keepalives_count": 3,
    "connect_timeout": 10,
}


class Watch:
    """A request's interest in some channels, with a condition the listener signals."""

    def __init__(self, listener: "Listener", channels: tuple[str, ...]) -> None:
        self._listener = listener
        self._generations = listener.generations
        self.channels = channels
        self.condition = threading.Condition(listener.lock)

    def snapshot(self) -> tuple[int, ...]:
        """Return the generation of each watched channel."""
        with self.condition:
            return self._current()

    def wait(self, seen: tuple[int, ...], timeout: float) -> bool:
        """Block until a watched channel moves past `seen` or `timeout` passes; say if it moved."""
        with self.condition:
            return self.condition.wait_for(lambda: self._current() != seen, timeout)

    def notes(self, seen: tuple[int, ...], now: tuple[int, ...]) -> list[str] | None:
        """Return the notes of the announcements between two snapshots, in order; None when
        there were none, or one carried no note or is no longer kept."""
        with self.condition:
            return self._listener.notes_between(self.channels, seen, now)

    def _current(self) -> tuple[int, ...]:
        return tuple(self._generations[channel] for channel in self.channels)


class Listener:
    """Hold one LISTEN connection per process (none on SQLite) and bump watched channels."""

    def __init__(self, conninfo: str | None) -> None:
        self.pid = os.getpid()
        self.lock = threading.Lock()
        # Only channels someone watches are counted, so memory follows the number of waiters.
        self.generations: dict[str, int] = {}
        self._notes: dict[str, deque[tuple[int, str | None]]] = {}
        self._watches: dict[str, set[Watch]] = {}
        self._conninfo = conninfo
        if conninfo is not None:
            threading.Thread(target=self._run, name="live-listener", daemon=True).start()

    @contextmanager
    def watching(self, channels: Iterable[str]) -> Iterator[Watch]:
        """Register interest in channels for the duration of the block."""
        watch = Watch(self, tuple(dict.fromkeys(channels)))
        with self.lock:
            for channel in watch.channels:
                self._watches.setdefault(channel, set()).add(watch)
                self.generations.setdefault(channel, 0)
                self._notes.setdefault(channel, deque(maxlen=NOTES_KEPT))
        try:
            yield watch
        finally:
            with self.lock:
                for channel in watch.channels:
                    self._watches[channel].discard(watch)
                    if not self._watches[channel]:
                        del self._watches[channel], self.generations[channel]
                        del self._notes[channel]

    def bump(self, channels: Iterable[str], note: str | None = None) -> None:
        """Move the given channels on, keeping the note, and wake whoever watches them."""
        with self.lock:
            for channel in channels:
                if channel in self.generations:
                    self.generations[channel] += 1
                    self._notes[channel].append((self.generations[channel], note))
                    for watch in self._watches[channel]:
                        watch.condition.notify()

    def notes_between(self, channels: tuple[str, ...], seen: tuple[int, ...],
                      now: tuple[int, ...]) -> list[str] | None:
        """See Watch.notes; call with the lock held."""
        if seen == now:
            return None
        notes = []
        for channel, before, after in zip(channels, seen, now, strict=True):
            kept = dict(self._notes[channel])
            for generation in range(before + 1, after + 1):
                if kept.get(generation) is None:
                    return None
                notes.append(kept[generation])
        return notes

    def _run(self) -> None:
        # Imported here: psycopg is only installed where PostgreSQL is used.
        import psycopg

        delay = RECONNECT_FIRST_SECONDS
        while True:
            try:
                with psycopg.connect(
                    self._conninfo,
                    autocommit=True,
                    application_name=f"tutoring-live:{self.pid}",
                    **KEEPALIVE,
                ) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    delay = RECONNECT_FIRST_SECONDS
                    # Announcements made while nobody listened are lost: everyone rechecks.
                    with self.lock:
                        watched = list(self.generations)
                    self.bump(watched)
                    for notification in conn.notifies():
                        channel, _, note = notification.payload.partition("\n")
                        self.bump([channel], note or None)
            # Any error, not only a database one: if this thread died, every live page would
            # fall back to the slow safety poll until the process restarts.
            except Exception as error:
                # The type only: a connection error's message can quote the database address.
                log.warning(
                    "live listener lost its database connection (%s); retrying in %s s",
                    type(error).__name__,
                    delay,
                )
            time.sleep(delay)
            delay = min(delay * 2, RECONNECT_MAX_SECONDS)


_listeners: dict[str | None, Listener] = {}
_listeners_lock = threading.Lock()


def listener_for(conninfo: str | None) -> Listener:
    """Return this process's listener for a database, starting it on first use and after a fork."""
    with _listeners_lock:
        listener = _listeners.get(conninfo)
        # A forked worker inherits the object but not the thread that fed it.
        if listener is None or listener.pid != os.getpid():
            listener = _listeners[conninfo] = Listener(conninfo)
        return listener
