"""A course's topics as its instructors keep them: add, rename, merge, retire, restore."""

import logging
from datetime import datetime

from sqlalchemy import func, update

from ..domain.ids import parse_id
from ..extensions import db
from ..models import Course, Diagnosis, MasteryScore, Subject, Topic, TutoringSession
from ..models.rows import commit_unique
from .tutoring_errors import Refused

log = logging.getLogger(__name__)

NAME_MAX = 200
TAKEN = "This course already has a topic with that name."


class TopicError(Refused):
    """A topic change that cannot be made as asked; the message says why."""


class TopicNotFound(TopicError):
    """No topic of this course has that id."""

    status = 404


class TopicConflict(TopicError):
    """The change clashes with another topic or with the topic's state."""

    status = 409


def clean_name(raw: str | None) -> str:
    """Return the name with its spaces tidied, or raise TopicError if empty or too long."""
    name = " ".join((raw or "").split())
    if not name:
        raise TopicError("Give the topic a name.")
    if len(name) > NAME_MAX:
        raise TopicError(f"Topic names are limited to {NAME_MAX} characters.")
    return name


def topic_named(course_id: int, name: str) -> Topic | None:
    """Return the course's topic with this name in any case, retired ones included."""
    return db.session.execute(
        db.select(Topic).where(Topic.course_id == course_id,
                               func.lower(Topic.name) == name.lower())
    ).scalars().first()


def _free_name(course: Course, raw: str | None, renaming: Topic | None = None) -> str:
    name = clean_name(raw)
    existing = topic_named(course.id, name)
    if existing is not None and existing is not renaming:
        retired = " (retired: restore it instead)" if existing.retired else ""
        raise TopicConflict(f"This course already has the topic {existing.name}{retired}.")
    return name


def _subject(subject_id: int | None) -> int | None:
    if subject_id is None:
        return None
    subject = db.session.get(Subject, subject_id)
    if subject is None or subject.retired:
        raise TopicError("Choose a subject from the catalog, or none.")
    return subject.id


def course_topic(course: Course, topic_id: int | None) -> Topic:
    """Return a topic of this course (retired ones included) or raise TopicNotFound."""
    topic = db.session.get(Topic, topic_id) if topic_id is not None else None
    if topic is None or topic.course_id != course.id:
        raise TopicNotFound("That topic is not one of this course's topics.")
    return topic


def topic_for_link(course: Course, raw_id: object) -> Topic | None:
    """Return the topic of this course a placed link or column names by id, following a
    merge to the topic that carries on; None when it names no topic of this course."""
    # A link or column copied into another course finds none.
    topic_id = parse_id(raw_id)
    topic = db.session.get(Topic, topic_id) if topic_id is not None else None
    if topic is not None and topic.merged_into_id is not None:
        topic = db.session.get(Topic, topic.merged_into_id)  # merging keeps chains one deep
    return topic if topic is not None and topic.course_id == course.id else None


def add_topic(course: Course, raw_name: str | None, subject_id: int | None, now: datetime,
              source: str = "instructor") -> Topic:
    """Add an active topic to the course."""
    topic = Topic(course_id=course.id, name=_free_name(course, raw_name),
                  subject_id=_subject(subject_id), source=source, created_at=now)
    db.session.add(topic)
    commit_unique(TopicConflict(TAKEN))
    log.info("topic %s added to course %s (%s)", topic.id, course.id, source)
    return topic


def rename_topic(course: Course, topic_id: int | None, raw_name: str | None) -> Topic:
    """Rename a topic; its sessions and links follow it."""
    topic = course_topic(course, topic_id)
    topic.name = _free_name(course, raw_name, renaming=topic)
    commit_unique(TopicConflict(TAKEN))
    log.info("topic %s renamed", topic.id)
    return topic


def merge_topics(course: Course, from_id: int | None, into_id: int | None) -> Topic:
    """Move every session and diagnosis of one topic to another and retire the first."""
    merged, kept = course_topic(course, from_id), course_topic(course, into_id)
    if merged.id == kept.id:
        raise TopicError("Choose another topic to merge into.")
    if kept.retired:
        raise TopicConflict(f"{kept.name} is retired: restore it before merging into it.")
    for model in (TutoringSession, Diagnosis):
        db.session.execute(update(model).where(model.topic_id == merged.id)
                           .values(topic_id=kept.id).execution_options(synchronize_session=False))
    # Topics merged earlier follow, so every old name points at the topic that carries on.
    db.session.execute(update(Topic).where(Topic.merged_into_id == merged.id)
                       .values(merged_into_id=kept.id)
                       .execution_options(synchronize_session=False))
    if merged.lineitem_url and not kept.lineitem_url:
        # The gradebook column carries on with the topic its sessions now belong to.
        kept.lineitem_url, merged.lineitem_url = merged.lineitem_url, None
        db.session.execute(update(MasteryScore).where(MasteryScore.topic_id == merged.id)
                           .values(topic_id=kept.id)
                           .execution_options(synchronize_session=False))
    merged.retired, merged.merged_into_id = True, kept.id
    db.session.commit()
    log.info("topic %s merged into topic %s", merged.id, kept.id)
    return kept


def set_topic_retired(course: Course, topic_id: int | None, retired: bool) -> Topic:
    """Retire a topic (students and tutors no longer choose it) or restore it."""
    topic = course_topic(course, topic_id)
    topic.retired = retired
    if not retired:
        topic.merged_into_id = None  # restored on its own; its old sessions stay merged
    db.session.commit()
    log.info("topic %s %s", topic.id, "retired" if retired else "restored")
    return topic

