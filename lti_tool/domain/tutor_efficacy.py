"""A tutor's own efficacy figures: how their sessions went and whether their plans worked.

The guide "Personalizing a Tutoring Session" asks tutors to collect data on their own
instructional efficacy as well as on their students' mastery; these are those figures.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from .diagnosis import MASTERY, REASSESSMENT


@dataclass(frozen=True)
class SessionOutcome:
    """One ended session of the tutor, with what its diagnosis recorded (None when absent)."""

    started_at: datetime | None
    ended_at: datetime | None
    rating: int | None = None
    exit_ticket: int | None = None
    mastery: str | None = None
    reassessment: str | None = None


@dataclass(frozen=True)
class Efficacy:
    sessions: int
    average_rating: float | None
    rated: int
    average_exit_ticket: float | None
    exit_tickets: int
    mastery: dict[str, int] = field(default_factory=dict)
    reassessments: dict[str, int] = field(default_factory=dict)


def length_minutes(started_at: datetime | None, ended_at: datetime | None) -> float | None:
    """Return the session's length in minutes to two decimals, or None if it never ran."""
    if started_at is None or ended_at is None:
        return None
    return round((ended_at - started_at).total_seconds() / 60, 2)


def _average(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def efficacy(outcomes: Iterable[SessionOutcome]) -> Efficacy:
    """Return the figures over the tutor's ended sessions."""
    outcomes = list(outcomes)
    ratings = [o.rating for o in outcomes if o.rating is not None]
    tickets = [o.exit_ticket for o in outcomes if o.exit_ticket is not None]
    mastery = dict.fromkeys(MASTERY, 0)
    reassessments = dict.fromkeys(REASSESSMENT, 0)
    for outcome in outcomes:
        if outcome.mastery in mastery:
            mastery[outcome.mastery] += 1
        if outcome.reassessment in reassessments:
            reassessments[outcome.reassessment] += 1
    return Efficacy(
        sessions=len(outcomes), average_rating=_average(ratings), rated=len(ratings),
        average_exit_ticket=_average(tickets), exit_tickets=len(tickets), mastery=mastery,
        reassessments=reassessments,
    )
