"""Place tutoring links in a course through the deep-linking launch that asked for them."""

import logging
from dataclasses import dataclass
from datetime import datetime

from ..domain.ids import parse_id
from ..extensions import db
from ..launch_context import LaunchContext
from ..lms.ags import COLUMN_LABEL, TUTORING_TAG
from ..lms.claims import SCOPE_LINEITEM
from ..lms.deep_linking import GradebookColumn, TutoringLink, deep_linking_response
from ..lms.keys import signing_key
from ..models import Course, Deployment, Platform, Topic
from ..sealing import box
from .launches import TOPIC_PARAMETER
from .topics import TopicConflict, TopicError, add_topic, course_topic

log = logging.getLogger(__name__)

NEW_TOPIC = "new"


class NotADeepLinkingLaunch(Exception):
    """The page was not opened by a deep-linking request, so there is nowhere to answer."""


@dataclass(frozen=True)
class TopicChoice:
    """What the instructor chose: an existing topic's id, or NEW_TOPIC with its name."""

    topic: str
    new_name: str = ""
    new_subject_id: int | None = None
    gradebook_column: bool = False


def can_add_columns(course: Course) -> bool:
    """Whether the course's launches let the tool have the LMS create gradebook columns."""
    return course.grants(SCOPE_LINEITEM)


def topic_link(topic: Topic, gradebook_column: bool) -> TutoringLink:
    """Return the link that opens tutoring on this topic, with its mastery column if asked."""
    column = GradebookColumn(COLUMN_LABEL + topic.name, str(topic.id),
                             TUTORING_TAG) if gradebook_column else None
    return TutoringLink(f"Tutoring: {topic.name}", {TOPIC_PARAMETER: str(topic.id)}, column)


def place_topic_link(context: LaunchContext, course: Course, choice: TopicChoice,
                     config: dict, now: datetime) -> tuple[str, str]:
    """Answer the link chooser with a link to one topic, creating the topic if asked."""
    if not context.deep_link_return_url:
        raise NotADeepLinkingLaunch()
    if choice.gradebook_column and not can_add_columns(course):
        raise TopicError("Your LMS did not let the tool add gradebook columns in this course; "
                         "place the link without one.")
    if choice.topic == NEW_TOPIC:
        topic = add_topic(course, choice.new_name, choice.new_subject_id, now, source="placement")
    else:
        topic = course_topic(course, parse_id(choice.topic))
        if topic.retired:
            raise TopicConflict(f"{topic.name} is retired: restore it or choose another topic.")
    if choice.gradebook_column and topic.lineitem_url:
        raise TopicConflict(f"{topic.name} already has a gradebook column; place the link "
                            "without another one.")
    answer = answer_deep_link(context, [topic_link(topic, choice.gradebook_column)], config)
    log.info("topic link placed: topic=%s column=%s", topic.id, choice.gradebook_column)
    return answer


def answer_deep_link(
    context: LaunchContext, links: list[TutoringLink], config: dict
) -> tuple[str, str]:
    """Return the LMS's return URL and the signed response carrying the chosen links."""
    if not context.deep_link_return_url:
        raise NotADeepLinkingLaunch()
    platform = db.session.get(Platform, context.platform_id)
    deployment = db.session.get(Deployment, context.deployment_id)
    response = deep_linking_response(
        platform.issuer,
        platform.client_id,
        deployment.deployment_id,
        context.deep_link_data,
        links,
        config["TOOL_URL"],
        signing_key(box(config)),
    )
    log.info("deep-linking response signed: platform=%s links=%s", platform.id, len(links))
    return context.deep_link_return_url, response
