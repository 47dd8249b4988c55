"""Live wake-ups: streams see committed announcements, never rolled-back ones, and hold no
connection while they wait."""

import threading
from collections.abc import Callable
from contextlib import contextmanager
from types import SimpleNamespace
from uuid import uuid4

import pytest
from sqlalchemy import text

from lti_tool import create_app, live, live_listener
from lti_tool.extensions import db
from lti_tool.models import Job
from lti_tool.settings import BaseSettings

# Generous on purpose: a passing test returns as soon as it is woken, never after this.
WAIT = 60


@pytest.fixture
def channel() -> str:
    # Unique, so another test run on the same database cannot wake ours.
    return f"test:{uuid4().hex}"


@pytest.fixture
def postgresql(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no notifications; its waiters poll")


def in_thread(app, work: Callable) -> Callable:
    """Start `work` in a thread with its own app context; return a function that joins it."""
    outcome = {}

    def run():
        with app.app_context():
            try:
                outcome["result"] = work()
            except BaseException as error:  # re-raised in the test's own thread
                outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def join():
        thread.join(WAIT)
        assert not thread.is_alive()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["result"]

    return join


def add_job(kind: str) -> int:
    """Commit a row and announce its kind as the channel."""
    job = Job(kind=kind)
    db.session.add(job)
    live.announce(kind)
    db.session.commit()
    return job.id


def find_job(kind: str) -> int | None:
    return db.session.scalar(db.select(Job.id).where(Job.kind == kind))


def first_news(channel: str, check: Callable, heartbeat: float = WAIT):
    """Follow `channel` until check() finds something; the heartbeat is the only other wake-up
    on PostgreSQL, so with the default only an announcement finds news in time."""
    for news in live.follow([channel], check, WAIT, heartbeat):
        if news is not None:
            return news
    return None


def waiter(channel: str, first_check: threading.Event, heartbeat: float = WAIT) -> Callable:
    """Return a follower of `channel` that sets `first_check` once it has looked."""

    def check(_notes):
        found = find_job(channel)
        first_check.set()
        return found

    return lambda: first_news(channel, check, heartbeat)


@contextmanager
def observed(channel: str):
    """Run the block, then wait until this process has seen `channel` announced (PostgreSQL)."""
    with live.listener().watching([channel]) as watch:
        seen = watch.snapshot()
        yield
        if db.engine.dialect.name == "postgresql":
            assert watch.wait(seen, WAIT)


def wait_until_listening() -> None:
    """Return once this process's listener has seen an announcement of its own."""
    # Past this point the listener is connected, so it bumps channels only for announcements.
    ready = f"test:{uuid4().hex}"
    with observed(ready):
        live.announce(ready)
        db.session.commit()


def test_no_timeout_checks_once_and_yields_what_it_found(app, channel):
    calls = []

    def check(value):
        calls.append(value)
        return value

    assert list(live.follow([channel], lambda _notes: check("news"), 0, heartbeat=WAIT)) == ["news"]
    assert list(live.follow([channel], lambda _notes: check(None), 0, heartbeat=WAIT)) == []
    assert calls == ["news", None]


def test_a_quiet_stream_yields_a_heartbeat_until_its_time_is_up(app, channel):
    app.config["LIVE_POLL_SECONDS"] = WAIT  # on SQLite too, only the heartbeat wakes it
    answers = list(live.follow([channel], lambda _notes: None, timeout=0.05, heartbeat=0.01))
    assert answers and set(answers) == {None}


def test_one_stream_yields_each_change_in_turn(app, channel):
    shown = [0]

    def newer_jobs(_notes):
        ids = list(db.session.scalars(db.select(Job.id).where(Job.kind == channel,
                                                              Job.id > shown[-1])))
        if ids:
            shown.append(ids[-1])
        return ids or None

    first = add_job(channel)
    stream = live.follow([channel], newer_jobs, WAIT, heartbeat=WAIT)
    assert next(stream) == [first]
    second = add_job(channel)
    assert next(stream) == [second]
    stream.close()


def test_committed_announcement_wakes_a_waiting_request(app, channel):
    first_check = threading.Event()
    join = in_thread(app, waiter(channel, first_check))
    assert first_check.wait(WAIT)

    job_id = add_job(channel)
    assert join() == job_id


def test_announcement_made_during_the_check_is_not_missed(app, channel):
    def check(_notes):
        found = find_job(channel)
        if found is None:
            # The change lands after this check looked and before the waiter starts waiting.
            with observed(channel):
                in_thread(app, lambda: add_job(channel))()
        return found

    assert first_news(channel, check) == find_job(channel)


def test_change_nobody_announced_is_found_by_the_next_poll_or_heartbeat(app, channel):
    app.config["LIVE_POLL_SECONDS"] = 0.01
    first_check = threading.Event()
    join = in_thread(app, waiter(channel, first_check, heartbeat=0.01))
    assert first_check.wait(WAIT)

    job = Job(kind=channel)
    db.session.add(job)
    db.session.commit()
    assert join() == job.id


def test_rolled_back_announcement_wakes_nobody(app, postgresql):
    dropped, sent = f"test:{uuid4().hex}", f"test:{uuid4().hex}"
    with live.listener().watching([dropped]) as watch:
        wait_until_listening()
        before = watch.snapshot()

        live.announce(dropped)
        db.session.rollback()
        # PostgreSQL delivers notifications in commit order: once `sent` is seen, a leaked
        # `dropped` would have been seen too.
        with observed(sent):
            live.announce(sent)
            db.session.commit()

        assert watch.snapshot() == before


def test_waiting_request_gives_its_connection_back(app, channel):
    one_connection = {"pool_size": 1, "max_overflow": 0, "pool_timeout": WAIT}
    pooled = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SQLALCHEMY_ENGINE_OPTIONS": {
                **BaseSettings.SQLALCHEMY_ENGINE_OPTIONS,
                **one_connection,
            },
        },
    )
    with pooled.app_context():
        try:
            first_check = threading.Event()
            join = in_thread(pooled, waiter(channel, first_check))
            assert first_check.wait(WAIT)

            # Needs the pool's only connection, which the waiter must have handed back.
            job_id = add_job(channel)
            assert join() == job_id
        finally:
            db.session.remove()
            db.engine.dispose()


def test_forked_worker_starts_its_own_listener(app, monkeypatch):
    parent = live.listener()
    monkeypatch.setattr(live_listener, "os", SimpleNamespace(getpid=lambda: parent.pid + 1))

    child = live.listener()

    assert child is not parent and child.pid == parent.pid + 1
    assert live.listener() is child


def test_listener_reconnects_after_losing_its_connection(
    app, postgresql, channel, caplog
):
    wait_until_listening()
    listener = live.listener()

    with listener.watching([channel]) as watch:
        seen = watch.snapshot()
        db.session.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = :name"
            ),
            {"name": f"tutoring-live:{listener.pid}"},
        )
        db.session.commit()
        # On reconnecting, the listener wakes every waiter, as it may have missed news.
        assert watch.wait(seen, WAIT)

    logged = [r.getMessage() for r in caplog.records if r.name == "lti_tool.live_listener"]
    assert logged and all(
        m.startswith("live listener lost its database connection (") for m in logged
    )
    first_check = threading.Event()
    join = in_thread(app, waiter(channel, first_check))
    assert first_check.wait(WAIT)
    job_id = add_job(channel)
    assert join() == job_id
