"""Helpers for gradebook tests: students launched from the test LMS ask for help, a signed-in
tutor takes, ends and diagnoses the session, and the worker runs what that queued."""

from datetime import datetime, timedelta

from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.models import Course, Job, LmsUser, Topic, TutoringSession
from lti_tool.services.events import dispatch_events
from lti_tool.services.jobs import run_due_jobs
from tests.platform_fixture import TOOL
from tests.tutoring_factories import Tutor

SCORES = "/lineitem/scores"


class LaunchedStudent:
    """A student who launched from the test LMS."""

    def __init__(self, lms, user_id: str = "student-01"):
        # Launch tokens are per page, so students may share the LMS's browser, as tabs do.
        self.client = lms.client
        self.token = lms.token(user_id)
        self.user = db.session.execute(db.select(LmsUser).filter_by(sub=user_id)).scalar_one()

    def ask(self, subject, topic: Topic) -> TutoringSession:
        """Ask for help on the topic through the tutoring page; return the waiting request."""
        response = self.client.post("/tutoring/requests", base_url=TOOL, data={
            "launch_token": self.token, "subject_id": str(subject.id),
            "topic_id": str(topic.id), "question": "How do I start this one?",
            "learning_goal": "Solve linear equations"})
        assert response.status_code == 200, response.text
        return db.session.execute(db.select(TutoringSession).filter_by(
            student_id=self.user.id, status="waiting")).scalar_one()


def the_course() -> Course:
    return db.session.execute(db.select(Course)).scalar_one()


def column_topic(lms, course: Course, name: str = "Linear equations",
                 slug: str = "linear-equations") -> Topic:
    """Create a course topic on one of the gradebook columns the test LMS has."""
    url = lms.platform.lineitem_url(slug)
    assert url in lms.platform.gradebook.lineitems
    topic = Topic(course_id=course.id, name=name, source="lineitem", lineitem_url=url)
    db.session.add(topic)
    db.session.commit()
    return topic


def diagnosed(tutor: Tutor, session: TutoringSession, topic: Topic | None,
              exit_ticket: int | None = 70) -> None:
    """Accept, end and diagnose the session through the tutor's pages."""
    tutor.accept(session)
    assert tutor.post(f"/tutor/sessions/{session.id}/end").status_code == 302
    ticket = ({"exit_ticket_given": "yes", "exit_ticket": str(exit_ticket)}
              if exit_ticket is not None else {"exit_ticket_given": "no"})
    response = tutor.post(f"/tutor/sessions/{session.id}/diagnosis", {
        "observe_prior_required": "Needed factoring", "barrier": "prior_knowledge",
        "steps_prior_knowledge": ["Re-teach factoring", "Practice the goal"],
        "learning_goal": "Solve linear equations", "prerequisite": "low",
        "mastery": "partial", "topic_id": str(topic.id) if topic else "none",
        # Asked only when the student's last plan is due for reassessment.
        "reassessment": "improved", "reassessment_why": "More practice", **ticket})
    assert response.status_code == 302, response.text


def work(app, now: datetime | None = None) -> int:
    """Run the worker until nothing is left that is due (at `now`, or at each round's time,
    as the real worker does); return the events dispatched and jobs run."""
    ran = 0
    while True:
        at = now or utcnow()
        batch = dispatch_events(at) + run_due_jobs(at, app.config, "test-worker")
        if not batch:
            return ran
        ran += batch


def later(hours: int = 2) -> datetime:
    """Return a time when every job's retry is due."""
    return utcnow() + timedelta(hours=hours)


def jobs(kind: str) -> list[Job]:
    return list(db.session.execute(db.select(Job).filter_by(kind=kind).order_by(Job.id))
                .scalars())


def score_posts(lms) -> list[str]:
    """Return the URLs the tool posted scores to."""
    return [url for method, url in lms.service_calls if method == "POST" and SCORES in url]
