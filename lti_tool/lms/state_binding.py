"""Bind the OIDC state to the browser that started the login.

The binding is pluggable: a cookie today; the LMS's postMessage storage can be added
beside it without touching the launch checks, which only compare the secret's hash.
"""

import hashlib
from typing import Protocol

from flask import Request, Response


def binding_hash(secret: str) -> str:
    """Return the hash stored server-side for a browser's binding secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


class StateBinding(Protocol):
    """Hands the browser a secret at login and reads it back at launch."""

    def issue(self, response: Response, state: str, secret: str, max_age: int) -> None: ...

    def read(self, request: Request, state: str) -> str | None: ...

    def clear(self, response: Response, state: str) -> None: ...


class CookieStateBinding:
    """A cookie per state, so two launches in two tabs never overwrite each other."""

    PREFIX = "lti_state_"

    def __init__(self, partitioned: bool = True) -> None:
        self.partitioned = partitioned

    def _name(self, state: str) -> str:
        return self.PREFIX + hashlib.sha256(state.encode()).hexdigest()[:24]

    def issue(self, response: Response, state: str, secret: str, max_age: int) -> None:
        # SameSite=None; Secure; Partitioned: the LMS frames us cross-site. Chromium keeps
        # Secure cookies on http://localhost, so development uses the same attributes.
        response.set_cookie(
            self._name(state),
            secret,
            max_age=max_age,
            secure=True,
            httponly=True,
            samesite="None",
            partitioned=self.partitioned,
            path="/lti/",
        )

    def read(self, request: Request, state: str) -> str | None:
        return request.cookies.get(self._name(state))

    def clear(self, response: Response, state: str) -> None:
        response.delete_cookie(
            self._name(state), path="/lti/", secure=True, samesite="None",
            partitioned=self.partitioned,
        )
