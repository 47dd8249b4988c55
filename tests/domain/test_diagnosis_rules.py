import pytest

from lti_tool.domain.barriers import BARRIERS, NONE, reassessment_due, steps_for
from lti_tool.domain.diagnosis import DiagnosisInvalid, check_diagnosis

VALID = {
    "observe_prior_required": "Yes: factoring was needed.",
    "barrier": "prior_knowledge",
    "learning_goal": "Solve systems by elimination",
    "prerequisite": "low",
    "mastery": "partial",
    "exit_ticket_given": "yes",
    "exit_ticket": "60",
    "topic_id": "7",
}


def check(form, *, asks=False, steps=("Re-teach factoring",)):
    return check_diagnosis(form, topic_ids={7, 8}, asks_reassessment=asks, steps=list(steps))


def test_the_seed_lists_five_barriers_each_with_questions_and_a_reassessment():
    assert [b.name for b in BARRIERS] == [
        "Insufficient or misaligned practice", "Prior knowledge issue", "Common misconception",
        "Precision or execution error", "Uncommon misunderstanding"]
    for barrier in BARRIERS:
        assert barrier.observe and barrier.steps[-1].startswith("Reassess")


def test_a_complete_diagnosis_is_accepted_as_given():
    draft = check(VALID)
    assert draft.barrier == "prior_knowledge"
    assert draft.observations == {"prior_required": "Yes: factoring was needed."}
    assert draft.next_steps == ["Re-teach factoring"]
    assert (draft.prerequisite, draft.mastery, draft.exit_ticket, draft.topic_id) == (
        "low", "partial", 60, 7)
    assert draft.reassessment is None


@pytest.mark.parametrize("missing", ["barrier", "learning_goal", "prerequisite", "mastery",
                                     "exit_ticket_given", "topic_id"])
def test_each_missing_field_is_named(missing):
    form = {k: v for k, v in VALID.items() if k != missing}
    with pytest.raises(DiagnosisInvalid) as refused:
        check(form)
    assert missing.removesuffix("_given") in refused.value.errors


def test_observations_come_first_and_are_required():
    form = {k: v for k, v in VALID.items() if not k.startswith("observe_")}
    with pytest.raises(DiagnosisInvalid) as refused:
        check(form)
    assert "observations" in refused.value.errors
    assert check({**form, "observation_notes": "Rushed the last step"}).observation_notes


@pytest.mark.parametrize("score", ["-1", "101", "abc", "", "5.5"])
def test_exit_ticket_scores_outside_0_to_100_are_refused(score):
    with pytest.raises(DiagnosisInvalid) as refused:
        check({**VALID, "exit_ticket": score})
    assert "exit_ticket" in refused.value.errors


def test_no_exit_ticket_is_a_valid_answer():
    assert check({**VALID, "exit_ticket_given": "no", "exit_ticket": "900"}).exit_ticket is None


def test_a_topic_of_another_course_is_refused_and_none_is_allowed():
    with pytest.raises(DiagnosisInvalid):
        check({**VALID, "topic_id": "99"})
    assert check({**VALID, "topic_id": NONE}).topic_id is None


def test_a_barrier_needs_at_least_one_next_step_and_no_barrier_keeps_none():
    with pytest.raises(DiagnosisInvalid) as refused:
        check(VALID, steps=["  "])
    assert "next_steps" in refused.value.errors
    assert check({**VALID, "barrier": NONE}, steps=[]).next_steps == []


def test_an_unknown_barrier_is_refused():
    with pytest.raises(DiagnosisInvalid):
        check({**VALID, "barrier": "laziness"})


def test_a_returning_student_needs_the_reassessment_answer_and_why():
    with pytest.raises(DiagnosisInvalid) as refused:
        check(VALID, asks=True)
    assert "reassessment" in refused.value.errors
    with pytest.raises(DiagnosisInvalid) as refused:
        check({**VALID, "reassessment": "improved"}, asks=True)
    assert "reassessment_why" in refused.value.errors
    draft = check({**VALID, "reassessment": "improved", "reassessment_why": "Fewer slips"},
                  asks=True)
    assert (draft.reassessment, draft.reassessment_why) == ("improved", "Fewer slips")
    assert check({**VALID, "reassessment": "not_assessed"}, asks=True).reassessment


def test_the_plan_for_a_barrier_is_its_row_and_reassessment_is_due_after_one():
    assert steps_for("precision")[0].startswith("Consider boosting the rigor")
    assert steps_for(NONE) == ()
    assert reassessment_due("misconception") and not reassessment_due(NONE)
    assert not reassessment_due(None)
