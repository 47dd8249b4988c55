"""/portal/students: the course's members from the last roster, and a refresh that never waits."""

import re
from dataclasses import replace
from datetime import timedelta
from html import unescape

import pytest

from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.lms.errors import LmsUnavailable
from lti_tool.models import Course, Job
from lti_tool.sandbox.demo import LEARNER, DemoUser
from lti_tool.services.roster import sync_roster
from lti_tool.services.roster_refresh import SYNC_ROSTER
from tests.platform_fixture import TOOL


@pytest.fixture
def instructor(lms):
    """The instructor's launch token; the course as that launch recorded it."""
    return lms.token("instructor-1")


@pytest.fixture
def course(instructor):
    return db.session.execute(db.select(Course)).scalar_one()


def students_page(client, token):
    page = client.post("/portal/students", data={"launch_token": token}, base_url=TOOL)
    assert page.status_code == 200
    return page


def rows(page) -> list[tuple[str, str, str]]:
    body = page.text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    found = re.findall(r'<th scope="row">(.*?)</th>\s*<td>(.*?)</td>\s*<td>(.*?)</td>', body)
    return [tuple(unescape(cell) for cell in row) for row in found]


def roster_jobs() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Job)
                             .where(Job.kind == SYNC_ROSTER))


def synced_minutes_ago(app, course, minutes: int) -> None:
    sync_roster(course.id, utcnow() - timedelta(minutes=minutes), app.config)


def test_members_are_listed_learners_first_with_roles_and_status_in_words(
        app, client, lms, instructor, course):
    synced_minutes_ago(app, course, 1)
    listed = rows(students_page(client, instructor))
    names = [name for name, _, _ in listed]
    learners = [n for n, roles, _ in listed if roles in ("Student", "Test student")]
    assert names[:len(learners)] == learners == sorted(learners, key=str.casefold)
    assert len(listed) == len(lms.platform.course.members)
    by_name = {name: (roles, status) for name, roles, status in listed}
    assert by_name["Rachel Moreno"] == ("Instructor", "Active")
    assert by_name["Lena Vogel"] == ("Teaching assistant", "Active")
    assert by_name["Iris Lund"] == ("Course designer", "Active")
    assert by_name["Paul Baker"] == ("Observer", "Active")
    assert by_name["Test Student"] == ("Test student", "Active")
    assert by_name["Ava Adams"] == ("Student", "Active")


def test_the_page_says_how_old_the_roster_is_and_shows_no_email(
        app, client, lms, instructor, course):
    synced_minutes_ago(app, course, 12)
    page = students_page(client, instructor)
    assert "Roster from the LMS, updated 12 minutes ago." in page.text
    assert "@demo.example" not in page.text


def test_statuses_and_removed_members_are_shown(app, client, lms, instructor, course):
    synced_minutes_ago(app, course, 10)
    lms.platform.course.members = [
        replace(m, status="Inactive") if m.user_id == "student-30" else m
        for m in lms.platform.course.members if m.user_id != "student-02"]
    synced_minutes_ago(app, course, 5)
    by_name = {name: status for name, _, status in rows(students_page(client, instructor))}
    assert by_name["Ben Baker"] == "Removed from the LMS roster"
    assert by_name["Dario Duarte"] == "Inactive"
    assert by_name["Chloe Chen"] == "Active"


def test_a_stale_roster_queues_exactly_one_sync_and_the_page_does_not_wait(
        app, client, lms, instructor, course):
    synced_minutes_ago(app, course, app.config["ROSTER_MAX_AGE_MINUTES"] + 5)
    before, calls = roster_jobs(), len(lms.service_calls)
    page = students_page(client, instructor)
    students_page(client, instructor)
    assert roster_jobs() == before + 1
    assert len(lms.service_calls) == calls  # nothing asked of the LMS during the requests
    assert "A newer copy has been requested" in page.text


def test_a_fresh_roster_queues_nothing(app, client, lms, instructor, course):
    synced_minutes_ago(app, course, 2)
    before = roster_jobs()
    page = students_page(client, instructor)
    assert roster_jobs() == before
    assert "requested" not in page.text


def test_a_roster_never_fetched_says_a_sync_was_requested(client, lms, instructor, course):
    page = students_page(client, instructor)
    assert roster_jobs() == 1
    assert "has not been fetched from the LMS yet; a sync was requested" in page.text
    # Until then, the people who launched are listed.
    assert [name for name, _, _ in rows(page)] == ["Rachel Moreno"]


def test_when_the_lms_fails_the_last_roster_stays_with_its_age(
        app, client, lms, instructor, course):
    synced_minutes_ago(app, course, 40)
    app.config["LMS_RETRY_MAX_TRIES"] = 1
    lms.fail("GET", "/memberships", 502)
    with pytest.raises(LmsUnavailable, match="injected 502"):
        sync_roster(course.id, utcnow(), app.config)
    page = students_page(client, instructor)
    assert "The LMS did not answer when the tool last asked for the roster" in page.text
    assert "updated 40 minutes ago" in page.text
    assert len(rows(page)) == len(lms.platform.course.members)
    assert "injected" not in page.text  # the LMS's words are for the admin, not this page


def test_another_courses_members_are_never_listed(app, client, lms, instructor, course):
    other = Course(platform_id=course.platform_id, deployment_id=course.deployment_id,
                   context_id="bio-200", title="BIO 200",
                   nrps_url=lms.platform.memberships_url + "?course=bio")
    db.session.add(other)
    db.session.commit()
    synced_minutes_ago(app, course, 1)
    lms.platform.course.members = [DemoUser("stranger-1", "Otto", "Elsewhere", (LEARNER,))]
    sync_roster(other.id, utcnow(), app.config)
    names = [name for name, _, _ in rows(students_page(client, instructor))]
    assert "Otto Elsewhere" not in names and "Rachel Moreno" in names


def test_a_course_whose_lms_shares_no_roster_lists_who_launched(
        app, client, lms, instructor, course):
    course.nrps_url = None
    db.session.commit()
    page = students_page(client, instructor)
    assert "does not share this course's roster" in page.text
    assert roster_jobs() == 0


def test_students_cannot_open_the_list(client, lms):
    _, token = lms.land(lms.launch("student-01"))
    page = client.post("/portal/students", data={"launch_token": token}, base_url=TOOL)
    assert page.status_code == 403


def test_opening_the_portal_refreshes_a_stale_roster_and_topics_without_waiting(
        client, lms, instructor, course):
    home = client.post("/portal/", data={"launch_token": instructor}, base_url=TOOL)
    assert home.status_code == 200
    for label in ("Students", "Course topics", "Settings", "Course setup"):
        assert f">{label}</button>" in home.text
    kinds = sorted(db.session.execute(db.select(Job.kind)).scalars())
    assert kinds == ["roster.sync", "topics.sync"]
    assert lms.service_calls == []  # the page asked the LMS nothing itself
    client.post("/portal/", data={"launch_token": instructor}, base_url=TOOL)
    assert db.session.scalar(db.select(db.func.count()).select_from(Job)) == 2
