"""A failed job waits longer after each failure and is parked after the last attempt."""

from datetime import datetime, timedelta

import pytest

from lti_tool.domain.jobs import after_failure, retry_delay

NOW = datetime(2026, 11, 24, 12, 0, 0)


@pytest.mark.parametrize(
    ("attempts", "delay"),
    [(1, timedelta(seconds=30)), (2, timedelta(seconds=60)), (3, timedelta(seconds=120)),
     (20, timedelta(hours=1))],
)
def test_retry_delay_doubles_up_to_an_hour(attempts, delay):
    assert retry_delay(attempts) == delay


def test_job_is_retried_until_its_last_attempt_then_parked():
    assert after_failure(3, 4, NOW) == ("pending", NOW + timedelta(seconds=120))
    assert after_failure(4, 4, NOW) == ("parked", None)
