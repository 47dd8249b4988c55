"""An independent platform launches the tool: lti1p3platform's own objects, used directly.

The sandbox wraps the same library, so this is the check that our messages interoperate
with it as published: lti1p3platform builds the login initiation, reads our auth request,
signs the id_token; the tool fetches that platform's keys through `responses` and lands.
"""

import re
from html import unescape

import pytest
import responses
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request

from lti_tool.clock import utcnow
from lti_tool.launch_context import read
from lti_tool.lms.presets import Endpoints
from lti_tool.services.platforms import add_platform
from tests.conftest import form_action, form_fields, query_of

TOOL = "https://tool.test"
ISSUER = "https://interop-lms.test"
MEMBER = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
RETURN_URL = ISSUER + "/deep-linking/return"


class PlatformConf(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, registration: Registration) -> None:
        self._registration = registration

    def get_registration_by_params(self, **kwargs) -> Registration:
        return self._registration


class Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> str:
        return url


class AuthRequest(Request):
    """The tool's authentication request, as the platform's auth endpoint receives it."""

    def build_metadata(self, request: dict) -> dict:
        return {"method": "GET", "get_data": request, "form_data": {}, "headers": {},
                "content_type": None, "path": "/auth", "json": None}


class Launch(LTIAdvantageMessageLaunchAbstract):
    def render_launch_form(self, launch_data: dict, **kwargs) -> dict:
        return launch_data


@pytest.fixture
def registration(app, mocked_network, platform_key_pair) -> Registration:
    """The platform's view of its registration of the tool; the tool registers it too."""
    private_pem, public_pem = platform_key_pair
    registration = (
        Registration()
        .set_iss(ISSUER)
        .set_client_id("interop-client")
        .set_deployment_id("interop-deployment")
        .set_oidc_login_url(TOOL + "/lti/login")
        .set_launch_url(TOOL + "/lti/launch")
        .set_deeplink_launch_url(TOOL + "/lti/launch")
        .set_platform_public_key(public_pem)
        .set_platform_private_key(private_pem)
    )
    endpoints = Endpoints("other", ISSUER, ISSUER + "/auth", ISSUER + "/token", ISSUER + "/jwks")
    add_platform("Interop LMS", endpoints, "interop-client", ["interop-deployment"])
    mocked_network.add(responses.GET, ISSUER + "/jwks", json={"keys": registration.get_jwks()})
    return registration


def launch(client, registration: Registration, user_id: str, roles: list[str],
           deep_link: bool = False, custom: dict | None = None,
           lineitems: str | None = None, lineitem: str | None = None):
    """Run login, authentication and launch as the platform; return the tool's launch page.
    `custom` and the AGS endpoints (`lineitems`, and a placed link's `lineitem`) are sent
    when given."""
    conf = PlatformConf(registration=registration)
    login = Login(None, conf)
    login.set_lti_message_hint(hint=f"placement-7:{user_id}")
    if deep_link:
        login.set_deeplinking_launch_url()
    login_page = client.get(login.prepare_preflight_url(user_id))
    assert login_page.status_code == 200
    auth_url = unescape(re.search(r'data-auth-url="([^"]+)"', login_page.text).group(1))
    assert auth_url.startswith(ISSUER + "/auth?")
    auth_request = query_of(auth_url)
    assert auth_request["lti_message_hint"] == f"placement-7:{user_id}"
    assert auth_request["login_hint"] == user_id

    message = Launch(AuthRequest(auth_request), conf)
    message.set_user_data(user_id, roles, "Noor Haddad", "noor.haddad@interop.example")
    message.set_launch_context_claim(
        "bio-200", ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
        "BIO 200: Genetics", "BIO 200",
    )
    if lineitems:
        message.set_ags(lineitems, lineitem_url=lineitem, allow_creating_lineitems=True)
    if custom:
        message.set_custom_parameters_claim(custom)
    if deep_link:
        message.set_dl(RETURN_URL, title="Add tutoring", accept_types={"ltiResourceLink"},
                       extra_data={"opaque": "selection-42"})
    else:
        message.set_resource_link_claim("bio-200-tutoring", title="Tutoring")
    form = message.lti_launch()
    assert form["launch_url"] == TOOL + "/lti/launch"
    return client.post(form["launch_url"], data={"id_token": form["id_token"],
                                                 "state": form["state"]})


def land(client, launch_page):
    """Submit the launch page's continue form; return the landing page and the launch token."""
    assert launch_page.status_code == 200
    fields = form_fields(launch_page.text)
    landing = client.post(form_action(launch_page.text), data=fields, base_url=TOOL)
    return landing, fields["launch_token"]


@pytest.mark.parametrize(
    ("roles", "heading"),
    [
        ([MEMBER + "Learner"], "<h1>Tutoring</h1>"),
        ([MEMBER + "Instructor"], "<h1>Client Portal</h1>"),
    ],
    ids=["student", "instructor"],
)
def test_lti1p3platform_resource_link_launch_lands_on_the_role_page(
    client, mocked_network, registration, roles, heading
):
    landing, _ = land(client, launch(client, registration, "user-5", roles))
    assert landing.status_code == 200
    assert heading in landing.text
    assert "BIO 200: Genetics" in landing.text and "Noor Haddad" in landing.text
    assert [call.request.url for call in mocked_network.calls] == [ISSUER + "/jwks"]


def test_lti1p3platform_deep_linking_request_lands_in_course_setup_with_its_return_url(
    app, client, registration
):
    landing, token = land(
        client, launch(client, registration, "user-6", [MEMBER + "Instructor"], deep_link=True)
    )
    assert "<h1>Course setup</h1>" in landing.text
    assert "Add the Tutoring link" in landing.text
    context = read(token, app.config["SECRET_KEY"], utcnow())
    assert context.staff
    assert context.deep_link_return_url == RETURN_URL
    assert context.deep_link_data == {"opaque": "selection-42"}
