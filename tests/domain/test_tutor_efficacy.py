"""A tutor's efficacy figures, computed from plain session outcomes."""

from datetime import datetime, timedelta

import pytest

from lti_tool.domain.tutor_efficacy import SessionOutcome, efficacy, length_minutes

START = datetime(2025, 3, 10, 14, 0)


def ended(minutes: float = 30, **fields) -> SessionOutcome:
    return SessionOutcome(START, START + timedelta(minutes=minutes), **fields)


@pytest.mark.parametrize(
    ("started", "ended_at", "expected"),
    [
        (START, START + timedelta(minutes=18, seconds=13.2), 18.22),
        (START, START, 0.0),
        (None, START, None),
        (START, None, None),
    ],
)
def test_length_is_minutes_with_two_decimals_or_none_for_a_session_that_never_ran(
        started, ended_at, expected):
    assert length_minutes(started, ended_at) == expected


def test_no_sessions_give_zero_counts_and_no_averages():
    figures = efficacy([])
    assert figures.sessions == 0
    assert figures.average_rating is None and figures.rated == 0
    assert figures.average_exit_ticket is None and figures.exit_tickets == 0
    assert figures.mastery == {"demonstrated": 0, "partial": 0, "not_demonstrated": 0}
    assert figures.reassessments == {"improved": 0, "not_improved": 0, "not_assessed": 0}


def test_averages_count_only_rated_sessions_and_given_exit_tickets():
    figures = efficacy([
        ended(rating=5, exit_ticket=90),
        ended(rating=4),
        ended(exit_ticket=0),
        ended(),
    ])
    assert figures.sessions == 4
    assert (figures.average_rating, figures.rated) == (4.5, 2)
    assert (figures.average_exit_ticket, figures.exit_tickets) == (45.0, 2)


def test_averages_are_rounded_to_two_decimals():
    figures = efficacy([ended(rating=5), ended(rating=4), ended(rating=4)])
    assert figures.average_rating == 4.33


def test_mastery_and_reassessments_are_counted_per_answer():
    figures = efficacy([
        ended(mastery="demonstrated", reassessment="improved"),
        ended(mastery="demonstrated", reassessment="not_assessed"),
        ended(mastery="not_demonstrated", reassessment="improved"),
        ended(mastery="partial"),
        ended(),  # no diagnosis yet
    ])
    assert figures.mastery == {"demonstrated": 2, "partial": 1, "not_demonstrated": 1}
    assert figures.reassessments == {"improved": 2, "not_improved": 0, "not_assessed": 1}
