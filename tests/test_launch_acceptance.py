"""Launches that must not be refused, and where each one lands.

LTI_SECURITY.md table (b) rows 13-17, 21, 32-33 (first halves) and 54, plus the Canvas test
student and roles that must never open the portal: each launch is accepted and lands on the
page its course roles allow; a launch without a course role or a course gets no launch token.
"""

import pytest

from lti_tool.extensions import db
from lti_tool.lms.claims import CONTEXT, CUSTOM, DEPLOYMENT_ID, ROLES
from lti_tool.models import Course, Deployment, LmsUser, Membership
from tests.platform_fixture import drop, put, timed

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
MEMBER = LIS + "membership#"
INSTITUTION = LIS + "institution/person#"
TEST_USER = "http://purl.imsglobal.org/vocab/lti/system/person#TestUser"

TUTORING = "<h1>Tutoring</h1>"
PORTAL = "<h1>Client Portal</h1>"
SETUP = "<h1>Course setup</h1>"
NOT_AVAILABLE = "Not available for your role"
NO_COURSE = "Open the tool from a course"


def assert_lands(lms, response, heading: str) -> str:
    """Follow an accepted launch to its landing page and check the page; return its HTML."""
    assert response.status_code == 200
    landing, _ = lms.land(response)
    assert landing.status_code == 200
    assert heading in landing.text
    return landing.text


def assert_limited_page(response, heading: str) -> None:
    """An accepted launch that opens nothing: a 200 page that says why, and no launch token."""
    assert response.status_code == 200
    assert heading in response.text
    assert 'name="launch_token"' not in response.text


def user(sub: str) -> LmsUser:
    return db.session.execute(db.select(LmsUser).filter_by(sub=sub)).scalar_one()


@pytest.mark.parametrize(
    ("sub", "heading"),
    [("student-01", TUTORING), ("instructor-1", PORTAL), ("ta-1", PORTAL)],
)
def test_row13_valid_launch_records_the_user_and_lands_on_their_page(lms, sub, heading):
    assert_lands(lms, lms.launch(sub), heading)
    assert user(sub).last_launch_at is not None


@pytest.mark.parametrize(
    ("roles", "heading"),
    [
        pytest.param([""], NOT_AVAILABLE, id="row14-empty-role-string"),
        pytest.param([], NOT_AVAILABLE, id="row14-no-roles"),
        pytest.param([LIS + "unknown/unknown#Helper"], NOT_AVAILABLE, id="row15-unknown"),
        pytest.param(["Instructor"], PORTAL, id="row15-short-instructor"),
        pytest.param(
            [MEMBER + "Instructor", INSTITUTION + "Staff", INSTITUTION + "Other"], PORTAL,
            id="row15-multiple",
        ),
        pytest.param([INSTITUTION + "Staff"], NOT_AVAILABLE, id="row15-institution-staff"),
        pytest.param([INSTITUTION + "Administrator"], NOT_AVAILABLE, id="institution-admin"),
        pytest.param([INSTITUTION + "Faculty"], NOT_AVAILABLE, id="institution-faculty"),
        pytest.param(
            [INSTITUTION + "Faculty", INSTITUTION + "Staff", LIS + "system/person#Administrator"],
            NOT_AVAILABLE, id="institution-and-system-roles",
        ),
        pytest.param([MEMBER + "Mentor"], NOT_AVAILABLE, id="mentor"),
        pytest.param([MEMBER + "Learner"], TUTORING, id="learner"),
        pytest.param([MEMBER + "ContentDeveloper"], SETUP, id="designer"),
    ],
)
def test_launch_lands_by_course_roles_alone(lms, roles, heading):
    response = lms.launch_with(put({ROLES: roles}), user_id="instructor-1")
    if heading == NOT_AVAILABLE:
        assert_limited_page(response, NOT_AVAILABLE)
    else:
        assert_lands(lms, response, heading)


def test_canvas_test_student_lands_in_tutoring_marked_as_test_user(lms):
    response = lms.launch_with(put({ROLES: [MEMBER + "Learner", TEST_USER]}))
    assert_lands(lms, response, TUTORING)
    membership = db.session.execute(
        db.select(Membership).filter_by(user_id=user("student-01").id)
    ).scalar_one()
    assert membership.is_test_user is True


@pytest.mark.parametrize(
    ("missing", "greeting"),
    [
        pytest.param(("name", "given_name", "family_name"), "Welcome, LMS user.", id="email-only"),
        pytest.param(("email",), "Welcome, Ava Adams.", id="names-only"),
        pytest.param(("name", "given_name", "family_name", "email"), "Welcome, LMS user.",
                     id="no-pii"),
    ],
)
def test_row16_launch_without_some_or_all_pii_lands(lms, missing, greeting):
    assert greeting in assert_lands(lms, lms.launch_with(drop(*missing)), TUTORING)


@pytest.mark.parametrize("sub", ["student-01", "instructor-1"])
def test_row17_launch_without_context_gets_a_limited_page_and_no_course_data(lms, sub):
    lms.launch(sub)  # the same person already has a course from an earlier launch
    assert_limited_page(lms.launch_with(drop(CONTEXT), user_id=sub), NO_COURSE)
    assert db.session.scalar(db.select(db.func.count()).select_from(Course)) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(Membership)) == 1


def test_row21_our_client_id_after_a_trusted_audience_is_accepted(lms):
    lms.record.extra_audiences = ["https://lms.test/reporting"]
    db.session.commit()
    audiences = put({"aud": ["https://lms.test/reporting", "client-1"], "azp": "client-1"})
    assert_lands(lms, lms.launch_with(audiences), TUTORING)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(timed(iat=-90, exp=-30), id="row32-exp-30s-ago"),
        pytest.param(timed(iat=2, exp=300), id="row33-iat-in-2s"),
    ],
)
def test_clock_skew_within_the_leeway_is_accepted(lms, change):
    assert_lands(lms, lms.launch_with(change), TUTORING)


def test_row54_unknown_claims_and_non_string_custom_values_are_ignored(lms):
    extras = put(
        {
            "https://www.instructure.com/placement": "course_navigation",
            "https://purl.imsglobal.org/spec/lti/claim/lis": {"person_sourcedid": 42},
            "http://vendor.example/claim": ["x", {"y": None}],
            CUSTOM: {"timezone": 5, "week": 3, "flags": [True, None], "nested": {"a": 1}},
        }
    )
    assert_lands(lms, lms.launch_with(extras), TUTORING)
    assert user("student-01").timezone is None


def test_another_deployment_of_the_same_client_id_is_accepted(lms):
    db.session.add(Deployment(platform_id=lms.record.id, deployment_id="deployment-2"))
    db.session.commit()
    response = lms.launch_with(
        put({DEPLOYMENT_ID: "deployment-2"}), params={"lti_deployment_id": "deployment-2"}
    )
    assert_lands(lms, response, TUTORING)


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Tokyo"])
def test_launch_is_accepted_whatever_the_server_time_zone(lms, server_time_zone, zone):
    server_time_zone(zone)
    assert_lands(lms, lms.launch(), TUTORING)


def test_malformed_service_claims_are_ignored_not_fatal(lms):
    ags = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
    response = lms.launch_with(put({ags: {"lineitems": "https://lms.test/li", "scope": 5}}))
    assert_lands(lms, response, TUTORING)
    assert db.session.execute(db.select(Course)).scalar_one().ags_scopes == []
