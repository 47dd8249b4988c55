"""The LTI endpoints: OIDC login, launch, our JWKS, registration and the Canvas JSON."""

from flask import (
    Blueprint,
    after_this_request,
    current_app,
    g,
    jsonify,
    render_template,
    request,
    url_for,
)

from ..clock import utcnow
from ..domain.roles import Destination
from ..extensions import csrf
from ..lms.errors import RegistrationFailed
from ..lms.state_binding import CookieStateBinding, StateBinding
from ..lms.tool_config import (
    CANVAS_JSON_PATH,
    JWKS_PATH,
    LAUNCH_PATH,
    LOGIN_PATH,
    REGISTER_PATH,
    ToolConfig,
)
from ..models import Invitation
from ..services import registration
from ..services.launches import complete_launch, start_login
from ..services.registration_form import PRESETS, FormInvalid, form_values
from ..services.tool_keys import tool_jwks

bp = Blueprint("lti", __name__)
# The platform posts here cross-site; the state and nonce are the protection. The registration
# form is framed cross-site too, so its secret invitation token is its CSRF proof.
csrf.exempt(bp)

OIDC_LOGIN_PARAMETERS = (
    "iss", "login_hint", "target_link_uri", "lti_message_hint", "lti_deployment_id", "client_id",
)
DESTINATIONS = {
    Destination.PORTAL: "portal.home",
    Destination.TUTORING: "tutoring.home",
    Destination.COURSE_SETUP: "portal.course_setup",
}


def state_binding() -> StateBinding:
    """Return the configured browser binding for the OIDC state."""
    return CookieStateBinding(partitioned=current_app.config["LAUNCH_COOKIE_PARTITIONED"])


@bp.route(LOGIN_PATH, methods=["GET", "POST"])
def login():
    # Framable by any LMS: the page carries no data, and a Canvas school's own domain is only
    # learnt from its first launch, which this page has to let through.
    g.frame_anywhere = True
    params = request.values.to_dict()
    redirect = start_login(params, current_app.config, utcnow())
    login_params = {k: params[k] for k in OIDC_LOGIN_PARAMETERS if params.get(k)}
    response = current_app.make_response(
        render_template(
            "lti/login.html",
            auth_url=redirect.auth_url,
            # Top level, the same login keeps its cookies when the LMS frame may not.
            new_window_url=None
            if params.get("new_window")
            else url_for(".login", **login_params, new_window=1),
        )
    )
    state_binding().issue(
        response,
        redirect.state,
        redirect.binding_secret,
        current_app.config["LAUNCH_STATE_TTL_SECONDS"],
    )
    return response


@bp.post(LAUNCH_PATH)
def launch():
    g.frame_anywhere = True
    state = request.form.get("state", "")
    binding = state_binding()

    @after_this_request
    def _forget_state(response):
        # The state is spent whatever the outcome, so its cookie goes too.
        binding.clear(response, state)
        return response

    outcome = complete_launch(
        request.form.to_dict(), binding.read(request, state), current_app.config, utcnow()
    )
    g.frame_origins = outcome.platform.frame_origins
    destination = outcome.destination
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
    return page


@bp.get(JWKS_PATH)
def jwks():
    response = jsonify(tool_jwks(current_app.config, utcnow()))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get(REGISTER_PATH)
def register():
    g.frame_anywhere = True  # the LMS frames registration; these pages carry no student data
    token = request.args.get("invitation")
    invitation = registration.open_invitation(token, current_app.config, utcnow())
    configuration_url = request.args.get("openid_configuration")
    if not configuration_url:
        return _register_form(token, invitation, form_values({}), {})
    platform = registration.register_dynamically(
        configuration_url,
        request.args.get("registration_token"),
        invitation,
        current_app.config,
        utcnow(),
    )
    return render_template("lti/register_done.html", platform=platform, close_dialog=True)


@bp.post(REGISTER_PATH)
def register_manually():
    g.frame_anywhere = True
    token = request.form.get("invitation")
    invitation = registration.open_invitation(token, current_app.config, utcnow())
    if invitation is None:
        csrf.protect()  # open registration (development): the session's CSRF token is the proof
    try:
        platform = registration.register_manually(
            request.form.to_dict(), invitation, current_app.config, utcnow()
        )
    except FormInvalid as invalid:
        return _register_form(token, invitation, form_values(request.form), invalid.errors), 400
    return render_template("lti/register_done.html", platform=platform, close_dialog=False)


def _register_form(
    token: str | None, invitation: Invitation | None, values: dict, errors: dict
) -> str:
    return render_template(
        "lti/register_form.html",
        # Only a token that opens an invitation is carried on; without one the form falls back
        # to the session's CSRF token (open registration).
        invitation=token if invitation else None,
        values=values,
        errors=errors,
        presets=PRESETS,
        tool=ToolConfig.from_config(current_app.config),
    )


@bp.errorhandler(registration.InvitationRequired)
def _invitation_required(_error):
    g.frame_anywhere = True
    return render_template("lti/register_error.html", invitation_required=True), 403


@bp.errorhandler(RegistrationFailed)
def _registration_failed(error: RegistrationFailed):
    g.frame_anywhere = True
    return render_template("lti/register_error.html", reason=str(error)), 400


@bp.get(CANVAS_JSON_PATH)
def canvas_json():
    return jsonify(registration.canvas_json(current_app.config))
