"""Failed sign-ins lock an email or an address out for the rest of the window."""

from datetime import datetime, timedelta

import pytest

from lti_tool.domain.sign_in_limits import minutes_to_wait

NOW = datetime(2025, 3, 1, 12, 0)
WINDOW = timedelta(minutes=15)


def ago(minutes: float) -> datetime:
    return NOW - timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("failures", "expected"),
    [
        ([], 0),
        ([ago(1)] * 4, 0),
        ([ago(1)] * 5, 14),
        ([ago(14.5)] + [ago(1)] * 4, 1),
        ([ago(16)] * 3 + [ago(1)] * 4, 0),
        ([ago(10), ago(8), ago(6), ago(4), ago(2), ago(1)], 7),
    ],
    ids=["none", "under-limit", "at-limit", "oldest-about-to-leave", "old-ones-ignored",
         "above-limit-waits-for-enough-to-leave"],
)
def test_wait_lasts_until_enough_failures_leave_the_window(failures, expected):
    assert minutes_to_wait(failures, 5, WINDOW, NOW) == expected


def test_a_lockout_never_says_to_wait_zero_minutes():
    assert minutes_to_wait([ago(14.99)] * 5, 5, WINDOW, NOW) == 1
