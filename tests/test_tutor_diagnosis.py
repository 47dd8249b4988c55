"""The end-of-session diagnosis: required before the next student, asked in the guide's order,
and carried to the student's next session for its reassessment."""

import re

import pytest
from markupsafe import escape

from lti_tool.domain.barriers import BARRIERS, BY_KEY
from lti_tool.extensions import db
from lti_tool.models import Diagnosis, TutoringSession
from tests.tutoring_factories import (
    Tutor,
    ask,
    fresh,
    make_school,
    make_student,
    sign_in_tutor,
)


@pytest.fixture
def course(app):
    return make_school(students=0).course


def ended(tutor: Tutor, session: TutoringSession) -> str:
    """Accept and end the session; return the diagnosis page's path."""
    tutor.accept(session)
    assert tutor.post(f"/tutor/sessions/{session.id}/end").headers["Location"].endswith(
        f"/tutor/sessions/{session.id}/diagnosis")
    return f"/tutor/sessions/{session.id}/diagnosis"


def diagnosis_form(**fields) -> dict:
    form = {"observe_prior_required": "Needed factoring", "barrier": "prior_knowledge",
            "steps_prior_knowledge": ["Re-teach factoring", "", "Practice the goal"],
            "learning_goal": "Solve linear equations", "prerequisite": "low",
            "mastery": "partial", "exit_ticket_given": "yes", "exit_ticket": "60",
            "topic_id": "none"}
    return {**form, **fields}


def ended_and_diagnosed(tutor: Tutor, session: TutoringSession, **fields) -> Diagnosis:
    response = tutor.post(ended(tutor, session), diagnosis_form(**fields))
    assert response.status_code == 302, response.text
    return db.session.execute(db.select(Diagnosis).filter_by(session_id=session.id)).scalar_one()


def test_a_tutor_must_record_the_diagnosis_before_taking_another_student(
        joanetta, course, algebra):
    first = ask(course, make_student(course, "Priya"), algebra)
    waiting = ask(course, make_student(course, "Tomas"), algebra)
    ended(joanetta, first)
    console = joanetta.get("/tutor/").text
    assert "record the diagnosis before taking another student" in console
    assert re.search(rf'id="accept-{waiting.id}" disabled', console)
    response = joanetta.post(f"/tutor/requests/{waiting.id}/accept")
    assert response.status_code == 409 and "diagnosis" in response.text
    assert fresh(TutoringSession, waiting.id).status == "waiting"


def test_the_diagnosis_form_asks_what_was_observed_before_why(joanetta, course, algebra):
    session = ask(course, make_student(course, "Priya"), algebra, goal="Solve for x")
    page = joanetta.get(ended(joanetta, session)).text
    questions = [escape(q.text) for b in BARRIERS for q in b.observe]
    assert all(q in page for q in questions)
    assert max(page.index(q) for q in questions) < page.index("Why did it happen?")
    assert page.index("Why did it happen?") < page.index(escape(BARRIERS[0].name))
    assert '<select id="barrier"' not in page
    assert page.count('name="barrier"') == len(BARRIERS) + 1  # and "No barrier"
    for barrier in BARRIERS:
        assert f'id="barrier-{barrier.key}"' in page and escape(barrier.why) in page
        assert all(escape(step) in page for step in barrier.steps)
    assert 'value="Solve for x"' in page
    assert "reassessment" not in page  # a first session has no plan to reassess


def test_missing_fields_are_listed_next_to_their_fields_and_nothing_is_stored(
        joanetta, course, algebra):
    session = ask(course, make_student(course, "Priya"), algebra)
    response = joanetta.post(ended(joanetta, session),
                             {"barrier": "precision", "observe_precision_slip": "Sign slip"})
    assert response.status_code == 400
    for problem in ("Write the session&#39;s learning goal.",
                    "Say whether prerequisite knowledge was adequate or low.",
                    "Say whether an exit ticket was given.",
                    "Choose the course topic the session was about, or none of them."):
        assert problem in response.text
    assert re.search(r'id="learning_goal"[^>]*aria-describedby="[^"]*learning_goal-error"',
                     response.text)
    assert 'value="Sign slip"' in response.text and 'id="barrier-precision" ' in response.text
    assert db.session.execute(db.select(Diagnosis)).first() is None
    assert fresh(TutoringSession, session.id).busy_tutor_id == joanetta.account.id


def test_a_valid_diagnosis_keeps_the_edited_steps_and_frees_the_tutor(joanetta, course,
                                                                      algebra):
    session = ask(course, make_student(course, "Priya"), algebra)
    waiting = ask(course, make_student(course, "Tomas"), algebra)
    diagnosis = ended_and_diagnosed(
        joanetta, session, steps_practice=["Not this one"], exit_ticket="75")
    assert diagnosis.next_steps == ["Re-teach factoring", "Practice the goal"]
    assert (diagnosis.barrier, diagnosis.exit_ticket, diagnosis.mastery) == (
        "prior_knowledge", 75, "partial")
    assert fresh(TutoringSession, session.id).busy_tutor_id is None
    assert f'id="accept-{waiting.id}" disabled' not in joanetta.get("/tutor/").text
    assert joanetta.accept(waiting) == f"/tutor/sessions/{waiting.id}"


def test_a_returning_student_brings_the_last_plan_and_its_reassessment(app, joanetta, course,
                                                                       algebra):
    priya = make_student(course, "Priya")
    first = ended_and_diagnosed(joanetta, ask(course, priya, algebra))
    other = sign_in_tutor(app, "ravi@tutors.example.org", algebra, name="Ravi Shah")
    again = ask(course, priya, algebra)
    other.accept(again)
    page = other.get(f"/tutor/sessions/{again.id}").text
    assert "Reassess today:" in page and "Re-teach factoring" in page
    assert BY_KEY["prior_knowledge"].name in page and "60/100" in page

    other.post(f"/tutor/sessions/{again.id}/end")
    form_page = other.get(f"/tutor/sessions/{again.id}/diagnosis").text
    assert "Did the last plan&#39;s reassessment show improvement?" in form_page
    path = f"/tutor/sessions/{again.id}/diagnosis"
    unanswered = other.post(path, diagnosis_form(barrier="none"))
    assert unanswered.status_code == 400
    assert "Say whether the last plan&#39;s reassessment showed improvement." in unanswered.text
    assert other.post(path, diagnosis_form(barrier="none", reassessment="improved",
                                           reassessment_why="Factoring is solid now")
                      ).status_code == 302
    second = db.session.execute(db.select(Diagnosis).filter_by(session_id=again.id)).scalar_one()
    assert (second.reassessed_diagnosis_id, second.reassessment) == (first.id, "improved")
