"""What gradebook pages read: the course's tutoring columns and a student's results on them."""

from dataclasses import dataclass

from ..extensions import db
from ..models import LineItemResult, Topic


@dataclass(frozen=True)
class Column:
    """One of the tool's gradebook columns in a course, named after its topic."""

    lineitem_url: str
    label: str


def tutoring_columns(course_id: int) -> list[Column]:
    """Return the course's tutoring line items, one per URL, active topics first, by name."""
    topics = db.session.execute(
        db.select(Topic)
        .where(Topic.course_id == course_id, Topic.lineitem_url.is_not(None))
        .order_by(Topic.retired, Topic.name)
    ).scalars()
    columns: dict[str, Column] = {}
    for topic in topics:
        columns.setdefault(topic.lineitem_url, Column(topic.lineitem_url, topic.name))
    return list(columns.values())


def student_results(course_id: int, student_id: int) -> list[LineItemResult]:
    """Return the student's gradebook results in the course as last read, by label."""
    return list(db.session.execute(
        db.select(LineItemResult)
        .filter_by(course_id=course_id, student_id=student_id)
        .order_by(LineItemResult.label, LineItemResult.id)
    ).scalars())
