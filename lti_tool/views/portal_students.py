"""The portal's list of course members, from the LMS roster; it never waits on the LMS."""

from flask import current_app, g, render_template

from ..clock import utcnow
from ..domain.roster import age_in_words, sync_pending
from ..queries.roster import course_roster
from ..services.roster_refresh import refresh_roster_if_stale
from .access import launch_required
from .portal import bp


@bp.route("/students", methods=["GET", "POST"])
@launch_required("portal")
def students():
    now = utcnow()
    queued = refresh_roster_if_stale(g.course, now, current_app.config)
    course = g.course
    synced = course.roster_synced_at
    members = course_roster(course.id)
    return render_template(
        "portal/students.html",
        course=course,
        members=members,
        learners=sum(m.learner for m in members),
        offered=bool(course.nrps_url),
        age=age_in_words(synced, now) if synced else None,
        failed=bool(course.roster_error),
        requested=sync_pending(queued, synced, course.roster_requested_at),
    )
