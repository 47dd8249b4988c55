"""The tutoring use cases below the pages: races, ordering, events, housekeeping."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import text

from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.models import Account, DomainEvent, Job, Message, TutoringSession
from lti_tool.queries.transcripts import transcript
from lti_tool.services import events, jobs, maintenance
from lti_tool.services.chat import ChatLimits, Posted, post_message
from lti_tool.services.diagnoses import record_diagnosis
from lti_tool.services.help_requests import HelpRequest, request_help
from lti_tool.services.tutor_sessions import accept_session, end_session, rate_session
from lti_tool.services.tutoring_errors import AlreadyOpen, Conflict
from tests.tutoring_factories import make_school, make_tutor, sender

LIMITS = ChatLimits(max_chars=2000, rate_count=1000, rate_seconds=5)


@pytest.fixture
def school(app):
    return make_school(students=2)


def ask(school, algebra, student=0, now=None):
    question = HelpRequest(algebra.id, None, "systems", "How do I use elimination?", "")
    return request_help(school.course, school.students[student], question, test_user=False,
                        now=now or utcnow())


def in_threads(app, *calls):
    """Run each call in its own thread and app context, all released at once."""
    start, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index, call):
        with app.app_context():
            start.wait()
            try:
                results[index] = call()
            except Exception as exc:  # the test inspects what each call got
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_a_student_holds_one_open_request(school, algebra):
    first = ask(school, algebra)
    with pytest.raises(AlreadyOpen) as again:
        ask(school, algebra)
    assert again.value.session_id == first.id
    assert db.session.execute(db.select(db.func.count(TutoringSession.id))).scalar_one() == 1


def test_two_tutors_accepting_at_once_get_one_session(app, school, algebra):
    session_id = ask(school, algebra).id
    tutors = [make_tutor(f"t{n}@x.test", algebra).id for n in range(2)]

    def accept(tutor_id):
        return lambda: accept_session(session_id, db.session.get(Account, tutor_id), utcnow())

    results = in_threads(app, accept(tutors[0]), accept(tutors[1]))
    winners = [r for r in results if isinstance(r, TutoringSession)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 1 and len(losers) == 1
    db.session.expire_all()
    session = db.session.get(TutoringSession, session_id)
    assert session.status == "active" and session.tutor_id == winners[0].tutor_id


def test_a_tutor_takes_one_student_at_a_time_until_the_diagnosis(school, algebra):
    tutor = make_tutor("t@x.test", algebra)
    first = accept_session(ask(school, algebra, 0).id, tutor, utcnow())
    second = ask(school, algebra, 1)
    with pytest.raises(Conflict):
        accept_session(second.id, tutor, utcnow())
    end_session(first, "tutor", utcnow())
    with pytest.raises(Conflict):
        accept_session(second.id, tutor, utcnow())


def test_concurrent_messages_get_consecutive_numbers(app, school, algebra):
    tutor = make_tutor("t@x.test", algebra)
    session = accept_session(ask(school, algebra).id, tutor, utcnow())

    def send(role, n):
        def call():
            live = db.session.get(TutoringSession, session.id)
            return post_message(session.id, sender(live, role, role), f"{role} {n}",
                                f"{role}-{n}", LIMITS, utcnow())
        return call

    calls = [send(role, n) for n in range(4) for role in ("student", "tutor")]
    results = in_threads(app, *calls)
    assert all(isinstance(r, Posted) for r in results), results
    seqs = db.session.execute(
        db.select(Message.seq).filter_by(session_id=session.id).order_by(Message.seq)
    ).scalars().all()
    assert seqs == list(range(1, 9))


def test_each_turning_point_records_one_event_for_alerts(school, algebra):
    tutor = make_tutor("t@x.test", algebra)
    session = accept_session(ask(school, algebra).id, tutor, utcnow())
    end_session(session, "student", utcnow())
    rate_session(session, 5, "", utcnow())
    form = {"observation_notes": "Solved two systems", "barrier": "none",
            "learning_goal": "Elimination", "prerequisite": "low", "mastery": "not_demonstrated",
            "exit_ticket_given": "yes", "exit_ticket": "40", "topic_id": "none"}
    record_diagnosis(session, tutor, form, [], utcnow())
    kinds = db.session.execute(db.select(DomainEvent.kind).order_by(DomainEvent.id)).scalars()
    assert list(kinds) == ["session_started", "session_ended", "session_rated",
                           "diagnosis_recorded"]
    diagnosed = db.session.execute(
        db.select(DomainEvent).filter_by(kind="diagnosis_recorded")).scalar_one()
    assert diagnosed.payload["prerequisite"] == "low"
    assert diagnosed.payload["mastery"] == "not_demonstrated"


def run_jobs(app) -> None:
    jobs.run_due_jobs(utcnow(), app.config, "test-worker")


def test_events_reach_each_consumer_once(app, school, algebra, monkeypatch):
    seen = []
    monkeypatch.setattr(events, "_consumers", {})
    events.consumer("session_started", "alerts")(lambda event: seen.append(event.session_id))
    tutor = make_tutor("t@x.test", algebra)
    session = accept_session(ask(school, algebra).id, tutor, utcnow())
    assert events.dispatch_events(utcnow()) == 1
    assert events.dispatch_events(utcnow()) == 0
    run_jobs(app)
    run_jobs(app)
    assert seen == [session.id]


def test_a_failing_consumer_is_retried_without_holding_up_the_others(app, school, algebra,
                                                                      monkeypatch):
    calls, others = [], []

    def flaky(event):
        calls.append(event.id)
        if len(calls) == 1:
            raise RuntimeError("mail server down")

    monkeypatch.setattr(events, "_consumers", {"session_started": {"flaky": flaky},
                                               "session_ended": {"other": others.append}})
    tutor = make_tutor("t@x.test", algebra)
    session = accept_session(ask(school, algebra).id, tutor, utcnow())
    end_session(session, "tutor", utcnow())
    events.dispatch_events(utcnow())
    run_jobs(app)
    assert len(calls) == 1 and len(others) == 1
    failed = db.session.execute(db.select(Job).filter_by(status="pending")).scalar_one()
    assert "mail server down" in failed.last_error
    failed.due_at = utcnow()
    db.session.commit()
    run_jobs(app)
    assert len(calls) == 2


def test_the_worker_abandons_requests_nobody_took_in_time(app, school, algebra):
    now = utcnow()
    stale = ask(school, algebra, 0, now=now - timedelta(minutes=21))
    fresh = ask(school, algebra, 1, now=now - timedelta(minutes=5))
    maintenance.tidy_tutoring(now, app.config)
    db.session.expire_all()
    assert db.session.get(TutoringSession, stale.id).status == "abandoned"
    assert db.session.get(TutoringSession, stale.id).open_student_id is None
    assert db.session.get(TutoringSession, fresh.id).status == "waiting"


def test_the_worker_ends_live_sessions_both_sides_left(app, school, algebra):
    now = utcnow()
    tutor, other = make_tutor("t@x.test", algebra), make_tutor("u@x.test", algebra)
    quiet = accept_session(ask(school, algebra, 0).id, tutor, now - timedelta(minutes=50))
    post_message(quiet.id, sender(quiet, "student", "S"), "hello?", None, LIMITS,
                 now - timedelta(minutes=31))
    talking = accept_session(ask(school, algebra, 1).id, other, now - timedelta(minutes=50))
    post_message(talking.id, sender(talking, "tutor", "T"), "try x = 2", None, LIMITS,
                 now - timedelta(minutes=2))
    maintenance.tidy_tutoring(now, app.config)
    db.session.expire_all()
    ended = db.session.get(TutoringSession, quiet.id)
    assert (ended.status, ended.ended_by) == ("ended", "system")
    assert ended.open_student_id is None
    assert db.session.get(TutoringSession, talking.id).status == "active"


def test_messages_are_sealed_in_the_database_and_read_in_clear(app, school, algebra):
    tutor = make_tutor("t@x.test", algebra)
    session = accept_session(ask(school, algebra).id, tutor, utcnow())
    post_message(session.id, sender(session, "student", "Ava"), "I feel lost in this class",
                 None, LIMITS, utcnow())
    stored = db.session.execute(text("SELECT body FROM messages")).scalar_one()
    assert "lost" not in stored
    assert [line.body for line in transcript(session)] == ["I feel lost in this class"]
