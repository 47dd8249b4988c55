"""Every route × every audience gets the expected status; courses and LMSs stay apart."""

from dataclasses import replace
from datetime import timedelta

import pytest

from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.launch_context import LaunchContext, issue, read
from lti_tool.models import Membership
from lti_tool.services.accounts import create_account
from tests.admin_session import sign_in
from tests.platform_fixture import TOOL, TestPlatform

LTI_ROUTES = ["/tutoring/", "/portal/", "/portal/setup"]
ADMIN_ROUTES = ["/admin/", "/admin/jobs"]


def landed_token(lms, user_id: str) -> str:
    return lms.land(lms.launch(user_id))[1]


def minted_token(app, lms, **roles) -> str:
    """A genuine context for audiences no launch lands (a mentor's), to test the route check."""
    secret = app.config["SECRET_KEY"]
    base = read(landed_token(lms, "student-05"), secret, utcnow())
    flags = {"staff": False, "learner": False, "designer": False, "test_user": False, **roles}
    return issue(replace(base, **flags), secret, utcnow(), 600)


@pytest.fixture
def tokens(app, lms):
    secret = app.config["SECRET_KEY"]
    student = landed_token(lms, "student-01")
    expired_context = LaunchContext(1, 1, 1, 1, False, True, False, False, "x")
    return {
        "anonymous": None,
        "student": student,
        "instructor": landed_token(lms, "instructor-1"),
        "ta": landed_token(lms, "ta-1"),
        "designer": landed_token(lms, "designer-1"),
        "mentor": minted_token(app, lms),
        "forged": issue(expired_context, "not-our-secret", utcnow(), 600),
        "altered": student[:-4] + ("AAAA" if not student.endswith("AAAA") else "BBBB"),
        "expired": issue(expired_context, secret, utcnow() - timedelta(hours=2), 60),
    }


EXPECTED = {
    "/tutoring/": {"student": 200, "instructor": 403, "ta": 403, "designer": 403, "mentor": 403},
    "/portal/": {"student": 403, "instructor": 200, "ta": 200, "designer": 403, "mentor": 403},
    "/portal/setup": {"student": 403, "instructor": 200, "ta": 200, "designer": 200,
                      "mentor": 403},
}


@pytest.mark.parametrize("route", LTI_ROUTES)
@pytest.mark.parametrize(
    "who", ["anonymous", "student", "instructor", "ta", "designer", "mentor", "forged",
            "altered", "expired"],
)
def test_lti_route_authorization(client, tokens, route, who):
    token = tokens[who]
    data = {"launch_token": token} if token else {}
    status = client.post(route, data=data, base_url=TOOL).status_code
    assert status == EXPECTED[route].get(who, 401)


@pytest.mark.parametrize("route", LTI_ROUTES)
def test_scripts_may_send_the_launch_context_as_a_header(client, tokens, route):
    response = client.get(route, headers={"X-Launch-Token": tokens["instructor"]}, base_url=TOOL)
    assert response.status_code == EXPECTED[route]["instructor"]


def test_lti_pages_without_a_launch_say_to_open_from_the_course(client):
    response = client.get("/portal/", base_url=TOOL)
    assert response.status_code == 401
    assert "Open the tool from your course" in response.text


@pytest.mark.parametrize("route", ADMIN_ROUTES)
def test_admin_routes_need_a_signed_in_admin(app, client, tokens, route):
    assert client.get(route, base_url=TOOL).status_code == 302
    launched = client.post(route, data={"launch_token": tokens["instructor"]}, base_url=TOOL)
    assert launched.status_code in (302, 405)
    create_account("tutor@example.edu", "Tutor", "tutor-password-1")
    refused = sign_in(client, "tutor@example.edu", "tutor-password-1")
    assert refused.status_code == 401 and "do not match a service admin" in refused.text
    assert client.get(route, base_url=TOOL).status_code == 302
    create_account("admin@example.edu", "Admin", "admin-password-1", is_admin=True)
    other = app.test_client()
    sign_in(other, "admin@example.edu", "admin-password-1")
    assert other.get(route, base_url=TOOL).status_code == 200


def test_admin_account_does_not_open_lti_pages(app, client):
    create_account("admin@example.edu", "Admin", "admin-password-1", is_admin=True)
    sign_in(client, "admin@example.edu", "admin-password-1")
    assert client.post("/portal/", base_url=TOOL).status_code == 401


def test_two_lms_courses_in_two_tabs_stay_apart(app, client, lms, mocked_network,
                                                other_key_pair):
    other = TestPlatform.register(app, client, mocked_network, other_key_pair,
                                  issuer="https://other-lms.test", client_id="client-2",
                                  deployment_id="dep-2")
    other.platform.course.title = "BIO 200: Genetics"
    first = landed_token(lms, "student-01")
    second = landed_token(other, "student-01")
    page_one = client.post("/tutoring/", data={"launch_token": first}, base_url=TOOL)
    page_two = client.post("/tutoring/", data={"launch_token": second}, base_url=TOOL)
    assert "MATH 101" in page_one.text and "BIO 200" not in page_one.text
    assert "BIO 200" in page_two.text and "MATH 101" not in page_two.text


def test_a_course_id_in_the_form_is_ignored(client, lms):
    token = landed_token(lms, "student-01")
    page = client.post("/tutoring/", data={"launch_token": token, "course_id": "999"},
                       base_url=TOOL)
    assert page.status_code == 200 and "MATH 101" in page.text


@pytest.mark.parametrize("left", ["removed", "Inactive", "Deleted"])
def test_a_page_left_open_stops_working_once_the_roster_says_the_person_left(
        client, lms, left):
    token = landed_token(lms, "student-01")
    membership = db.session.execute(db.select(Membership)).scalar_one()
    if left == "removed":
        membership.removed_at = utcnow()
    else:
        membership.status = left
    db.session.commit()
    page = client.post("/tutoring/", data={"launch_token": token}, base_url=TOOL)
    assert page.status_code == 403 and "no longer lists you in this course" in page.text
    # The LMS lets them launch again (re-enrolled): the new launch works.
    again = landed_token(lms, "student-01")
    assert client.post("/tutoring/", data={"launch_token": again},
                       base_url=TOOL).status_code == 200
