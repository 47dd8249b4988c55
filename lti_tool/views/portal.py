"""The Client Portal for instructors and TAs, and course setup for designers."""

from flask import Blueprint, g, render_template

from ..extensions import csrf
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
