"""Facts the tutoring service records for later consumers (Early Alerts reads them).

Each event names its session, its student and course (and whether the student is a test
user, whom alerts leave out), and carries the figures a consumer needs, so a consumer never
has to guess what the state was when the event happened.
"""

from dataclasses import asdict, dataclass
from datetime import datetime


@dataclass(frozen=True)
class SessionStarted:
    """A tutor accepted a request (FREQUENT is evaluated here)."""

    session_id: int
    student_id: int
    course_id: int
    platform_id: int
    is_test_user: bool
    subject_id: int
    started_at: datetime
    kind: str = "session_started"


@dataclass(frozen=True)
class SessionEnded:
    """A live session ended (LONG is evaluated here)."""

    session_id: int
    student_id: int
    course_id: int
    is_test_user: bool
    subject_id: int
    started_at: datetime
    ended_at: datetime
    ended_by: str
    kind: str = "session_ended"


@dataclass(frozen=True)
class DiagnosisRecorded:
    """The tutor recorded the diagnosis (PREREQ and MASTERY are evaluated here)."""

    session_id: int
    student_id: int
    course_id: int
    is_test_user: bool
    diagnosis_id: int
    prerequisite: str
    mastery: str
    barrier: str
    exit_ticket: int | None
    kind: str = "diagnosis_recorded"


@dataclass(frozen=True)
class SessionRated:
    """The student rated the session."""

    session_id: int
    student_id: int
    course_id: int
    rating: int
    kind: str = "session_rated"


Event = SessionStarted | SessionEnded | DiagnosisRecorded | SessionRated


def payload(event: Event) -> dict:
    """Return the event's figures as JSON-ready values."""
    return {name: value.isoformat() if isinstance(value, datetime) else value
            for name, value in asdict(event).items() if name != "kind"}
