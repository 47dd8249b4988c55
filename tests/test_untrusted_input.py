"""Odd but signed or well-formed input gets a 4xx or is ignored, never a 500."""

import logging

import pytest
import responses

from lti_tool.extensions import db
from lti_tool.lms.errors import FetchRefused
from lti_tool.lms.http import OutboundPolicy, fetch
from lti_tool.lms.http import resolve as real_resolve
from lti_tool.models import Account, Course, LmsUser
from tests.platform_fixture import TOOL, put

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"


@pytest.mark.parametrize(
    "extra",
    [{"lti_deployment_id": "d" * 256}, {"target_link_uri": TOOL + "/lti/launch?" + "q" * 1000}],
    ids=["long-deployment-id", "long-target-link-uri"],
)
def test_login_parameters_too_long_to_store_are_refused_with_400(lms, extra):
    assert lms.login("student-01", params=extra).status_code == 400


def test_login_ignores_unknown_query_parameters(lms):
    response = lms.login("student-01", params={"endpoint": "x", "_method": "zz", "_scheme": "x"})
    assert response.status_code == 200
    assert "new_window=1" in response.text and "_scheme" not in response.text


def test_context_id_too_long_to_store_is_refused(lms, refused):
    response = lms.launch_with(put({LTI + "context": {"id": "c" * 256}}))
    refused(response, "context_id_missing")


def test_overlong_or_mistyped_optional_claims_are_ignored(lms):
    response = lms.launch_with(put({
        LTI + "custom": {"timezone": "T" * 65},
        AGS: {"lineitems": ["not", "a", "url"], "lineitem": {"a": 1}, "scope": 5},
        "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
            "context_memberships_url": ["x"]},
        LTI + "launch_presentation": {"return_url": ["x"]},
    }))
    landing, _ = lms.land(response)
    assert landing.status_code == 200
    user = db.session.execute(db.select(LmsUser)).scalar_one()
    course = db.session.execute(db.select(Course)).scalar_one()
    assert user.timezone is None
    assert (course.nrps_url, course.ags_lineitems_url, course.ags_scopes) == (None, None, [])


def test_malformed_host_name_is_refused_not_an_error():
    with pytest.raises(FetchRefused):
        real_resolve("a..b.example.edu")


def test_credentials_never_follow_a_redirect_to_another_host(mocked_network):
    mocked_network.add(responses.GET, "https://lms.test/a", status=302,
                       headers={"Location": "https://other.test/b"})
    mocked_network.add(responses.GET, "https://other.test/b", json={})
    fetch("GET", "https://lms.test/a", OutboundPolicy(),
          headers={"Authorization": "Bearer secret", "Accept": "application/json"})
    followed = mocked_network.calls[1].request.headers
    assert "Authorization" not in followed and followed["Accept"] == "application/json"


def test_an_unexpected_database_error_is_logged_without_personal_data(app, client, caplog):
    db.session.add(Account(email="ava@example.edu", name="Ava", password_hash="x"))
    db.session.commit()

    @app.get("/boom")
    def boom():
        db.session.add(Account(email="ava@example.edu", name="Ava", password_hash="x"))
        db.session.commit()

    with caplog.at_level(logging.INFO):
        response = client.get("/boom", base_url=TOOL)
    assert response.status_code == 500 and "Something went wrong" in response.text
    assert "IntegrityError" in caplog.text
    assert "ava@example.edu" not in caplog.text and "ava@example.edu" not in response.text


def test_admin_action_on_an_unknown_platform_is_a_404(app):
    from lti_tool.services.accounts import create_account
    from tests.admin_session import post_form, sign_in

    create_account("admin@example.edu", "Admin", "admin-password-1", is_admin=True)
    client = app.test_client()
    sign_in(client, "admin@example.edu", "admin-password-1")
    response = post_form(client, "/admin/platforms/999/enabled", {"enabled": "0"})
    assert response.status_code == 404
