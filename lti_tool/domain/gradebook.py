"""When an exit-ticket result goes to the LMS gradebook, and with which AGS timestamp."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

# AGS: a tool never sends two scores of one (line item, user) with the same timestamp.
TIMESTAMP_STEP = timedelta(microseconds=1)


class NotSent(StrEnum):
    """Why a result stays out of the gradebook (logged as a reason, never with a name)."""

    SWITCHED_OFF = "switched_off"
    NO_COLUMN = "no_column"
    NO_EXIT_TICKET = "no_exit_ticket"
    NO_SCORE_SCOPE = "no_score_scope"
    NOT_A_MEMBER = "not_a_member"
    TEST_USER = "test_user"
    NOT_A_LEARNER = "not_a_learner"


@dataclass(frozen=True)
class ScoreCase:
    """What decides whether a recorded exit ticket is sent to the course's gradebook."""

    course_sends: bool  # the instructor turned "send exit-ticket results" on
    has_column: bool  # the session's topic has the tool's line item
    exit_ticket: int | None
    score_scope: bool  # the course's launches granted the AGS score scope
    member_active: bool  # an active, not removed, member of the course
    learner: bool
    staff: bool
    test_user: bool


def why_not_sent(case: ScoreCase) -> NotSent | None:
    """Return why the score must not be sent, or None when it goes to the gradebook."""
    if not case.course_sends:
        return NotSent.SWITCHED_OFF
    if not case.has_column:
        return NotSent.NO_COLUMN
    if case.exit_ticket is None:
        return NotSent.NO_EXIT_TICKET
    if not case.score_scope:
        return NotSent.NO_SCORE_SCOPE
    if not case.member_active:
        return NotSent.NOT_A_MEMBER
    if case.test_user:
        return NotSent.TEST_USER
    # Someone who teaches the course is not graded in it, even with a Learner role too.
    if not case.learner or case.staff:
        return NotSent.NOT_A_LEARNER
    return None


def already_sent(score_given: int, sent_score: int | None) -> bool:
    """Return whether the gradebook already holds this value from us."""
    return sent_score == score_given


def next_timestamp(now: datetime, last_sent: datetime | None) -> datetime:
    """Return the timestamp of the next score: now, but strictly after the last one sent."""
    if last_sent is None:
        return now
    return max(now, last_sent + TIMESTAMP_STEP)
