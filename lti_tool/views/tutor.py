"""The tutor console: availability, the queue of waiting students, the tutor's own figures."""

from datetime import datetime, timedelta

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from ..clock import utcnow
from ..domain.barriers import barrier_name
from ..domain.diagnosis import MASTERY, REASSESSMENT
from ..domain.queue import wait_minutes
from ..domain.session_length import length_minutes
from ..domain.tutor_efficacy import efficacy
from ..models import Account
from ..queries.tutor_console import Console, console_of
from ..queries.tutor_efficacy import student_diagnoses, tutor_sessions
from ..queries.tutoring import first_name
from ..services.help_requests import QUEUE
from ..services.tutor_presence import keep_online, record_heartbeat, set_available
from ..services.tutor_sessions import accept_session
from ..services.tutoring_errors import Conflict
from .access import tutor_required
from .live_stream import event_stream

bp = Blueprint("tutor", __name__, url_prefix="/tutor")


@bp.after_request
def _no_store(response):
    # Students' questions and transcripts: keep them out of shared caches and history.
    response.headers["Cache-Control"] = "no-store"
    return response


def _queue_context(console: Console, now: datetime) -> dict:
    return {"console": console, "now": now, "wait_minutes": wait_minutes,
            "first_name": first_name}


def _render_console(tutor: Account, now: datetime, error: str | None = None, status=200):
    return render_template("tutor/console.html", tutor=tutor, error=error,
                           **_queue_context(console_of(tutor.id), now)), status


@bp.get("/")
@tutor_required
def console():
    now = utcnow()
    tutor = current_user._get_current_object()
    record_heartbeat(tutor, now)
    return _render_console(tutor, now)


@bp.post("/availability")
@tutor_required
def availability():
    tutor = current_user._get_current_object()
    set_available(tutor, request.form.get("available") == "1", utcnow())
    flash("You are available: students see you as online." if tutor.available
          else "You are away: students no longer count you as online.")
    return redirect(url_for("tutor.console"))


def _queue_answer(console: Console, now: datetime) -> dict:
    return {
        "version": console.version,
        "busy": console.unfinished is not None,
        "entries": [{"id": e.session_id, "first_name": e.first_name, "course": e.course,
                     "subject": e.subject, "topic": e.topic, "question": e.question,
                     "wait_minutes": wait_minutes(e.requested_at, now)}
                    for e in console.entries],
        "html": render_template("tutor/_queue.html", **_queue_context(console, now)),
    }


@bp.get("/queue/updates")
@tutor_required
def queue_updates():
    """Stream the queue to the console (views/live_stream.py): at once, then each change,
    the ticking waits included. An open console keeps its tutor counted online."""
    tutor_id = current_user.id
    presence_every = timedelta(seconds=current_app.config["LIVE_HEARTBEAT_SECONDS"])
    shown: dict = {}

    def news(_notes: list[str] | None) -> dict | None:
        now = utcnow()
        keep_online(tutor_id, now, presence_every)
        latest = console_of(tutor_id)
        state = (latest.version, [wait_minutes(e.requested_at, now) for e in latest.entries])
        if state == shown.get("state"):
            return None
        shown["state"] = state
        return _queue_answer(latest, now)

    return event_stream([QUEUE], news)


@bp.post("/requests/<int:session_id>/accept")
@tutor_required
def accept(session_id: int):
    tutor = current_user._get_current_object()
    try:
        session = accept_session(session_id, tutor, utcnow())
    except Conflict as exc:
        return _render_console(tutor, utcnow(), exc.message, exc.status)
    return redirect(url_for("tutor.session_page", session_id=session.id))


@bp.get("/me")
@tutor_required
def me():
    sessions = tutor_sessions(current_user.id)
    figures = efficacy(current_user.id, (s.outcome for s in sessions),
                       student_diagnoses(current_user.id))
    return render_template(
        "tutor/me.html", tutor=current_user, sessions=sessions,
        figures=figures, length_minutes=length_minutes,
        barrier_name=barrier_name, mastery_labels=MASTERY, reassessment_labels=REASSESSMENT,
    )


# The chat and the diagnosis share this blueprint; their routes live in their own module.
from . import tutor_session  # noqa: E402, F401
