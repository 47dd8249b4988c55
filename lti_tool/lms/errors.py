"""Typed refusals: a reason code for the log, a status and words for the person."""


class LaunchRefused(Exception):
    """A login or launch that failed one of the LTI security checks."""

    def __init__(self, reason: str, status: int = 401, hint: str = "relaunch") -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        # Which advice the error page gives: relaunch, register, cookies, approval, disabled.
        self.hint = hint


class FetchRefused(Exception):
    """A server-side fetch that the outbound policy refused or that failed."""


class RegistrationFailed(Exception):
    """Dynamic registration could not finish; the message is shown to the LMS admin."""
