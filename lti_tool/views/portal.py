"""The Client Portal for instructors and TAs, and course setup for designers."""

from flask import Blueprint, abort, current_app, g, render_template

from ..extensions import csrf
from ..lms.deep_linking import TutoringLink
from ..services.deep_links import NotADeepLinkingLaunch, answer_deep_link
from .access import launch_required

bp = Blueprint("portal", __name__, url_prefix="/portal")
csrf.exempt(bp)  # the launch token in every request is the CSRF proof


@bp.route("/", methods=["GET", "POST"])
@launch_required("portal")
def home():
    return render_template(
        "portal/home.html", course=g.course, person=g.lms_user, also_learner=g.launch.learner
    )


@bp.route("/setup", methods=["GET", "POST"])
@launch_required("course_setup")
def course_setup():
    return render_template("portal/course_setup.html", course=g.course, person=g.lms_user)


@bp.post("/setup/link")
@launch_required("course_setup")
def place_tutoring_link():
    try:
        return_url, response_jwt = answer_deep_link(
            g.launch, [TutoringLink("Tutoring")], current_app.config
        )
    except NotADeepLinkingLaunch:
        abort(400, description="Open this page from your LMS's tool-link chooser to add a link.")
    return render_template("portal/deep_link_return.html", action=return_url, jwt=response_jwt)
