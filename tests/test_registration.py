"""LMS admins register the tool: Dynamic Registration, the manual form, the Canvas JSON."""

import json
import re
from datetime import timedelta

import pytest
import responses

from lti_tool import create_app
from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.lms.claims import TOOL_SCOPES
from lti_tool.lms.presets import Endpoints
from lti_tool.models import Invitation, Platform
from lti_tool.services.platforms import add_platform, create_invitation
from tests.conftest import TOOL, form_fields

TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"

MOODLE = "https://moodle.test"
MOODLE_CONFIGURATION_URL = MOODLE + "/mod/lti/openid-configuration.php"
MOODLE_REGISTRATION_URL = MOODLE + "/mod/lti/openid-registration.php"
MOODLE_TOKEN = "moodle-registration-token-1"

CANVAS = "https://canvas.instructure.com"
CANVAS_SSO = "https://sso.canvaslms.com"
CANVAS_TOKEN = "canvas-registration-token-1"
CANVAS_CONFIGURATION_URL = (
    CANVAS + "/api/lti/security/openid-configuration?registration_token=" + CANVAS_TOKEN
)
CANVAS_REGISTRATION_URL = CANVAS + "/api/lti/registrations"

EXPECTED_MESSAGES = [
    {
        "type": "LtiResourceLinkRequest",
        "target_link_uri": TOOL + "/lti/launch",
        "label": "Tutoring",
        "placements": ["https://canvas.instructure.com/lti/course_navigation"],
    },
    {
        "type": "LtiDeepLinkingRequest",
        "target_link_uri": TOOL + "/lti/launch",
        "label": "Tutoring help link",
        "placements": ["https://canvas.instructure.com/lti/link_selection"],
    },
]


def moodle_configuration(**changes) -> dict:
    return {
        "issuer": MOODLE,
        "authorization_endpoint": MOODLE + "/mod/lti/auth.php",
        "token_endpoint": MOODLE + "/mod/lti/token.php",
        "jwks_uri": MOODLE + "/mod/lti/certs.php",
        "registration_endpoint": MOODLE_REGISTRATION_URL,
        "claims_supported": ["sub", "iss", "name", "given_name", "family_name", "email"],
        PLATFORM_CONFIGURATION: {
            "product_family_code": "moodle",
            "version": "4.5",
            "messages_supported": ["LtiResourceLinkRequest", "LtiDeepLinkingRequest"],
        },
        **changes,
    }


def canvas_configuration(**changes) -> dict:
    return {
        "issuer": CANVAS,
        "authorization_endpoint": CANVAS_SSO + "/api/lti/authorize_redirect",
        "token_endpoint": CANVAS_SSO + "/login/oauth2/token",
        "jwks_uri": CANVAS_SSO + "/api/lti/security/jwks",
        "registration_endpoint": CANVAS_REGISTRATION_URL,
        PLATFORM_CONFIGURATION: {"product_family_code": "canvas", "version": "cloud"},
        **changes,
    }


def registration_answer(client_id: str, deployment_id: str | None) -> dict:
    tool_configuration = {"domain": "tool.test"}
    if deployment_id:
        tool_configuration["deployment_id"] = deployment_id
    return {"client_id": client_id, TOOL_CONFIGURATION: tool_configuration}


@pytest.fixture
def invitation(app) -> str:
    return create_invitation("State University", utcnow(), app.config["INVITATION_TTL_HOURS"])


@pytest.fixture
def moodle(mocked_network):
    """A Moodle site that serves its configuration and accepts one registration."""
    mocked_network.add(responses.GET, MOODLE_CONFIGURATION_URL, json=moodle_configuration())
    mocked_network.add(
        responses.POST, MOODLE_REGISTRATION_URL, json=registration_answer("moodle-client", "7")
    )
    return mocked_network


def register(
    client, invitation=None, configuration_url=MOODLE_CONFIGURATION_URL, token=MOODLE_TOKEN
):
    query = {"openid_configuration": configuration_url}
    if token:
        query["registration_token"] = token
    if invitation:
        query["invitation"] = invitation
    return client.get("/lti/register", query_string=query, base_url=TOOL)


def platforms() -> list[Platform]:
    return list(db.session.execute(db.select(Platform)).scalars())


def invitation_row() -> Invitation:
    return db.session.execute(db.select(Invitation)).scalar_one()


def posted(network, url: str):
    return [call.request for call in network.calls if call.request.url == url]


def test_moodle_registration_posts_the_tool_configuration(client, moodle, invitation):
    response = register(client, invitation)

    assert response.status_code == 200
    (request,) = posted(moodle, MOODLE_REGISTRATION_URL)
    assert request.method == "POST"
    assert request.headers["Authorization"] == "Bearer " + MOODLE_TOKEN
    body = json.loads(request.body)
    assert body["application_type"] == "web"
    assert body["response_types"] == ["id_token"]
    assert body["grant_types"] == ["implicit", "client_credentials"]
    assert body["token_endpoint_auth_method"] == "private_key_jwt"
    assert body["initiate_login_uri"] == TOOL + "/lti/login"
    assert body["redirect_uris"] == [TOOL + "/lti/launch"]
    assert body["jwks_uri"] == TOOL + "/.well-known/jwks.json"
    assert body["client_name"] == "Tutoring Portal"
    assert body["scope"] == " ".join(TOOL_SCOPES)
    assert "logo_uri" not in body
    tool = body[TOOL_CONFIGURATION]
    assert tool["domain"] == "tool.test"
    assert tool["target_link_uri"] == TOOL + "/lti/launch"
    assert tool["claims"] == ["sub", "name", "given_name", "family_name", "email"]
    assert tool["messages"] == EXPECTED_MESSAGES
    assert tool["https://canvas.instructure.com/lti/privacy_level"] == "public"
    assert tool["custom_parameters"] == {"timezone": "$Person.address.timezone"}


def test_moodle_registration_stores_the_platform_and_redeems_the_invitation(
    client, moodle, invitation
):
    register(client, invitation)

    (platform,) = platforms()
    assert (platform.issuer, platform.client_id, platform.kind) == (
        MOODLE,
        "moodle-client",
        "moodle",
    )
    assert platform.name == "State University"
    assert platform.auth_login_url == MOODLE + "/mod/lti/auth.php"
    assert platform.auth_token_url == MOODLE + "/mod/lti/token.php"
    assert platform.jwks_url == MOODLE + "/mod/lti/certs.php"
    assert platform.auth_audience is None
    assert [(d.deployment_id, d.status) for d in platform.deployments] == [("7", "approved")]
    used = invitation_row()
    assert used.used_at is not None and used.platform_id == platform.id


def test_registration_page_tells_the_lms_to_close_its_dialog(client, moodle, invitation):
    response = register(client, invitation)

    assert '<script src="/static/registration_close.js" defer></script>' in response.text
    assert "<script>" not in response.text  # the CSP allows no inline scripts
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    script = client.get("/static/registration_close.js")
    assert "(window.opener || window.parent).postMessage" in script.text
    assert "org.imsglobal.lti.close" in script.text
    script.close()


def test_canvas_registration_reads_the_configuration_url_exactly_as_given(
    client, mocked_network, invitation
):
    mocked_network.add(responses.GET, CANVAS_CONFIGURATION_URL, json=canvas_configuration())
    mocked_network.add(
        responses.POST, CANVAS_REGISTRATION_URL, json=registration_answer("10000000000042", None)
    )

    response = register(client, invitation, CANVAS_CONFIGURATION_URL, CANVAS_TOKEN)

    assert response.status_code == 200
    first = mocked_network.calls[0].request
    assert (first.method, first.url) == ("GET", CANVAS_CONFIGURATION_URL)
    (request,) = posted(mocked_network, CANVAS_REGISTRATION_URL)
    assert request.headers["Authorization"] == "Bearer " + CANVAS_TOKEN
    (platform,) = platforms()
    assert (platform.issuer, platform.client_id, platform.kind) == (
        CANVAS,
        "10000000000042",
        "canvas",
    )
    assert platform.auth_login_url == CANVAS_SSO + "/api/lti/authorize_redirect"
    assert platform.jwks_url == CANVAS_SSO + "/api/lti/security/jwks"
    assert platform.deployments == []


def test_authorization_server_other_than_the_token_endpoint_becomes_the_token_audience(
    client, mocked_network, invitation
):
    mocked_network.add(
        responses.GET,
        MOODLE_CONFIGURATION_URL,
        json=moodle_configuration(authorization_server="https://auth.moodle.test"),
    )
    mocked_network.add(
        responses.POST, MOODLE_REGISTRATION_URL, json=registration_answer("c-1", "1")
    )

    register(client, invitation)

    assert platforms()[0].auth_audience == "https://auth.moodle.test"


def test_registration_without_a_token_sends_no_authorization_header(client, moodle, invitation):
    register(client, invitation, token=None)

    (request,) = posted(moodle, MOODLE_REGISTRATION_URL)
    assert "Authorization" not in request.headers


def _used():
    token = create_invitation("", utcnow(), 72)
    invitation = db.session.execute(db.select(Invitation)).scalar_one()
    invitation.used_at = utcnow()
    db.session.commit()
    return token


def _expired():
    return create_invitation("", utcnow() - timedelta(hours=73), 72)


@pytest.mark.parametrize(
    "make_token",
    [lambda: None, lambda: "not-an-invitation", _used, _expired],
    ids=["missing", "unknown", "used", "expired"],
)
def test_registration_needs_an_open_invitation(app, client, moodle, make_token):
    token = make_token()

    dynamic = register(client, token)
    form = client.get("/lti/register", query_string={"invitation": token or ""}, base_url=TOOL)

    for response in (dynamic, form):
        assert response.status_code == 403
        assert "ask the service administrator for a new invitation link" in response.text.lower()
        assert "flask --app lti_tool platforms invite" in response.text
    assert platforms() == []
    assert len(moodle.calls) == 0


def test_an_invitation_registers_once(client, moodle, invitation):
    assert register(client, invitation).status_code == 200

    again = register(client, invitation)

    assert again.status_code == 403
    assert len(platforms()) == 1


def test_development_opens_registration_without_invitation(app, database_url, mocked_network):
    # Development also allows http:// and local addresses, as a Moodle on a laptop needs.
    site = "http://localhost:8080"
    mocked_network.add(
        responses.GET,
        site + "/mod/lti/openid-configuration.php",
        json=moodle_configuration(
            issuer=site,
            authorization_endpoint=site + "/mod/lti/auth.php",
            token_endpoint=site + "/mod/lti/token.php",
            jwks_uri=site + "/mod/lti/certs.php",
            registration_endpoint=site + "/mod/lti/openid-registration.php",
        ),
    )
    mocked_network.add(
        responses.POST,
        site + "/mod/lti/openid-registration.php",
        json=registration_answer("dev-client", "1"),
    )
    development = create_app("development", {"SQLALCHEMY_DATABASE_URI": database_url})
    assert development.config["OPEN_REGISTRATION"] is True

    response = register(
        development.test_client(), configuration_url=site + "/mod/lti/openid-configuration.php"
    )
    with development.app_context():
        db.engine.dispose()  # close its pooled connection now, not at some later test's GC

    assert response.status_code == 200
    db.session.expire_all()
    assert [p.client_id for p in platforms()] == ["dev-client"]


def test_open_registration_setting_lets_anyone_register(app, client, moodle):
    app.config["OPEN_REGISTRATION"] = True

    assert register(client).status_code == 200
    assert len(platforms()) == 1


def assert_refused(response, network, *words):
    assert response.status_code == 400
    for word in words:
        assert word in response.text
    assert platforms() == []
    assert invitation_row().used_at is None
    assert posted(network, MOODLE_REGISTRATION_URL) == []


def test_issuer_other_than_the_configuration_site_is_refused(client, mocked_network, invitation):
    mocked_network.add(
        responses.GET,
        MOODLE_CONFIGURATION_URL,
        json=moodle_configuration(issuer="https://canvas.instructure.com"),
    )

    response = register(client, invitation)

    assert_refused(response, mocked_network, "issuer", "is not the site it was read from")


@pytest.mark.parametrize(
    "answer, words",
    [
        (
            {"json": {"error": "invalid_client_metadata", "error_description": "Bad scope"}},
            "Bad scope",
        ),
        (
            {"json": {"errors": [{"message": "Developer keys are locked"}]}},
            "Developer keys are locked",
        ),
        ({"body": "Unsupported message type"}, "Unsupported message type"),
    ],
    ids=["oauth-json", "canvas-json", "moodle-text"],
)
def test_lms_refusal_is_shown_in_the_lms_words(client, mocked_network, invitation, answer, words):
    mocked_network.add(responses.GET, MOODLE_CONFIGURATION_URL, json=moodle_configuration())
    mocked_network.add(responses.POST, MOODLE_REGISTRATION_URL, status=400, **answer)

    response = register(client, invitation)

    assert response.status_code == 400
    assert "The LMS refused the registration (HTTP 400)" in response.text
    assert words in response.text
    assert platforms() == []
    assert invitation_row().used_at is None


def test_registration_token_is_neither_shown_nor_logged(client, mocked_network, invitation, caplog):
    mocked_network.add(responses.GET, CANVAS_CONFIGURATION_URL, json=canvas_configuration())
    mocked_network.add(
        responses.POST,
        CANVAS_REGISTRATION_URL,
        status=401,
        body=f"token {CANVAS_TOKEN} has expired",
    )

    response = register(client, invitation, CANVAS_CONFIGURATION_URL, CANVAS_TOKEN)

    assert response.status_code == 400
    assert "has expired" in response.text
    assert CANVAS_TOKEN not in response.text
    assert "dynamic registration failed" in caplog.text
    assert CANVAS_TOKEN not in caplog.text


@pytest.mark.parametrize(
    "configuration, words",
    [
        ({"body": "<html>Site maintenance</html>"}, "is not a JSON object"),
        ({"status": 503, "body": "down"}, "answered HTTP 503"),
        ({"json": {"issuer": MOODLE}}, "does not list a usable registration_endpoint"),
    ],
    ids=["not-json", "error-status", "no-endpoints"],
)
def test_unusable_configuration_is_refused(
    client, mocked_network, invitation, configuration, words
):
    mocked_network.add(responses.GET, MOODLE_CONFIGURATION_URL, **configuration)

    assert_refused(register(client, invitation), mocked_network, words)


def test_registration_answer_without_client_id_is_refused(client, mocked_network, invitation):
    mocked_network.add(responses.GET, MOODLE_CONFIGURATION_URL, json=moodle_configuration())
    mocked_network.add(responses.POST, MOODLE_REGISTRATION_URL, json={"error": "none"})

    response = register(client, invitation)

    assert response.status_code == 400
    assert "no usable client id" in response.text
    assert platforms() == []


@pytest.mark.parametrize(
    "url, dns, words",
    [
        (
            "https://127.0.0.1/mod/lti/openid-configuration.php",
            {"127.0.0.1": ["127.0.0.1"]},
            "private or local address",
        ),
        (
            "https://evil.test/mod/lti/openid-configuration.php",
            {"evil.test": ["10.0.0.5"]},
            "private or local address",
        ),
        ("http://moodle.test/mod/lti/openid-configuration.php", {}, "only https URLs"),
        ("file:///etc/passwd", {}, "not a web address"),
        ("https://[not-an-address/config", {}, "not a web address"),
    ],
    ids=["loopback", "private", "plain-http", "file", "malformed"],
)
def test_configuration_url_the_policy_forbids_is_never_fetched(
    client, mocked_network, public_dns, invitation, url, dns, words
):
    public_dns.update(dns)

    response = register(client, invitation, url)

    assert_refused(response, mocked_network, words)
    assert len(mocked_network.calls) == 0  # responses records even requests it cannot answer


def test_registration_endpoint_on_a_private_address_is_never_posted_to(
    client, mocked_network, public_dns, invitation
):
    public_dns["internal.moodle.test"] = ["10.0.0.7"]
    internal = "https://internal.moodle.test/register"
    mocked_network.add(
        responses.GET,
        MOODLE_CONFIGURATION_URL,
        json=moodle_configuration(registration_endpoint=internal),
    )
    mocked_network.add(responses.POST, internal, json=registration_answer("x", "1"))

    response = register(client, invitation)

    assert_refused(response, mocked_network, "private or local address")
    assert [c.request.url for c in mocked_network.calls] == [MOODLE_CONFIGURATION_URL]


def test_lms_endpoint_on_a_private_address_stops_before_registering(
    client, mocked_network, public_dns, invitation
):
    public_dns["keys.moodle.test"] = ["192.168.1.20"]
    mocked_network.add(
        responses.GET,
        MOODLE_CONFIGURATION_URL,
        json=moodle_configuration(jwks_uri="https://keys.moodle.test/certs.php"),
    )

    response = register(client, invitation)

    assert_refused(response, mocked_network, "jwks_uri", "private or local address")


def test_too_large_configuration_is_refused(app, client, mocked_network, invitation):
    app.config["FETCH_MAX_BYTES"] = 2000
    mocked_network.add(
        responses.GET, MOODLE_CONFIGURATION_URL, json=moodle_configuration(padding="x" * 5000)
    )

    response = register(client, invitation)

    assert_refused(response, mocked_network, "larger than 2000 bytes")


def test_too_many_redirects_are_refused(app, client, mocked_network, invitation):
    hops = [f"{MOODLE}/hop/{n}" for n in range(6)]
    for here, there in zip(hops, hops[1:], strict=False):
        mocked_network.add(responses.GET, here, status=302, headers={"Location": there})

    response = register(client, invitation, hops[0])

    assert_refused(response, mocked_network, "too many redirects")
    fetched = [c.request.url for c in mocked_network.calls]
    assert fetched == hops[: app.config["FETCH_MAX_REDIRECTS"] + 1]
    assert hops[-1] not in fetched


def test_registration_post_does_not_follow_redirects(client, mocked_network, invitation):
    mocked_network.add(responses.GET, MOODLE_CONFIGURATION_URL, json=moodle_configuration())
    mocked_network.add(
        responses.POST,
        MOODLE_REGISTRATION_URL,
        status=307,
        headers={"Location": "https://elsewhere.test/collect"},
    )

    response = register(client, invitation)

    assert response.status_code == 400
    fetched = [c.request.url for c in mocked_network.calls]
    assert fetched == [MOODLE_CONFIGURATION_URL, MOODLE_REGISTRATION_URL]
    assert platforms() == []


def manual(client, invitation, **fields):
    data = {"invitation": invitation, **fields} if invitation is not None else fields
    # A browser posting the form from our own page sends this referrer (Referrer-Policy
    # same-origin); Flask-WTF checks it on HTTPS.
    headers = {"Referer": TOOL + "/lti/register"}
    return client.post("/lti/register", data=data, base_url=TOOL, headers=headers)


def test_invitation_without_lms_parameters_shows_the_manual_form(client, invitation):
    response = client.get("/lti/register", query_string={"invitation": invitation}, base_url=TOOL)

    assert response.status_code == 200
    assert form_fields(response.text)["invitation"] == invitation
    assert "<legend>Where does your LMS run?</legend>" in response.text
    for value in ("canvas", "canvas_beta", "canvas_test", "moodle", "other"):
        assert f'id="preset-{value}"' in response.text and f'for="preset-{value}"' in response.text
    for name in (
        "moodle_url",
        "issuer",
        "auth_login_url",
        "auth_token_url",
        "jwks_url",
        "client_id",
        "deployment_ids",
    ):
        assert f'<label for="{name}">' in response.text and f'id="{name}"' in response.text
    assert TOOL + "/lti/config/canvas.json" in response.text
    assert TOOL + "/lti/launch" in response.text
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]


def test_manual_canvas_registration_stores_one_platform_with_two_deployments(client, invitation):
    response = manual(
        client,
        invitation,
        preset="canvas",
        client_id=" 10000000000077 ",
        deployment_ids="12:abc, 13:def\n12:abc",
    )

    assert response.status_code == 200
    assert "is registered" in response.text
    assert "registration_close.js" not in response.text  # no LMS dialog waits for a message
    (platform,) = platforms()
    assert (platform.kind, platform.issuer, platform.client_id) == (
        "canvas",
        CANVAS,
        "10000000000077",
    )
    assert platform.auth_token_url == CANVAS_SSO + "/login/oauth2/token"
    assert [(d.deployment_id, d.status) for d in platform.deployments] == [
        ("12:abc", "approved"),
        ("13:def", "approved"),
    ]
    assert invitation_row().platform_id == platform.id


def test_manual_moodle_registration_derives_the_endpoints_from_the_site(client, invitation):
    response = manual(
        client,
        invitation,
        preset="moodle",
        moodle_url="https://moodle.school.test/",
        client_id="AbC123",
        deployment_ids="4\n5",
    )

    assert response.status_code == 200
    (platform,) = platforms()
    assert platform.issuer == "https://moodle.school.test"
    assert platform.jwks_url == "https://moodle.school.test/mod/lti/certs.php"
    assert [d.deployment_id for d in platform.deployments] == ["4", "5"]


def test_manual_other_lms_registration_uses_the_four_urls(client, invitation):
    response = manual(
        client,
        invitation,
        preset="other",
        issuer="https://lms.school.test",
        auth_login_url="https://lms.school.test/auth",
        auth_token_url="https://lms.school.test/token",
        jwks_url="https://lms.school.test/jwks",
        client_id="c-9",
        deployment_ids="d-1",
    )

    assert response.status_code == 200
    (platform,) = platforms()
    assert (platform.kind, platform.auth_login_url) == ("other", "https://lms.school.test/auth")


def test_manual_form_with_missing_fields_is_shown_again_with_errors(client, invitation):
    response = manual(client, invitation, preset="other", client_id="kept-client-id")

    assert response.status_code == 400
    assert platforms() == []
    assert invitation_row().used_at is None
    assert 'role="alert"' in response.text
    for name, message in (
        ("issuer", "Enter the issuer."),
        ("jwks_url", "Enter the JWKS URL."),
        ("deployment_ids", "Enter at least one deployment id."),
    ):
        assert f'<p id="{name}-error" class="field-error">{message}</p>' in response.text
        field = re.search(rf'id="{name}"[^>]*>', response.text).group(0)
        assert f"{name}-error" in field and 'aria-invalid="true"' in field
    assert 'value="kept-client-id"' in response.text
    assert re.search(r'value="other"\s+checked', response.text)
    assert form_fields(response.text)["invitation"] == invitation


def test_manual_form_without_a_preset_asks_for_one(client, invitation):
    response = manual(client, invitation, client_id="c", deployment_ids="d")

    assert response.status_code == 400
    assert "Choose where your LMS runs." in response.text
    assert 'aria-describedby="preset-hint preset-error"' in response.text


@pytest.mark.parametrize(
    "fields, name, words",
    [
        ({"jwks_url": "https://keys.school.test/jwks"}, "jwks_url", "private or local address"),
        ({"auth_token_url": "http://lms.school.test/token"}, "auth_token_url", "https://"),
        ({"issuer": "https://lms.school.test/?x=1"}, "issuer", "cannot contain a query"),
        ({"client_id": "two words"}, "client_id", "no spaces"),
        ({"deployment_ids": "a b, c"}, "deployment_ids", "These are not deployment ids: a b."),
    ],
    ids=["ssrf-jwks", "plain-http", "issuer-query", "client-id-space", "deployment-space"],
)
def test_manual_form_refuses_bad_values(client, public_dns, invitation, fields, name, words):
    public_dns["keys.school.test"] = ["10.0.0.5"]
    valid = {
        "preset": "other",
        "issuer": "https://lms.school.test",
        "auth_login_url": "https://lms.school.test/auth",
        "auth_token_url": "https://lms.school.test/token",
        "jwks_url": "https://lms.school.test/jwks",
        "client_id": "c-1",
        "deployment_ids": "d-1",
    }

    response = manual(client, invitation, **{**valid, **fields})

    assert response.status_code == 400
    error = re.search(rf'<p id="{name}-error" class="field-error">([^<]*)</p>', response.text)
    assert error and words in error.group(1)
    assert platforms() == []


def test_manual_form_does_not_change_an_existing_registration(client, invitation):
    add_platform("Other school", Endpoints("canvas", CANVAS, "a", "b", "c"), "100", ["d-0"])

    response = manual(client, invitation, preset="canvas", client_id="100", deployment_ids="d-9")

    assert response.status_code == 400
    assert "already registered" in response.text
    (platform,) = platforms()
    assert [d.deployment_id for d in platform.deployments] == ["d-0"]


@pytest.mark.parametrize("token", [None, "", "wrong-token"], ids=["absent", "empty", "wrong"])
def test_manual_form_needs_the_invitation_token(client, invitation, token):
    response = manual(client, token, preset="canvas", client_id="1", deployment_ids="d")

    assert response.status_code == 403
    assert platforms() == []
    assert invitation_row().used_at is None


def test_open_registration_form_falls_back_to_the_session_csrf_token(app, client):
    app.config["OPEN_REGISTRATION"] = True
    fields = {"preset": "canvas", "client_id": "1", "deployment_ids": "d"}

    forged = manual(client, None, **fields)
    page = client.get("/lti/register", base_url=TOOL)
    token = form_fields(page.text)["csrf_token"]
    accepted = manual(client, None, csrf_token=token, **fields)

    assert forged.status_code == 400 and "The form expired" in forged.text
    assert accepted.status_code == 200
    assert len(platforms()) == 1


def test_canvas_developer_key_json(client):
    response = client.get("/lti/config/canvas.json", base_url=TOOL)

    assert response.status_code == 200
    key = response.get_json()
    assert key["title"] == "Tutoring Portal"
    assert key["description"]
    assert key["oidc_initiation_url"] == TOOL + "/lti/login"
    assert key["target_link_uri"] == TOOL + "/lti/launch"
    assert key["public_jwk_url"] == TOOL + "/.well-known/jwks.json"
    assert key["scopes"] == list(TOOL_SCOPES)
    assert key["custom_fields"] == {"timezone": "$Person.address.timezone"}
    (extension,) = key["extensions"]
    assert extension["platform"] == "canvas.instructure.com"
    assert extension["privacy_level"] == "public"
    assert extension["settings"]["placements"] == [
        {
            "placement": "course_navigation",
            "message_type": "LtiResourceLinkRequest",
            "target_link_uri": TOOL + "/lti/launch",
            "text": "Tutoring",
        },
        {
            "placement": "link_selection",
            "message_type": "LtiDeepLinkingRequest",
            "target_link_uri": TOOL + "/lti/launch",
            "text": "Tutoring help link",
        },
    ]
