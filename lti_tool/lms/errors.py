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


class FetchFailed(FetchRefused):
    """The other side could not be reached or did not answer in time: worth another try."""


class LmsServiceError(Exception):
    """An LMS service call (NRPS, AGS, tokens) that did not succeed, with the LMS's words."""

    def __init__(self, what: str, status: int | None = None, lms_message: str = "") -> None:
        detail = f" ({status})" if status else ""
        said = f": {lms_message}" if lms_message else ""
        super().__init__(f"{what}{detail}{said}")
        self.status = status
        self.lms_message = lms_message


class ServiceNotOffered(LmsServiceError):
    """The course's launches never carried this service's endpoint."""


class LmsUnavailable(LmsServiceError):
    """The LMS was unreachable, throttled us or failed with 5xx on every try."""


class LmsRefused(LmsServiceError):
    """The LMS answered with a 4xx that another try would not change."""


class ScopeNotGranted(LmsRefused):
    """The token endpoint granted fewer scopes than the call needs (the LMS admin has not
    enabled the service for this tool)."""
