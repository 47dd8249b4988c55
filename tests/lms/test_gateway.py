"""LMS service calls against the test platform: tokens, their cache, retries, typed errors."""

import json
import re
from urllib.parse import parse_qsl

import jwt
import pytest
import responses

from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.lms.ags import lineitems
from lti_tool.lms.claims import SCOPE_LINEITEM_READONLY, SCOPE_NRPS
from lti_tool.lms.errors import LmsRefused, LmsUnavailable, ScopeNotGranted
from lti_tool.lms.gateway import LmsGateway
from lti_tool.lms.nrps import MEMBERSHIP_CONTAINER, first_page_url, member_pages
from lti_tool.lms.presets import Endpoints
from lti_tool.models import Course, ServiceToken
from lti_tool.services.platforms import add_platform
from tests.platform_fixture import TOOL


@pytest.fixture
def course(lms):
    lms.land(lms.launch("instructor-1"))
    return db.session.execute(db.select(Course)).scalar_one()


@pytest.fixture
def waits():
    return []


@pytest.fixture
def gateway(app, lms, waits):
    return LmsGateway(lms.record, app.config, clock=utcnow, sleep=waits.append,
                      jitter=lambda: 0.0)


def roster(gateway, course):
    return [m for page in member_pages(gateway, first_page_url(course.nrps_url, 50))
            for m in page.members]


def test_token_request_is_a_signed_client_assertion_for_only_the_needed_scope(
        app, client, lms, gateway, course):
    assert len(roster(gateway, course)) == len(lms.platform.course.members)
    (form,) = lms.token_requests
    assert form["grant_type"] == "client_credentials"
    assert form["client_assertion_type"] == (
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
    assert form["scope"] == SCOPE_NRPS
    header = jwt.get_unverified_header(form["client_assertion"])
    claims = jwt.decode(form["client_assertion"], options={"verify_signature": False})
    tool_kids = [k["kid"] for k in client.get("/.well-known/jwks.json", base_url=TOOL).json["keys"]]
    assert header["alg"] == "RS256" and header["kid"] in tool_kids
    assert claims["iss"] == claims["sub"] == "client-1"
    assert claims["aud"] == lms.platform.token_url
    assert claims["exp"] - claims["iat"] == 300 and claims["jti"]


def test_token_is_cached_in_the_database_and_shared_by_later_calls(lms, gateway, course, app):
    roster(gateway, course)
    LmsGateway(lms.record, app.config, clock=utcnow).get(
        course.nrps_url, (SCOPE_NRPS,), MEMBERSHIP_CONTAINER)
    assert len(lms.token_requests) == 1
    row = db.session.execute(db.select(ServiceToken)).scalar_one()
    assert row.scopes == SCOPE_NRPS and row.expires_at > utcnow()
    assert b"ey" not in row.access_token_encrypted[:2]  # sealed at rest, not the raw JWT


def test_each_assertion_has_its_own_jti(lms, gateway, course):
    roster(gateway, course)
    gateway.get(course.ags_lineitems_url, (SCOPE_LINEITEM_READONLY,), "application/json")
    jtis = {jwt.decode(f["client_assertion"], options={"verify_signature": False})["jti"]
            for f in lms.token_requests}
    assert len(jtis) == len(lms.token_requests) == 2


def test_a_token_near_expiry_is_replaced(lms, gateway, course):
    roster(gateway, course)
    row = db.session.execute(db.select(ServiceToken)).scalar_one()
    row.expires_at = utcnow()
    db.session.commit()
    roster(gateway, course)
    assert len(lms.token_requests) == 2


def test_429_with_retry_after_waits_as_asked_then_succeeds(lms, gateway, course, waits):
    lms.fail("GET", "/memberships", 429, {"Retry-After": "3"})
    assert len(roster(gateway, course)) == len(lms.platform.course.members)
    assert waits == [3.0]


def test_500_then_success_backs_off_once(lms, gateway, course, waits):
    lms.fail("GET", "/memberships", 500)
    assert len(roster(gateway, course)) == len(lms.platform.course.members)
    assert waits == [1.0]


def test_retries_stop_after_the_configured_tries_with_the_lms_message(
        app, lms, gateway, course, waits):
    lms.fail("GET", "/memberships", 503, times=10)
    with pytest.raises(LmsUnavailable) as error:
        roster(gateway, course)
    assert error.value.status == 503 and "injected 503" in str(error.value)
    assert waits == [1.0, 2.0, 4.0, 8.0]  # five tries in all
    assert len(waits) == app.config["LMS_RETRY_MAX_TRIES"] - 1


def test_401_with_a_cached_token_gets_one_new_token_and_retries_once(lms, gateway, course):
    roster(gateway, course)
    lms.fail("GET", "/memberships", 401)
    assert len(roster(gateway, course)) == len(lms.platform.course.members)
    assert len(lms.token_requests) == 2
    first, second = (f["client_assertion"] for f in lms.token_requests)
    assert first != second


def test_a_second_401_is_a_refusal_not_a_loop(lms, gateway, course, waits):
    lms.fail("GET", "/memberships", 401, times=2)
    with pytest.raises(LmsRefused) as error:
        roster(gateway, course)
    assert error.value.status == 401 and waits == []
    assert len(lms.token_requests) == 2


def test_a_404_is_not_retried(lms, gateway, course, waits):
    lms.fail("GET", "/memberships", 404)
    with pytest.raises(LmsRefused) as error:
        roster(gateway, course)
    assert error.value.status == 404 and waits == []


def test_token_endpoint_invalid_scope_is_surfaced_without_retrying(lms, gateway, course, waits):
    lms.fail("POST", "/token", 400)
    with pytest.raises(LmsRefused) as error:
        roster(gateway, course)
    assert error.value.status == 400 and "injected 400" in error.value.lms_message
    assert len(lms.token_requests) == 1 and waits == []


def test_a_token_granting_fewer_scopes_is_refused_before_any_call(
        app, lms, mocked_network, course):
    mocked_network.replace(responses.POST, lms.platform.token_url, json={
        "access_token": "t", "token_type": "bearer", "expires_in": 3600,
        "scope": "https://purl.imsglobal.org/spec/lti-ags/scope/score"})
    with pytest.raises(ScopeNotGranted) as error:
        roster(LmsGateway(lms.record, app.config, clock=utcnow), course)
    assert SCOPE_NRPS in str(error.value)
    assert lms.service_calls == []


def test_service_urls_over_http_are_refused_outside_development(app, lms, gateway, course):
    with pytest.raises(LmsRefused):
        gateway.get("http://lms.test/courses/x/memberships", (SCOPE_NRPS,), MEMBERSHIP_CONTAINER)


def test_two_registrations_of_one_issuer_never_share_a_token(app, lms, mocked_network):
    """Cloud Canvas: one issuer and token endpoint for every school, a client id per school."""
    issuer, token_url = "https://canvas.test", "https://sso.canvas.test/login/oauth2/token"
    schools = [add_platform(f"School {n}", Endpoints("canvas", issuer, issuer + "/auth",
                                                     token_url, issuer + "/jwks"),
                            f"client-{n}0", [f"dep-{n}"]) for n in (1, 2)]
    db.session.commit()
    seen: list[tuple[str, str]] = []

    def token(request):
        form = dict(parse_qsl(request.body))
        client_id = jwt.decode(form["client_assertion"], options={"verify_signature": False})["iss"]
        body = {"access_token": f"token-of-{client_id}", "token_type": "bearer",
                "expires_in": 3600, "scope": form["scope"]}
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    def members(request):
        seen.append((request.url.rsplit("/", 2)[-2], request.headers["Authorization"]))
        return 200, {}, json.dumps({"id": request.url, "members": []})

    mocked_network.add_callback(responses.POST, token_url, callback=token)
    mocked_network.add_callback(responses.GET, re.compile(issuer + "/courses/.*"),
                                callback=members)
    for _ in range(2):
        for number, school in enumerate(schools, start=1):
            url = f"{issuer}/courses/{number}/memberships"
            list(member_pages(LmsGateway(school, app.config, clock=utcnow), url))
    assert seen == [("1", "Bearer token-of-client-10"), ("2", "Bearer token-of-client-20")] * 2
    rows = db.session.execute(db.select(ServiceToken).order_by(ServiceToken.id)).scalars().all()
    assert [r.platform_id for r in rows] == [s.id for s in schools]


def test_a_retry_after_beyond_the_cap_is_left_to_the_jobs_backoff(app, lms, gateway, course,
                                                                   waits):
    lms.fail("GET", "/memberships", 429, {"Retry-After": "3600"})
    with pytest.raises(LmsUnavailable) as error:
        roster(gateway, course)
    assert "asked to wait 3600 s" in str(error.value) and waits == []


def test_a_throttled_token_endpoint_is_worth_another_try_later(lms, gateway, course):
    lms.fail("POST", "/token", 429)
    with pytest.raises(LmsUnavailable):
        roster(gateway, course)


def test_next_page_links_that_loop_are_refused_not_followed_forever(
        lms, gateway, course, mocked_network):
    url = "https://lms.test/courses/loop/memberships"

    def looping(request):
        return 200, {"Link": f'<{url}?page=1>; rel="next"'}, json.dumps({"members": []})

    mocked_network.add_callback(responses.GET, re.compile(re.escape(url) + ".*"),
                                callback=looping)
    with pytest.raises(LmsRefused, match="circles"):
        list(member_pages(gateway, url + "?page=1"))


def test_line_item_pages_never_take_the_token_to_another_host(lms, gateway, course,
                                                              mocked_network):
    url = "https://lms.test/courses/other/lineitems"
    mocked_network.add(responses.GET, url, json=[],
                       headers={"Link": '<https://evil.test/lineitems?p=2>; rel="next"'})
    with pytest.raises(LmsRefused, match="another host"):
        lineitems(gateway, url)
    assert not [c for c in mocked_network.calls if "evil.test" in c.request.url]


def test_a_token_outlives_a_caller_that_fails_and_rolls_back(lms, gateway, course):
    roster(gateway, course)
    db.session.rollback()  # say the job that asked for it failed afterwards
    roster(gateway, course)
    assert len(lms.token_requests) == 1
