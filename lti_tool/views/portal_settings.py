"""The course's settings in the portal: exit-ticket results to the gradebook."""

from flask import g, render_template, request

from ..clock import utcnow
from ..services.course_settings import gradebook_settings, set_mastery_scores
from .access import launch_required
from .portal import bp


@bp.route("/settings", methods=["GET", "POST"])
@launch_required("portal")
def settings():
    saved = None
    # Every portal page arrives by POST (the launch token); only the form's own save changes.
    if request.method == "POST" and request.form.get("section") == "gradebook":
        on = request.form.get("sends_mastery_scores") == "on"
        set_mastery_scores(g.course.id, on, utcnow(), by=g.lms_user.id)
        saved = ("Saved: exit-ticket results are now sent to the gradebook." if on else
                 "Saved: exit-ticket results are no longer sent to the gradebook.")
    return render_template("portal/settings.html", course=g.course, person=g.lms_user,
                           gradebook=gradebook_settings(g.course), saved=saved)
