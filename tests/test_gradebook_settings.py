"""The portal's settings page: instructors and TAs turn sending exit-ticket results to the
gradebook on and off, and see what is sent, for which topics, and whether the LMS allows it."""

import re

import pytest

from lti_tool.extensions import db
from lti_tool.lms.claims import SCOPE_SCORE
from lti_tool.models import Course, Topic
from tests.gradebook_fixtures import column_topic, the_course
from tests.platform_fixture import TOOL

CHECKBOX = re.compile(r'<input type="checkbox" id="sends_mastery_scores"[^>]*>')


@pytest.fixture
def instructor(lms):
    return lms.land(lms.launch("instructor-1"))[1]


def settings(client, token, **form):
    return client.post("/portal/settings", data={"launch_token": token, **form}, base_url=TOOL)


def save(client, token, on: bool):
    form = {"section": "gradebook", **({"sends_mastery_scores": "on"} if on else {})}
    return settings(client, token, **form)


def switched_on() -> bool:
    return db.session.get(Course, the_course().id, populate_existing=True).sends_mastery_scores


def test_the_gradebook_switch_is_off_until_an_instructor_turns_it_on(client, instructor):
    page = settings(client, instructor)
    assert page.status_code == 200
    assert '<h2 id="gradebook-title">Gradebook</h2>' in page.text
    assert '<label for="sends_mastery_scores">Send exit-ticket results to the gradebook</label>' \
        in page.text
    assert "checked" not in CHECKBOX.search(page.text).group(0)
    assert 'name="launch_token"' in page.text and 'role="status"' not in page.text

    saved = save(client, instructor, on=True)
    assert saved.status_code == 200 and switched_on()
    assert "Saved: exit-ticket results are now sent to the gradebook." in saved.text
    assert "checked" in CHECKBOX.search(saved.text).group(0)
    assert "checked" in CHECKBOX.search(settings(client, instructor).text).group(0)

    off = save(client, instructor, on=False)
    assert "Saved: exit-ticket results are no longer sent to the gradebook." in off.text
    assert not switched_on()


def test_opening_the_page_changes_nothing(client, instructor):
    save(client, instructor, on=True)
    settings(client, instructor)  # navigation posts only the launch token
    assert switched_on()


def test_the_page_explains_what_is_sent_and_lists_topics_with_and_without_a_column(
        client, lms, instructor):
    course = the_course()
    column_topic(lms, course)
    db.session.add_all([Topic(course_id=course.id, name="Ratios"),
                        Topic(course_id=course.id, name="Old topic", retired=True)])
    db.session.commit()
    page = settings(client, instructor).text
    for words in ("only for sessions whose topic has the tool's gradebook column",
                  "never for test students, instructors", "out of 100",
                  "notes and next steps stay in the tool"):
        assert words in page.replace("&#39;", "'")
    assert re.search(r'<th scope="row">Linear equations</th><td>Yes', page)
    assert re.search(r'<th scope="row">Ratios</th><td>No column', page)
    assert "Old topic" not in page
    assert "has not allowed this tool to send scores" not in page


def test_the_page_says_when_the_lms_did_not_grant_the_score_scope(client, instructor):
    course = the_course()
    course.ags_scopes = [s for s in course.ags_scopes if s != SCOPE_SCORE]
    db.session.commit()
    assert "has not allowed this tool to send scores" in settings(client, instructor).text


def test_a_teaching_assistant_may_change_the_setting(client, lms):
    token = lms.land(lms.launch("ta-1"))[1]
    assert save(client, token, on=True).status_code == 200 and switched_on()


@pytest.mark.parametrize("who", ["student-01", "designer-1"])
def test_students_and_designers_cannot_change_the_setting(client, lms, who):
    token = lms.land(lms.launch(who))[1]
    assert save(client, token, on=True).status_code == 403
    assert not switched_on()


def test_without_a_launch_the_setting_cannot_be_changed(client, lms, instructor):
    response = client.post("/portal/settings", base_url=TOOL,
                           data={"section": "gradebook", "sends_mastery_scores": "on"})
    assert response.status_code == 401 and not switched_on()


def test_a_course_is_changed_only_from_its_own_launch(client, lms, instructor):
    course = the_course()
    other = Course(platform_id=course.platform_id, deployment_id=course.deployment_id,
                   context_id="another-course", title="BIO 200")
    db.session.add(other)
    db.session.commit()
    save(client, instructor, on=True)
    assert not db.session.get(Course, other.id, populate_existing=True).sends_mastery_scores
