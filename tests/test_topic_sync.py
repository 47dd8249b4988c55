"""Course topics from the tool's own line items: only our tagged columns, read by a durable
job that the topic pages queue when the last read is old."""

import re
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest

from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.lms.ags import TUTORING_TAG
from lti_tool.lms.claims import AGS, SCOPE_NRPS, SCOPE_SCORE
from lti_tool.lms.gateway import LmsGateway
from lti_tool.models import Course, Job, Platform, Topic
from lti_tool.services.jobs import run_due_jobs
from lti_tool.services.topic_sync import (
    SYNC,
    refresh_topics_if_stale,
    sync_topics_from_lineitems,
)
from tests.platform_fixture import TOOL, put

NOW = utcnow().replace(microsecond=0)
DEMO_COLUMNS = ["Linear equations", "Quadratic functions", "Systems of equations"]


@pytest.fixture
def instructor(lms) -> str:
    return lms.token("instructor-1")


@pytest.fixture
def course(instructor) -> Course:
    return db.session.execute(db.select(Course)).scalar_one()


def topics() -> dict[str, Topic]:
    return {t.name: t for t in db.session.execute(db.select(Topic)).scalars()}


def column(lms, label: str, **fields) -> str:
    """Put a column in the platform's gradebook as if the tool had created it; return its id."""
    item_id = lms.platform.lineitem_url(re.sub(r"[^a-z0-9]+", "-", label.lower()))
    lms.platform.gradebook.lineitems[item_id] = {"id": item_id, "label": label,
                                                 "scoreMaximum": 100, **fields}
    return item_id


def lineitem_requests(lms) -> list[str]:
    return [url for method, url in lms.service_calls if method == "GET"]


def test_the_tools_columns_become_topics_once(app, lms, course):
    assert sync_topics_from_lineitems(course.id, NOW, app.config) == 3
    found = topics()
    assert sorted(found) == DEMO_COLUMNS
    by_label = {i["label"]: i["id"] for i in lms.platform.gradebook.lineitems.values()}
    for name, topic in found.items():
        assert (topic.source, topic.retired, topic.course_id) == ("lineitem", False, course.id)
        assert topic.lineitem_url == by_label[f"Tutoring mastery: {name}"]
    assert db.session.get(Course, course.id).topics_synced_at == NOW
    assert sync_topics_from_lineitems(course.id, NOW, app.config) == 0
    assert len(topics()) == 3
    (first, _) = lineitem_requests(lms)
    assert dict(parse_qsl(urlsplit(first).query)) == {"tag": TUTORING_TAG}


def test_a_column_naming_a_topic_id_belongs_to_that_topic_whatever_its_label(app, lms,
                                                                            course):
    placed = Topic(course_id=course.id, name="Factoring", source="placement")
    named = Topic(course_id=course.id, name="linear EQUATIONS", source="instructor")
    db.session.add_all([placed, named])
    db.session.commit()
    url = column(lms, "Factoring practice (renamed in the LMS)", resourceId=str(placed.id),
                 tag=TUTORING_TAG)
    sync_topics_from_lineitems(course.id, NOW, app.config)
    found = topics()
    assert found["Factoring"].lineitem_url == url
    assert "Factoring practice (renamed in the LMS)" not in found
    # A column named like an existing topic (any case) is that topic; it keeps its source.
    assert found["linear EQUATIONS"].lineitem_url.endswith("/linear-equations/lineitem")
    assert found["linear EQUATIONS"].source == "instructor"
    assert sorted(found) == ["Factoring", "Quadratic functions", "Systems of equations",
                             "linear EQUATIONS"]


def test_a_column_of_a_merged_topic_goes_to_the_topic_it_was_merged_into(app, lms, course):
    kept = Topic(course_id=course.id, name="Quadratics")
    db.session.add(kept)
    db.session.flush()
    merged = Topic(course_id=course.id, name="Quadratic eqs", retired=True,
                   merged_into_id=kept.id)
    db.session.add(merged)
    db.session.commit()
    url = column(lms, "Tutoring mastery: Quadratic eqs", resourceId=str(merged.id),
                 tag=TUTORING_TAG)
    sync_topics_from_lineitems(course.id, NOW, app.config)
    assert topics()["Quadratics"].lineitem_url == url
    assert topics()["Quadratic eqs"].lineitem_url is None


def test_only_columns_with_our_tag_are_topics_even_when_the_lms_ignores_the_filter(
        app, lms, course, monkeypatch):
    column(lms, "Midterm exam", tag="exam")
    column(lms, "Homework 1")
    column(lms, "Tutoring mastery: Vectors", tag="TUTORING-MASTERY")
    every_column = lms.platform.lineitems
    monkeypatch.setattr(lms.platform, "lineitems",
                        lambda auth, tag=None, resource_id=None: every_column(auth))
    sync_topics_from_lineitems(course.id, NOW, app.config)
    assert sorted(topics()) == DEMO_COLUMNS


def test_line_item_urls_with_a_query_string_are_kept_and_called_exactly(app, lms, course):
    lms.platform.lineitem_query = "type_id=1"
    url = column(lms, "Tutoring mastery: Vectors", tag=TUTORING_TAG)
    assert url.endswith("/tutoring-mastery-vectors/lineitem?type_id=1")
    course.ags_lineitems_url = lms.platform.lineitems_url + "?type_id=1"
    db.session.commit()
    sync_topics_from_lineitems(course.id, NOW, app.config)
    assert topics()["Vectors"].lineitem_url == url
    assert lineitem_requests(lms) == [
        f"{lms.platform.lineitems_url}?type_id=1&tag={TUTORING_TAG}"]


def test_a_course_whose_launches_grant_no_line_item_scope_is_skipped_quietly(app, lms):
    no_lineitems = put({AGS: {"lineitems": lms.platform.lineitems_url, "scope": [SCOPE_SCORE]}})
    lms.launch_with(no_lineitems, user_id="instructor-1")
    course = db.session.execute(db.select(Course)).scalar_one()
    assert sync_topics_from_lineitems(course.id, NOW, app.config) == 0
    assert not refresh_topics_if_stale(course, NOW, app.config)
    assert lms.service_calls == [] and topics() == {}
    assert db.session.execute(db.select(Job)).first() is None
    course.ags_scopes = [SCOPE_NRPS]
    assert not refresh_topics_if_stale(course, NOW, app.config)


def test_a_server_error_is_retried_and_then_the_columns_are_read(app, lms, course):
    lms.fail("GET", "/lineitems", 500, {"Retry-After": "2"})
    waits = []
    gateway = LmsGateway(lms.record, app.config, clock=utcnow, sleep=waits.append,
                         jitter=lambda: 0.0)
    sync_topics_from_lineitems(course.id, NOW, app.config, gateway)
    assert waits == [2.0] and sorted(topics()) == DEMO_COLUMNS


def test_opening_the_topic_pages_queues_one_read_when_stale_and_none_when_fresh(
        app, lms, client, instructor, course):
    for page in ("/portal/topics/manage", "/portal/setup", "/portal/topics/manage"):
        assert client.post(page, data={"launch_token": instructor},
                           base_url=TOOL).status_code == 200
    (job,) = db.session.execute(db.select(Job)).scalars()
    assert (job.kind, job.payload, job.status) == (SYNC, {"course_id": course.id}, "pending")
    assert lms.service_calls == []  # the pages never wait on the LMS

    assert run_due_jobs(utcnow(), app.config, "test-worker") == 1
    db.session.expire_all()
    assert sorted(topics()) == DEMO_COLUMNS
    synced = db.session.get(Course, course.id).topics_synced_at
    assert synced is not None
    assert not refresh_topics_if_stale(db.session.get(Course, course.id),
                                       synced + timedelta(minutes=14), app.config)
    assert refresh_topics_if_stale(db.session.get(Course, course.id),
                                   synced + timedelta(minutes=15), app.config)
    assert db.session.scalar(db.select(db.func.count()).select_from(Job)) == 2


def test_a_read_the_lms_refuses_fails_the_job_and_keeps_the_topics(app, lms, course):
    existing = Topic(course_id=course.id, name="Vectors")
    db.session.add(existing)
    db.session.commit()
    assert refresh_topics_if_stale(course, NOW, app.config)
    lms.fail("GET", "/lineitems", 403)
    run_due_jobs(NOW, app.config, "test-worker")
    db.session.expire_all()
    job = db.session.execute(db.select(Job)).scalar_one()
    assert (job.status, job.attempts) == ("pending", 1) and "403" in job.last_error
    assert list(topics()) == ["Vectors"]
    assert db.session.get(Course, course.id).topics_synced_at is None
    # No second job while the first one is still trying.
    assert not refresh_topics_if_stale(db.session.get(Course, course.id), NOW, app.config)
    run_due_jobs(job.due_at, app.config, "test-worker")
    assert sorted(topics()) == sorted([*DEMO_COLUMNS, "Vectors"])


def test_a_registration_turned_off_is_not_asked_for_columns(app, lms, course):
    db.session.get(Platform, course.platform_id).enabled = False
    db.session.commit()
    assert sync_topics_from_lineitems(course.id, NOW, app.config) == 0
    assert lineitem_requests(lms) == [] and topics() == {}
