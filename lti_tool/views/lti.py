"""The LTI endpoints: OIDC login, launch, our JWKS."""

from flask import Blueprint, current_app, g, jsonify, render_template, request, url_for

from ..clock import utcnow
from ..domain.roles import Destination
from ..extensions import csrf
from ..lms.state_binding import CookieStateBinding
from ..services.launches import complete_launch, start_login
from ..services.tool_keys import tool_jwks

bp = Blueprint("lti", __name__)
csrf.exempt(bp)  # the platform posts here cross-site; the state and nonce are the protection

DESTINATIONS = {
    Destination.PORTAL: "portal.home",
    Destination.TUTORING: "tutoring.home",
    Destination.COURSE_SETUP: "portal.course_setup",
}


def state_binding() -> CookieStateBinding:
    """Return the configured browser binding for the OIDC state."""
    return CookieStateBinding(partitioned=current_app.config["LAUNCH_COOKIE_PARTITIONED"])


@bp.route("/lti/login", methods=["GET", "POST"])
def login():
    g.frame_anywhere = True
    redirect = start_login(request.values.to_dict(), current_app.config, utcnow())
    g.frame_origins = redirect.platform.frame_origins
    response = current_app.make_response(
        render_template(
            "lti/login.html",
            auth_url=redirect.auth_url,
            new_window_url=request.base_url + "?" + request.query_string.decode()
            if request.method == "GET"
            else None,
            params=request.values.to_dict(),
            in_new_window=bool(request.values.get("new_window")),
        )
    )
    state_binding().issue(
        response,
        redirect.state,
        redirect.binding_secret,
        current_app.config["LAUNCH_STATE_TTL_SECONDS"],
    )
    return response


@bp.post("/lti/launch")
def launch():
    g.frame_anywhere = True
    state = request.form.get("state", "")
    binding = state_binding()
    outcome = complete_launch(
        request.form.to_dict(), binding.read(request, state), current_app.config, utcnow()
    )
    g.frame_origins = outcome.platform.frame_origins
    destination = outcome.audience.destination
    if destination is Destination.NOT_AVAILABLE:
        page = render_template("lti/not_available.html")
    elif not outcome.has_course:
        page = render_template("lti/no_course.html")
    else:
        page = render_template(
            "lti/continue.html",
            action=url_for(DESTINATIONS[destination]),
            launch_token=outcome.token,
        )
    response = current_app.make_response(page)
    binding.clear(response, state)
    return response


@bp.get("/.well-known/jwks.json")
def jwks():
    response = jsonify(tool_jwks(current_app.config, utcnow()))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
