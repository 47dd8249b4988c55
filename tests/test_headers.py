"""LTI pages may be framed only by their platform; every response carries safe headers."""

from tests.platform_fixture import TOOL


def test_lti_pages_may_be_framed_by_the_registered_platform_only(lms):
    landing, _ = lms.land(lms.launch("instructor-1"))
    csp = landing.headers["Content-Security-Policy"]
    assert "frame-ancestors https://lms.test" in csp
    assert "X-Frame-Options" not in landing.headers
    assert landing.headers["Referrer-Policy"] == "same-origin"


def test_login_page_may_be_framed_by_its_platform(lms):
    response = lms.login("student-01")
    assert "frame-ancestors https://lms.test" in response.headers["Content-Security-Policy"]


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
