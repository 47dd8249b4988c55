"""Access control, one check per audience: launch context for LTI pages, sign-in for our own."""

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, g, request
from flask_login import current_user

from ..clock import utcnow
from ..extensions import db
from ..launch_context import FIELD, HEADER, LaunchContext, read
from ..models import Course, Deployment, LmsUser, Platform

CAPABILITIES: dict[str, Callable[[LaunchContext], bool]] = {
    "portal": lambda c: c.staff,
    "tutoring": lambda c: c.learner,
    "course_setup": lambda c: c.staff or c.designer,
}


class LaunchMissing(Exception):
    """No valid launch context came with the request."""


class CourseMissing(Exception):
    """The launch came from outside a course, and this page needs one."""


def launch_token_from_request() -> str | None:
    """Return the launch token from the header scripts send or the hidden field forms send."""
    return request.headers.get(HEADER) or request.form.get(FIELD)


def _load(context: LaunchContext) -> None:
    platform = db.session.get(Platform, context.platform_id)
    deployment = db.session.get(Deployment, context.deployment_id)
    if platform is None or deployment is None:
        raise LaunchMissing()
    if not platform.enabled or deployment.status != "approved":
        abort(403, description="This tool has been turned off for your institution.")
    g.launch = context
    g.launch_token = launch_token_from_request()
    g.platform = platform
    g.lms_user = db.session.get(LmsUser, context.user_id)
    g.course = db.session.get(Course, context.course_id) if context.course_id else None
    g.frame_origins = platform.frame_origins or []


def launch_required(capability: str) -> Callable:
    """Require a launch context with the given capability in a course; 401, 403 otherwise."""
    allowed = CAPABILITIES[capability]

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            token = launch_token_from_request()
            context = read(token, current_app.config["SECRET_KEY"], utcnow()) if token else None
            if context is None:
                raise LaunchMissing()
            _load(context)
            if context.course_id is None:
                raise CourseMissing()
            if not allowed(context):
                abort(403, description="Your role in this course does not open this page.")
            return view(*args, **kwargs)

        return wrapper

    return decorate


def admin_required(view: Callable) -> Callable:
    """Require a signed-in service admin."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if not current_user.is_admin:
            abort(403, description="Only service admins can open this page.")
        return view(*args, **kwargs)

    return wrapper
