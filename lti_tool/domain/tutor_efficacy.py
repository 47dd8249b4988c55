"""A tutor's own efficacy figures: how their sessions went and whether their plans worked.

The guide "Personalizing a Tutoring Session" asks tutors to collect data on their own
instructional efficacy as well as on their students' mastery; these are those figures.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from .barriers import reassessment_due
from .diagnosis import MASTERY, REASSESSMENT


@dataclass(frozen=True)
class SessionOutcome:
    """One ended session of the tutor, with what its diagnosis recorded (None when absent)."""

    started_at: datetime | None
    ended_at: datetime | None
    rating: int | None = None
    exit_ticket: int | None = None
    mastery: str | None = None


@dataclass(frozen=True)
class StudentDiagnosis:
    """A diagnosis of one of the tutor's students, recorded by them or by another tutor."""

    id: int
    student_id: int
    subject_id: int
    tutor_id: int
    session_at: datetime  # when its session started: orders the student's sessions
    barrier: str
    exit_ticket: int | None = None
    reassessed_diagnosis_id: int | None = None  # the earlier plan this one reassessed
    reassessment: str | None = None  # how that earlier plan went


@dataclass(frozen=True)
class Efficacy:
    sessions: int
    average_rating: float | None
    rated: int
    average_exit_ticket: float | None
    exit_tickets: int
    mastery: dict[str, int] = field(default_factory=dict)
    # Later sessions' reassessments of this tutor's plans, by answer.
    reassessments: dict[str, int] = field(default_factory=dict)
    awaiting_reassessment: int = 0
    # Points the student's exit ticket moved from this tutor's session to their next one.
    average_exit_ticket_change: float | None = None
    exit_ticket_changes: int = 0


def _average(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def _in_order(diagnoses: Iterable[StudentDiagnosis]) -> list[list[StudentDiagnosis]]:
    """Group the diagnoses by student and subject, each group by when its session started.

    A session follows up the plan of the student's latest earlier session in the same
    subject (queries.tutoring.latest_diagnosis_before), so only neighbours in a group are
    a plan and its follow-up."""
    groups: dict[tuple[int, int], list[StudentDiagnosis]] = {}
    for d in diagnoses:
        groups.setdefault((d.student_id, d.subject_id), []).append(d)
    return [sorted(group, key=lambda d: (d.session_at, d.id)) for group in groups.values()]


def reassessments_of(tutor_id: int, diagnoses: Iterable[StudentDiagnosis]) -> dict[str, int]:
    """Count the later diagnoses that reassessed one of the tutor's plans, by answer."""
    diagnoses = list(diagnoses)
    plans = {d.id for d in diagnoses if d.tutor_id == tutor_id}
    counts = dict.fromkeys(REASSESSMENT, 0)
    for d in diagnoses:
        if d.reassessed_diagnosis_id in plans and d.reassessment in counts:
            counts[d.reassessment] += 1
    return counts


def awaiting_reassessment(tutor_id: int, diagnoses: Iterable[StudentDiagnosis]) -> int:
    """Count the tutor's plans that the student's next session is still due to reassess."""
    # Only the latest plan in a subject is followed up; an earlier unreassessed one never will.
    return sum(1 for group in _in_order(diagnoses)
               if group[-1].tutor_id == tutor_id and reassessment_due(group[-1].barrier))


def exit_ticket_changes(tutor_id: int, diagnoses: Iterable[StudentDiagnosis]) -> list[int]:
    """Return how many points each student's exit ticket moved from a session the tutor
    diagnosed to the student's next diagnosed session in that subject, where both gave one."""
    return [later.exit_ticket - earlier.exit_ticket
            for group in _in_order(diagnoses)
            for earlier, later in zip(group, group[1:], strict=False)
            if earlier.tutor_id == tutor_id and earlier.exit_ticket is not None
            and later.exit_ticket is not None]


def efficacy(tutor_id: int, outcomes: Iterable[SessionOutcome],
             diagnoses: Iterable[StudentDiagnosis] = ()) -> Efficacy:
    """Return the figures over the tutor's ended sessions and their students' diagnoses."""
    outcomes, diagnoses = list(outcomes), list(diagnoses)
    ratings = [o.rating for o in outcomes if o.rating is not None]
    tickets = [o.exit_ticket for o in outcomes if o.exit_ticket is not None]
    mastery = dict.fromkeys(MASTERY, 0)
    for outcome in outcomes:
        if outcome.mastery in mastery:
            mastery[outcome.mastery] += 1
    changes = exit_ticket_changes(tutor_id, diagnoses)
    return Efficacy(
        sessions=len(outcomes), average_rating=_average(ratings), rated=len(ratings),
        average_exit_ticket=_average(tickets), exit_tickets=len(tickets), mastery=mastery,
        reassessments=reassessments_of(tutor_id, diagnoses),
        awaiting_reassessment=awaiting_reassessment(tutor_id, diagnoses),
        average_exit_ticket_change=_average(changes), exit_ticket_changes=len(changes),
    )
