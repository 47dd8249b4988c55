"""A course's settings in the portal: whether exit-ticket results go to the gradebook."""

import logging
from dataclasses import dataclass
from datetime import datetime

from ..extensions import db
from ..lms.claims import SCOPE_SCORE
from ..models import Course, Topic
from ..queries.tutoring import course_topics

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GradebookSettings:
    """What the Gradebook section of the settings page shows."""

    sends_mastery_scores: bool
    score_scope_granted: bool
    topics_with_column: list[Topic]
    topics_without_column: list[Topic]


def gradebook_settings(course: Course) -> GradebookSettings:
    """Return the course's gradebook switch, whether the LMS lets us send scores, and which
    topics have a column."""
    topics = course_topics(course.id)
    return GradebookSettings(course.sends_mastery_scores, course.grants(SCOPE_SCORE),
                             [t for t in topics if t.lineitem_url],
                             [t for t in topics if not t.lineitem_url])


def set_mastery_scores(course_id: int, on: bool, now: datetime, *,
                       by: int | None = None) -> Course:
    """Turn sending exit-ticket results to the course's gradebook on or off."""
    course = db.session.get(Course, course_id)
    if course is None:
        raise LookupError(f"no course {course_id}")
    course.sends_mastery_scores = on
    course.updated_at = now
    db.session.commit()
    log.info("course %s: exit-ticket results to the gradebook turned %s by user %s",
             course_id, "on" if on else "off", by)
    return course
