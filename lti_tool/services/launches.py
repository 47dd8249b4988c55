"""Log in and launch: run the checks, record who launched from where, hand out the context."""

import logging
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from ..domain.roles import Audience, audience_for
from ..extensions import db
from ..launch_context import LaunchContext, issue, new_launch_id
from ..lms import claims
from ..lms.errors import LaunchRefused
from ..lms.launch import ValidatedLaunch, validate_launch
from ..lms.login import LoginRedirect, begin_login
from ..models import Course, LmsUser, Membership, Platform, ResourceLink

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LaunchOutcome:
    """A successful launch: where it goes and the signed context the page will carry."""

    audience: Audience
    token: str
    context: LaunchContext
    platform: Platform
    has_course: bool


def start_login(params: dict, config: dict, now: datetime) -> LoginRedirect:
    """Check a login initiation and store its state."""
    try:
        redirect = begin_login(params, config["TOOL_URL"], now, config["LAUNCH_STATE_TTL_SECONDS"])
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
    context = _record(validated, now)
    db.session.commit()
    token = issue(context, config["SECRET_KEY"], now, config["LAUNCH_CONTEXT_TTL_SECONDS"])
    log.info(
        "launch accepted: platform=%s deployment=%s type=%s",
        validated.platform.id,
        validated.deployment.id,
        validated.message_type,
    )
    audience = audience_for(validated.claims.get(claims.ROLES))
    return LaunchOutcome(
        audience, token, context, validated.platform, context.course_id is not None
    )


def _upsert(model, keys: dict, values: dict):
    row = db.session.execute(db.select(model).filter_by(**keys)).scalar_one_or_none()
    if row is None:
        row = model(**keys)
        db.session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    return row


def _record(validated: ValidatedLaunch, now: datetime) -> LaunchContext:
    body = validated.claims
    platform, deployment = validated.platform, validated.deployment
    audience = audience_for(body.get(claims.ROLES))
    custom = body.get(claims.CUSTOM) if isinstance(body.get(claims.CUSTOM), dict) else {}
    user = _upsert(
        LmsUser,
        {"platform_id": platform.id, "sub": body["sub"]},
        {
            "name": _text(body.get("name")),
            "given_name": _text(body.get("given_name")),
            "family_name": _text(body.get("family_name")),
            "email": _text(body.get("email")),
            "timezone": _text(custom.get("timezone")),
            "last_launch_at": now,
        },
    )
    presentation = body.get(claims.LAUNCH_PRESENTATION) or {}
    return_url = presentation.get("return_url") if isinstance(presentation, dict) else None
    _learn_frame_origin(platform, return_url)

    course = None
    context_claim = body.get(claims.CONTEXT)
    if isinstance(context_claim, dict):
        nrps = body.get(claims.NRPS) if isinstance(body.get(claims.NRPS), dict) else {}
        ags = body.get(claims.AGS) if isinstance(body.get(claims.AGS), dict) else {}
        course_values = {
            "platform_id": platform.id,
            "title": _text(context_claim.get("title")),
            "label": _text(context_claim.get("label")),
        }
        if nrps.get("context_memberships_url"):
            course_values["nrps_url"] = nrps["context_memberships_url"]
        if ags.get("lineitems"):
            course_values["ags_lineitems_url"] = ags["lineitems"]
            course_values["ags_scopes"] = [s for s in ags.get("scope", []) if isinstance(s, str)]
        course = _upsert(
            Course,
            {"deployment_id": deployment.id, "context_id": str(context_claim["id"])},
            course_values,
        )
        db.session.flush()
        _upsert(
            Membership,
            {"course_id": course.id, "user_id": _flushed(user).id},
            {
                "roles": [r for r in body.get(claims.ROLES, []) if isinstance(r, str)],
                "status": "Active",
                "is_test_user": audience.test_user,
            },
        )
        link = body.get(claims.RESOURCE_LINK)
        if isinstance(link, dict) and link.get("id"):
            _upsert(
                ResourceLink,
                {"course_id": course.id, "link_id": str(link["id"])},
                {
                    "title": _text(link.get("title")),
                    "custom": custom,
                    "ags_lineitem_url": ags.get("lineitem"),
                    "return_url": return_url,
                },
            )
    settings = body.get(claims.DEEP_LINKING_SETTINGS) or {}
    db.session.flush()
    return LaunchContext(
        platform_id=platform.id,
        deployment_id=deployment.id,
        user_id=_flushed(user).id,
        course_id=course.id if course is not None else None,
        staff=audience.staff,
        learner=audience.learner,
        designer=audience.designer,
        test_user=audience.test_user,
        launch_id=new_launch_id(),
        deep_link_return_url=settings.get("deep_link_return_url"),
        deep_link_data=settings.get("data"),
    )


def _flushed(row):
    if row.id is None:
        db.session.flush()
    return row


def _text(value) -> str | None:
    return value[:255] if isinstance(value, str) and value else None


def _learn_frame_origin(platform: Platform, url: str | None) -> None:
    # The return URL is signed by the platform, so its origin may frame our pages.
    if not url:
        return
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return
    origin = f"{parts.scheme}://{parts.netloc}"
    if origin not in (platform.frame_origins or []):
        platform.frame_origins = [*(platform.frame_origins or []), origin]
