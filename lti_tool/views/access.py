"""Access control, one check per audience: launch context for LTI pages, sign-in for our own."""

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user, logout_user

from ..clock import epoch_seconds, utcnow
from ..extensions import login_manager
from ..launch_context import FIELD, HEADER
from ..services.accounts import load_account
from ..services.launch_sessions import open_launch
from ..services.sign_in import record_sign_out

# Which Audience property opens each kind of LTI page.
CAPABILITIES = {
    "portal": "can_open_portal",
    "tutoring": "can_open_tutoring",
    "course_setup": "can_set_up_course",
}


# The tool's own sign-in keeps these in the Flask session: an account that has passed its
# password but not yet its code, and when the person last did something.
PENDING_ACCOUNT = "pending_account_id"
LAST_ACTIVE = "last_active"
# Activity is recorded to the minute: a request that changes nothing leaves the session cookie
# as it is, instead of signing and sending a new one (a chat sends many requests a minute).
ACTIVITY_STEP_SECONDS = 60


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
            if not launch.enrolled:
                abort(403, description="Your LMS no longer lists you in this course. "
                      "If that is a mistake, ask your instructor, then open the tool again "
                      "from the course.")
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
        if not current_user.has_totp:  # a tutor made admin while signed in
            return redirect(url_for("account.two_factor"))
        return view(*args, **kwargs)

    return wrapper


def tutor_required(view: Callable) -> Callable:
    """Require a signed-in tutor (an account turned off is no longer signed in)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if not current_user.is_tutor:
            abort(403, description="Only tutors can open this page.")
        return view(*args, **kwargs)

    return wrapper


def mark_active() -> None:
    """Record that the signed-in person did something just now."""
    session[LAST_ACTIVE] = epoch_seconds(utcnow())


def end_sign_in() -> None:
    """Sign out, forgetting any half-finished sign-in."""
    if current_user.is_authenticated:
        record_sign_out(current_user)
    logout_user()
    session.pop(PENDING_ACCOUNT, None)
    session.pop(LAST_ACTIVE, None)


def expire_idle_sign_in():
    """Sign out after ACCOUNT_IDLE_MINUTES without activity; live updates are not activity."""
    if not (current_user.is_authenticated or PENDING_ACCOUNT in session):
        return None
    # Live pages follow the server on their own, so they must neither keep a sign-in alive nor
    # outlive it.
    live_update = (request.endpoint or "").endswith("updates")
    minutes = current_app.config["ACCOUNT_IDLE_MINUTES"]
    last_active = session.get(LAST_ACTIVE)
    if last_active is None or epoch_seconds(utcnow()) - last_active >= minutes * 60:
        end_sign_in()
        message = f"You were signed out after {minutes} minutes without activity. Sign in again."
        if live_update:
            abort(401, description=message)
        flash(message)
    elif not live_update and epoch_seconds(utcnow()) - last_active >= ACTIVITY_STEP_SECONDS:
        mark_active()
    return None
