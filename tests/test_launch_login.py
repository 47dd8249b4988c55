"""Login initiation and the state it hands to the launch.

LTI_SECURITY.md table (b) rows 25 (login half), 37-41, 45, 48 and 49, and checklist A1-A9:
the login checks its parameters and never redirects to the unsigned target; the state is
single-use, bound to the browser, tied to its nonce, and expires.
"""

from datetime import timedelta

import pytest

from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.lms.presets import Endpoints
from lti_tool.models import LaunchState
from lti_tool.services.platforms import add_platform

TOOL = "https://tool.test"
LAUNCH_URL = TOOL + "/lti/launch"
LOGIN = {
    "iss": "https://lms.test",
    "login_hint": "student-01",
    "target_link_uri": LAUNCH_URL,
    "client_id": "client-1",
}


def login_request(client, params: dict, method: str = "GET"):
    """Send a login initiation as the platform's page would, by GET or by form POST."""
    if method == "GET":
        return client.get("/lti/login", query_string=params, base_url=TOOL)
    return client.post("/lti/login", data=params, base_url=TOOL)


def state_cookies(response) -> list[str]:
    return [c for c in response.headers.getlist("Set-Cookie") if c.startswith("lti_state_")]


def assert_no_state_stored(response) -> None:
    assert not state_cookies(response)
    assert db.session.scalar(db.select(db.func.count()).select_from(LaunchState)) == 0


# --- Login initiation (A1-A9, rows 25, 45, 49) -------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_login_stores_the_state_and_sends_exactly_the_oidc_auth_parameters(lms, method):
    query = dict(LOGIN, lti_message_hint="opaque-hint", lti_deployment_id="deployment-1")
    response = login_request(lms.client, query, method)

    assert response.status_code == 200
    params = lms.auth_params(response)
    state, nonce = params.pop("state"), params.pop("nonce")
    assert params == {
        "scope": "openid", "response_type": "id_token", "response_mode": "form_post",
        "prompt": "none", "client_id": "client-1", "redirect_uri": LAUNCH_URL,
        "login_hint": "student-01", "lti_message_hint": "opaque-hint",
    }
    assert len(state) >= 43 and len(nonce) >= 43  # 256 random bits each
    stored = db.session.get(LaunchState, state)
    assert (stored.nonce, stored.login_deployment_id, stored.target_link_uri) == (
        nonce, "deployment-1", LAUNCH_URL,
    )
    assert len(state_cookies(response)) == 1


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("missing", ["iss", "login_hint", "target_link_uri"])
def test_row49_login_without_a_required_parameter_is_refused_with_400(lms, refused, method,
                                                                      missing):
    params = {name: value for name, value in LOGIN.items() if name != missing}
    response = login_request(lms.client, params, method)
    refused(response, "login_params_missing", 400, step="login")
    assert_no_state_stored(response)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"iss": "https://unknown-lms.test"}, id="row25-unknown-issuer"),
        pytest.param({"client_id": "unknown-client"}, id="row25-unknown-client-id"),
        pytest.param({"client_id": ""}, id="A3-shared-issuer-without-client-id"),
    ],
)
def test_row25_login_for_an_unknown_registration_is_refused_with_400(lms, refused, change):
    add_platform("Second school", Endpoints("other", "https://lms.test", "https://lms.test/auth",
                                            "https://lms.test/token", "https://lms.test/jwks"),
                 "client-9", ["deployment-9"])
    response = login_request(lms.client, LOGIN | change)
    refused(response, "registration_unknown", 400, step="login")
    assert "This LMS is not registered with the tool" in response.text
    assert_no_state_stored(response)


def test_login_for_a_disabled_registration_is_refused_with_403(lms, refused):
    lms.record.enabled = False
    db.session.commit()
    response = login_request(lms.client, LOGIN)
    refused(response, "registration_disabled", 403, step="login")
    assert_no_state_stored(response)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "https://evil.example/lti/launch",
        "https://tool.test.evil.example/lti/launch",
        "https://tool.test@evil.example/lti/launch",
        "//evil.example/lti/launch",
        "http://tool.test/lti/launch",
        "https://tool.test/admin/",
    ],
)
def test_row45_login_with_a_foreign_target_link_uri_is_refused_and_never_redirects(
    lms, refused, target
):
    response = lms.login(params={"target_link_uri": target})
    refused(response, "target_link_uri_foreign", 400, step="login")
    assert "Location" not in response.headers
    assert "evil.example" not in response.text
    assert_no_state_stored(response)


# --- The state at launch (rows 37-41, 48) --------------------------------------------------


def test_row37_replayed_launch_post_is_refused(lms, refused):
    form = lms.authorize(lms.login())
    assert 'name="launch_token"' in lms.post_launch(form).text
    refused(lms.post_launch(form), "state_unknown", users=1)


def test_row37_id_token_replayed_under_a_fresh_login_is_refused(lms, refused):
    form = lms.authorize(lms.login())
    lms.post_launch(form)
    _, fresh_state = lms.claims_for(lms.login())
    refused(lms.post_launch({**form, "state": fresh_state}), "nonce_mismatch", users=1)


def test_row38_nonce_of_one_login_with_the_state_of_another_is_refused(lms, refused):
    first_claims, _ = lms.claims_for(lms.login())
    _, second_state = lms.claims_for(lms.login())
    response = lms.post_launch({"id_token": lms.platform.sign(first_claims),
                                "state": second_state})
    refused(response, "nonce_mismatch")


@pytest.mark.parametrize(
    ("state", "reason"),
    [pytest.param(None, "state_missing", id="row39-no-state"),
     pytest.param("never-issued", "state_unknown", id="unknown-state")],
)
def test_row39_launch_without_a_state_we_issued_is_refused(lms, refused, state, reason):
    form = lms.authorize(lms.login())
    form.pop("state")
    refused(lms.post_launch(form if state is None else {**form, "state": state}), reason)


def test_row40_launch_without_the_state_cookie_is_refused_with_a_new_window_hint(
    app, lms, refused
):
    form = lms.authorize(lms.login())
    other_browser = app.test_client()
    response = other_browser.post("/lti/launch", data={"id_token": form["id_token"],
                                                       "state": form["state"]}, base_url=TOOL)
    refused(response, "state_cookie_missing")
    assert "Your browser blocked the sign-in" in response.text
    assert "open in a new window" in response.text


def test_state_cookie_from_another_browser_is_refused(app, lms, refused):
    login = lms.login()
    (cookie,) = state_cookies(login)
    form = lms.authorize(login)
    other_browser = app.test_client()
    other_browser.set_cookie(cookie.split("=", 1)[0], "not-the-secret", domain="tool.test",
                             path="/lti/")
    response = other_browser.post("/lti/launch", data={"id_token": form["id_token"],
                                                       "state": form["state"]}, base_url=TOOL)
    refused(response, "state_browser_mismatch")


def test_row41_launch_15_minutes_after_login_is_refused_with_a_relaunch_hint(app, lms, refused):
    form = lms.authorize(lms.login())
    stored = db.session.get(LaunchState, form["state"])
    stored.created_at = utcnow() - timedelta(minutes=15)
    stored.expires_at = stored.created_at + timedelta(
        seconds=app.config["LAUNCH_STATE_TTL_SECONDS"]
    )
    db.session.commit()
    response = lms.post_launch(form)
    refused(response, "state_expired")
    assert "Go back to your course and open the tool again" in response.text


def test_row48_platform_error_response_gets_a_friendly_400_page(lms, refused):
    state = lms.auth_params(lms.login())["state"]
    response = lms.post_launch({"error": "login_required", "state": state,
                                "error_description": "The user is not logged in"})
    refused(response, "platform_error", 400)
    assert "Go back to your course and open the tool again" in response.text


def test_logins_wait_when_too_many_are_in_progress(app, lms, refused):
    app.config["LAUNCH_STATE_MAX_PENDING"] = 2
    assert lms.login("student-01").status_code == 200
    assert lms.login("student-02").status_code == 200
    full = lms.login("student-03")
    refused(full, "login_states_full", 503, step="login")
    assert "The tool is busy" in full.text
