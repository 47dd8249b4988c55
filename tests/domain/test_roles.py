"""Course roles decide where a launch lands; institution and system roles grant nothing."""

import pytest

from lti_tool.domain.roles import Destination, audience_for, parse_role

M = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
INST = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"
SYS = "http://purl.imsglobal.org/vocab/lis/v2/system/person#"
TA = "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"
TEST_USER = "http://purl.imsglobal.org/vocab/lti/system/person#TestUser"


@pytest.mark.parametrize(
    ("roles", "destination"),
    [
        ([M + "Learner"], Destination.TUTORING),
        ([M + "Instructor"], Destination.PORTAL),
        ([M + "Instructor", TA], Destination.PORTAL),
        ([TA], Destination.PORTAL),
        ([M + "Administrator"], Destination.PORTAL),
        ([M + "ContentDeveloper"], Destination.COURSE_SETUP),
        ([M + "Learner", M + "Instructor"], Destination.PORTAL),
        (["Instructor"], Destination.PORTAL),
        (["Learner"], Destination.TUTORING),
        (["urn:lti:role:ims/lis/Learner"], Destination.TUTORING),
        ([M + "Mentor"], Destination.NOT_AVAILABLE),
        ([], Destination.NOT_AVAILABLE),
        ([""], Destination.NOT_AVAILABLE),
        (None, Destination.NOT_AVAILABLE),
        (
            ["http://purl.imsglobal.org/vocab/lis/v2/unknown/unknown#Helper"],
            Destination.NOT_AVAILABLE,
        ),
        ([INST + "Administrator"], Destination.NOT_AVAILABLE),
        ([INST + "Faculty", INST + "Instructor", INST + "Staff"], Destination.NOT_AVAILABLE),
        ([SYS + "Administrator"], Destination.NOT_AVAILABLE),
        ([M + "Learner", INST + "Administrator", INST + "Faculty"], Destination.TUTORING),
        ([M + "Instructor", INST + "Staff", INST + "Other"], Destination.PORTAL),
        ([42, {"role": "Instructor"}], Destination.NOT_AVAILABLE),
    ],
)
def test_destination_follows_context_roles_only(roles, destination):
    assert audience_for(roles).destination is destination


def test_staff_who_are_also_learners_can_open_both_views():
    audience = audience_for([M + "Instructor", M + "Learner"])
    assert audience.can_open_portal and audience.can_open_tutoring


def test_canvas_test_student_is_a_learner_marked_as_test_user():
    audience = audience_for([M + "Learner", TEST_USER])
    assert audience.destination is Destination.TUTORING and audience.test_user


def test_designer_sets_up_the_course_but_never_opens_the_portal():
    audience = audience_for([M + "ContentDeveloper"])
    assert audience.can_set_up_course and not audience.can_open_portal


def test_sub_role_keeps_its_parent():
    role = parse_role(TA)
    assert (role.scope, role.name, role.parent) == ("context", "TeachingAssistant", "Instructor")
