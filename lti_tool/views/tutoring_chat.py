"""The student's tutoring session page: waiting room, live chat, rating and report.

The routes are registered on the tutoring blueprint in views/tutoring.py.
"""

import secrets
from datetime import datetime, timedelta

from flask import abort, current_app, g, jsonify, render_template, request

from ..clock import utcnow
from ..domain.queue import estimate_minutes, queue_summary, usual_hours_label
from ..domain.session_states import OPEN, Status
from ..launch_context import renew
from ..models import TutoringSession
from ..queries.student_sessions import reread, student_session
from ..queries.transcripts import ChatReader, open_notes, transcript
from ..queries.tutoring import first_name_of, queue_place, topic_label, usual_hours_by_subject
from ..services.chat import ChatLimits, Sender, post_message
from ..services.help_requests import QUEUE, abandon_if_stale, cancel_request, session_channel
from ..services.tutor_sessions import end_session, parse_rating, rate_session, report_session
from ..services.tutoring_errors import NotFound, TutoringError
from .access import launch_required
from .live_json import news_json, posted_json, wants_json
from .live_stream import SessionFeed, event_stream, transcript_cursor


def own_session(session_id: int) -> TutoringSession:
    """Return the launched student's session in the launched course; 404 for anyone else's."""
    session = student_session(session_id, g.lms_user.id, g.course.id)
    if session is None:
        abort(404)  # the same answer as a missing one: nobody learns which ids exist
    return session


def usual_hours_text(now: datetime) -> dict[int, str]:
    """Say, per subject, when its tutors are usually on, for the launched student."""
    return {subject_id: usual_hours_label(span, now, g.lms_user.timezone)
            for subject_id, span in usual_hours_by_subject(now).items()}


def queue_view(session: TutoringSession, now: datetime) -> dict:
    """Return the waiting room's figures as the page and the live protocol show them."""
    spot = queue_place(session, now, current_app.config["TUTOR_ONLINE_SECONDS"])
    minutes = estimate_minutes(spot.estimate)
    return {"place": spot.place, "estimate_minutes": minutes, "tutors_online": spot.tutors_online,
            "summary": queue_summary(spot.place, minutes, spot.tutors_online)}


def renewed_launch_token(session: TutoringSession, now: datetime) -> str | None:
    """Return a fresh launch token while the request or chat is open (see launch_context.renew)."""
    if session.status not in OPEN:
        return None
    config = current_app.config
    return renew(g.launch_token, g.launch, config["SECRET_KEY"], now,
                 config["LAUNCH_CONTEXT_TTL_SECONDS"],
                 config["LAUNCH_CONTEXT_MAX_AGE_HOURS"] * 3600)


def _abandon_if_stale(session: TutoringSession, now: datetime) -> None:
    minutes = current_app.config["TUTORING_ABANDON_AFTER_MINUTES"]
    abandon_if_stale(session, now, timedelta(minutes=minutes))


def render_session(session: TutoringSession, *, status: int = 200, error: str | None = None,
                   notice: str | None = None, values=None):
    """Render the session page in the session's current state."""
    now = utcnow()
    if session.status == Status.WAITING:
        _abandon_if_stale(session, now)
    # A page open through a long wait and chat keeps working: its forms carry a fresh token.
    g.launch_token = renewed_launch_token(session, now) or g.launch_token
    context = {"session": session, "course": g.course, "topic": topic_label(session),
               "error": error, "notice": notice, "values": values or {}}
    if session.status == Status.WAITING:
        context["queue"] = queue_view(session, now)
    if session.status in (Status.WAITING, Status.ABANDONED):
        context["usual_hours"] = usual_hours_text(now).get(session.subject_id)
    if session.status in (Status.ACTIVE, Status.ENDED):
        context["transcript"] = transcript(session)
        # Without the script, a resubmitted form (reload, double click) is stored once.
        context["client_key"] = secrets.token_urlsafe(16)
    return render_template("tutoring/session.html", **context), status


def refuse(session: TutoringSession, error: TutoringError):
    """Answer a refused action: JSON for the script, the page with the message for a form."""
    if wants_json():
        return jsonify(error=error.message), error.status
    reread(session)
    return render_session(session, status=error.status, error=error.message, values=request.form)


@launch_required("tutoring")
def session_page(session_id: int):
    """Show the session in its current state."""
    return render_session(own_session(session_id))


@launch_required("tutoring")
def updates(session_id: int):
    """Stream the session's news to the live page (views/live_stream.py)."""
    session = own_session(session_id)
    after = transcript_cursor()
    now = utcnow()
    if session.status == Status.WAITING:
        _abandon_if_stale(session, now)

    # Streams run after the view's database session is closed: they read everything afresh.
    reader = ChatReader(session_id)

    def read(after: int, notes: list[str] | None) -> dict:
        answer = news_json(reader.news(after, open_notes(notes)))
        if answer["status"] == Status.WAITING:
            answer["queue"] = queue_view(own_session(session_id), utcnow())
        return answer

    channels = [session_channel(session.id)]
    if session.status == Status.WAITING:
        channels.append(QUEUE)  # a request ahead leaving moves this one up
    token = renewed_launch_token(session, now)
    opening = {"launch_token": token} if token else None
    feed = SessionFeed(read, after, opening)
    return event_stream(channels, feed.news, feed.is_last)


@launch_required("tutoring")
def send_message(session_id: int):
    """Add the student's message to the chat."""
    # The session is checked to be the student's in the statement that stores the message:
    # chats send many messages, and this spares each one a read.
    sender = Sender("student", first_name_of(g.lms_user), g.lms_user.id, g.course.id)
    try:
        posted = post_message(session_id, sender, request.form.get("body"),
                              request.form.get("client_key") or None,
                              ChatLimits.from_config(current_app.config), utcnow())
    except NotFound:
        abort(404)  # the same answer as a missing one: nobody learns which ids exist
    except TutoringError as error:
        if wants_json():  # the script needs only the reason, not the session
            return jsonify(error=error.message), error.status
        return refuse(own_session(session_id), error)
    if wants_json():
        return jsonify(posted_json(posted)), 201
    return render_session(own_session(session_id))


@launch_required("tutoring")
def cancel(session_id: int):
    """Stop waiting for a tutor."""
    session = own_session(session_id)
    try:
        cancel_request(session, utcnow())
    except TutoringError as error:
        return refuse(session, error)
    return render_session(session)


@launch_required("tutoring")
def end(session_id: int):
    """End the live session on the student's side."""
    session = own_session(session_id)
    try:
        end_session(session, by="student", now=utcnow())
    except TutoringError as error:
        return refuse(session, error)
    return render_session(session)


@launch_required("tutoring")
def rate(session_id: int):
    """Store the student's rating of the ended session."""
    session = own_session(session_id)
    try:
        rating = parse_rating(request.form.get("rating"))
        rate_session(session, rating, request.form.get("comment", ""), utcnow())
    except TutoringError as error:
        return refuse(session, error)
    return render_session(session, notice="Thank you for rating this session.")


@launch_required("tutoring")
def report(session_id: int):
    """Report the session to the service admin."""
    session = own_session(session_id)
    try:
        report_session(session, "student", request.form.get("reason", ""), utcnow())
    except TutoringError as error:
        return refuse(session, error)
    return render_session(session, notice="Thank you. The service admin will look into this "
                                          "session.")
