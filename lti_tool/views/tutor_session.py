"""The tutor's side of a live session: chat, end, report, and the end-of-session diagnosis."""

from uuid import uuid4

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from ..clock import utcnow
from ..domain.barriers import BARRIERS, BY_KEY, barrier_name
from ..domain.diagnosis import MASTERY, PREREQUISITE, REASSESSMENT, DiagnosisInvalid
from ..domain.session_states import Status
from ..models import TutoringSession
from ..queries.student_sessions import tutor_session
from ..queries.transcripts import ChatReader, open_notes, transcript
from ..queries.tutoring import (
    course_topics,
    diagnoses_by_session,
    first_name,
    student_panel,
    topic_label,
)
from ..services.chat import ChatLimits, Sender, post_message
from ..services.diagnoses import record_diagnosis
from ..services.help_requests import session_channel
from ..services.record_reads import record_transcript_read
from ..services.tutor_sessions import end_session, report_session
from ..services.tutoring_errors import Conflict, NotFound, TutoringError
from .access import tutor_required
from .live_json import news_json, posted_json, wants_json
from .live_stream import SessionFeed, event_stream, transcript_cursor
from .tutor import bp


def _load(session_id: int) -> TutoringSession:
    """Return the signed-in tutor's session, read afresh; 404 for anyone else's."""
    session = tutor_session(session_id, current_user.id)
    if session is None:
        abort(404)
    return session


def _render_session(session: TutoringSession, status: int = 200, **extra):
    lines = transcript(session, student_name=first_name(session))
    return render_template(
        "tutor/session.html", session=session, student=first_name(session),
        topic=topic_label(session), messages=lines, after=lines[-1].seq if lines else 0,
        panel=student_panel(session),
        diagnosed=bool(diagnoses_by_session([session.id])), client_key=uuid4().hex,
        barrier_name=barrier_name, mastery_labels=MASTERY, prerequisite_labels=PREREQUISITE,
        **extra,
    ), status


@bp.get("/sessions/<int:session_id>")
@tutor_required
def session_page(session_id: int):
    session = _load(session_id)
    record_transcript_read(session, current_user, "tutor", utcnow())
    return _render_session(session)


@bp.get("/sessions/<int:session_id>/updates")
@tutor_required
def session_updates(session_id: int):
    """Stream the session's news to the chat page (views/live_stream.py)."""
    student_name = first_name(_load(session_id))  # a 404 for anyone else's session
    after = transcript_cursor()

    reader = ChatReader(session_id, student_name)

    def read(after: int, notes: list[str] | None) -> dict:
        return news_json(reader.news(after, open_notes(notes)))

    feed = SessionFeed(read, after)
    return event_stream([session_channel(session_id)], feed.news, feed.is_last)


@bp.post("/sessions/<int:session_id>/messages")
@tutor_required
def send_message(session_id: int):
    # The session is checked to be this tutor's in the statement that stores the message.
    body = request.form.get("body")
    sender = Sender("tutor", current_user.chat_name, current_user.id)
    try:
        posted = post_message(session_id, sender, body, request.form.get("client_key") or None,
                              ChatLimits.from_config(current_app.config), utcnow())
    except NotFound:
        abort(404)
    except TutoringError as exc:
        if wants_json():
            return jsonify(error=exc.message), exc.status
        return _render_session(_load(session_id), exc.status, send_error=exc.message,
                               draft=body)
    if wants_json():
        return jsonify(posted_json(posted)), 201
    return redirect(url_for("tutor.session_page", session_id=session_id, _anchor="send"))


@bp.post("/sessions/<int:session_id>/end")
@tutor_required
def end(session_id: int):
    session = _load(session_id)
    try:
        end_session(session, by="tutor", now=utcnow())
    except Conflict:
        flash("The session had already ended.")
    return redirect(url_for("tutor.diagnosis", session_id=session.id))


@bp.post("/sessions/<int:session_id>/report")
@tutor_required
def report(session_id: int):
    session = _load(session_id)
    reason = request.form.get("reason", "")
    try:
        report_session(session, "tutor", reason, utcnow())
    except TutoringError as exc:
        return _render_session(session, exc.status, report_error=exc.message, reason=reason)
    flash("Thank you: the service admin will look into this session.")
    return redirect(url_for("tutor.session_page", session_id=session.id))


def _submitted_steps(key: str) -> list[str]:
    """Return the steps sent under a barrier, less trailing blanks (the page adds one empty
    field), or the guide's steps when the form sent none for it."""
    steps = request.form.getlist(f"steps_{key}")
    if not steps:
        return list(BY_KEY[key].steps)
    while steps and not steps[-1].strip():
        steps.pop()
    return steps


def _render_diagnosis(session: TutoringSession, values, steps: dict[str, list[str]],
                      errors: dict[str, str], status: int = 200):
    return render_template(
        "tutor/diagnosis.html", session=session, student=first_name(session),
        topic=topic_label(session), panel=student_panel(session), barriers=BARRIERS,
        topics=course_topics(session.course_id), values=values, steps=steps, errors=errors,
        prerequisite_labels=PREREQUISITE, mastery_labels=MASTERY,
        reassessment_labels=REASSESSMENT, barrier_name=barrier_name,
    ), status


@bp.route("/sessions/<int:session_id>/diagnosis", methods=["GET", "POST"])
@tutor_required
def diagnosis(session_id: int):
    session = _load(session_id)
    if session.status != Status.ENDED:
        flash("End the session before recording its diagnosis.")
        return redirect(url_for("tutor.session_page", session_id=session.id))
    if diagnoses_by_session([session.id]):
        flash("This session's diagnosis is already recorded.")
        return redirect(url_for("tutor.console"))
    if request.method == "GET":
        values = {"learning_goal": session.learning_goal or "",
                  "topic_id": str(session.topic_id or "")}
        return _render_diagnosis(session, values, {b.key: list(b.steps) for b in BARRIERS}, {})
    barrier = request.form.get("barrier", "")
    chosen = request.form.getlist(f"steps_{barrier}") if barrier in BY_KEY else []
    try:
        record_diagnosis(session, current_user._get_current_object(), request.form, chosen,
                         utcnow())
    except DiagnosisInvalid as exc:
        steps = {b.key: _submitted_steps(b.key) for b in BARRIERS}
        return _render_diagnosis(session, request.form, steps, exc.errors, 400)
    except Conflict as exc:
        flash(exc.message)
        return redirect(url_for("tutor.console"))
    flash("Diagnosis recorded. You can take the next student.")
    return redirect(url_for("tutor.console"))
