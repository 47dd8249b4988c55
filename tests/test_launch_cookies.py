"""When the LMS frame may not keep cookies, the login offers to open the tool in a new window."""

from urllib.parse import parse_qsl, urlsplit

from tests.platform_fixture import TOOL


def _new_window_link(html: str) -> str | None:
    marker = 'target="_blank" rel="opener"'
    if marker not in html:
        return None
    href = html[: html.index(marker)].rsplit('href="', 1)[1].split('"', 1)[0]
    return href.replace("&amp;", "&")


def test_login_page_offers_a_new_window_with_the_same_login(lms):
    page = lms.login("student-01")
    link = _new_window_link(page.text)
    assert link is not None
    params = dict(parse_qsl(urlsplit(link).query))
    assert params["new_window"] == "1" and params["login_hint"] == "student-01"
    assert params["iss"] == lms.platform.issuer


def test_login_in_the_new_window_launches_normally_and_offers_no_further_window(lms):
    link = _new_window_link(lms.login("student-01").text)
    top_level = lms.client.get(link, base_url=TOOL)
    assert _new_window_link(top_level.text) is None
    landing, _ = lms.land(lms.post_launch(lms.authorize(top_level)))
    assert landing.status_code == 200 and "Tutoring" in landing.text


def test_platform_may_post_the_login_initiation(lms):
    url = lms.platform.login_initiation_url("student-01")
    posted = lms.client.post("/lti/login", data=dict(parse_qsl(urlsplit(url).query)),
                             base_url=TOOL)
    assert posted.status_code == 200 and _new_window_link(posted.text) is not None
    landing, _ = lms.land(lms.post_launch(lms.authorize(posted)))
    assert "Tutoring" in landing.text


def _clears_state_cookie(response) -> bool:
    return any(
        header.startswith("lti_state_") and "Max-Age=0" in header
        for header in response.headers.getlist("Set-Cookie")
    )


def test_state_cookie_is_cleared_after_a_launch_accepted_or_refused(lms):
    form = lms.authorize(lms.login("student-01"))
    assert _clears_state_cookie(lms.post_launch(form))
    replayed = lms.post_launch(form)
    assert replayed.status_code == 401 and _clears_state_cookie(replayed)
