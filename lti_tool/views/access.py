"""Access control, one check per audience: launch context for LTI pages, sign-in for our own."""

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, g, request
from flask_login import current_user

from ..clock import utcnow
from ..extensions import login_manager
from ..launch_context import FIELD, HEADER
from ..services.accounts import load_account
from ..services.launch_sessions import open_launch

# Which Audience property opens each kind of LTI page.
CAPABILITIES = {
    "portal": "can_open_portal",
    "tutoring": "can_open_tutoring",
    "course_setup": "can_set_up_course",
}


class LaunchMissing(Exception):
    """No valid launch context came with the request."""


class CourseMissing(Exception):
    """The launch came from outside a course, and this page needs one."""


@login_manager.user_loader
def _load_account(account_id: str):
    return load_account(account_id)


def launch_token_from_request() -> str | None:
    """Return the launch token from the header scripts send or the hidden field forms send."""
    return request.headers.get(HEADER) or request.form.get(FIELD)


def launch_required(capability: str) -> Callable:
    """Require a launch context with the given capability in a course; 401, 403 otherwise."""
    audience_may = CAPABILITIES[capability]

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            token = launch_token_from_request()
            launch = open_launch(token, current_app.config["SECRET_KEY"], utcnow())
            if launch is None:
                raise LaunchMissing()
            if not launch.enabled:
                abort(403, description="This tool has been turned off for your institution.")
            g.launch, g.launch_token = launch.context, token
            g.platform, g.lms_user, g.course = launch.platform, launch.user, launch.course
            g.frame_origins = launch.platform.frame_origins or []
            if launch.course is None:
                raise CourseMissing()
            if not getattr(launch.context.audience, audience_may):
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
