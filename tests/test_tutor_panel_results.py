"""The tutor's student panel shows the student's results on the course's tutoring columns,
read from the LMS (AGS result.readonly) when the session starts."""

import re

import pytest

from lti_tool.extensions import db
from lti_tool.lms.claims import SCOPE_RESULT_READONLY
from lti_tool.models import LineItemResult, Topic
from tests.gradebook_fixtures import (
    LaunchedStudent,
    column_topic,
    diagnosed,
    the_course,
    work,
)

HEADING = "Gradebook results in this course"


@pytest.fixture
def ava(lms):
    return LaunchedStudent(lms, "student-01")


@pytest.fixture
def columns(lms, ava):
    course = the_course()
    return (column_topic(lms, course),
            column_topic(lms, course, "Quadratic functions", "quadratic-functions"))


def grade(lms, topic, user_id: str, score: float, maximum: float = 100) -> None:
    """Put a score in the LMS gradebook, as an instructor or an earlier send did."""
    lms.platform.gradebook.scores.setdefault(topic.lineitem_url, []).append(
        {"userId": user_id, "scoreGiven": score, "scoreMaximum": maximum,
         "timestamp": "2026-11-20T10:00:00.000000+00:00", "activityProgress": "Completed",
         "gradingProgress": "FullyGraded"})


def started(app, joanetta, ava, algebra, topic) -> str:
    """Have the tutor accept Ava's request, run the worker; return the session page."""
    session = ava.ask(algebra, topic)
    joanetta.accept(session)
    work(app)
    return joanetta.get(f"/tutor/sessions/{session.id}").text


def results_rows(page: str) -> list[tuple[str, str]]:
    table = page[page.index(HEADING):page.index("Previous sessions")]
    return re.findall(r'<th scope="row">([^<]+)</th>\s*<td>([^<]+)</td>', table)


def test_the_panel_shows_the_students_results_read_when_the_session_started(
        app, lms, ava, columns, joanetta, algebra):
    linear, quadratic = columns
    grade(lms, linear, "student-01", 72)
    grade(lms, quadratic, "student-01", 18.5, 20)
    grade(lms, linear, "student-02", 99)  # someone else's
    page = started(app, joanetta, ava, algebra, linear)
    assert HEADING in page
    assert results_rows(page) == [("Linear equations", "72 / 100"),
                                  ("Quadratic functions", "18.5 / 20")]
    assert "99" not in page[page.index(HEADING):page.index("Previous sessions")]
    asked = [url for method, url in lms.service_calls if method == "GET" and "/results" in url]
    assert len(asked) == 2 and all("user_id=student-01" in url for url in asked)
    row = db.session.execute(db.select(LineItemResult).filter_by(label="Linear equations")
                             ).scalar_one()
    assert row.fetched_at.strftime("%Y-%m-%d %H:%M") in page


def test_nothing_is_shown_when_the_lms_has_no_results(app, lms, ava, columns, joanetta,
                                                      algebra):
    page = started(app, joanetta, ava, algebra, columns[0])
    assert HEADING not in page
    assert db.session.execute(db.select(LineItemResult)).first() is None


def test_a_result_the_lms_no_longer_has_disappears_at_the_next_session(
        app, lms, ava, columns, joanetta, algebra):
    linear = columns[0]
    grade(lms, linear, "student-01", 72)
    diagnosed(joanetta, ava.ask(algebra, linear), linear, exit_ticket=None)
    work(app)
    assert db.session.execute(db.select(LineItemResult)).scalar_one().result_score == 72
    lms.platform.gradebook.scores.clear()  # the instructor cleared the column
    page = started(app, joanetta, ava, algebra, linear)
    assert HEADING not in page
    assert db.session.execute(db.select(LineItemResult)).first() is None


def test_results_are_not_asked_for_when_the_lms_did_not_grant_reading_them(
        app, lms, ava, columns, joanetta, algebra):
    course = the_course()
    course.ags_scopes = [s for s in course.ags_scopes if s != SCOPE_RESULT_READONLY]
    db.session.commit()
    grade(lms, columns[0], "student-01", 72)
    page = started(app, joanetta, ava, algebra, columns[0])
    assert HEADING not in page
    assert not [url for _, url in lms.service_calls if "/results" in url]


def test_a_course_without_tutoring_columns_asks_the_lms_nothing(app, lms, ava, joanetta,
                                                                algebra):
    topic = Topic(course_id=the_course().id, name="Ratios")
    db.session.add(topic)
    db.session.commit()
    page = started(app, joanetta, ava, algebra, topic)
    assert HEADING not in page and lms.service_calls == []
