"""Roster sync from Names and Roles against the test platform: paging, changes, failures."""

import re
from dataclasses import replace
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses

from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.lms.errors import LmsRefused, LmsUnavailable, ServiceNotOffered
from lti_tool.models import Course, Job, LmsUser, Membership
from lti_tool.sandbox.demo import INSTRUCTOR, LEARNER, TA, DemoUser
from lti_tool.services.jobs import run_due_jobs
from lti_tool.services.roster import sync_roster
from lti_tool.services.roster_refresh import SYNC_ROSTER, refresh_roster_if_stale


def big_course(size: int) -> list[DemoUser]:
    staff = [DemoUser("teacher-1", "Ada", "Teach", (INSTRUCTOR,))]
    return staff + [DemoUser(f"learner-{i:04d}", f"Given{i}", f"Family{i}", (LEARNER,))
                    for i in range(1, size)]


@pytest.fixture
def course(lms):
    lms.launch("instructor-1")
    return db.session.execute(db.select(Course)).scalar_one()


def roster_calls(lms) -> list[str]:
    return [url for method, url in lms.service_calls if "/memberships" in url]


def membership(course, sub) -> Membership:
    return db.session.execute(
        db.select(Membership).join(LmsUser, LmsUser.id == Membership.user_id)
        .where(Membership.course_id == course.id, LmsUser.sub == sub)).scalar_one()


def test_a_250_member_course_is_fetched_in_five_pages_of_50(app, lms, course):
    lms.platform.course.members = big_course(250)
    seen = []
    result = sync_roster(course.id, utcnow(), app.config,
                         progress=lambda pages, members: seen.append((pages, members)))
    calls = roster_calls(lms)
    assert len(calls) == 5
    assert dict(parse_qsl(urlsplit(calls[0]).query)) == {"limit": "50"}
    assert [dict(parse_qsl(urlsplit(u).query))["page"] for u in calls[1:]] == ["2", "3", "4", "5"]
    assert seen == [(1, 50), (2, 100), (3, 150), (4, 200), (5, 250)]
    assert (result.pages, result.members) == (5, 250)
    count = db.session.scalar(db.select(db.func.count()).select_from(Membership)
                              .where(Membership.course_id == course.id,
                                     Membership.removed_at.is_(None)))
    assert count == 250
    assert membership(course, "learner-0249").user.name == "Given249 Family249"


def test_the_sync_is_recorded_and_the_checkpoint_cleared(app, lms, course):
    now = utcnow()
    sync_roster(course.id, now, app.config)
    db.session.refresh(course)
    assert course.roster_synced_at == now
    assert (course.roster_next_url, course.roster_sync_started_at, course.roster_error) == (
        None, None, None)


def test_emails_are_kept_for_instructors_and_tas_but_never_for_learners(app, lms, course):
    sync_roster(course.id, utcnow(), app.config)
    users = {u.sub: u for u in db.session.execute(db.select(LmsUser)).scalars()}
    assert users["instructor-2"].email == "tom.okoye@demo.example"
    assert users["ta-1"].email == "lena.vogel@demo.example"
    for sub in ("student-01", "student-30", "test-student", "designer-1", "observer-1"):
        assert users[sub].email is None, sub
    assert users["student-07"].name == "Grace Garcia"
    assert membership(course, "ta-1").roles == [INSTRUCTOR, TA]
    assert membership(course, "test-student").is_test_user


def test_status_changes_between_syncs_are_stored(app, lms, course):
    sync_roster(course.id, utcnow(), app.config)
    members = lms.platform.course.members
    lms.platform.course.members = [
        replace(m, status="Inactive") if m.user_id == "student-04" else
        replace(m, status="Deleted") if m.user_id == "student-05" else m for m in members]
    sync_roster(course.id, utcnow() + timedelta(minutes=1), app.config)
    assert membership(course, "student-04").status == "Inactive"
    assert membership(course, "student-05").status == "Deleted"
    assert membership(course, "student-06").status == "Active"


def test_a_member_who_leaves_is_marked_removed_not_deleted_and_returns_cleanly(app, lms, course):
    first = utcnow()
    sync_roster(course.id, first, app.config)
    everyone = list(lms.platform.course.members)
    lms.platform.course.members = [m for m in everyone if m.user_id != "student-09"]
    later = first + timedelta(hours=1)
    result = sync_roster(course.id, later, app.config)
    assert result.removed == 1
    gone = membership(course, "student-09")
    assert gone.removed_at == later and gone.user.name == "Imani Ito"
    assert membership(course, "student-08").removed_at is None

    lms.platform.course.members = everyone
    sync_roster(course.id, later + timedelta(hours=1), app.config)
    back = membership(course, "student-09")
    assert back.id == gone.id and back.removed_at is None and back.status == "Active"


def test_a_member_added_by_a_launch_but_absent_from_the_lms_roster_is_marked(app, lms, course):
    lms.platform.course.members = [m for m in lms.platform.course.members
                                   if m.user_id != "instructor-1"]
    sync_roster(course.id, utcnow(), app.config)
    assert membership(course, "instructor-1").removed_at is not None


def test_a_test_student_missing_from_the_lms_roster_is_not_marked_removed(app, lms, course):
    lms.launch("test-student")
    lms.platform.course.members = [m for m in lms.platform.course.members
                                   if m.user_id != "test-student"]
    sync_roster(course.id, utcnow(), app.config)
    assert membership(course, "test-student").removed_at is None


def test_a_5xx_on_page_2_fails_the_job_keeps_the_checkpoint_and_the_retry_resumes(
        app, lms, course):
    app.config["LMS_RETRY_MAX_TRIES"] = 1
    lms.platform.course.members = big_course(120)
    now = utcnow()
    assert refresh_roster_if_stale(course, now, app.config)
    lms.fail("GET", "page=2", 503)
    assert run_due_jobs(now, app.config, "test-worker") == 1

    job = db.session.execute(db.select(Job).filter_by(kind=SYNC_ROSTER)).scalar_one()
    assert (job.status, job.attempts) == ("pending", 1)
    assert "injected 503" in job.last_error
    db.session.refresh(course)
    assert "page=2" in course.roster_next_url and course.roster_synced_at is None
    assert "503" in course.roster_error and "injected 503" in course.roster_error
    assert len(roster_calls(lms)) == 2

    lms.service_calls.clear()
    assert run_due_jobs(job.due_at, app.config, "test-worker") == 1
    db.session.refresh(job)
    assert job.status == "done"
    pages = [dict(parse_qsl(urlsplit(u).query))["page"] for u in roster_calls(lms)]
    assert pages == ["2", "3"]  # page 1 was not fetched again
    db.session.refresh(course)
    assert course.roster_synced_at is not None and course.roster_error is None
    assert course.roster_next_url is None
    # Members from the page stored before the failure count as seen by the resumed sync.
    assert membership(course, "learner-0001").removed_at is None
    assert membership(course, "learner-0119").removed_at is None
    assert membership(course, "instructor-1").removed_at is not None  # not in the LMS now


def test_when_the_lms_is_down_the_last_good_roster_stays(app, lms, course):
    synced = utcnow()
    sync_roster(course.id, synced, app.config)
    app.config["LMS_RETRY_MAX_TRIES"] = 1
    lms.fail("GET", "/memberships", 500)
    with pytest.raises(LmsUnavailable):
        sync_roster(course.id, synced + timedelta(hours=1), app.config)
    db.session.refresh(course)
    assert course.roster_synced_at == synced
    assert "injected 500" in course.roster_error
    assert membership(course, "student-01").removed_at is None
    live = db.session.scalar(db.select(db.func.count()).select_from(Membership).where(
        Membership.course_id == course.id, Membership.removed_at.is_(None)))
    assert live == len(lms.platform.course.members)


def test_a_course_without_a_roster_endpoint_is_not_offered(app, lms, course):
    course.nrps_url = None
    db.session.commit()
    with pytest.raises(ServiceNotOffered):
        sync_roster(course.id, utcnow(), app.config)
    assert roster_calls(lms) == []


def test_a_next_link_to_another_host_is_not_followed(app, lms, course, mocked_network):
    mocked_network.add(
        responses.GET, re.compile(r"https://lms\.test/other-roster.*"),
        json={"members": [{"user_id": "student-01", "roles": [LEARNER]}]},
        headers={"Link": '<https://elsewhere.test/steal?page=2>; rel="next"'},
    )
    elsewhere = mocked_network.add(responses.GET, re.compile(r"https://elsewhere\.test/.*"),
                                   json={"members": []})
    course.nrps_url = "https://lms.test/other-roster"
    db.session.commit()
    with pytest.raises(LmsRefused):
        sync_roster(course.id, utcnow(), app.config)
    assert elsewhere.call_count == 0
    db.session.refresh(course)
    assert "another host" in course.roster_error


def test_another_courses_members_are_left_alone(app, lms, course):
    other = Course(platform_id=course.platform_id, deployment_id=course.deployment_id,
                   context_id="bio-200", title="BIO 200",
                   nrps_url=lms.platform.memberships_url + "?course=bio")
    db.session.add(other)
    db.session.commit()
    sync_roster(other.id, utcnow(), app.config)
    lms.platform.course.members = lms.platform.course.members[:3]
    sync_roster(course.id, utcnow() + timedelta(minutes=5), app.config)
    removed = db.session.scalar(db.select(db.func.count()).select_from(Membership).where(
        Membership.course_id == other.id, Membership.removed_at.is_not(None)))
    assert removed == 0


def test_a_student_launching_while_a_sync_runs_is_not_marked_removed(app, lms, course):
    started = utcnow() - timedelta(seconds=30)  # the sync began before the launch
    lms.launch("student-05")
    # The page the sync read before the launch did not list the student yet.
    lms.platform.course.members = [m for m in lms.platform.course.members
                                   if m.user_id != "student-05"]
    sync_roster(course.id, started, app.config)
    assert membership(course, "student-05").removed_at is None
