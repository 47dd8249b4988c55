"""A tutoring session's states and the only transitions between them."""

from enum import StrEnum


class Status(StrEnum):
    WAITING = "waiting"
    ACTIVE = "active"
    ENDED = "ended"
    ABANDONED = "abandoned"
    CANCELLED = "cancelled"


# A request or a live session: what a student may hold only one of, and what pages follow live.
OPEN = (Status.WAITING, Status.ACTIVE)


class Action(StrEnum):
    ACCEPT = "accept"  # a tutor takes the request
    END = "end"  # either side ends the live session
    ABANDON = "abandon"  # nobody took the request in time
    CANCEL = "cancel"  # the student stops waiting


TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.WAITING, Action.ACCEPT): Status.ACTIVE,
    (Status.WAITING, Action.ABANDON): Status.ABANDONED,
    (Status.WAITING, Action.CANCEL): Status.CANCELLED,
    (Status.ACTIVE, Action.END): Status.ENDED,
}


class IllegalTransition(ValueError):
    """The session's state does not allow this action."""

    def __init__(self, status: str, action: str):
        super().__init__(f"a {status} session cannot {action}")
        self.status, self.action = status, action


def next_status(status: str, action: str) -> Status:
    """Return the state after `action`, or raise IllegalTransition."""
    try:
        return TRANSITIONS[(Status(status), Action(action))]
    except (KeyError, ValueError):
        raise IllegalTransition(status, action) from None

