from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from lti_tool.domain.gradebook import (
    NotSent,
    ScoreCase,
    already_sent,
    next_timestamp,
    why_not_sent,
)

NOW = datetime(2026, 11, 24, 15, 0)
SENDABLE = ScoreCase(course_sends=True, has_column=True, exit_ticket=70, score_scope=True,
                     member_active=True, learner=True, staff=False, test_user=False)


def test_a_learners_exit_ticket_on_a_topic_with_a_column_is_sent_when_switched_on():
    assert why_not_sent(SENDABLE) is None


def test_an_exit_ticket_of_zero_is_a_score():
    assert why_not_sent(replace(SENDABLE, exit_ticket=0)) is None


@pytest.mark.parametrize("change, reason", [
    ({"course_sends": False}, NotSent.SWITCHED_OFF),
    ({"has_column": False}, NotSent.NO_COLUMN),
    ({"exit_ticket": None}, NotSent.NO_EXIT_TICKET),
    ({"score_scope": False}, NotSent.NO_SCORE_SCOPE),
    ({"member_active": False}, NotSent.NOT_A_MEMBER),
    ({"test_user": True}, NotSent.TEST_USER),
    ({"learner": False}, NotSent.NOT_A_LEARNER),
    ({"learner": False, "staff": True}, NotSent.NOT_A_LEARNER),
    ({"staff": True}, NotSent.NOT_A_LEARNER),  # an instructor who is also enrolled
])
def test_scores_stay_out_of_the_gradebook(change, reason):
    assert why_not_sent(replace(SENDABLE, **change)) == reason


def test_the_switch_is_checked_before_anything_about_the_student():
    assert why_not_sent(replace(SENDABLE, course_sends=False, test_user=True)) == (
        NotSent.SWITCHED_OFF)


@pytest.mark.parametrize("score, sent, expected", [
    (70, None, False), (70, 60, False), (70, 70, True), (0, 0, True), (0, None, False)])
def test_a_value_already_in_the_gradebook_is_not_sent_again(score, sent, expected):
    assert already_sent(score, sent) is expected


def test_the_first_score_is_stamped_now():
    assert next_timestamp(NOW, None) == NOW


def test_a_later_score_keeps_its_own_later_time():
    assert next_timestamp(NOW, NOW - timedelta(minutes=5)) == NOW


@pytest.mark.parametrize("last", [NOW, NOW + timedelta(seconds=3)])
def test_a_score_never_repeats_or_precedes_the_last_timestamp(last):
    # A clock that stood still, or went back, must not give the LMS a timestamp it refuses.
    assert next_timestamp(NOW, last) == last + timedelta(microseconds=1)
