"""The sandbox LMS keeps the links the tool places with Deep Linking, creates the gradebook
columns they ask for, and launches them with their custom parameters and column."""

from html import unescape
from urllib.parse import parse_qsl, urlsplit

import jwt
import pytest

from lti_tool.lms.ags import TUTORING_TAG
from lti_tool.lms.claims import AGS, CUSTOM, RESOURCE_LINK
from lti_tool.lms.deep_linking import GradebookColumn, TutoringLink, deep_linking_response
from lti_tool.lms.keys import signing_key
from lti_tool.sandbox.instance import sandbox_platform
from lti_tool.sandbox.platform import DEEP_LINK_DATA
from lti_tool.sealing import box
from lti_tool.services.sandbox import set_up_sandbox
from tests.platform_fixture import TOOL

COLUMN = GradebookColumn("Tutoring mastery: Vectors", "42", TUTORING_TAG)
LINKS = [TutoringLink("Tutoring: Vectors", {"topic_id": "42"}, COLUMN), TutoringLink("Tutoring")]


@pytest.fixture
def sandbox(app, tmp_path):
    app.config["SANDBOX_KEY_FILE"] = str(tmp_path / "sandbox.pem")
    set_up_sandbox(app)
    return sandbox_platform(app)


def response_for(app, platform, links=LINKS, data=DEEP_LINK_DATA) -> str:
    return deep_linking_response(platform.issuer, platform.client_id, platform.deployment_id,
                                 data, links, TOOL, signing_key(box(app.config)))


def test_a_returned_link_is_placed_with_the_column_it_asked_for(app, client, sandbox):
    columns_before = len(sandbox.gradebook.lineitems)
    page = client.post("/sandbox/deep-link-return", base_url=TOOL,
                       data={"JWT": response_for(app, sandbox)})
    assert page.status_code == 200 and "2 links placed" in page.text
    assert "Tutoring: Vectors, with a new gradebook column" in page.text
    vectors, plain = sandbox.placed_links.values()
    assert (vectors.title, vectors.custom) == ("Tutoring: Vectors", {"topic_id": "42"})
    assert (plain.title, plain.custom, plain.lineitem_id) == ("Tutoring", {}, None)
    assert len(sandbox.gradebook.lineitems) == columns_before + 1
    column = sandbox.gradebook.lineitems[vectors.lineitem_id]
    assert column == {"id": vectors.lineitem_id, "label": "Tutoring mastery: Vectors",
                      "scoreMaximum": 100, "resourceId": "42", "tag": TUTORING_TAG,
                      "resourceLinkId": vectors.link_id}

    course_page = unescape(client.get("/sandbox/", base_url=TOOL).text)
    for user_id in ("student-01", "instructor-1"):
        assert f"/sandbox/launch/{user_id}?link={vectors.link_id}" in course_page
    assert "Open as Ava Adams" in course_page and "Open as Rachel Moreno" in course_page


def test_a_response_that_alters_the_data_places_nothing(app, client, sandbox):
    page = client.post("/sandbox/deep-link-return", base_url=TOOL,
                       data={"JWT": response_for(app, sandbox, data={"sandbox": "forged"})})
    assert page.status_code == 400 and not sandbox.placed_links


def test_launching_a_placed_link_sends_its_id_custom_parameters_and_column(app, client,
                                                                         sandbox):
    client.post("/sandbox/deep-link-return", base_url=TOOL,
                data={"JWT": response_for(app, sandbox)})
    vectors = next(iter(sandbox.placed_links.values()))
    start = client.get(f"/sandbox/launch/student-01?link={vectors.link_id}", base_url=TOOL)
    assert start.status_code == 302
    login = dict(parse_qsl(urlsplit(start.headers["Location"]).query))
    auth = {"scope": "openid", "response_type": "id_token", "response_mode": "form_post",
            "prompt": "none", "client_id": sandbox.client_id, "redirect_uri": TOOL + "/lti/launch",
            "login_hint": login["login_hint"], "lti_message_hint": login["lti_message_hint"],
            "state": "s", "nonce": "n"}
    claims = jwt.decode(sandbox.authorize(auth)["id_token"], options={"verify_signature": False})
    assert claims[RESOURCE_LINK] == {"id": vectors.link_id, "title": "Tutoring: Vectors"}
    assert claims[CUSTOM]["topic_id"] == "42"
    assert claims[AGS]["lineitem"] == vectors.lineitem_id
    assert client.get("/sandbox/launch/student-01?link=nope", base_url=TOOL).status_code == 404
