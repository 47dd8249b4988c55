"""Live tutoring for students launched from a course: ask, wait, chat, rate, look back."""

from datetime import timedelta

from flask import Blueprint, abort, current_app, g, render_template, request

from ..clock import utcnow
from ..domain.ids import parse_id
from ..domain.session_length import length_minutes
from ..domain.session_states import Status
from ..extensions import csrf
from ..models import TutoringSession
from ..queries.student_sessions import recently_abandoned, student_session
from ..queries.transcripts import transcript
from ..queries.tutoring import (
    active_subjects,
    course_topics,
    diagnoses_by_session,
    online_tutor_counts,
    past_sessions,
    topic_label,
)
from ..services.help_requests import (
    GOAL_MAX,
    QUESTION_MAX,
    AlreadyOpen,
    HelpRequest,
    open_session_of,
    request_help,
)
from ..services.topic_sync import refresh_topics_if_stale
from ..services.tutoring_errors import TutoringError
from . import tutoring_chat as chat
from .access import launch_required

# How long the home page still explains why the student's last request closed unanswered.
ABANDONED_ADVICE_FOR = timedelta(days=1)

bp = Blueprint("tutoring", __name__, url_prefix="/tutoring")
csrf.exempt(bp)  # the launch token in every request is the CSRF proof

SESSION = "/sessions/<int:session_id>"
bp.add_url_rule(SESSION, view_func=chat.session_page, methods=["POST"])
bp.add_url_rule(f"{SESSION}/updates", view_func=chat.updates, methods=["GET"])
bp.add_url_rule(f"{SESSION}/messages", view_func=chat.send_message, methods=["POST"])
bp.add_url_rule(f"{SESSION}/cancel", view_func=chat.cancel, methods=["POST"])
bp.add_url_rule(f"{SESSION}/end", view_func=chat.end, methods=["POST"])
bp.add_url_rule(f"{SESSION}/rating", view_func=chat.rate, methods=["POST"])
bp.add_url_rule(f"{SESSION}/report", view_func=chat.report, methods=["POST"])


def _help_request(form) -> HelpRequest:
    # Browsers send line breaks as CRLF; count them as the student sees them.
    def text(name: str) -> str:
        return form.get(name, "").replace("\r\n", "\n")

    return HelpRequest(parse_id(form.get("subject_id")), parse_id(form.get("topic_id")),
                       text("topic_text"), text("question"), text("learning_goal"))


def render_form(*, status: int = 200, error: str | None = None, values=None,
                elsewhere: TutoringSession | None = None,
                abandoned: TutoringSession | None = None):
    """Render the form to ask for help, with who is online and when tutors usually are."""
    now = utcnow()
    online = online_tutor_counts(now, current_app.config["TUTOR_ONLINE_SECONDS"])
    subjects = active_subjects()
    topics = course_topics(g.course.id)
    if values is None and g.launch.topic_id in {t.id for t in topics}:
        values = {"topic_id": str(g.launch.topic_id)}
    return render_template(
        "tutoring/home.html", course=g.course, person=g.lms_user, subjects=subjects,
        topics=topics, online=online,
        usual_hours=chat.usual_hours_text(now),
        question_max=QUESTION_MAX, goal_max=GOAL_MAX, error=error, values=values or {},
        elsewhere=elsewhere, abandoned=abandoned,
    ), status


def _open_session_answer(session: TutoringSession, notice: str | None = None, status=200):
    if session.course_id != g.course.id:
        # Asked from another course: that course's page holds it, so only say where it is.
        return render_form(status=status, elsewhere=session)
    return chat.render_session(session, notice=notice, status=status)


@bp.route("/", methods=["GET", "POST"])
@launch_required("tutoring")
def home():
    """Show the student's open session, or the form to ask for help."""
    session = open_session_of(g.lms_user.id)
    if session is not None:
        return _open_session_answer(session)
    # The request form lists the course's topics: keep them in step with its gradebook.
    refresh_topics_if_stale(g.course, utcnow(), current_app.config)
    # Coming back after nobody took the last request: say what to do rather than only ask.
    abandoned = recently_abandoned(g.lms_user.id, g.course.id, utcnow() - ABANDONED_ADVICE_FOR)
    return render_form(abandoned=abandoned)


@bp.post("/requests")
@launch_required("tutoring")
def ask():
    """Put the student's question in the queue and show the waiting room."""
    try:
        session = request_help(g.course, g.lms_user, _help_request(request.form),
                               test_user=g.launch.test_user, now=utcnow())
    except AlreadyOpen as error:
        return _open_session_answer(student_session(error.session_id, g.lms_user.id),
                                    notice=error.message, status=error.status)
    except TutoringError as error:
        return render_form(status=error.status, error=error.message, values=request.form)
    return chat.render_session(session)


@bp.post("/history")
@launch_required("tutoring")
def history():
    """List the student's past sessions in this course."""
    past = past_sessions(g.lms_user.id, course_id=g.course.id)
    return render_template("tutoring/history.html", course=g.course, past=past,
                           topic_label=topic_label, length_minutes=length_minutes)


@bp.post("/history/<int:session_id>")
@launch_required("tutoring")
def past_session(session_id: int):
    """Show a past session's transcript and the next steps the tutor gave."""
    session = chat.own_session(session_id)
    if session.status != Status.ENDED:
        abort(404)  # history holds ended sessions only
    diagnosis = diagnoses_by_session([session.id]).get(session.id)
    return render_template("tutoring/past_session.html", course=g.course, session=session,
                           topic=topic_label(session), transcript=transcript(session),
                           length=length_minutes(session.started_at, session.ended_at),
                           next_steps=diagnosis.next_steps if diagnosis else [])


@bp.get("/privacy")
def privacy():
    """Say what tutoring stores and who sees it."""
    g.frame_anywhere = True  # no data and no actions: the LMS frame may show it
    return render_template("tutoring/privacy.html")
