from datetime import datetime, timedelta

import pytest

from lti_tool.domain.roster import age_in_words, role_words, status_words

M = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
TA = "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"
TEST_USER = "http://purl.imsglobal.org/vocab/lti/system/person#TestUser"
FACULTY = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Faculty"


@pytest.mark.parametrize(("roles", "words"), [
    ([M + "Instructor", FACULTY], ["Instructor"]),
    ([M + "Instructor", TA], ["Teaching assistant"]),
    ([TA], ["Teaching assistant"]),
    ([M + "Learner"], ["Student"]),
    ([M + "Learner", TEST_USER], ["Test student"]),
    ([M + "ContentDeveloper"], ["Course designer"]),
    ([M + "Mentor"], ["Observer"]),
    (["Learner", "urn:lti:role:ims/lis/Instructor"], ["Student", "Instructor"]),
    ([FACULTY, "http://example.com/custom#Thing"], []),
    ([], []),
])
def test_course_roles_read_in_words(roles, words):
    assert role_words(roles) == words


@pytest.mark.parametrize(("status", "removed", "words"), [
    ("Active", False, "Active"),
    ("Inactive", False, "Inactive"),
    ("Deleted", False, "Deleted"),
    ("Inactive", True, "Removed from the LMS roster"),
    ("Unheard-of", False, "Active"),
])
def test_status_reads_in_words(status, removed, words):
    assert status_words(status, removed) == words


NOW = datetime(2025, 3, 10, 12, 0)


@pytest.mark.parametrize(("ago", "words"), [
    (timedelta(seconds=20), "just now"),
    (timedelta(minutes=1), "1 minute ago"),
    (timedelta(minutes=12, seconds=59), "12 minutes ago"),
    (timedelta(minutes=60), "1 hour ago"),
    (timedelta(hours=5, minutes=59), "5 hours ago"),
    (timedelta(days=2, hours=3), "2 days ago"),
    (timedelta(seconds=-30), "just now"),  # a clock a little ahead is not "in the future"
])
def test_roster_age_reads_in_words(ago, words):
    assert age_in_words(NOW - ago, NOW) == words
