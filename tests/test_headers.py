"""LTI pages may be framed only by their platform; every response carries safe headers."""

import pytest

from tests.platform_fixture import TOOL, put


def test_lti_pages_may_be_framed_by_the_registered_platform_only(lms):
    landing, _ = lms.land(lms.launch("instructor-1"))
    csp = landing.headers["Content-Security-Policy"]
    assert "frame-ancestors https://lms.test" in csp
    assert "X-Frame-Options" not in landing.headers
    assert landing.headers["Referrer-Policy"] == "same-origin"


def test_login_page_may_be_framed_by_any_lms(lms):
    # A Canvas school's own domain is learnt from its first launch, which this page starts.
    response = lms.login("student-01")
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]


def test_signed_launch_teaches_the_platform_origins_that_frame_the_tool(lms):
    tool_platform = "https://purl.imsglobal.org/spec/lti/claim/tool_platform"
    response = lms.launch_with(put({tool_platform: {"guid": "x", "url": "https://school.lms.test/"}}))
    landing, _ = lms.land(response)
    csp = landing.headers["Content-Security-Policy"]
    assert "https://school.lms.test" in csp and "https://lms.test" in csp


def test_admin_error_pages_cannot_be_framed(client):
    response = client.get("/admin/no-such-page", base_url=TOOL)
    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_hsts_is_sent_behind_an_https_proxy(client):
    over_https = client.get("/.well-known/jwks.json", base_url="http://tool.test",
                            headers={"X-Forwarded-Proto": "https"})
    plain = client.get("/.well-known/jwks.json", base_url="http://tool.test")
    assert "max-age=" in over_https.headers["Strict-Transport-Security"]
    assert "Strict-Transport-Security" not in plain.headers


def test_launch_state_cookie_crosses_sites_in_a_partitioned_jar(lms):
    cookie = lms.login("student-01").headers["Set-Cookie"]
    for attribute in ("Secure", "HttpOnly", "SameSite=None", "Partitioned", "Path=/lti/"):
        assert attribute in cookie


def test_unknown_page_gets_a_helpful_404(client):
    response = client.get("/no-such-page", base_url=TOOL)
    assert response.status_code == 404 and "Page not found" in response.text


@pytest.mark.parametrize("path", ["/tutor/nowhere", "/account/nowhere"])
def test_signed_in_area_error_pages_cannot_be_framed(client, path):
    response = client.get(path, base_url=TOOL)
    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_tutoring_error_pages_stay_visible_inside_the_lms_frame(client):
    response = client.get("/tutoring/nowhere", base_url=TOOL)
    assert response.status_code == 404
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
