"""The sandbox LMS (development only): a course page that launches the tool in an iframe."""

import json

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
)

from ..extensions import csrf
from ..sandbox.instance import sandbox_platform
from ..sandbox.registration import PlatformError

# Who the course page offers to open a placed link as.
DEMO_STUDENT, DEMO_INSTRUCTOR = "student-01", "instructor-1"

bp = Blueprint("sandbox", __name__, url_prefix="/sandbox")
csrf.exempt(bp)  # the tool posts here as it would to a real LMS


@bp.before_request
def _framed_by_itself():
    # An LMS frames its own authorization step inside the course page.
    g.frame_origins = ["'self'"]


def _platform():
    return sandbox_platform(current_app._get_current_object())


@bp.errorhandler(PlatformError)
def _refused(error: PlatformError):
    return jsonify({"error": str(error)}), error.status


@bp.get("/")
def course_page():
    g.frame_src = current_app.config["TOOL_URL"]
    platform = _platform()
    return render_template("sandbox/course.html", course=platform.course,
                           placed=list(platform.placed_links.values()),
                           openers=[platform.member(DEMO_STUDENT),
                                    platform.member(DEMO_INSTRUCTOR)])


@bp.get("/launch/<user_id>")
def launch(user_id: str):
    platform = _platform()
    message = "deep_link" if request.args.get("message") == "deep_link" else "resource"
    link = request.args.get("link")
    if link is not None and link not in platform.placed_links:
        raise PlatformError("no such link in this course", 404)
    return redirect(platform.login_initiation_url(user_id, message=message,
                                                  link_id=link or "course-nav"))


@bp.get("/auth")
def authorize():
    form = _platform().authorize(request.args.to_dict())
    return render_template("sandbox/post_launch.html", form=form)


@bp.get("/jwks")
def jwks():
    return jsonify(_platform().jwks())


@bp.post("/token")
def token():
    return jsonify(_platform().issue_token(request.form.to_dict()))


@bp.get("/courses/<context_id>/memberships")
def memberships(context_id: str):
    body, next_url = _platform().memberships(
        request.headers.get("Authorization"),
        request.args.get("page", 1, type=int),
        request.args.get("limit", type=int),
    )
    response = Response(
        json.dumps(body), mimetype="application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
    )
    if next_url:
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    return response


@bp.route("/courses/<context_id>/lineitems", methods=["GET", "POST"])
def lineitems(context_id: str):
    platform = _platform()
    auth = request.headers.get("Authorization")
    if request.method == "POST":
        return jsonify(platform.create_lineitem(auth, request.get_json(force=True))), 201
    return jsonify(
        platform.lineitems(auth, request.args.get("tag"), request.args.get("resource_id"))
    )


@bp.post("/courses/<context_id>/lineitems/<item>/lineitem/scores")
def scores(context_id: str, item: str):
    platform = _platform()
    platform.post_score(
        request.headers.get("Authorization"),
        platform.lineitem_url(item),
        request.get_json(force=True),
    )
    return "", 204


@bp.get("/courses/<context_id>/lineitems/<item>/lineitem/results")
def results(context_id: str, item: str):
    platform = _platform()
    return jsonify(
        platform.results(
            request.headers.get("Authorization"),
            platform.lineitem_url(item),
            request.args.get("user_id"),
        )
    )


@bp.post("/deep-link-return")
def deep_link_return():
    platform = _platform()
    before = set(platform.placed_links)
    platform.receive_deep_link(request.form.get("JWT", ""))
    placed = [link for key, link in platform.placed_links.items() if key not in before]
    return render_template("sandbox/deep_link_return.html", placed=placed)
