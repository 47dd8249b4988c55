"""After a session a student rates it, can report it, and finds it among their past sessions."""

from datetime import timedelta

import pytest

from lti_tool.extensions import db
from lti_tool.models import Diagnosis, SessionReport
from tests.student_fixtures import fixture_catalog as fixture_catalog
from tests.student_fixtures import fixture_chat as fixture_chat
from tests.student_fixtures import fixture_student as fixture_student
from tests.student_fixtures import post, sessions


@pytest.mark.parametrize("rating", ["0", "6", "x", ""])
def test_rating_outside_one_to_five_is_refused(client, student, chat, rating):
    post(client, f"{chat.path}/end", student.token)
    refused = post(client, f"{chat.path}/rating", student.token, rating=rating)
    assert refused.status_code == 400
    assert "Choose a rating from 1 to 5 stars." in refused.text
    assert sessions()[0].rating is None


def test_student_rates_the_session_once(client, student, chat):
    post(client, f"{chat.path}/end", student.token)
    page = post(client, f"{chat.path}/rating", student.token, rating="4", comment="Clear")
    assert page.status_code == 200
    assert "You rated this session 4 out of 5." in page.text
    again = post(client, f"{chat.path}/rating", student.token, rating="1")
    assert again.status_code == 409
    assert (sessions()[0].rating, sessions()[0].rating_comment) == (4, "Clear")


def test_report_needs_a_reason_and_is_stored_with_it(client, student, chat):
    refused = post(client, f"{chat.path}/report", student.token, reason="  ")
    assert refused.status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(SessionReport)) == 0
    page = post(client, f"{chat.path}/report", student.token, reason="The tutor was rude.")
    assert page.status_code == 200 and "The service admin will look into" in page.text
    report = db.session.execute(db.select(SessionReport)).scalar_one()
    assert (report.reporter_role, report.reason) == ("student", "The tutor was rude.")


def test_one_side_cannot_flood_the_admin_with_reports_of_a_session(client, student, chat):
    for n in range(3):
        assert post(client, f"{chat.path}/report", student.token,
                    reason=f"Problem {n}").status_code == 200
    flood = post(client, f"{chat.path}/report", student.token, reason="Again")
    assert flood.status_code == 429 and "reported already" in flood.text
    assert db.session.scalar(db.select(db.func.count()).select_from(SessionReport)) == 3


def test_history_shows_length_and_the_next_steps_not_the_observations(client, student, chat,
                                                                     catalog):
    post(client, f"{chat.path}/end", student.token)
    session = sessions()[0]
    session.ended_at = session.started_at + timedelta(minutes=18, seconds=13.2)
    db.session.add(Diagnosis(
        session_id=session.id, tutor_id=catalog.tutor.id, barrier="practice",
        observations={"practice_at_bats": "Only two tries at the board"},
        observation_notes="Seemed tired today", next_steps=["Do ten more one-step equations"],
        learning_goal="Solve linear equations", prerequisite="adequate", mastery="partial"))
    db.session.commit()
    listing = post(client, "/tutoring/history", student.token)
    assert "18.22" in listing.text and "Algebra" in listing.text and "Sam" in listing.text
    detail = post(client, f"/tutoring/history/{session.id}", student.token)
    assert detail.status_code == 200
    assert "Do ten more one-step equations" in detail.text
    assert "Seemed tired today" not in detail.text
    assert "Only two tries at the board" not in detail.text
