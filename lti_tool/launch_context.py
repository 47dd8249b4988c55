"""The launch context a page carries after a launch: signed, short-lived, bound to one course.

It travels in a hidden form field or an `X-Launch-Token` header, never in a cookie, so two
courses in two tabs stay apart, nothing depends on third-party cookies, and a cross-site
form cannot forge a request: the token is also the CSRF proof for every LTI route.
"""

import hashlib
import hmac
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

import jwt

from .clock import epoch_seconds
from .domain.roles import Audience

TOKEN_TYPE = "launch-context"
HEADER = "X-Launch-Token"
FIELD = "launch_token"


@dataclass(frozen=True)
class LaunchContext:
    """Who launched, from which course of which registration, with what course roles."""

    platform_id: int
    deployment_id: int
    user_id: int
    course_id: int | None
    staff: bool
    learner: bool
    designer: bool
    test_user: bool
    launch_id: str  # names this launch in log lines, never a person
    deep_link_return_url: str | None = None
    deep_link_data: object = None
    topic_id: int | None = None  # the course topic of the link the student launched from
    launched_at: int = 0  # epoch seconds of the LMS launch; renewals never move it

    @property
    def audience(self) -> Audience:
        return Audience(self.staff, self.learner, self.designer, self.test_user)


def _key(secret_key: str) -> bytes:
    # A key of its own, so a token of another kind signed with SECRET_KEY never passes here.
    return hmac.new(secret_key.encode(), b"launch-context-v1", hashlib.sha256).digest()


def new_launch_id() -> str:
    """Return a fresh random launch identifier."""
    return secrets.token_urlsafe(16)


def issue(context: LaunchContext, secret_key: str, now: datetime, ttl_seconds: int) -> str:
    """Sign a launch context for `ttl_seconds`."""
    payload = {
        "typ": TOKEN_TYPE,
        "ctx": asdict(context),
        "iat": epoch_seconds(now),
        "exp": epoch_seconds(now + timedelta(seconds=ttl_seconds)),
    }
    return jwt.encode(payload, _key(secret_key), algorithm="HS256")


def renew(token: str, context: LaunchContext, secret_key: str, now: datetime,
          ttl_seconds: int, max_age_seconds: int) -> str | None:
    """Sign the same context for another `ttl_seconds` once `token` is in its second half;
    None before then, and once the LMS launch is older than `max_age_seconds`: an open page
    stays alive, a kept token does not."""
    # read() refuses a token that has expired by the moment it is given, so asking about half
    # a lifetime from now tells whether this token is in its second half.
    if read(token, secret_key, now + timedelta(seconds=ttl_seconds / 2)) is not None:
        return None
    if epoch_seconds(now) - context.launched_at >= max_age_seconds:
        return None
    return issue(context, secret_key, now, ttl_seconds)


def read(token: str, secret_key: str, now: datetime) -> LaunchContext | None:
    """Return the context a token carries, or None when it is forged, altered or expired."""
    try:
        payload = jwt.decode(
            token,
            _key(secret_key),
            algorithms=["HS256"],
            options={"require": ["exp", "iat"], "verify_exp": False},
        )
    except jwt.InvalidTokenError:
        return None
    if payload.get("typ") != TOKEN_TYPE or payload["exp"] <= epoch_seconds(now):
        return None
    try:
        return LaunchContext(**payload["ctx"])
    except TypeError:
        return None
