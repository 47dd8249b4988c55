"""A tutor's efficacy figures, computed from plain session outcomes and diagnoses."""

from datetime import datetime, timedelta

import pytest

from lti_tool.domain.session_length import length_minutes
from lti_tool.domain.tutor_efficacy import (
    SessionOutcome,
    StudentDiagnosis,
    efficacy,
    exit_ticket_changes,
)

START = datetime(2025, 3, 10, 14, 0)
ME, OTHER = 1, 2
ALGEBRA, STATISTICS = 5, 6


def ended(minutes: float = 30, **fields) -> SessionOutcome:
    return SessionOutcome(START, START + timedelta(minutes=minutes), **fields)


def diagnosed(diagnosis_id: int, tutor_id: int = ME, day: int = 0, student_id: int = 10,
              barrier: str = "practice", subject_id: int = ALGEBRA,
              **fields) -> StudentDiagnosis:
    """A diagnosis of a session that started `day` days after START."""
    return StudentDiagnosis(diagnosis_id, student_id, subject_id, tutor_id,
                            START + timedelta(days=day), barrier, **fields)


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
    figures = efficacy(ME, [])
    assert figures.sessions == 0
    assert figures.average_rating is None and figures.rated == 0
    assert figures.average_exit_ticket is None and figures.exit_tickets == 0
    assert figures.mastery == {"demonstrated": 0, "partial": 0, "not_demonstrated": 0}
    assert figures.reassessments == {"improved": 0, "not_improved": 0, "not_assessed": 0}
    assert figures.awaiting_reassessment == 0
    assert figures.average_exit_ticket_change is None and figures.exit_ticket_changes == 0


def test_averages_count_only_rated_sessions_and_given_exit_tickets():
    figures = efficacy(ME, [
        ended(rating=5, exit_ticket=90),
        ended(rating=4),
        ended(exit_ticket=0),
        ended(),
    ])
    assert figures.sessions == 4
    assert (figures.average_rating, figures.rated) == (4.5, 2)
    assert (figures.average_exit_ticket, figures.exit_tickets) == (45.0, 2)


def test_averages_are_rounded_to_two_decimals():
    figures = efficacy(ME, [ended(rating=5), ended(rating=4), ended(rating=4)])
    assert figures.average_rating == 4.33


def test_mastery_is_counted_per_answer():
    figures = efficacy(ME, [
        ended(mastery="demonstrated"),
        ended(mastery="demonstrated"),
        ended(mastery="not_demonstrated"),
        ended(mastery="partial"),
        ended(),  # no diagnosis yet
    ])
    assert figures.mastery == {"demonstrated": 2, "partial": 1, "not_demonstrated": 1}


def test_reassessments_count_later_diagnoses_of_the_tutors_plans_not_the_tutors_own_answers():
    figures = efficacy(ME, [], [
        diagnosed(1, student_id=10),
        diagnosed(2, OTHER, day=1, student_id=10, reassessed_diagnosis_id=1,
                  reassessment="improved"),
        diagnosed(3, student_id=11),
        diagnosed(4, ME, day=1, student_id=11, reassessed_diagnosis_id=3,
                  reassessment="not_improved"),
        diagnosed(5, OTHER, student_id=12),
        # The tutor reassessing another tutor's plan says nothing about the tutor's own plans.
        diagnosed(6, ME, day=1, student_id=12, reassessed_diagnosis_id=5,
                  reassessment="improved", barrier="none"),
    ])
    assert figures.reassessments == {"improved": 1, "not_improved": 1, "not_assessed": 0}


def test_only_the_students_latest_plan_in_a_subject_with_a_barrier_awaits_reassessment():
    figures = efficacy(ME, [], [
        diagnosed(1, student_id=10),  # reassessed by 2
        diagnosed(2, OTHER, day=1, student_id=10, reassessed_diagnosis_id=1,
                  reassessment="not_assessed"),
        diagnosed(3, student_id=11, barrier="misconception"),  # awaiting
        diagnosed(4, student_id=12, barrier="none"),  # no plan to reassess
        diagnosed(5, OTHER, student_id=13),  # another tutor's plan
        diagnosed(6, student_id=14, day=3),  # followed by a later session: never reassessed
        diagnosed(7, OTHER, student_id=14, day=4, barrier="none"),
        diagnosed(8, student_id=15, day=1),  # awaiting: the later session was another subject
        diagnosed(9, OTHER, student_id=15, day=2, subject_id=STATISTICS, barrier="none"),
    ])
    assert figures.reassessments["not_assessed"] == 1
    assert figures.awaiting_reassessment == 2


@pytest.mark.parametrize(
    ("tickets", "expected"),
    [
        ([(ME, 40), (OTHER, 70)], [30]),  # the next session was another tutor's
        ([(ME, 80), (ME, 60), (ME, 90)], [-20, 30]),
        ([(OTHER, 40), (ME, 70)], []),  # the earlier session was not the tutor's
        ([(ME, 40), (ME, None), (ME, 90)], []),  # only consecutive sessions compare
        ([(ME, None), (OTHER, 90)], []),
        ([(ME, 50)], []),
    ],
)
def test_exit_ticket_change_compares_a_tutors_session_with_the_students_next_one(
        tickets, expected):
    diagnoses = [diagnosed(n, tutor_id, day=n, exit_ticket=ticket)
                 for n, (tutor_id, ticket) in enumerate(tickets)]
    assert exit_ticket_changes(ME, reversed(diagnoses)) == expected


def test_exit_ticket_change_compares_sessions_in_the_same_subject_only():
    diagnoses = [
        diagnosed(1, day=0, exit_ticket=40),
        diagnosed(2, OTHER, day=1, exit_ticket=95, subject_id=STATISTICS),
        diagnosed(3, OTHER, day=2, exit_ticket=60),
        diagnosed(4, day=3, exit_ticket=10, subject_id=STATISTICS),
    ]
    assert exit_ticket_changes(ME, diagnoses) == [20]


def test_exit_ticket_change_is_averaged_over_students_without_mixing_them():
    figures = efficacy(ME, [], [
        diagnosed(1, student_id=10, day=0, exit_ticket=50),
        diagnosed(2, student_id=11, day=1, exit_ticket=90),
        diagnosed(3, OTHER, student_id=10, day=2, exit_ticket=75),
        diagnosed(4, OTHER, student_id=11, day=3, exit_ticket=80),
        diagnosed(5, student_id=12, day=4, exit_ticket=10),
    ])
    assert (figures.average_exit_ticket_change, figures.exit_ticket_changes) == (7.5, 2)
