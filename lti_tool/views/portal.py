"""The Client Portal for instructors and TAs, and course setup for designers."""

from flask import Blueprint, abort, current_app, g, render_template, request

from ..clock import utcnow
from ..domain.ids import parse_id
from ..extensions import csrf
from ..lms.deep_linking import TutoringLink
from ..queries.tutoring import active_subjects, course_topics
from ..services.deep_links import (
    NotADeepLinkingLaunch,
    TopicChoice,
    answer_deep_link,
    can_add_columns,
    place_topic_link,
)
from ..services.roster_refresh import refresh_roster_if_stale
from ..services.topic_sync import refresh_topics_if_stale
from ..services.topics import NAME_MAX, TopicError
from .access import launch_required

bp = Blueprint("portal", __name__, url_prefix="/portal")
csrf.exempt(bp)  # the launch token in every request is the CSRF proof


@bp.route("/", methods=["GET", "POST"])
@launch_required("portal")
def home():
    # The portal never waits on the LMS: stale copies are refreshed by the worker.
    now = utcnow()
    refresh_roster_if_stale(g.course, now, current_app.config)
    refresh_topics_if_stale(g.course, now, current_app.config)
    return render_template(
        "portal/home.html", course=g.course, person=g.lms_user, also_learner=g.launch.learner
    )


def _course_setup_page(error: str | None = None, status: int = 200):
    return render_template(
        "portal/course_setup.html", course=g.course, person=g.lms_user,
        topics=course_topics(g.course.id), subjects=active_subjects(),
        can_add_columns=can_add_columns(g.course), name_max=NAME_MAX, error=error,
        values=request.form if error else {},
    ), status


@bp.route("/setup", methods=["GET", "POST"])
@launch_required("course_setup")
def course_setup():
    refresh_topics_if_stale(g.course, utcnow(), current_app.config)
    return _course_setup_page()


def _topic_choice(form) -> TopicChoice:
    return TopicChoice(form.get("topic", "").strip(), form.get("new_topic_name", ""),
                       parse_id(form.get("new_subject_id", "")),
                       form.get("gradebook_column") == "yes")


@bp.post("/setup/link")
@launch_required("course_setup")
def place_tutoring_link():
    try:
        if "topic" in request.form:
            return_url, response_jwt = place_topic_link(
                g.launch, g.course, _topic_choice(request.form), current_app.config, utcnow())
        else:
            return_url, response_jwt = answer_deep_link(
                g.launch, [TutoringLink("Tutoring")], current_app.config)
    except NotADeepLinkingLaunch:
        abort(400, description="Open this page from your LMS's tool-link chooser to add a link.")
    except TopicError as refused:
        return _course_setup_page(refused.message, refused.status)
    return render_template("portal/deep_link_return.html", action=return_url, jwt=response_jwt)


# The course settings, students and topics share this blueprint; their routes live in their own
# modules.
from . import portal_settings, portal_students, portal_topics  # noqa: E402, F401
