"""Exit-ticket results to the LMS gradebook: only when the instructor turned it on, only for
learners on topics with the tool's column, as durable jobs that retry and never send a value
twice or two scores with one timestamp."""

import re
from datetime import datetime

import pytest

from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.models import Job, LmsUser, MasteryScore, Membership, Topic
from lti_tool.services.course_settings import set_mastery_scores
from lti_tool.services.events import dispatch_events
from lti_tool.services.jobs import run_due_jobs
from lti_tool.services.mastery_scores import SEND_SCORE
from tests.gradebook_fixtures import (
    LaunchedStudent,
    column_topic,
    diagnosed,
    jobs,
    later,
    score_posts,
    the_course,
    work,
)
from tests.tutoring_factories import ask, fresh


@pytest.fixture
def ava(lms):
    return LaunchedStudent(lms, "student-01")


@pytest.fixture
def course(ava):
    return the_course()


@pytest.fixture
def topic(lms, course):
    return column_topic(lms, course)


@pytest.fixture
def sending(course):
    set_mastery_scores(course.id, True, utcnow())


def gradebook(lms, topic: Topic) -> list[dict]:
    return lms.platform.gradebook.scores.get(topic.lineitem_url, [])


def stamp(score: dict) -> datetime:
    return datetime.fromisoformat(score["timestamp"])


@pytest.mark.usefixtures("sending")
def test_a_learners_exit_ticket_reaches_the_gradebook_with_exactly_the_ags_fields(
        app, lms, ava, topic, joanetta, algebra):
    diagnosed(joanetta, ava.ask(algebra, topic), topic, exit_ticket=70)
    assert gradebook(lms, topic) == []  # sent by the worker, never inside the tutor's request
    work(app)
    (score,) = gradebook(lms, topic)
    assert set(score) == {"userId", "scoreGiven", "scoreMaximum", "activityProgress",
                          "gradingProgress", "timestamp"}
    assert (score["userId"], score["scoreGiven"], score["scoreMaximum"]) == ("student-01", 70, 100)
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", score["timestamp"])
    assert "Needed factoring" not in str(score) and "Re-teach" not in str(score)
    assert score_posts(lms) == [topic.lineitem_url + "/scores"]


@pytest.mark.usefixtures("sending")
def test_the_score_url_keeps_the_line_items_query_string(app, lms, ava, course, joanetta,
                                                         algebra):
    lms.platform.lineitem_query = "type_id=1"
    lms.platform.seed_lineitem("Factoring")
    topic = column_topic(lms, course, "Factoring", "factoring")
    assert topic.lineitem_url.endswith("/factoring/lineitem?type_id=1")
    diagnosed(joanetta, ava.ask(algebra, topic), topic, exit_ticket=55)
    work(app)
    assert score_posts(lms) == [topic.lineitem_url.replace("/lineitem?", "/lineitem/scores?")]
    assert [s["scoreGiven"] for s in gradebook(lms, topic)] == [55]


def test_nothing_is_sent_while_the_switch_is_off(app, lms, ava, topic, joanetta, algebra):
    diagnosed(joanetta, ava.ask(algebra, topic), topic)
    work(app)
    assert gradebook(lms, topic) == [] and score_posts(lms) == []
    assert jobs(SEND_SCORE) == []


@pytest.mark.usefixtures("sending")
def test_a_topic_without_a_column_sends_nothing(app, lms, ava, course, joanetta, algebra):
    plain = Topic(course_id=course.id, name="Ratios")
    db.session.add(plain)
    db.session.commit()
    diagnosed(joanetta, ava.ask(algebra, plain), plain)
    work(app)
    assert score_posts(lms) == [] and jobs(SEND_SCORE) == []


@pytest.mark.usefixtures("sending")
def test_a_session_without_a_topic_or_an_exit_ticket_sends_nothing(app, lms, ava, topic,
                                                                   joanetta, algebra):
    diagnosed(joanetta, ava.ask(algebra, topic), None)
    diagnosed(joanetta, ava.ask(algebra, topic), topic, exit_ticket=None)
    work(app)
    assert score_posts(lms) == [] and jobs(SEND_SCORE) == []


@pytest.mark.usefixtures("sending")
def test_a_test_student_is_never_sent_a_score(app, lms, topic, joanetta, algebra):
    tester = LaunchedStudent(lms, "test-student")
    diagnosed(joanetta, tester.ask(algebra, topic), topic)
    work(app)
    assert score_posts(lms) == [] and db.session.execute(db.select(MasteryScore)).first() is None


@pytest.mark.usefixtures("sending")
def test_an_instructor_who_asked_for_help_is_never_sent_a_score(app, lms, course, topic,
                                                                joanetta, algebra):
    lms.land(lms.launch("instructor-1"))
    instructor = db.session.execute(db.select(LmsUser).filter_by(sub="instructor-1")).scalar_one()
    session = ask(course, instructor, algebra)
    diagnosed(joanetta, session, topic)
    work(app)
    assert score_posts(lms) == [] and jobs(SEND_SCORE) == []


@pytest.mark.usefixtures("sending")
def test_a_failing_lms_is_retried_until_one_score_is_in_the_gradebook(
        app, lms, ava, topic, joanetta, algebra):
    app.config["LMS_RETRY_MAX_TRIES"] = 1  # the job's own retry, not the gateway's, is tested
    lms.fail("POST", "/lineitem/scores", 500)
    diagnosed(joanetta, ava.ask(algebra, topic), topic, exit_ticket=80)
    work(app)
    (job,) = jobs(SEND_SCORE)
    assert gradebook(lms, topic) == []
    assert (job.status, job.attempts) == ("pending", 1) and "500" in job.last_error
    work(app, later())
    assert [s["scoreGiven"] for s in gradebook(lms, topic)] == [80]
    assert fresh(Job, job.id).status == "done" and len(score_posts(lms)) == 2


@pytest.mark.usefixtures("sending")
def test_running_a_sent_job_again_sends_nothing_twice(app, lms, ava, topic, joanetta,
                                                      algebra):
    diagnosed(joanetta, ava.ask(algebra, topic), topic)
    work(app)
    (job,) = jobs(SEND_SCORE)
    job.status, job.due_at = "pending", utcnow()  # as if a worker died before recording it
    db.session.commit()
    assert work(app) == 1
    assert len(gradebook(lms, topic)) == 1 and len(score_posts(lms)) == 1


@pytest.mark.usefixtures("sending")
def test_a_later_exit_ticket_replaces_the_earlier_with_a_later_timestamp(
        app, lms, ava, topic, joanetta, algebra):
    diagnosed(joanetta, ava.ask(algebra, topic), topic, exit_ticket=60)
    work(app)
    diagnosed(joanetta, ava.ask(algebra, topic), topic, exit_ticket=85)
    work(app)
    first, second = gradebook(lms, topic)
    assert (first["scoreGiven"], second["scoreGiven"]) == (60, 85)
    assert stamp(second) > stamp(first)
    row = db.session.execute(db.select(MasteryScore)).scalar_one()
    assert (row.score_given, row.sent_score) == (85, 85)


@pytest.mark.usefixtures("sending")
def test_two_results_recorded_before_the_worker_runs_send_only_the_latest(
        app, lms, ava, topic, joanetta, algebra):
    diagnosed(joanetta, ava.ask(algebra, topic), topic, exit_ticket=60)
    diagnosed(joanetta, ava.ask(algebra, topic), topic, exit_ticket=85)
    work(app)
    assert [s["scoreGiven"] for s in gradebook(lms, topic)] == [85]
    assert [j.status for j in jobs(SEND_SCORE)] == ["done", "done"]


def test_turning_the_switch_off_before_the_job_runs_stops_the_score(app, lms, ava, course,
                                                                    topic, joanetta, algebra):
    set_mastery_scores(course.id, True, utcnow())
    diagnosed(joanetta, ava.ask(algebra, topic), topic)
    now = utcnow()
    dispatch_events(now)
    run_due_jobs(now, app.config, "test-worker")  # the consumers: the score job stays pending
    assert [j.status for j in jobs(SEND_SCORE)] == ["pending"]
    set_mastery_scores(course.id, False, utcnow())
    work(app)
    assert score_posts(lms) == [] and [j.status for j in jobs(SEND_SCORE)] == ["done"]


@pytest.mark.usefixtures("sending")
def test_a_student_who_left_the_course_is_not_sent_a_score(app, lms, ava, course, topic,
                                                           joanetta, algebra):
    session = ava.ask(algebra, topic)
    membership = db.session.execute(db.select(Membership).filter_by(
        course_id=course.id, user_id=ava.user.id)).scalar_one()
    membership.status = "Inactive"  # as the next roster sync reports a dropped student
    db.session.commit()
    diagnosed(joanetta, session, topic)
    work(app)
    assert score_posts(lms) == [] and jobs(SEND_SCORE) == []
