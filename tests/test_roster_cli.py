"""`flask roster sync` and the worker's schedule of roster refreshes."""

from datetime import timedelta

import pytest

from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.models import Course, Job, Membership
from lti_tool.services.roster_refresh import SYNC_ROSTER, schedule_roster_refreshes


@pytest.fixture
def course(lms):
    lms.launch("instructor-1")
    return db.session.execute(db.select(Course)).scalar_one()


@pytest.fixture
def second_course(lms, course):
    """Another course of the same LMS, whose roster URL carries a query, as some LMSs' do."""
    other = Course(platform_id=course.platform_id, deployment_id=course.deployment_id,
                   context_id="bio-200", title="BIO 200: Genetics", label="BIO 200",
                   nrps_url=lms.platform.memberships_url + "?course=bio")
    db.session.add(other)
    db.session.commit()
    return other


def members_of(course) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Membership)
                             .where(Membership.course_id == course.id,
                                    Membership.removed_at.is_(None)))


def queued() -> list[int]:
    jobs = db.session.execute(db.select(Job).filter_by(kind=SYNC_ROSTER)).scalars()
    return sorted(job.payload["course_id"] for job in jobs)


def test_sync_without_courses_syncs_every_course_with_progress(
        runner, lms, course, second_course):
    lms.platform.page_size = 20
    result = runner.invoke(args=["roster", "sync"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:2] == ["MATH 101: page 1, 20 members", "MATH 101: page 2, 36 members"]
    assert f"MATH 101 (course {course.id}): 36 members, 0 newly removed from the roster" in lines
    assert "BIO 200: page 2, 36 members" in lines
    assert lines[-1] == "Synced 2 of 2 course(s); 0 failed."
    assert members_of(course) == members_of(second_course) == 36


def test_a_failing_course_is_reported_with_the_lms_message_and_the_others_still_run(
        app, runner, lms, course, second_course):
    app.config["LMS_RETRY_MAX_TRIES"] = 1
    lms.fail("GET", "course=bio", 503)
    result = runner.invoke(args=["roster", "sync"])
    assert result.exit_code == 1
    assert "BIO 200: failed:" in result.output and "injected 503" in result.output
    assert "Synced 1 of 2 course(s); 1 failed." in result.output
    assert members_of(course) == 36 and members_of(second_course) == 0


def test_sync_of_chosen_courses_only(runner, lms, course, second_course):
    result = runner.invoke(args=["roster", "sync", "--course", str(second_course.id)])
    assert result.exit_code == 0, result.output
    assert "MATH 101" not in result.output
    assert members_of(second_course) == 36


def test_an_unknown_or_rosterless_course_fails_the_command(runner, lms, course):
    course.nrps_url = None
    db.session.commit()
    result = runner.invoke(args=["roster", "sync", "--course", str(course.id),
                                 "--course", "9999"])
    assert result.exit_code == 1
    assert "course 9999: no such course" in result.output
    assert "Names and Roles" in result.output


def test_the_schedule_queues_active_courses_whose_roster_is_old(app, lms, course, second_course):
    now = utcnow()
    course.roster_synced_at = now - timedelta(minutes=app.config["ROSTER_REFRESH_MINUTES"] + 1)
    second_course.last_launch_at = now - timedelta(days=app.config["ROSTER_ACTIVE_DAYS"] + 1)
    db.session.commit()
    assert schedule_roster_refreshes(now, app.config) == 1
    assert schedule_roster_refreshes(now + timedelta(seconds=5), app.config) == 0
    assert queued() == [course.id]


def test_the_schedule_leaves_fresh_rosters_alone(app, lms, course):
    now = utcnow()
    course.roster_synced_at = now - timedelta(minutes=app.config["ROSTER_REFRESH_MINUTES"] - 1)
    db.session.commit()
    assert schedule_roster_refreshes(now, app.config) == 0
    assert queued() == []


def test_the_worker_refreshes_a_newly_launched_courses_roster(runner, lms, course):
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert members_of(course) == 36
    db.session.refresh(course)
    assert course.roster_synced_at is not None


def test_courses_of_a_turned_off_registration_are_neither_scheduled_nor_synced(
        app, runner, lms, course):
    lms.record.enabled = False
    db.session.commit()
    assert schedule_roster_refreshes(utcnow(), app.config) == 0
    result = runner.invoke(args=["roster", "sync"])
    assert result.exit_code == 1 and "turned off" in result.output
    assert [url for _, url in lms.service_calls] == []
