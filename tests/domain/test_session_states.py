import pytest

from lti_tool.domain.session_states import (
    Action,
    IllegalTransition,
    Status,
    next_status,
)

LEGAL = {
    (Status.WAITING, Action.ACCEPT): Status.ACTIVE,
    (Status.WAITING, Action.ABANDON): Status.ABANDONED,
    (Status.WAITING, Action.CANCEL): Status.CANCELLED,
    (Status.ACTIVE, Action.END): Status.ENDED,
}


@pytest.mark.parametrize(("status", "action"), list(LEGAL))
def test_legal_transitions_lead_to_their_state(status, action):
    assert next_status(status, action) == LEGAL[(status, action)]


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(Action))
def test_every_other_transition_is_refused(status, action):
    if (status, action) in LEGAL:
        return
    with pytest.raises(IllegalTransition):
        next_status(status, action)


@pytest.mark.parametrize(("status", "action"), [("paused", "end"), ("active", "pause")])
def test_unknown_states_and_actions_are_refused(status, action):
    with pytest.raises(IllegalTransition):
        next_status(status, action)

