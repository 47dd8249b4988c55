"""The sandbox LMS: its page, client-credentials tokens, paged rosters, gradebook, and its
registration, which cannot launch outside development."""

import time
import uuid

import jwt
import pytest

from lti_tool import create_app
from lti_tool.extensions import db
from lti_tool.lms.claims import SCOPE_LINEITEM, SCOPE_NRPS, SCOPE_SCORE
from lti_tool.lms.keys import signing_key
from lti_tool.sandbox.instance import sandbox_platform
from lti_tool.sandbox.registration import PlatformError
from lti_tool.sealing import box
from lti_tool.services.sandbox import set_up_sandbox
from tests.conftest import app_settings
from tests.platform_fixture import TOOL


@pytest.fixture
def sandbox(app, tmp_path):
    app.config["SANDBOX_KEY_FILE"] = str(tmp_path / "sandbox.pem")
    set_up_sandbox(app)
    return sandbox_platform(app)


def assertion_for(app, platform, **overrides) -> str:
    key = signing_key(box(app.config))
    now = int(time.time())
    claims = {"iss": platform.client_id, "sub": platform.client_id, "aud": platform.token_url,
              "iat": now, "exp": now + 300, "jti": str(uuid.uuid4()), **overrides}
    return jwt.encode(claims, key.private_pem, algorithm="RS256", headers={"kid": key.kid})


def token_for(app, client, platform, scopes) -> str:
    response = client.post("/sandbox/token", base_url=TOOL, data={
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion_for(app, platform),
        "scope": " ".join(scopes),
    })
    assert response.status_code == 200, response.text
    return response.json["access_token"]


def test_course_page_lists_every_member_with_a_launch_link(client, sandbox):
    page = client.get("/sandbox/", base_url=TOOL)
    assert page.status_code == 200
    assert page.text.count("/sandbox/launch/") >= len(sandbox.course.members)
    assert "frame-src 'self' https://tool.test" in page.headers["Content-Security-Policy"]


def test_token_endpoint_refuses_an_assertion_for_another_audience(app, sandbox):
    form = {"grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion_for(app, sandbox, aud="https://elsewhere.test/token"),
            "scope": SCOPE_NRPS}
    with pytest.raises(PlatformError, match="aud"):
        sandbox.issue_token(form)


def test_roster_is_paged_with_link_headers_behind_a_scoped_token(app, client, sandbox):
    token = token_for(app, client, sandbox, [SCOPE_NRPS])
    url, members, pages = "/sandbox/courses/demo-course-101/memberships?limit=10", [], 0
    while url:
        response = client.get(url, base_url=TOOL, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        members += response.json["members"]
        pages += 1
        link = response.headers.get("Link")
        url = link[link.index("<") + 1 : link.index(">")].removeprefix(TOOL) if link else None
    assert pages == 4 and len(members) == len(sandbox.course.members)
    assert {m["user_id"] for m in members} == {u.user_id for u in sandbox.course.members}


def test_roster_needs_a_token_with_its_scope(app, client, sandbox):
    url = "/sandbox/courses/demo-course-101/memberships"
    assert client.get(url, base_url=TOOL).status_code == 401
    token = token_for(app, client, sandbox, [SCOPE_SCORE])
    forbidden = client.get(url, base_url=TOOL, headers={"Authorization": f"Bearer {token}"})
    assert forbidden.status_code == 403


def test_gradebook_has_demo_columns_and_keeps_only_newer_scores(app, client, sandbox):
    token = token_for(app, client, sandbox, [SCOPE_LINEITEM, SCOPE_SCORE])
    auth = {"Authorization": f"Bearer {token}"}
    items = client.get("/sandbox/courses/demo-course-101/lineitems", base_url=TOOL,
                       headers=auth).json
    assert len(items) == len(sandbox.course.topics)
    scores_url = items[0]["id"].removeprefix(TOOL) + "/scores"
    score = {"userId": "student-01", "scoreGiven": 80, "scoreMaximum": 100,
             "activityProgress": "Completed", "gradingProgress": "FullyGraded",
             "timestamp": "2026-11-24T10:00:00.000+00:00"}
    assert client.post(scores_url, json=score, base_url=TOOL, headers=auth).status_code == 204
    stale = client.post(scores_url, json=score, base_url=TOOL, headers=auth)
    assert stale.status_code == 409


def test_sandbox_registration_cannot_launch_outside_development(app, lms):
    lms.record.kind = "sandbox"
    db.session.commit()
    app.config["SANDBOX_ENABLED"] = False
    refused = lms.launch("student-01")
    assert refused.status_code == 403 and "turned off" in refused.text


def test_production_serves_no_sandbox(app):
    production = create_app("production", {**app_settings("sqlite://"), "SECRET_KEY": "x" * 40,
                                           "TOOL_URL": "https://tutoring.example.edu"})
    assert production.test_client().get("/sandbox/").status_code == 404
