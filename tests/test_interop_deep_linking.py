"""A deep-linking round trip with an independent platform: lti1p3platform's own objects send
the request, validate our response against our JWKS, then launch the placed link."""

import re
from html import unescape

from lti1p3platform.registration import Registration

from lti_tool.extensions import db
from lti_tool.lms.ags import TUTORING_TAG
from lti_tool.models import Topic
from lti_tool.services.tool_keys import generate_key
from tests.conftest import form_action, form_fields, query_of
from tests.test_interop import (
    ISSUER,
    MEMBER,
    RETURN_URL,
    TOOL,
    AuthRequest,
    Launch,
    Login,
    PlatformConf,
)
from tests.test_interop import registration as registration

LINEITEMS = ISSUER + "/api/lti/courses/bio-200/line_items"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


def launch(client, registration: Registration, user_id: str, role: str, *,
           deep_link: bool = False, custom: dict | None = None, lineitem: str | None = None):
    """Run login, authentication and launch as the platform; return the landing page and the
    launch token."""
    conf = PlatformConf(registration=registration)
    login = Login(None, conf)
    login.set_lti_message_hint(hint=f"placement-9:{user_id}")
    if deep_link:
        login.set_deeplinking_launch_url()
    login_page = client.get(login.prepare_preflight_url(user_id))
    auth_url = unescape(re.search(r'data-auth-url="([^"]+)"', login_page.text).group(1))
    message = Launch(AuthRequest(query_of(auth_url)), conf)
    message.set_user_data(user_id, [MEMBER + role], "Noor Haddad", "noor@interop.example")
    message.set_launch_context_claim(
        "bio-200", ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
        "BIO 200: Genetics", "BIO 200")
    message.set_ags(LINEITEMS, lineitem_url=lineitem, allow_creating_lineitems=True)
    if custom:
        message.set_custom_parameters_claim(custom)
    if deep_link:
        message.set_dl(RETURN_URL, title="Add tutoring", accept_types={"ltiResourceLink"},
                       extra_data={"opaque": "selection-42"})
    else:
        message.set_resource_link_claim("module-3-item-1", title="Tutoring: Punnett squares")
    form = message.lti_launch()
    page = client.post(form["launch_url"], data={"id_token": form["id_token"],
                                                 "state": form["state"]})
    fields = form_fields(page.text)
    landing = client.post(form_action(page.text), data=fields, base_url=TOOL)
    return landing, fields["launch_token"]


def test_lti1p3platform_accepts_a_topic_link_with_its_column_and_launches_it(
        app, client, registration):
    generate_key(app.config)
    landing, token = launch(client, registration, "teacher-1", "Instructor", deep_link=True)
    assert 'name="gradebook_column"' in landing.text
    answer = client.post("/portal/setup/link", base_url=TOOL, data={
        "launch_token": token, "topic": "new", "new_topic_name": "Punnett squares",
        "gradebook_column": "yes"})
    assert form_action(answer.text) == RETURN_URL
    response_jwt = form_fields(answer.text)["JWT"]

    # The platform's side: our published keys, its own validation of the response.
    conf = PlatformConf(registration=registration)
    conf.set_accepted_deeplinking_types(["ltiResourceLink"])
    registration.set_tool_key_set(client.get("/.well-known/jwks.json", base_url=TOOL).json)
    (item,) = conf.validate_deeplinking_resp({"JWT": response_jwt})
    claims = conf.tool_validate_and_decode(response_jwt)
    assert claims[DL + "data"] == {"opaque": "selection-42"}
    assert claims["iss"] == "interop-client" and ISSUER in claims["aud"]
    topic = db.session.execute(db.select(Topic)).scalar_one()
    assert item["custom"] == {"topic_id": str(topic.id)}
    assert item["lineItem"] == {"label": "Tutoring mastery: Punnett squares",
                                "scoreMaximum": 100, "resourceId": str(topic.id),
                                "tag": TUTORING_TAG}

    # The LMS created the column and launches the placed link with it.
    column = LINEITEMS + "/41?type_id=3"
    landing, _ = launch(client, registration, "learner-7", "Learner",
                        custom=item["custom"], lineitem=column)
    assert "<h1>Tutoring</h1>" in landing.text
    assert db.session.get(Topic, topic.id, populate_existing=True).lineitem_url == column
