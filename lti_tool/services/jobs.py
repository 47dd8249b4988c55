"""The durable job outbox: enqueue, claim, run, retry with backoff, park, and retry by hand."""

import logging
import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import or_, update

from ..domain.jobs import after_failure
from ..error_text import describe_error
from ..extensions import db
from ..models import Job
from ..models.rows import get_or_insert

log = logging.getLogger(__name__)

Handler = Callable[[dict], None]
HANDLERS: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that runs jobs of one kind."""

    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn

    return register


def enqueue(
    kind: str,
    payload: dict,
    now: datetime,
    *,
    due_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> Job:
    """Add a job in the caller's transaction; the same idempotency key yields the same job."""
    values = {"kind": kind, "payload": payload, "due_at": due_at or now, "created_at": now}
    if idempotency_key is not None:
        return get_or_insert(Job, {"idempotency_key": idempotency_key}, values)
    job = Job(**values)
    db.session.add(job)
    return job


def worker_name() -> str:
    """Identify this worker process in job rows."""
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_due(now: datetime, lease: timedelta, worker: str, limit: int = 10) -> list[Job]:
    """Claim due jobs (and jobs whose worker died) so no other worker takes them."""
    due = (
        db.select(Job.id)
        .where(
            or_(
                (Job.status == "pending") & (Job.due_at <= now),
                (Job.status == "running") & (Job.locked_until < now),
            )
        )
        .order_by(Job.due_at, Job.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = list(db.session.execute(due).scalars())
    if ids:
        db.session.execute(
            update(Job)
            .where(Job.id.in_(ids))
            .values(status="running", locked_by=worker, locked_until=now + lease)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    return list(
        db.session.execute(db.select(Job).where(Job.id.in_(ids)).order_by(Job.id)).scalars()
    )


def run_job(job: Job, now: datetime, max_attempts: int) -> None:
    """Run one claimed job; its handler's writes commit together with the job's outcome."""
    job_id, attempts = job.id, job.attempts + 1
    run = HANDLERS.get(job.kind)
    try:
        if run is None:
            raise LookupError(f"no handler for job kind {job.kind!r}")
        run(job.payload)
    except Exception as exc:  # a job's failure is recorded, never fatal to the worker
        db.session.rollback()
        job = db.session.get(Job, job_id)
        status, due = after_failure(attempts, max_attempts, now)
        job.attempts, job.status = attempts, status
        job.last_error = describe_error(exc)[:2000]
        job.locked_by, job.locked_until = None, None
        if due is not None:
            job.due_at = due
        db.session.commit()
        log.warning("job %s (%s) failed on attempt %s, now %s", job_id, job.kind, attempts, status)
        return
    job.attempts, job.status, job.finished_at = attempts, "done", now
    job.locked_by, job.locked_until, job.last_error = None, None, None
    db.session.commit()


def run_due_jobs(now: datetime, config: dict, worker: str) -> int:
    """Claim and run one batch of due jobs; return how many ran."""
    jobs = claim_due(now, timedelta(seconds=config["JOB_LEASE_SECONDS"]), worker)
    for job in jobs:
        run_job(job, now, config["JOB_MAX_ATTEMPTS"])
    return len(jobs)


def parked_jobs() -> list[Job]:
    """Return the jobs that ran out of attempts, newest first."""
    return list(
        db.session.execute(
            db.select(Job).where(Job.status == "parked").order_by(Job.id.desc())
        ).scalars()
    )


def retry_parked(job_id: int, now: datetime) -> Job:
    """Give a parked job a fresh set of attempts, due now."""
    job = db.session.get(Job, job_id)
    if job is None or job.status != "parked":
        raise LookupError(f"job {job_id} is not parked")
    job.status, job.attempts, job.due_at = "pending", 0, now
    db.session.commit()
    log.info("job %s retried by an admin", job.id)
    return job
