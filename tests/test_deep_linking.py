"""An instructor answers the LMS's link chooser with a signed deep-linking response."""

import re
from html import unescape

import jwt

from lti_tool.lms.deep_linking import TutoringLink, deep_linking_response
from lti_tool.lms.keys import signing_key
from tests.platform_fixture import TOOL

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


def _deep_link_token(lms, user_id="instructor-1") -> str:
    return lms.land(lms.launch(user_id, message="deep_link"))[1]


def _returned_jwt(page_html: str) -> tuple[str, str]:
    action = unescape(re.search(r'<form id="deep-link-return" method="post" action="([^"]+)"',
                                page_html).group(1))
    token = unescape(re.search(r'name="JWT" value="([^"]+)"', page_html).group(1))
    return action, token


def test_course_setup_offers_a_link_and_the_platform_accepts_the_signed_response(lms, client):
    token = _deep_link_token(lms)
    setup = client.post("/portal/setup", data={"launch_token": token}, base_url=TOOL)
    assert "Add the Tutoring link" in setup.text
    answer = client.post("/portal/setup/link", data={"launch_token": token}, base_url=TOOL)
    action, response_jwt = _returned_jwt(answer.text)
    assert action == lms.platform.base_url + "/deep-link-return"
    items = lms.platform.receive_deep_link(response_jwt)
    assert [(i["type"], i["url"], i["title"]) for i in items] == [
        ("ltiResourceLink", TOOL + "/lti/launch", "Tutoring")
    ]


def test_response_claims_echo_data_exactly_and_are_signed_with_our_kid(lms, client):
    token = _deep_link_token(lms)
    answer = client.post("/portal/setup/link", data={"launch_token": token}, base_url=TOOL)
    _, response_jwt = _returned_jwt(answer.text)
    header = jwt.get_unverified_header(response_jwt)
    claims = jwt.decode(response_jwt, options={"verify_signature": False})
    tool_kids = [k["kid"] for k in client.get("/.well-known/jwks.json", base_url=TOOL).json["keys"]]
    assert header["alg"] == "RS256" and header["kid"] in tool_kids
    assert claims["iss"] == lms.platform.client_id
    assert claims["aud"] == [lms.platform.issuer]
    assert claims["https://purl.imsglobal.org/spec/lti/claim/deployment_id"] == "deployment-1"
    assert claims["https://purl.imsglobal.org/spec/lti/claim/message_type"] == (
        "LtiDeepLinkingResponse")
    assert claims[DL + "data"] == {"sandbox": "echo-me"}
    assert claims["exp"] - claims["iat"] <= 600 and claims["nonce"]


def test_resource_link_launch_cannot_answer_a_link_chooser(lms, client):
    token = lms.land(lms.launch("instructor-1"))[1]
    answer = client.post("/portal/setup/link", data={"launch_token": token}, base_url=TOOL)
    assert answer.status_code == 400 and "link chooser" in answer.text


def test_cross_site_post_without_launch_context_signs_nothing(lms, client):
    answer = client.post("/portal/setup/link", base_url=TOOL,
                         headers={"Origin": "https://evil.example"})
    assert answer.status_code == 401 and 'name="JWT"' not in answer.text


def test_students_cannot_answer_a_link_chooser(lms, client):
    response = lms.launch("student-01", message="deep_link")
    assert response.status_code == 200 and "Not available for your role" in response.text
    assert 'name="launch_token"' not in response.text
    token = lms.land(lms.launch("student-01"))[1]
    answer = client.post("/portal/setup/link", data={"launch_token": token}, base_url=TOOL)
    assert answer.status_code == 403 and 'name="JWT"' not in answer.text


def test_data_claim_is_left_out_when_the_request_had_none(app, lms):
    key = signing_key(app.config["SECRET_KEY"])
    response_jwt = deep_linking_response("https://lms.test", "client-1", "deployment-1", None,
                                         [TutoringLink("Tutoring")], TOOL, key)
    assert DL + "data" not in jwt.decode(response_jwt, options={"verify_signature": False})


def test_deep_linking_launch_opens_course_setup_for_instructors_and_designers(lms):
    for user in ("instructor-1", "designer-1"):
        landing, _ = lms.land(lms.launch(user, message="deep_link"))
        assert "Add the Tutoring link" in landing.text
