"""The one way the tool calls an LMS service: a bearer token for the needed scopes, a
timeout on every call, retries with backoff for 429 and 5xx, one token refresh on 401, and
typed errors carrying the LMS's message. Works inside a launch and outside (CLI, jobs)."""

import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from ..clock import utcnow
from ..extensions import db
from ..models import Course, Platform
from .errors import FetchFailed, FetchRefused, LmsRefused, LmsUnavailable
from .http import Fetched, OutboundPolicy, fetch
from .retry import backoff_seconds, is_retryable, retry_after_seconds
from .service_tokens import access_token, lms_said

log = logging.getLogger(__name__)


@dataclass
class LmsGateway:
    """Service calls to one registration; `clock` and `sleep` are the world's, or a test's."""

    platform: Platform
    config: dict
    clock: Callable[[], datetime]
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = random.random

    @classmethod
    def for_course(cls, course: Course, config: dict) -> "LmsGateway | None":
        """Return a gateway to the course's LMS, or None when an admin turned its
        registration off: the tool then stops calling that LMS."""
        platform = db.session.get(Platform, course.platform_id)
        return cls(platform, config, clock=utcnow) if platform.enabled else None

    def get(self, url: str, scopes: tuple[str, ...], accept: str) -> Fetched:
        """GET a service URL exactly as the LMS gave it."""
        return self.call("GET", url, scopes, accept)

    def post(self, url: str, scopes: tuple[str, ...], body: Any, content_type: str,
             accept: str = "application/json", tries: int | None = None) -> Fetched:
        """POST a JSON body to a service URL exactly as the LMS gave it."""
        return self.call("POST", url, scopes, accept, body, content_type, tries)

    def call(self, method: str, url: str, scopes: tuple[str, ...], accept: str,
             body: Any = None, content_type: str | None = None,
             tries: int | None = None) -> Fetched:
        """Make one service call, retrying what another try may fix (up to `tries`, by
        default LMS_RETRY_MAX_TRIES); raise a typed error."""
        policy = OutboundPolicy.from_config(self.config)
        tries = tries or self.config["LMS_RETRY_MAX_TRIES"]
        token = access_token(self.platform, scopes, self.clock(), self.config)
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            headers = {"Authorization": f"Bearer {token}", "Accept": accept}
            if content_type:
                headers["Content-Type"] = content_type
            try:
                response = fetch(method, url, policy, headers=headers,
                                 data=None if body is None else json.dumps(body).encode())
            except FetchFailed as exc:
                status, said, response = None, str(exc), None
            except FetchRefused as exc:
                raise LmsRefused(f"{_where(url)} may not be called", None, str(exc)) from exc
            else:
                if response.ok:
                    return response
                status, said = response.status_code, lms_said(response)
                if status == 401 and not refreshed:
                    # The cached token may have been revoked early: one new token, one retry.
                    refreshed = True
                    token = access_token(self.platform, scopes, self.clock(), self.config,
                                         rejected=token)
                    continue
                if not is_retryable(status):
                    raise LmsRefused(f"{_where(url)} refused the call", status, said)
            if attempt >= tries:
                raise LmsUnavailable(f"{_where(url)} failed {attempt} times", status, said)
            asked = retry_after_seconds(response.header("Retry-After") if response else None,
                                        self.clock())
            cap = self.config["LMS_RETRY_MAX_WAIT_SECONDS"]
            if asked is not None and asked > cap:
                # Sooner than the LMS allows would be refused again: leave it to the job's
                # own, longer backoff.
                raise LmsUnavailable(f"{_where(url)} asked to wait {asked:.0f} s", status, said)
            wait = backoff_seconds(attempt, asked, self.config["LMS_RETRY_BASE_SECONDS"], cap,
                                   self.jitter())
            log.info("LMS call to %s answered %s; retrying in %.1f s", _where(url), status, wait)
            self.sleep(wait)


def _where(url: str) -> str:
    # Hosts, never paths or queries: those can carry course and user identifiers.
    return urlsplit(url).hostname or "the LMS"
