"""Notes on announcements: a stream that heard every message of a chat in its announcements
shows them without reading the database, and reads it whenever one is missing."""

from datetime import timedelta
from uuid import uuid4

import psycopg
import pytest

from lti_tool import live
from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.live_listener import CHANNEL, NOTES_KEPT, Listener
from lti_tool.queries.transcripts import ChatReader, message_note, open_notes
from lti_tool.services.chat import ChatLimits, post_message
from lti_tool.services.help_requests import session_channel
from lti_tool.services.tutor_sessions import accept_session
from tests.tutoring_factories import ask, make_school, make_subject, make_tutor, sender

WAIT = 60  # generous: a passing test is woken long before


def test_notes_between_two_looks_come_in_order_and_only_when_every_one_has_a_note():
    listener = Listener(None)
    with listener.watching(["chat"]) as watch:
        first = watch.snapshot()
        assert watch.notes(first, first) is None  # nothing announced: read the database
        listener.bump(["chat"], "one")
        listener.bump(["chat"], "two")
        second = watch.snapshot()
        assert watch.notes(first, second) == ["one", "two"]
        listener.bump(["chat"])
        assert watch.notes(second, watch.snapshot()) is None


def test_notes_no_longer_kept_send_the_watcher_to_the_database():
    listener = Listener(None)
    with listener.watching(["chat"]) as watch:
        first = watch.snapshot()
        for n in range(NOTES_KEPT + 1):
            listener.bump(["chat"], str(n))
        assert watch.notes(first, watch.snapshot()) is None


@pytest.fixture
def chat(app):
    school, algebra = make_school(students=1), make_subject("Algebra")
    tutor = make_tutor("t@x.test", algebra)
    session = accept_session(ask(school.course, school.students[0], algebra).id, tutor,
                             utcnow())
    return session


def say(session, body: str, now=None):
    return post_message(session.id, sender(session, "student", "Ava"), body, None,
                        ChatLimits(2000, 100, 5), now or utcnow())


def test_a_reader_shows_heard_messages_and_reads_the_database_after_a_gap(app, chat):
    reader = ChatReader(chat.id)
    assert reader.news(0, None).lines == []  # the first look reads the database
    sent_at = chat.started_at + timedelta(seconds=5)
    heard = message_note(1, "student", "Ava", "from the note", sent_at)
    [line] = reader.news(0, [heard]).lines
    assert (line.seq, line.body) == (1, "from the note")
    assert line.heading == "[00:00:05] Ava (Student)"

    say(chat, "stored")
    say(chat, "also stored")
    skipped = message_note(3, "student", "Ava", "not what was stored", sent_at)
    assert [line.body for line in reader.news(0, [skipped]).lines] == ["stored", "also stored"]


def test_a_stored_message_is_announced_with_its_note(app, chat):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no notifications")
    channel = session_channel(chat.id)
    with live.listener().watching([channel]) as watch:
        _listening(watch)
        seen = watch.snapshot()
        posted = say(chat, "hello over the wire")
        assert watch.wait(seen, WAIT)
        [note] = open_notes(watch.notes(seen, watch.snapshot()))
    assert note == message_note(1, "student", "Ava", "hello over the wire",
                                posted.message.sent_at)


def test_a_note_too_long_for_a_notification_is_left_out(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no notifications")
    channel = f"test:{uuid4().hex}"
    with live.listener().watching([channel]) as watch:
        _listening(watch)
        seen = watch.snapshot()
        live.announce(channel, note="é" * 5000)  # 10,000 bytes: more than PostgreSQL takes
        db.session.commit()
        assert watch.wait(seen, WAIT)
        assert watch.notes(seen, watch.snapshot()) is None


def _listening(watch) -> None:
    """Return once the listener is connected: it has heard an announcement of ours."""
    ready = f"test:{uuid4().hex}"
    with live.listener().watching([ready]) as ready_watch:
        seen = ready_watch.snapshot()
        live.announce(ready)
        db.session.commit()
        assert ready_watch.wait(seen, WAIT)


def test_a_note_travels_sealed(app, chat):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no notifications")
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as listening:
        listening.execute(f"LISTEN {CHANNEL}")
        say(chat, "a secret worth keeping")
        [payload] = [n.payload for n in listening.notifies(timeout=WAIT, stop_after=1)]
    channel, _, sealed = payload.partition("\n")
    assert channel == session_channel(chat.id) and sealed
    assert "secret" not in sealed
