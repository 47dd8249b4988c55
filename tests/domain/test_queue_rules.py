from datetime import datetime, timedelta

from lti_tool.domain.queue import estimate_wait, usual_hours

MINUTE = timedelta(minutes=1)


def test_no_estimate_without_enough_history():
    assert estimate_wait([MINUTE, MINUTE], place=1, tutors_online=1) is None


def test_first_in_line_waits_a_typical_wait():
    assert estimate_wait([MINUTE, 3 * MINUTE, 5 * MINUTE], place=1, tutors_online=1) == (
        3 * MINUTE)


def test_people_ahead_add_waits_shared_among_online_tutors():
    waits = [2 * MINUTE] * 5
    assert estimate_wait(waits, place=3, tutors_online=1) == 6 * MINUTE
    assert estimate_wait(waits, place=3, tutors_online=2) == 4 * MINUTE


def test_no_estimate_while_no_tutor_is_online():
    assert estimate_wait([2 * MINUTE] * 5, place=1, tutors_online=0) is None


def at(hour: int) -> datetime:
    return datetime(2026, 11, 2, hour, 30)


def test_usual_hours_need_some_history():
    assert usual_hours([at(14)] * 4) is None


def test_usual_hours_cover_most_sessions_in_the_shortest_run():
    started = [at(14)] * 4 + [at(15)] * 4 + [at(16)] * 1 + [at(3)]
    assert usual_hours(started) == (14, 15)


def test_usual_hours_may_run_past_midnight():
    started = [at(23)] * 5 + [at(0)] * 5
    assert usual_hours(started) == (23, 0)
