"""An instructor answers the LMS's link chooser with a signed deep-linking response: a general
tutoring link, or a link to one course topic with, when asked, its gradebook column."""

import re
from html import unescape

import jwt
import pytest

from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.launch_context import read
from lti_tool.lms.ags import TUTORING_TAG
from lti_tool.lms.claims import AGS, CONTEXT, SCOPE_SCORE
from lti_tool.lms.deep_linking import TutoringLink, deep_linking_response
from lti_tool.lms.keys import signing_key
from lti_tool.models import Course, Topic
from lti_tool.sandbox.registration import PlatformError
from lti_tool.sealing import box
from tests.platform_fixture import TOOL, put
from tests.tutoring_factories import fresh

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
    key = signing_key(box(app.config))
    response_jwt = deep_linking_response("https://lms.test", "client-1", "deployment-1", None,
                                         [TutoringLink("Tutoring")], TOOL, key)
    assert DL + "data" not in jwt.decode(response_jwt, options={"verify_signature": False})


def test_deep_linking_launch_opens_course_setup_for_instructors_and_designers(lms):
    for user in ("instructor-1", "designer-1"):
        landing, _ = lms.land(lms.launch(user, message="deep_link"))
        assert "Add the Tutoring link" in landing.text


# Topic links ---------------------------------------------------------------------------------


def _place(client, token, **form):
    return client.post("/portal/setup/link", data={"launch_token": token, **form}, base_url=TOOL)


def _topic(name: str) -> Topic:
    return db.session.execute(db.select(Topic).filter_by(name=name)).scalar_one()


def _selected_topic(html: str) -> str | None:
    found = re.search(r'<option value="(\d+)" selected>', html)
    return found.group(1) if found else None


def test_a_new_topic_link_with_a_column_carries_the_topic_and_its_line_item(lms, client, algebra):
    token = _deep_link_token(lms)
    answer = _place(client, token, topic="new", new_topic_name="  Factoring   trinomials ",
                    new_subject_id=str(algebra.id), gradebook_column="yes")
    _, response_jwt = _returned_jwt(answer.text)
    topic = _topic("Factoring trinomials")
    assert (topic.source, topic.subject_id, topic.retired) == ("placement", algebra.id, False)
    (item,) = lms.platform.receive_deep_link(response_jwt)  # checked against our JWKS
    assert item["type"] == "ltiResourceLink" and item["url"] == TOOL + "/lti/launch"
    assert item["title"] == "Tutoring: Factoring trinomials"
    assert item["custom"] == {"topic_id": str(topic.id)}
    assert item["lineItem"] == {"label": "Tutoring mastery: Factoring trinomials",
                                "scoreMaximum": 100, "resourceId": str(topic.id),
                                "tag": TUTORING_TAG}
    claims = jwt.decode(response_jwt, options={"verify_signature": False})
    assert claims[DL + "data"] == {"sandbox": "echo-me"}
    (column,) = [i for i in lms.platform.gradebook.lineitems.values()
                 if i.get("resourceId") == str(topic.id)]
    assert column["tag"] == TUTORING_TAG


def test_an_existing_topic_link_without_a_column_has_no_line_item(lms, client):
    token = _deep_link_token(lms)
    topic = Topic(course_id=_course().id, name="Exponents")
    db.session.add(topic)
    db.session.commit()
    answer = _place(client, token, topic=str(topic.id))
    (item,) = lms.platform.receive_deep_link(_returned_jwt(answer.text)[1])
    assert "lineItem" not in item and item["custom"] == {"topic_id": str(topic.id)}
    assert len(lms.platform.gradebook.lineitems) == len(lms.platform.course.topics)


def test_a_student_launching_from_the_placed_link_lands_with_its_topic_chosen(
        app, lms, client, algebra):
    token = _deep_link_token(lms)
    answer = _place(client, token, topic="new", new_topic_name="Logarithms",
                    gradebook_column="yes")
    lms.platform.receive_deep_link(_returned_jwt(answer.text)[1])
    (placed,) = lms.platform.placed_links.values()
    landing, token = lms.land(lms.launch("student-01", link_id=placed.link_id))
    topic = _topic("Logarithms")
    assert "<h1>Tutoring</h1>" in landing.text
    assert read(token, app.config["SECRET_KEY"], utcnow()).topic_id == topic.id
    assert _selected_topic(landing.text) == str(topic.id)
    # The launch named the column the LMS created for the link: scores can go there.
    assert fresh(Topic, topic.id).lineitem_url == placed.lineitem_id
    plain, _ = lms.land(lms.launch("student-02"))
    assert _selected_topic(plain.text) is None


def test_a_link_copied_into_another_course_finds_no_topic(app, lms, client, algebra):
    token = _deep_link_token(lms)
    lms.platform.receive_deep_link(_returned_jwt(
        _place(client, token, topic="new", new_topic_name="Logarithms").text)[1])
    (placed,) = lms.platform.placed_links.values()
    other_course = put({CONTEXT: {"id": "copied-course", "title": "MATH 101 (copy)"}})
    landing, token = lms.land(lms.launch_with(other_course, user_id="student-01",
                                              link_id=placed.link_id))
    assert "MATH 101 (copy)" in landing.text
    assert read(token, app.config["SECRET_KEY"], utcnow()).topic_id is None
    assert fresh(Topic, _topic("Logarithms").id).lineitem_url is None


def test_a_column_is_offered_only_when_the_lms_lets_the_tool_create_one(lms, client):
    readonly = put({AGS: {"lineitems": lms.platform.lineitems_url, "scope": [SCOPE_SCORE]}})
    landing, token = lms.land(lms.launch_with(readonly, user_id="instructor-1",
                                              message="deep_link"))
    assert 'name="gradebook_column"' not in landing.text
    assert "did not let this tool create gradebook columns" in landing.text
    answer = _place(client, token, topic="new", new_topic_name="Limits", gradebook_column="yes")
    assert answer.status_code == 400 and 'name="JWT"' not in answer.text
    assert "did not let the tool add gradebook columns" in answer.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Topic)) == 0


@pytest.mark.parametrize(
    ("form", "status", "words"),
    [
        ({"topic": "new", "new_topic_name": "   "}, 400, "Give the topic a name."),
        ({"topic": "new", "new_topic_name": "x" * 201}, 400, "limited to 200 characters"),
        ({"topic": "new", "new_topic_name": "vectors"}, 409, "already has the topic Vectors"),
        ({"topic": "new", "new_topic_name": "Limits", "new_subject_id": "999"}, 400,
         "Choose a subject from the catalog"),
        ({"topic": "999999"}, 404, "not one of this course"),
        ({"topic": "²"}, 404, "not one of this course"),
        ({"topic": "9" * 30}, 404, "not one of this course"),
        ({"topic": "retired"}, 409, "Old topic is retired"),
        ({"topic": "vectors", "gradebook_column": "yes"}, 409, "already has a gradebook column"),
    ],
    ids=["blank", "too-long", "taken", "unknown-subject", "unknown-topic", "superscript-digit",
         "huge-id", "retired", "second-column"],
)
def test_bad_topic_choices_get_a_clear_message_and_sign_nothing(lms, client, form, status, words):
    token = _deep_link_token(lms)
    course = _course()
    vectors = Topic(course_id=course.id, name="Vectors", lineitem_url="https://lms.test/li/1")
    old = Topic(course_id=course.id, name="Old topic", retired=True)
    db.session.add_all([vectors, old])
    db.session.commit()
    ids = {"vectors": str(vectors.id), "retired": str(old.id)}
    answer = _place(client, token, **{**form, "topic": ids.get(form["topic"], form["topic"])})
    assert answer.status_code == status and words in unescape(answer.text)
    assert 'name="JWT"' not in answer.text and "<h1>Course setup</h1>" in answer.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Topic)) == 2


def test_a_topic_of_another_course_cannot_be_placed(lms, client):
    token = _deep_link_token(lms)
    course = _course()
    other = Course(platform_id=course.platform_id, deployment_id=course.deployment_id,
                   context_id="another-course")
    db.session.add(other)
    db.session.flush()
    theirs = Topic(course_id=other.id, name="Theirs")
    db.session.add(theirs)
    db.session.commit()
    answer = _place(client, token, topic=str(theirs.id))
    assert answer.status_code == 404 and 'name="JWT"' not in answer.text


def test_topic_links_need_the_deep_linking_launch_and_a_staff_or_designer_role(lms, client):
    token = lms.land(lms.launch("instructor-1"))[1]
    answer = _place(client, token, topic="new", new_topic_name="Limits")
    assert answer.status_code == 400 and 'name="JWT"' not in answer.text
    student = lms.land(lms.launch("student-01"))[1]
    answer = _place(client, student, topic="new", new_topic_name="Limits")
    assert answer.status_code == 403 and 'name="JWT"' not in answer.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Topic)) == 0


def test_a_designer_places_a_topic_link(lms, client):
    token = _deep_link_token(lms, "designer-1")
    answer = _place(client, token, topic="new", new_topic_name="Matrices")
    (item,) = lms.platform.receive_deep_link(_returned_jwt(answer.text)[1])
    assert item["title"] == "Tutoring: Matrices"


def test_the_platform_refuses_a_response_that_does_not_echo_its_data(lms, app):
    key = signing_key(box(app.config))
    response_jwt = deep_linking_response(lms.platform.issuer, "client-1", "deployment-1",
                                         {"sandbox": "altered"}, [TutoringLink("Tutoring")],
                                         TOOL, key)
    with pytest.raises(PlatformError, match="data"):
        lms.platform.receive_deep_link(response_jwt)
    assert not lms.platform.placed_links


def _course() -> Course:
    return db.session.execute(db.select(Course)).scalar_one()
