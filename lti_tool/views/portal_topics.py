"""The course's topic list: instructors, TAs and course designers add, rename, merge, retire
and restore the topics students choose from."""

from flask import current_app, g, render_template, request

from ..clock import utcnow
from ..domain.ids import parse_id
from ..queries.topics import topic_rows
from ..queries.tutoring import active_subjects
from ..services import topics
from ..services.topic_sync import refresh_topics_if_stale
from .access import launch_required
from .portal import bp


def _id(name: str) -> int | None:
    return parse_id(request.form.get(name, ""))


def _act(action: str) -> str:
    """Make the change asked for; return what to tell the person."""
    course, topic_id = g.course, _id("topic_id")
    if action == "add":
        topic = topics.add_topic(course, request.form.get("name"), _id("subject_id"), utcnow())
        return f"Added {topic.name}."
    if action == "rename":
        topic = topics.rename_topic(course, topic_id, request.form.get("name"))
        return f"Renamed to {topic.name}."
    if action == "merge":
        merged = topics.course_topic(course, topic_id).name
        kept = topics.merge_topics(course, topic_id, _id("into_id"))
        return f"Merged {merged} into {kept.name}: its sessions are now under {kept.name}."
    if action in ("retire", "restore"):
        topic = topics.set_topic_retired(course, topic_id, action == "retire")
        return f"{'Retired' if topic.retired else 'Restored'} {topic.name}."
    raise topics.TopicError("Choose what to do with the topic.")


@bp.route("/topics/manage", methods=["GET", "POST"])
@launch_required("course_setup")
def manage_topics():
    notice, error, status = None, None, 200
    action = request.form.get("action") if request.method == "POST" else None
    if action:
        try:
            notice = _act(action)
        except topics.TopicError as refused:
            error, status = refused.message, refused.status
    else:
        refresh_topics_if_stale(g.course, utcnow(), current_app.config)
    rows = topic_rows(g.course.id, with_counts=g.launch.staff)
    return render_template(
        "portal/topics.html", course=g.course, topics=rows, subjects=active_subjects(),
        active=[t for t in rows if not t.retired], notice=notice, error=error,
        values=request.form if error else {}, name_max=topics.NAME_MAX,
    ), status
