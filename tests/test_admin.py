"""The service admin approves deployments, disables registrations and retries parked jobs."""

import pytest

from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.models import Deployment, Job, PlatformKeyCache
from lti_tool.services import jobs
from lti_tool.services.accounts import create_account
from tests.admin_session import post_form, sign_in
from tests.platform_fixture import TOOL

ADMIN = ("admin@example.edu", "admin-password-1")


@pytest.fixture
def admin_client(app):
    create_account(ADMIN[0], "Admin", ADMIN[1], is_admin=True)
    client = app.test_client()
    assert sign_in(client, *ADMIN).status_code == 302
    return client


def test_wrong_password_is_refused_with_a_clear_message(app, client):
    create_account(ADMIN[0], "Admin", ADMIN[1], is_admin=True)
    response = sign_in(client, ADMIN[0], "not-the-password")
    assert response.status_code == 401 and "do not match" in response.text


def test_new_deployment_awaits_approval_until_the_admin_approves_it(lms, admin_client):
    lms.platform.deployment_id = "new-install"
    lms.platform.registration.set_deployment_id("new-install")
    refused = lms.launch("student-01")
    assert refused.status_code == 403 and "awaits approval" in refused.text
    pending = db.session.execute(
        db.select(Deployment).filter_by(deployment_id="new-install")
    ).scalar_one()
    page = admin_client.get("/admin/", base_url=TOOL)
    assert "new-install" in page.text and "pending" in page.text
    post_form(admin_client, f"/admin/deployments/{pending.id}/status", {"status": "approved"})
    landing, _ = lms.land(lms.launch("student-01"))
    assert landing.status_code == 200 and "Tutoring" in landing.text


def test_disabled_registration_refuses_launches_and_open_pages(lms, admin_client):
    landing, token = lms.land(lms.launch("student-01"))
    post_form(admin_client, f"/admin/platforms/{lms.record.id}/enabled", {"enabled": "0"})
    refused = lms.login("student-02")
    assert refused.status_code == 403 and "turned off" in refused.text
    page = lms.client.post("/tutoring/", data={"launch_token": token}, base_url=TOOL)
    assert page.status_code == 403


def test_admin_form_without_csrf_token_changes_nothing(lms, admin_client):
    response = admin_client.post(
        f"/admin/platforms/{lms.record.id}/enabled", data={"enabled": "0"}, base_url=TOOL,
        headers={"Referer": TOOL + "/admin/"},
    )
    assert response.status_code == 400 and "form expired" in response.text
    db.session.refresh(lms.record)
    assert lms.record.enabled


def test_parked_job_is_listed_and_retried_with_a_click(app, admin_client):
    job = jobs.enqueue("nobody.handles.this", {}, utcnow())
    job.status, job.attempts, job.last_error = "parked", 8, "LookupError: no handler"
    db.session.commit()
    page = admin_client.get("/admin/jobs", base_url=TOOL)
    assert "nobody.handles.this" in page.text and "no handler" in page.text
    post_form(admin_client, f"/admin/jobs/{job.id}/retry", {}, from_page="/admin/jobs")
    db.session.refresh(job)
    assert (job.status, job.attempts) == ("pending", 0)
    assert db.session.get(Job, job.id).status == "pending"


def test_admin_pages_cannot_be_framed(admin_client):
    response = admin_client.get("/admin/", base_url=TOOL)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_platform_list_shows_when_the_platform_keys_were_fetched(lms, admin_client):
    assert "not fetched yet" in admin_client.get("/admin/", base_url=TOOL).text
    lms.launch("student-01")
    lms.jwks_status = 500
    db.session.execute(db.update(PlatformKeyCache).values(expires_at=utcnow(),
                                                          last_attempt_at=None))
    db.session.commit()
    lms.launch("student-02")
    page = admin_client.get("/admin/", base_url=TOOL).text
    assert "Platform keys: fetched" in page and "key set URL answered 500" in page
