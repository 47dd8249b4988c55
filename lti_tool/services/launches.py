"""Log in and launch: run the checks, record who launched from where, hand out the context."""

import logging
from dataclasses import dataclass
from datetime import datetime

from ..clock import epoch_seconds
from ..domain.roles import Audience, Destination, audience_for
from ..extensions import db
from ..launch_context import LaunchContext, issue, new_launch_id
from ..lms import claims
from ..lms.errors import LaunchRefused
from ..lms.launch import ValidatedLaunch, validate_launch
from ..lms.limits import MAX_ID_LENGTH, bounded_id, bounded_url, origin
from ..lms.login import LoginRedirect, begin_login
from ..models import Course, LmsUser, Membership, Platform, ResourceLink, Topic
from ..models.rows import get_or_insert
from .topics import topic_for_link

log = logging.getLogger(__name__)
TIMEZONE_WIDTH = 64
# The custom parameter a topic-specific tutoring link carries (placed with Deep Linking).
TOPIC_PARAMETER = "topic_id"


@dataclass(frozen=True)
class LaunchOutcome:
    """A successful launch: where it goes and the signed context the page will carry."""

    audience: Audience
    token: str
    context: LaunchContext
    platform: Platform
    deep_linking: bool

    @property
    def has_course(self) -> bool:
        return self.context.course_id is not None

    @property
    def destination(self) -> Destination:
        if self.deep_linking:
            # The LMS's link chooser waits for an answer only course setup can give.
            can_answer = self.audience.can_set_up_course
            return Destination.COURSE_SETUP if can_answer else Destination.NOT_AVAILABLE
        return self.audience.destination


def start_login(params: dict, config: dict, now: datetime) -> LoginRedirect:
    """Check a login initiation and store its state."""
    try:
        redirect = begin_login(
            params,
            config["TOOL_URL"],
            now,
            config["LAUNCH_STATE_TTL_SECONDS"],
            config["LAUNCH_STATE_MAX_PENDING"],
        )
    except LaunchRefused as refusal:
        log.info("login refused: %s", refusal.reason)
        raise
    db.session.commit()
    return redirect


def complete_launch(
    form: dict, binding_secret: str | None, config: dict, now: datetime
) -> LaunchOutcome:
    """Validate a launch, upsert its people and course, and sign the page's launch context."""
    try:
        validated = validate_launch(form, binding_secret, now, config)
    except LaunchRefused as refusal:
        # Keep what the failed launch changed: the consumed state, a pending deployment.
        db.session.commit()
        log.info("launch refused: %s", refusal.reason)
        raise
    audience = audience_for(validated.claims.get(claims.ROLES))
    context = _record(validated, audience, now)
    db.session.commit()
    token = issue(context, config["SECRET_KEY"], now, config["LAUNCH_CONTEXT_TTL_SECONDS"])
    log.info(
        "launch accepted: launch=%s platform=%s deployment=%s type=%s",
        context.launch_id,
        validated.platform.id,
        validated.deployment.id,
        validated.message_type,
    )
    deep_linking = validated.message_type == claims.DEEP_LINKING_REQUEST
    return LaunchOutcome(audience, token, context, validated.platform, deep_linking)


def _upsert(model, keys: dict, values: dict):
    row = get_or_insert(model, keys, values)
    for name, value in values.items():
        setattr(row, name, value)
    db.session.flush()
    return row


def _claim(body: dict, name: str) -> dict:
    value = body.get(name)
    return value if isinstance(value, dict) else {}


def _text(value, width: int = MAX_ID_LENGTH) -> str | None:
    # Names and titles are cut to their column; they are labels, not identifiers.
    return value[:width] if isinstance(value, str) and value else None


def _timezone(value) -> str | None:
    # A cut time zone name would be a wrong one: keep it whole or not at all.
    return value if isinstance(value, str) and 0 < len(value) <= TIMEZONE_WIDTH else None


def _record(validated: ValidatedLaunch, audience: Audience, now: datetime) -> LaunchContext:
    body = validated.claims
    user = _record_user(validated.platform, body, now, keep_email=audience.staff)
    return_url = bounded_url(_claim(body, claims.LAUNCH_PRESENTATION).get("return_url"))
    # Both are signed by the platform, so their origins may frame our pages (a Canvas school's
    # own domain is learnt this way).
    for url in (return_url, _claim(body, claims.TOOL_PLATFORM).get("url")):
        _learn_frame_origin(validated.platform, url)
    course = topic = None
    if claims.CONTEXT in body:
        course = _record_course(validated, body, now)
        _record_membership(course, user, body, audience, now)
        _record_resource_link(course, body, return_url)
        topic = _linked_topic(course, _claim(body, claims.CUSTOM).get(TOPIC_PARAMETER))
        _learn_topic_column(topic, bounded_url(_claim(body, claims.AGS).get("lineitem")))
    settings = _claim(body, claims.DEEP_LINKING_SETTINGS)
    return LaunchContext(
        platform_id=validated.platform.id,
        deployment_id=validated.deployment.id,
        user_id=user.id,
        course_id=course.id if course is not None else None,
        staff=audience.staff,
        learner=audience.learner,
        designer=audience.designer,
        test_user=audience.test_user,
        launch_id=new_launch_id(),
        launched_at=epoch_seconds(now),
        deep_link_return_url=settings.get("deep_link_return_url"),
        deep_link_data=settings.get("data"),
        topic_id=topic.id if topic is not None else None,
    )


def _linked_topic(course: Course, value: object) -> Topic | None:
    # Only a live topic: a retired one no longer takes sessions.
    topic = topic_for_link(course, value)
    return topic if topic is not None and not topic.retired else None


def _learn_topic_column(topic: Topic | None, lineitem_url: str | None) -> None:
    # A column the LMS created for a placed link (Canvas, Moodle) is known from its launches.
    if topic is not None and lineitem_url and not topic.lineitem_url:
        topic.lineitem_url = lineitem_url


def _record_user(platform: Platform, body: dict, now: datetime, keep_email: bool) -> LmsUser:
    values = {
        "name": _text(body.get("name")),
        "given_name": _text(body.get("given_name")),
        "family_name": _text(body.get("family_name")),
        "timezone": _timezone(_claim(body, claims.CUSTOM).get("timezone")),
        "last_launch_at": now,
    }
    if keep_email:
        # Only instructors' and TAs' addresses are kept: alerts are delivered to them.
        values["email"] = _text(body.get("email"))
    return _upsert(LmsUser, {"platform_id": platform.id, "sub": body["sub"]}, values)


def _record_course(validated: ValidatedLaunch, body: dict, now: datetime) -> Course:
    context = body[claims.CONTEXT]
    values = {
        "platform_id": validated.platform.id,
        "title": _text(context.get("title")),
        "label": _text(context.get("label")),
        "last_launch_at": now,  # the worker keeps the rosters of recently used courses fresh
    }
    # Service endpoints are kept for calls outside a launch (roster sync, scores).
    nrps, ags = _claim(body, claims.NRPS), _claim(body, claims.AGS)
    if bounded_url(nrps.get("context_memberships_url")):
        values["nrps_url"] = nrps["context_memberships_url"]
    if bounded_url(ags.get("lineitems")):
        values["ags_lineitems_url"] = ags["lineitems"]
        scopes = ags.get("scope")
        values["ags_scopes"] = [s for s in scopes if isinstance(s, str)] if isinstance(
            scopes, list
        ) else []
    return _upsert(
        Course, {"deployment_id": validated.deployment.id, "context_id": str(context["id"])}, values
    )


def _record_membership(course: Course, user: LmsUser, body: dict, audience: Audience,
                       now: datetime) -> None:
    _upsert(
        Membership,
        {"course_id": course.id, "user_id": user.id},
        {
            "roles": [r for r in body[claims.ROLES] if isinstance(r, str)],
            "status": "Active",
            # Launching from the course shows they are a member now: a roster sync running
            # meanwhile must not mark them removed.
            "removed_at": None,
            "roster_seen_at": now,
            "is_test_user": audience.test_user,
        },
    )


def _record_resource_link(course: Course, body: dict, return_url: str | None) -> None:
    link = _claim(body, claims.RESOURCE_LINK)
    if not bounded_id(link.get("id")):
        return
    _upsert(
        ResourceLink,
        {"course_id": course.id, "link_id": str(link["id"])},
        {
            "title": _text(link.get("title")),
            "custom": _claim(body, claims.CUSTOM),
            "ags_lineitem_url": bounded_url(_claim(body, claims.AGS).get("lineitem")),
            "return_url": return_url,
        },
    )


def _learn_frame_origin(platform: Platform, url: object) -> None:
    learnt = origin(url) if bounded_url(url) else None
    if learnt and learnt not in (platform.frame_origins or []):
        platform.frame_origins = [*(platform.frame_origins or []), learnt]
