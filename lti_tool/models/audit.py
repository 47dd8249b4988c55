"""Who read which student's records: kept for the institution's disclosure records."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from .accounts import Account
from .people import Course, LmsUser


class TranscriptRead(db.Model):
    """One read of a student's session transcript by someone else. Rows are only ever added
    (on PostgreSQL a trigger refuses the rest: migration 7d41c9e2b8f0)."""

    __tablename__ = "transcript_reads"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("tutoring_sessions.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("lms_users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    reader_role: Mapped[str] = mapped_column(String(20))  # tutor | admin
    # The tool's own account that read it (tutors, admins).
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    read_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    account: Mapped[Account | None] = relationship()
    course: Mapped[Course] = relationship()
    student: Mapped[LmsUser] = relationship()
