"""The tutoring aggregate: subjects, course topics, sessions with their messages, ratings,
reports and diagnoses, and the domain events they raise."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from .accounts import Account
from .people import Course, LmsUser
from .sealed import SealedText


class Subject(db.Model):
    """A content area in the service's catalog (Algebra, Statistics, ...)."""

    __tablename__ = "subjects"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    retired: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TutorSubject(db.Model):
    """A subject a tutor covers."""

    __tablename__ = "tutor_subjects"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), primary_key=True)


class Topic(db.Model):
    """What inside a course a student needs help with."""

    __tablename__ = "topics"
    __table_args__ = (UniqueConstraint("course_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subjects.id"))
    # placement (Deep Linking), lineitem (our AGS line item) or instructor (the portal's list)
    source: Mapped[str] = mapped_column(String(20), default="instructor")
    retired: Mapped[bool] = mapped_column(default=False)
    # The tool's own gradebook column for this topic's exit-ticket mastery, when there is one.
    lineitem_url: Mapped[str | None] = mapped_column(String(1000))
    # A topic merged into another is retired and points at the one that carries on.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TutoringSession(db.Model):
    """A student's request for help and, once a tutor accepts it, the live session."""

    __tablename__ = "tutoring_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("lms_users.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), index=True)
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id"))
    topic_text: Mapped[str | None] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(Text)
    learning_goal: Mapped[str | None] = mapped_column(String(500))
    is_test_user: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default="waiting", index=True)
    tutor_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(index=True)
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[str | None] = mapped_column(String(20))
    # Set to the student's id while the request or session is open, NULL after: the unique
    # constraint lets the database, not a racy check, hold each student to one open session.
    open_student_id: Mapped[int | None] = mapped_column(unique=True)
    # Set to the tutor's id from accepting until the diagnosis is recorded: one at a time.
    busy_tutor_id: Mapped[int | None] = mapped_column(unique=True)
    # The seq of the session's latest message: a new message takes the next one.
    last_seq: Mapped[int] = mapped_column(default=0, server_default="0")
    rating: Mapped[int | None]
    rating_comment: Mapped[str | None] = mapped_column(String(1000))
    rated_at: Mapped[datetime | None]

    course: Mapped[Course] = relationship()
    student: Mapped[LmsUser] = relationship()
    subject: Mapped[Subject] = relationship()
    topic: Mapped[Topic | None] = relationship()
    tutor: Mapped[Account | None] = relationship()


class Message(db.Model):
    """One line of a session's transcript; `seq` orders it within the session."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("session_id", "seq"),
        # A resend after a dropped connection carries the same key and is not stored twice.
        UniqueConstraint("session_id", "author_role", "client_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("tutoring_sessions.id"))
    seq: Mapped[int]
    author_role: Mapped[str] = mapped_column(String(10))  # student | tutor
    author_name: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(SealedText)
    client_key: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class SessionReport(db.Model):
    """A session reported to the service admin by one of its participants."""

    __tablename__ = "session_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("tutoring_sessions.id"), index=True)
    reporter_role: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))

    session: Mapped[TutoringSession] = relationship()


class Diagnosis(db.Model):
    """The tutor's end-of-session diagnosis, which personalizes the student's next session."""

    __tablename__ = "diagnoses"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("tutoring_sessions.id"), unique=True)
    tutor_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    # {question key: answer} for the seed's "what did you observe?" questions
    observations: Mapped[dict] = mapped_column(JSON, default=dict)
    observation_notes: Mapped[str | None] = mapped_column(Text)
    barrier: Mapped[str] = mapped_column(String(40))  # a domain.barriers key or "none"
    next_steps: Mapped[list] = mapped_column(JSON, default=list)
    learning_goal: Mapped[str] = mapped_column(String(500))
    prerequisite: Mapped[str] = mapped_column(String(20))  # adequate | low
    mastery: Mapped[str] = mapped_column(String(20))  # demonstrated | partial | not_demonstrated
    exit_ticket: Mapped[int | None]
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id"))
    # The previous diagnosis whose plan this session reassessed, and how that went.
    reassessed_diagnosis_id: Mapped[int | None] = mapped_column(ForeignKey("diagnoses.id"),
                                                                index=True)
    # improved | not_improved | not_assessed
    reassessment: Mapped[str | None] = mapped_column(String(20))
    reassessment_why: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[TutoringSession] = relationship()
    topic: Mapped[Topic | None] = relationship()


class DomainEvent(db.Model):
    """A recorded fact (session started, ended, diagnosed, rated) for later consumers such as
    Early Alerts; written in the same transaction as the change it describes."""

    __tablename__ = "domain_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("tutoring_sessions.id"))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(index=True)

