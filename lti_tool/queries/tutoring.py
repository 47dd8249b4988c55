"""What tutoring pages read: topics, the queue, who is online, a student's past sessions."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func

from ..domain.barriers import reassessment_due, steps_for
from ..domain.queue import estimate_wait, usual_hours
from ..domain.session_states import Status
from ..extensions import db
from ..models import (
    Account,
    Diagnosis,
    LineItemResult,
    LmsUser,
    Subject,
    Topic,
    TutoringSession,
    TutorSubject,
)
from .gradebook import student_results


def active_subjects() -> list[Subject]:
    """Return the catalog's subjects students can choose, by name."""
    return list(db.session.execute(
        db.select(Subject).filter_by(retired=False).order_by(Subject.name)
    ).scalars())


def course_topics(course_id: int) -> list[Topic]:
    """Return the course's active topics, by name."""
    return list(db.session.execute(
        db.select(Topic).filter_by(course_id=course_id, retired=False).order_by(Topic.name)
    ).scalars())


def online_tutor_counts(now: datetime, fresh_seconds: int) -> dict[int, int]:
    """Return {subject id: tutors available and seen within `fresh_seconds`}."""
    rows = db.session.execute(
        db.select(TutorSubject.subject_id, func.count())
        .join(Account, Account.id == TutorSubject.account_id)
        .where(Account.active, Account.is_tutor, Account.available,
               Account.last_seen_at >= now - timedelta(seconds=fresh_seconds))
        .group_by(TutorSubject.subject_id)
    ).all()
    return dict(rows)


def usual_hours_by_subject(now: datetime) -> dict[int, tuple[int, int]]:
    """Return {subject id: (first, last) UTC hour} when sessions usually start (4 weeks)."""
    rows = db.session.execute(
        db.select(TutoringSession.subject_id, TutoringSession.started_at)
        .where(TutoringSession.started_at >= now - timedelta(days=28))
    ).all()
    by_subject: dict[int, list[datetime]] = {}
    for subject_id, started in rows:
        by_subject.setdefault(subject_id, []).append(started)
    hours = {sid: usual_hours(times) for sid, times in by_subject.items()}
    return {sid: span for sid, span in hours.items() if span is not None}


@dataclass(frozen=True)
class QueuePlace:
    place: int
    estimate: timedelta | None
    tutors_online: int


def queue_place(session: TutoringSession, now: datetime, fresh_seconds: int) -> QueuePlace:
    """Return the request's place among waiting requests of its subject and a likely wait."""
    ahead = db.session.execute(
        db.select(func.count()).select_from(TutoringSession)
        .where(TutoringSession.status == Status.WAITING,
               TutoringSession.subject_id == session.subject_id,
               TutoringSession.id < session.id)
    ).scalar_one()
    recent = db.session.execute(
        db.select(TutoringSession.requested_at, TutoringSession.started_at)
        .where(TutoringSession.subject_id == session.subject_id,
               TutoringSession.started_at >= now - timedelta(days=7))
        .order_by(TutoringSession.started_at.desc()).limit(50)
    ).all()
    online = online_tutor_counts(now, fresh_seconds).get(session.subject_id, 0)
    waits = [started - requested for requested, started in recent]
    return QueuePlace(ahead + 1, estimate_wait(waits, ahead + 1, online), online)


@dataclass(frozen=True)
class QueueEntry:
    session_id: int
    first_name: str
    course: str
    subject: str
    topic: str
    question: str
    requested_at: datetime


FIRST_NAME_MAX = 40


def first_name(session: TutoringSession) -> str:
    """Return the only name of a student a tutor sees."""
    return first_name_of(session.student)


def first_name_of(student: LmsUser) -> str:
    """Return the only name of this student a tutor sees."""
    name = student.given_name or (student.name or "").split(" ")[0]
    # Some LMSs put a login or an email where the name goes: never show that to a tutor.
    if not name or "@" in name or len(name) > FIRST_NAME_MAX:
        return "Student"
    return name


def topic_label(session: TutoringSession) -> str:
    """Return the topic as the student chose or wrote it."""
    if session.topic is not None:
        return session.topic.name
    return session.topic_text or "No topic given"


def tutor_queue(tutor_id: int) -> list[QueueEntry]:
    """Return waiting requests in the tutor's subjects, oldest first."""
    sessions = db.session.execute(
        db.select(TutoringSession)
        .join(TutorSubject, TutorSubject.subject_id == TutoringSession.subject_id)
        .where(TutorSubject.account_id == tutor_id, TutoringSession.status == Status.WAITING)
        .order_by(TutoringSession.requested_at, TutoringSession.id)
    ).scalars().all()
    return [QueueEntry(s.id, first_name(s), s.course.display_title, s.subject.name,
                       topic_label(s), s.question, s.requested_at) for s in sessions]


def latest_diagnosis_before(session: TutoringSession) -> Diagnosis | None:
    """Return the diagnosis of the student's latest earlier session in the same subject: its
    plan is the one this session follows up (a later session's plan never counts)."""
    started = session.started_at or session.requested_at
    return db.session.execute(
        db.select(Diagnosis).join(TutoringSession, TutoringSession.id == Diagnosis.session_id)
        .where(TutoringSession.student_id == session.student_id,
               TutoringSession.subject_id == session.subject_id,
               TutoringSession.id != session.id, TutoringSession.started_at < started)
        .order_by(TutoringSession.started_at.desc(), Diagnosis.id.desc()).limit(1)
    ).scalar_one_or_none()


def diagnoses_by_session(session_ids: list[int]) -> dict[int, Diagnosis]:
    """Return {session id: diagnosis} for the sessions that have one."""
    if not session_ids:
        return {}
    rows = db.session.execute(
        db.select(Diagnosis).where(Diagnosis.session_id.in_(session_ids))
    ).scalars()
    return {d.session_id: d for d in rows}


@dataclass(frozen=True)
class PastSession:
    session: TutoringSession
    diagnosis: Diagnosis | None


def past_sessions(student_id: int, *, course_id: int | None = None,
                  excluding: int | None = None) -> list[PastSession]:
    """Return the student's ended sessions, newest first, in one course or on the platform."""
    query = db.select(TutoringSession).where(TutoringSession.student_id == student_id,
                                             TutoringSession.status == Status.ENDED)
    if course_id is not None:
        query = query.where(TutoringSession.course_id == course_id)
    if excluding is not None:
        query = query.where(TutoringSession.id != excluding)
    sessions = db.session.execute(
        query.order_by(TutoringSession.started_at.desc())
    ).scalars().all()
    diagnoses = diagnoses_by_session([s.id for s in sessions])
    return [PastSession(s, diagnoses.get(s.id)) for s in sessions]


@dataclass(frozen=True)
class StudentPanel:
    """What the tutor sees beside the chat to personalize this session."""

    past: list[PastSession]
    last: Diagnosis | None
    plan: tuple[str, ...]
    reassessment_due: bool
    # The student's results on this course's tutoring columns, as the LMS last reported them.
    results: list[LineItemResult]


def student_panel(session: TutoringSession) -> StudentPanel:
    """Return the student's history on this platform, the plan their last diagnosis set and
    their gradebook results in this course."""
    past = past_sessions(session.student_id, excluding=session.id)
    last = latest_diagnosis_before(session)
    plan = tuple(last.next_steps) or steps_for(last.barrier) if last else ()
    return StudentPanel(past, last, plan, bool(last and reassessment_due(last.barrier)),
                        student_results(session.course_id, session.student_id))
