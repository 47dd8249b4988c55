"""Live tutoring for students launched from a course."""

from flask import Blueprint, g, render_template

from ..extensions import csrf
from .access import launch_required

bp = Blueprint("tutoring", __name__, url_prefix="/tutoring")
csrf.exempt(bp)  # the launch token in every request is the CSRF proof


@bp.route("/", methods=["GET", "POST"])
@launch_required("tutoring")
def home():
    return render_template("tutoring/home.html", course=g.course, person=g.lms_user)
