"""The tutor's own page: their ended sessions and their efficacy figures."""

import re
from datetime import datetime, timedelta

from lti_tool.extensions import db
from lti_tool.models import Diagnosis, Topic, TutoringSession
from tests.tutoring_factories import make_school, make_student, make_subject, sign_in_tutor

START = datetime(2025, 3, 10, 14, 0)


def figures_on(page: str) -> dict[str, str]:
    return dict(re.findall(r'id="(figure-[\w-]+|mastery-\w+|reassessment-\w+)">([^<]*)', page))


def test_my_page_lists_sessions_and_follows_up_on_my_plans(app):
    school, algebra = make_school(students=0), make_subject("Algebra")
    course = school.course
    priya, tomas, cleo = (make_student(course, given) for given in ("Priya", "Tomas", "Cleo"))
    joanetta = sign_in_tutor(app, "joanetta@tutors.example.org", algebra, name="Joanetta Lopez")
    ravi = sign_in_tutor(app, "ravi@tutors.example.org", algebra, name="Ravi Shah")
    topic = Topic(course_id=course.id, name="Linear equations")
    db.session.add(topic)
    db.session.flush()

    def session(tutor, student, day, minutes, rating=None, **diagnosis) -> Diagnosis | None:
        start = START + timedelta(days=day)
        row = TutoringSession(platform_id=course.platform_id, course_id=course.id,
                              student_id=student.id, subject_id=algebra.id, question="?",
                              status="ended", tutor_id=tutor.account.id, requested_at=start,
                              started_at=start, rating=rating,
                              ended_at=start + timedelta(minutes=minutes))
        db.session.add(row)
        db.session.flush()
        if not diagnosis:
            return None
        recorded = Diagnosis(session_id=row.id, tutor_id=tutor.account.id, learning_goal="g",
                             prerequisite="adequate", recorded_at=row.ended_at, **diagnosis)
        db.session.add(recorded)
        db.session.flush()
        return recorded

    # Joanetta's plan for Priya: Ravi reassesses it next time (improved), exit ticket 60 → 80.
    plan = session(joanetta, priya, 0, 18 + 13.2 / 60, rating=5, barrier="prior_knowledge",
                   mastery="demonstrated", exit_ticket=60, topic_id=topic.id)
    session(ravi, priya, 1, 50, rating=1, barrier="none", mastery="partial", exit_ticket=80,
            reassessed_diagnosis_id=plan.id, reassessment="improved")
    # Joanetta reassesses Ravi's plan for Tomas: that counts for Ravi, not for her; her own
    # plan for Tomas awaits his next session.
    ravis = session(ravi, tomas, -1, 45, barrier="practice", mastery="partial", exit_ticket=50)
    session(joanetta, tomas, 0, 30, rating=2, barrier="misconception",
            mastery="not_demonstrated", exit_ticket=90, reassessed_diagnosis_id=ravis.id,
            reassessment="not_improved")
    session(joanetta, cleo, 0, 12)  # ended, diagnosis still to record
    db.session.commit()

    page = joanetta.get("/tutor/me").text
    assert "18.22" in page and "30.00" in page and "12.00" in page
    assert "50.00" not in page and "45.00" not in page  # Ravi's sessions
    assert "Linear equations" in page and "Prior knowledge issue" in page
    figures = figures_on(page)
    assert figures["figure-sessions"] == "3"
    assert figures["figure-rating"].startswith("3.50 / 5")
    assert figures["figure-exit-ticket"].startswith("75.00 / 100")
    assert figures["figure-exit-ticket-change"] == "+20.00 points "
    assert "(1 compared)" in page
    assert (figures["mastery-demonstrated"], figures["mastery-partial"],
            figures["mastery-not_demonstrated"]) == ("1", "0", "1")
    assert (figures["reassessment-improved"], figures["reassessment-not_improved"],
            figures["reassessment-not_assessed"], figures["reassessment-awaiting"]) == (
        "1", "0", "0", "1")

    ravis_figures = figures_on(ravi.get("/tutor/me").text)
    assert (ravis_figures["reassessment-improved"], ravis_figures["reassessment-not_improved"],
            ravis_figures["reassessment-awaiting"]) == ("0", "1", "0")
    assert ravis_figures["figure-exit-ticket-change"] == "+40.00 points "  # Tomas: 50 → 90
