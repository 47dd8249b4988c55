from datetime import datetime, timedelta

import pytest

from lti_tool.domain.chat import MessageRefused, clean_message, transcript_line, within_rate

START = datetime(2026, 11, 17, 11, 25)


@pytest.mark.parametrize("body", ["", "   ", "\n\r\n", None])
def test_empty_messages_are_refused(body):
    with pytest.raises(MessageRefused):
        clean_message(body, 100)


def test_messages_over_the_limit_are_refused_and_at_the_limit_kept():
    assert clean_message("x" * 100, 100) == "x" * 100
    with pytest.raises(MessageRefused):
        clean_message("x" * 101, 100)


def test_messages_keep_their_line_breaks_and_lose_outer_space():
    assert clean_message("  a\r\nb  ", 100) == "a\nb"


def test_a_sixth_message_within_five_seconds_is_over_the_rate():
    now = START + timedelta(seconds=10)
    recent = [now - timedelta(seconds=s) for s in (0.5, 1, 2, 3, 4)]
    assert not within_rate(recent, now, count=5, seconds=5)
    assert within_rate(recent[:4], now, count=5, seconds=5)
    assert within_rate([now - timedelta(seconds=6)] * 5, now, count=5, seconds=5)


def test_transcript_lines_show_the_offset_from_the_sessions_start():
    sent = START + timedelta(minutes=4, seconds=43)
    assert transcript_line(START, sent, "Rachel", "student") == "[00:04:43] Rachel (Student)"
    later = START + timedelta(hours=1, minutes=2, seconds=3)
    assert transcript_line(START, later, "Joanetta L.", "tutor") == "[01:02:03] Joanetta L. (Tutor)"


def test_lines_before_the_start_show_zero():
    assert transcript_line(START, START - timedelta(seconds=5), "A", "student").startswith(
        "[00:00:00]")
    assert transcript_line(None, START, "A", "student").startswith("[00:00:00]")
