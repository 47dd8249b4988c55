"""What the topic list reads: every topic of a course, and how many sessions each has."""

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import Subject, Topic, TutoringSession

SOURCE_WORDS = {
    "placement": "Placed as a link",
    "lineitem": "From the gradebook",
    "instructor": "Added here",
}


@dataclass(frozen=True)
class TopicRow:
    """One line of the topic list."""

    id: int
    name: str
    subject: str | None
    source: str
    has_column: bool
    retired: bool
    merged_into: str | None
    sessions: int | None  # None when the viewer may not see student activity


def topic_rows(course_id: int, with_counts: bool) -> list[TopicRow]:
    """Return the course's topics, active ones first, then by name."""
    survivor = aliased(Topic)
    rows = db.session.execute(
        db.select(Topic, Subject.name, survivor.name)
        .outerjoin(Subject, Subject.id == Topic.subject_id)
        .outerjoin(survivor, survivor.id == Topic.merged_into_id)
        .where(Topic.course_id == course_id)
        .order_by(Topic.retired, func.lower(Topic.name))
    ).all()
    counts = _session_counts(course_id) if with_counts else {}
    return [
        TopicRow(t.id, t.name, subject, SOURCE_WORDS.get(t.source, t.source),
                 bool(t.lineitem_url), t.retired, merged_into,
                 counts.get(t.id, 0) if with_counts else None)
        for t, subject, merged_into in rows
    ]


def _session_counts(course_id: int) -> dict[int, int]:
    # Test students are left out, as in every report.
    return dict(db.session.execute(
        db.select(TutoringSession.topic_id, func.count())
        .where(TutoringSession.course_id == course_id, TutoringSession.topic_id.is_not(None),
               TutoringSession.is_test_user.is_(False))
        .group_by(TutoringSession.topic_id)
    ).all())
