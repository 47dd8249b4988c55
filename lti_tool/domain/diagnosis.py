"""Check a tutor's end-of-session diagnosis, field by field, before it is recorded."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from .barriers import BY_KEY, NONE, QUESTION_KEYS
from .ids import parse_id

PREREQUISITE = {"adequate": "Adequate", "low": "Low"}
MASTERY = {
    "demonstrated": "Demonstrated",
    "partial": "Partially demonstrated",
    "not_demonstrated": "Not demonstrated",
}
REASSESSMENT = {"improved": "Yes, improved", "not_improved": "No improvement",
                "not_assessed": "Not assessed"}
MAX_TEXT = 2000
MAX_STEPS = 10


@dataclass(frozen=True)
class DiagnosisDraft:
    observations: dict[str, str]
    observation_notes: str | None
    barrier: str
    next_steps: list[str]
    learning_goal: str
    prerequisite: str
    mastery: str
    exit_ticket: int | None
    topic_id: int | None
    reassessment: str | None
    reassessment_why: str | None


@dataclass
class DiagnosisInvalid(ValueError):
    """The diagnosis misses or mangles fields; `errors` maps each field to what to fix."""

    errors: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return "; ".join(f"{name}: {text}" for name, text in self.errors.items())


def _text(form: Mapping, name: str, limit: int = MAX_TEXT) -> str:
    return (form.get(name) or "").strip()[:limit]


def check_diagnosis(form: Mapping, *, topic_ids: set[int], asks_reassessment: bool,
                    steps: list[str]) -> DiagnosisDraft:
    """Return the diagnosis the form describes, or raise DiagnosisInvalid naming each problem.

    `steps` are the next steps the tutor kept or wrote, in order; `topic_ids` the course's
    topics the session may be mapped to; `asks_reassessment` whether the student's last plan
    was due for reassessment in this session.
    """
    errors: dict[str, str] = {}
    observations = {key: _text(form, f"observe_{key}") for key in sorted(QUESTION_KEYS)}
    observations = {key: answer for key, answer in observations.items() if answer}
    notes = _text(form, "observation_notes") or None
    if not observations and not notes:
        errors["observations"] = "Say what you observed: answer at least one question."

    barrier = form.get("barrier", "")
    if barrier != NONE and barrier not in BY_KEY:
        errors["barrier"] = "Choose the root cause, or no barrier."
    next_steps = [step.strip()[:MAX_TEXT] for step in steps if step.strip()][:MAX_STEPS]
    if barrier in BY_KEY and not next_steps:
        errors["next_steps"] = "Keep or write at least one next step."

    learning_goal = _text(form, "learning_goal", 500)
    if not learning_goal:
        errors["learning_goal"] = "Write the session's learning goal."
    prerequisite = form.get("prerequisite", "")
    if prerequisite not in PREREQUISITE:
        errors["prerequisite"] = "Say whether prerequisite knowledge was adequate or low."
    mastery = form.get("mastery", "")
    if mastery not in MASTERY:
        errors["mastery"] = "Say whether content mastery was demonstrated."

    exit_ticket = None
    given = form.get("exit_ticket_given", "")
    if given == "yes":
        score = parse_id(form.get("exit_ticket") or "")
        if score is None or not 0 <= score <= 100:
            errors["exit_ticket"] = "Give the exit-ticket score as a whole number from 0 to 100."
        else:
            exit_ticket = score
    elif given != "no":
        errors["exit_ticket"] = "Say whether an exit ticket was given."

    topic_id = None
    topic = form.get("topic_id", "")
    chosen = parse_id(topic)
    if chosen in topic_ids:
        topic_id = chosen
    elif topic != NONE:
        errors["topic_id"] = "Choose the course topic the session was about, or none of them."

    reassessment = reassessment_why = None
    if asks_reassessment:
        reassessment = form.get("reassessment", "")
        reassessment_why = _text(form, "reassessment_why") or None
        if reassessment not in REASSESSMENT:
            errors["reassessment"] = "Say whether the last plan's reassessment showed improvement."
        elif reassessment != "not_assessed" and not reassessment_why:
            errors["reassessment_why"] = "Say why the student did or did not improve."

    if errors:
        raise DiagnosisInvalid(errors)
    return DiagnosisDraft(
        observations=observations, observation_notes=notes, barrier=barrier,
        next_steps=next_steps if barrier in BY_KEY else [], learning_goal=learning_goal,
        prerequisite=prerequisite, mastery=mastery, exit_ticket=exit_ticket,
        topic_id=topic_id, reassessment=reassessment, reassessment_why=reassessment_why,
    )
