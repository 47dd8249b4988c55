"""What a tutoring action answers when it cannot be done; each carries the status to send."""


class Refused(Exception):
    """An action refused with a message the person can act on, and the status to send."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TutoringError(Refused):
    """A tutoring action (request, chat, session, diagnosis) refused."""


class Invalid(TutoringError):
    """The input is missing, too long or out of range."""

    status = 400


class NotFound(TutoringError):
    """No such session for this person: the same answer as for a missing one."""

    status = 404


class Conflict(TutoringError):
    """The session's state does not allow this any more (taken, ended, already rated)."""

    status = 409


class TooFast(TutoringError):
    """Too many actions in a short time."""

    status = 429


class AlreadyOpen(Conflict):
    """The student already has an open request or session: show that one instead."""

    def __init__(self, session_id: int):
        super().__init__("You already have an open request; here it is.")
        self.session_id = session_id
