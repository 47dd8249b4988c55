"""A deep-linking round trip with an independent platform: lti1p3platform's own objects send
the request, validate our response against our JWKS, then launch the placed link."""


from lti1p3platform.registration import Registration

from lti_tool.extensions import db
from lti_tool.lms.ags import TUTORING_TAG
from lti_tool.models import Topic
from lti_tool.services.tool_keys import generate_key
from tests.conftest import form_action, form_fields
from tests.test_interop import ISSUER, MEMBER, RETURN_URL, TOOL, PlatformConf, land
from tests.test_interop import launch as interop_launch
from tests.test_interop import registration as registration

LINEITEMS = ISSUER + "/api/lti/courses/bio-200/line_items"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


def launch(client, registration: Registration, user_id: str, role: str, **claims):
    """Launch from the platform with its gradebook endpoint; return the landing page and the
    launch token."""
    return land(client, interop_launch(client, registration, user_id, [MEMBER + role],
                                       lineitems=LINEITEMS, **claims))


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
