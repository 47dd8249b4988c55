"""What the tool sends to and reads from the LMS gradebook (AGS)."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db


class MasteryScore(db.Model):
    """The latest exit-ticket result of a student on a topic's line item: one row per
    (line item, student), so a re-recorded score replaces the one not yet sent."""

    __tablename__ = "mastery_scores"
    __table_args__ = (UniqueConstraint("lineitem_url", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"))
    student_id: Mapped[int] = mapped_column(ForeignKey("lms_users.id"))
    lineitem_url: Mapped[str] = mapped_column(String(1000))
    diagnosis_id: Mapped[int] = mapped_column(ForeignKey("diagnoses.id"))
    score_given: Mapped[int]
    score_maximum: Mapped[int] = mapped_column(default=100)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The AGS timestamp of the last score sent: each new one must be strictly later.
    sent_timestamp: Mapped[datetime | None]
    sent_score: Mapped[int | None]
    sent_at: Mapped[datetime | None]


class LineItemResult(db.Model):
    """A student's result on one of the course's tutoring line items, as the LMS reported it."""

    __tablename__ = "lineitem_results"
    __table_args__ = (UniqueConstraint("lineitem_url", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("lms_users.id"), index=True)
    lineitem_url: Mapped[str] = mapped_column(String(1000))
    label: Mapped[str] = mapped_column(String(255))
    result_score: Mapped[float | None]
    result_maximum: Mapped[float | None]
    comment: Mapped[str | None] = mapped_column(String(1000))
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
