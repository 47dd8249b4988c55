"""The learning barriers a tutor diagnoses, and the plan each one suggests for next time.

Follows the guide "Personalizing a Tutoring Session": first what the tutor observed, then
why it happened (the barrier), then how it will be addressed.
"""

from dataclasses import dataclass

NONE = "none"
REASSESS = (
    "Reassess the student after more practice. Did they improve? If so, why; if not, why not?"
)


@dataclass(frozen=True)
class Question:
    key: str
    text: str


@dataclass(frozen=True)
class Barrier:
    key: str
    name: str
    why: str
    observe: tuple[Question, ...]
    steps: tuple[str, ...]


BARRIERS: tuple[Barrier, ...] = (
    Barrier(
        "practice",
        "Insufficient or misaligned practice",
        "The student had the necessary prior knowledge, but still struggled to apply the new "
        "skills.",
        (
            Question("practice_all_aspects",
                     "Was the student able to practice all aspects of the session's learning "
                     "goal?"),
            Question("practice_at_bats",
                     "How many at-bats, or opportunities for practice, did the student have "
                     "during the session?"),
        ),
        (
            "Review practice from past sessions to check alignment with their learning goals. "
            "Did the student practice what they were assessed on?",
            "Add additional at-bats to upcoming sessions.",
            "Plan to monitor the student's mastery as they practice and provide feedback.",
            REASSESS,
        ),
    ),
    Barrier(
        "prior_knowledge",
        "Prior knowledge issue",
        "The student didn't have (or struggled with) prerequisite concepts or skills that were "
        "necessary to access the new material in the first place.",
        (
            Question("prior_required",
                     "Did the content in the session require previous knowledge or skills?"),
            Question("prior_shown", "Has the student demonstrated mastery of this knowledge or "
                                    "skill?"),
            Question("prior_unfamiliar",
                     "Was new information presented in a different and unfamiliar way?"),
        ),
        (
            "Return to the session's learning goal: are there prerequisite skills or concepts "
            "embedded in the goal that need to be addressed?",
            "Review or re-teach missing prerequisite skills and concepts in upcoming sessions.",
            "Provide additional practice on the learning goal after prerequisite skills are "
            "addressed.",
            REASSESS,
        ),
    ),
    Barrier(
        "misconception",
        "Common misconception",
        "The student holds one or more common misconceptions that can be confusing when "
        "learning this material for the first time.",
        (
            Question("misconception_reasonable",
                     "Did the student come up with a wrong answer while following a reasonable "
                     "logical process? Why?"),
            Question("misconception_new_way",
                     "Did this session build on material that required the student to think "
                     "about a concept in a new way?"),
            Question("misconception_vocabulary",
                     "Is there previous vocabulary the student has learned that might be "
                     "getting in the way of the new vocabulary?"),
        ),
        (
            "Plan an error analysis highlighting the misconception: which wrong answer would "
            "they give to a new question you design?",
            "Address and clarify the misconception.",
            "Provide additional practice after clarifying.",
            REASSESS,
        ),
    ),
    Barrier(
        "precision",
        "Precision or execution error",
        "The student grasped the fundamental concepts, but made more basic errors.",
        (
            Question("precision_computation",
                     "Did the student show correct conceptual understanding but make a "
                     "computational error?"),
            Question("precision_step",
                     "...or forget a single crucial step while following the correct process?"),
            Question("precision_slip", "...or make a minor thoughtless error?"),
        ),
        (
            "Consider boosting the rigor of the student's practice to avoid boredom and "
            "carelessness.",
            "Provide practice where the student corrects work samples with precision or "
            "execution errors like their own.",
            REASSESS,
        ),
    ),
    Barrier(
        "uncommon",
        "Uncommon misunderstanding",
        "The student showed a misunderstanding you had no reason to plan for beforehand.",
        (
            Question("uncommon_unexpected",
                     "Did the student make a mistake you didn't expect or haven't seen before?"),
            Question("uncommon_explanation",
                     "Is there something you know about the student's thinking that might "
                     "explain it?"),
        ),
        (
            "Consider re-teaching the material in a new way.",
            "Ask open-ended questions about their work to understand their line of thinking "
            "and the misunderstanding.",
            REASSESS,
        ),
    ),
)

BY_KEY = {barrier.key: barrier for barrier in BARRIERS}
QUESTION_KEYS = frozenset(q.key for barrier in BARRIERS for q in barrier.observe)


def barrier_name(key: str) -> str:
    """Return the barrier's name, or "No barrier" for none."""
    return BY_KEY[key].name if key in BY_KEY else "No barrier"


def steps_for(key: str) -> tuple[str, ...]:
    """Return the next steps the guide offers for a barrier (none for no barrier)."""
    return BY_KEY[key].steps if key in BY_KEY else ()


def reassessment_due(last_barrier: str | None) -> bool:
    """Whether the next session should reassess the plan of the student's latest diagnosis:
    every barrier's plan ends in a reassessment; "no barrier" leaves nothing to reassess."""
    return last_barrier in BY_KEY
