"""Pure rules of LMS service calls: next-page links, retry timing, AGS sub-URLs."""

from datetime import datetime

import pytest

from lti_tool.lms.ags import sub_url
from lti_tool.lms.nrps import first_page_url, parse_member
from lti_tool.lms.paging import next_page_url
from lti_tool.lms.retry import backoff_seconds, is_retryable, retry_after_seconds

NOW = datetime(2026, 11, 24, 12, 0, 0)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('<https://lms.test/m?page=2&limit=50>; rel="next"', "https://lms.test/m?page=2&limit=50"),
        ('<https://lms.test/m?p=1>; rel="first", <https://lms.test/m?p=3>; rel="next"',
         "https://lms.test/m?p=3"),
        ("<https://lms.test/m?p=2>; rel=next", "https://lms.test/m?p=2"),
        ('<https://lms.test/m?p=2>; REL="Next"', "https://lms.test/m?p=2"),
        ('<https://lms.test/m?p=2>; rel="next last"', "https://lms.test/m?p=2"),
        ('<https://lms.test/m?p=2>; title="x"; rel="next"', "https://lms.test/m?p=2"),
        ('<https://lms.test/m?p=9>; rel="last"', None),
        ('<https://lms.test/m?p=9>; rel="nextpage"', None),
        ("", None),
        (None, None),
    ],
)
def test_next_page_url_is_the_rel_next_link_exactly_as_given(header, expected):
    assert next_page_url(header) == expected


def test_next_page_url_keeps_the_case_of_the_url():
    # pylti1p3 2.0 lower-cased the whole header and broke signed Canvas page URLs.
    header = ('<https://LMS.test/api/lti/courses/1/names_and_roles?page=bookmark:WyJBYiJd>;'
              ' rel="next"')
    assert next_page_url(header).endswith("page=bookmark:WyJBYiJd")
    assert next_page_url(header).startswith("https://LMS.test/")


@pytest.mark.parametrize(("status", "retry"), [(429, True), (500, True), (502, True),
                                               (503, True), (504, True), (400, False),
                                               (401, False), (403, False), (404, False)])
def test_only_throttling_and_server_failures_are_retried(status, retry):
    assert is_retryable(status) is retry


def test_retry_after_reads_seconds_and_http_dates():
    assert retry_after_seconds("7", NOW) == 7
    assert retry_after_seconds("Tue, 24 Nov 2026 12:00:30 GMT", NOW) == 30
    assert retry_after_seconds("Tue, 24 Nov 2026 11:59:00 GMT", NOW) == 0
    assert retry_after_seconds("soon", NOW) is None
    assert retry_after_seconds(None, NOW) is None


def test_backoff_doubles_with_jitter_honours_retry_after_and_stays_under_the_cap():
    assert [backoff_seconds(n, None, 1, 60, 0) for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert backoff_seconds(2, None, 1, 60, 0.99) == pytest.approx(2.99)
    assert backoff_seconds(1, 12, 1, 60, 0.5) == 12
    assert backoff_seconds(1, 600, 1, 60, 0) == 60
    assert backoff_seconds(10, None, 1, 60, 0) == 60


@pytest.mark.parametrize(
    ("lineitem", "scores"),
    [
        ("https://lms.test/c/1/lineitems/7", "https://lms.test/c/1/lineitems/7/scores"),
        ("https://lms.test/c/1/lineitems/7/", "https://lms.test/c/1/lineitems/7/scores"),
        ("https://moodle.test/mod/lti/services.php/2/lineitems/3/lineitem?type_id=1",
         "https://moodle.test/mod/lti/services.php/2/lineitems/3/lineitem/scores?type_id=1"),
    ],
)
def test_score_url_appends_to_the_path_and_keeps_the_query(lineitem, scores):
    assert sub_url(lineitem, "scores") == scores


def test_first_roster_page_asks_for_a_page_size_and_keeps_the_lms_query():
    assert first_page_url("https://lms.test/m", 50) == "https://lms.test/m?limit=50"
    assert first_page_url("https://lms.test/m?rlid=4", 50) == "https://lms.test/m?rlid=4&limit=50"


def test_a_member_without_status_is_active_and_one_without_user_id_is_skipped():
    member = parse_member({"user_id": 42, "roles": ["Learner", 7]})
    assert (member.user_id, member.roles, member.status) == ("42", ("Learner",), "Active")
    assert parse_member({"roles": ["Learner"]}) is None
    assert parse_member({"user_id": "a", "roles": [], "status": "Weird"}).status == "Active"
    assert parse_member({"user_id": "a", "roles": [], "status": "Inactive"}).status == "Inactive"
