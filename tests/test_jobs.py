"""The durable outbox: jobs run once, retry with backoff, park, and come back when retried."""

from datetime import timedelta

import pytest
from sqlalchemy import text

from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.models import Job, LaunchState
from lti_tool.services import jobs
from lti_tool.services.maintenance import PURGE_LAUNCH_STATES

RAN: list[dict] = []


@jobs.handler("test.record")
def _record(payload: dict) -> None:
    RAN.append(payload)


@jobs.handler("test.fail")
def _fail(payload: dict) -> None:
    raise RuntimeError("the LMS said no")


@pytest.fixture(autouse=True)
def _clear():
    RAN.clear()


def _run(app, now=None) -> int:
    return jobs.run_due_jobs(now or utcnow(), app.config, "test-worker")


def test_due_job_runs_once_and_is_marked_done(app):
    now = utcnow()
    job = jobs.enqueue("test.record", {"n": 1}, now)
    db.session.commit()
    assert _run(app, now) == 1 and _run(app, now) == 0
    assert RAN == [{"n": 1}]
    assert (job.status, job.attempts, job.finished_at) == ("done", 1, now)


def test_job_waits_until_it_is_due(app):
    now = utcnow()
    jobs.enqueue("test.record", {}, now, due_at=now + timedelta(minutes=5))
    db.session.commit()
    assert _run(app, now) == 0
    assert _run(app, now + timedelta(minutes=5)) == 1


def test_same_idempotency_key_yields_one_job(app):
    now = utcnow()
    first = jobs.enqueue("test.record", {"n": 1}, now, idempotency_key="score:1")
    second = jobs.enqueue("test.record", {"n": 2}, now, idempotency_key="score:1")
    db.session.commit()
    assert first.id == second.id
    assert db.session.execute(db.select(db.func.count(Job.id))).scalar_one() == 1


def test_failed_job_is_retried_with_backoff_and_keeps_its_error(app):
    now = utcnow()
    job = jobs.enqueue("test.fail", {}, now)
    db.session.commit()
    _run(app, now)
    db.session.refresh(job)
    assert (job.status, job.attempts) == ("pending", 1)
    assert job.due_at == now + timedelta(seconds=30)
    assert "the LMS said no" in job.last_error
    assert _run(app, now + timedelta(seconds=29)) == 0


def test_job_is_parked_after_the_configured_attempts_and_an_admin_can_retry_it(app):
    app.config["JOB_MAX_ATTEMPTS"] = 2
    now = utcnow()
    job = jobs.enqueue("test.fail", {}, now)
    db.session.commit()
    _run(app, now)
    _run(app, now + timedelta(hours=2))
    db.session.refresh(job)
    assert (job.status, job.attempts) == ("parked", 2)
    assert jobs.parked_jobs() == [job]
    jobs.retry_parked(job.id, now + timedelta(hours=3))
    assert (job.status, job.attempts) == ("pending", 0)


def test_job_whose_worker_died_is_claimed_again_after_its_lease(app):
    now = utcnow()
    jobs.enqueue("test.record", {"n": 7}, now)
    db.session.commit()
    claimed = jobs.claim_due(now, timedelta(minutes=5), "worker-that-dies")
    assert len(claimed) == 1
    assert jobs.claim_due(now + timedelta(minutes=1), timedelta(minutes=5), "w2") == []
    assert len(jobs.claim_due(now + timedelta(minutes=6), timedelta(minutes=5), "w2")) == 1


def test_unknown_job_kind_fails_visibly(app):
    job = jobs.enqueue("nobody.handles.this", {}, utcnow())
    db.session.commit()
    _run(app)
    db.session.refresh(job)
    assert job.status == "pending" and "no handler" in job.last_error


def test_worker_command_runs_due_jobs_and_purges_expired_launch_states(app, runner, lms):
    lms.login("student-01")
    db.session.execute(db.update(LaunchState).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    jobs.enqueue("test.record", {"n": 3}, utcnow())
    db.session.commit()
    result = runner.invoke(args=["worker", "--once"])
    assert "Ran 2 job(s)" in result.output
    assert RAN == [{"n": 3}]
    assert db.session.execute(db.select(db.func.count()).select_from(LaunchState)).scalar_one() == 0
    purge = db.session.execute(db.select(Job).filter_by(kind=PURGE_LAUNCH_STATES)).scalar_one()
    assert purge.status == "done"


def test_a_job_locked_by_another_worker_is_skipped_on_postgresql(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locking with SKIP LOCKED is PostgreSQL's; SQLite runs one worker")
    now = utcnow()
    first = jobs.enqueue("test.record", {"n": 1}, now)
    second = jobs.enqueue("test.record", {"n": 2}, now)
    db.session.commit()
    with db.engine.connect() as other_worker:
        other_worker.execute(
            text("SELECT id FROM jobs WHERE id = :id FOR UPDATE"), {"id": first.id}
        )
        claimed = jobs.claim_due(now, timedelta(minutes=5), "this-worker")
        other_worker.rollback()
    assert [j.id for j in claimed] == [second.id]
