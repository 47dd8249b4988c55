"""Tutors and service admins sign in with a password and, where required, a one-time code."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import urlencode

import pyotp
import pytest

from lti_tool.clock import epoch_seconds, utcnow
from lti_tool.extensions import db
from lti_tool.services import two_factor
from lti_tool.services.accounts import create_account
from lti_tool.views.access import LAST_ACTIVE, tutor_required
from tests.admin_session import (
    enrol,
    fresh_code,
    post_form,
    sign_in,
    submit,
    submit_password,
)
from tests.platform_fixture import TOOL

PASSWORD = "correct-horse-battery"
ADMIN, TUTOR = "admin@example.edu", "tutor@example.edu"


@pytest.fixture
def make_account(app):
    def make(email, *, admin=False, tutor=False, totp=False, active=True):
        account = create_account(email, "Sam Example", PASSWORD, is_admin=admin)
        account.is_tutor, account.active = tutor, active
        db.session.commit()
        if totp:
            # Enrolled with the previous step's code, so this step's code is still unused.
            earlier = utcnow() - timedelta(seconds=30)
            secret = pyotp.random_base32()
            code = pyotp.TOTP(secret).at(epoch_seconds(earlier))
            assert two_factor.confirm_enrolment(account, secret, code, app.config, earlier)
        return account

    return make


@pytest.fixture
def tutor_pages(app):
    """A tutor page and a live long-poll beside it, as the tutor console will have."""

    @app.get("/probe/queue", endpoint="probe_queue")
    @tutor_required
    def queue():
        return "the queue"

    @app.get("/probe/queue/updates", endpoint="probe_queue_updates")
    @tutor_required
    def queue_updates():
        return "nothing new"


def location(response) -> str:
    return response.headers.get("Location", "").removeprefix(TOOL)


def opens_admin(client) -> bool:
    return client.get("/admin/", base_url=TOOL).status_code == 200


def idle_for(client, minutes: int) -> None:
    with client.session_transaction(base_url=TOOL) as session:
        session[LAST_ACTIVE] -= minutes * 60


def test_wrong_password_is_refused_and_signs_nobody_in(client, make_account):
    make_account(ADMIN, admin=True)
    response = submit_password(client, ADMIN, "not-the-password")
    assert response.status_code == 401 and "do not match" in response.text
    assert location(client.get("/admin/", base_url=TOOL)).startswith("/account/login")


@pytest.mark.parametrize("kind", ["no role", "disabled"])
def test_accounts_without_a_role_or_turned_off_cannot_sign_in(client, make_account, kind):
    make_account(TUTOR, tutor=kind == "disabled", active=kind != "disabled")
    response = submit_password(client, TUTOR, PASSWORD)
    assert response.status_code == 401 and "do not match" in response.text


def test_sixth_attempt_for_an_email_waits_even_with_the_right_password(client, make_account):
    make_account(TUTOR, tutor=True)
    for _ in range(5):
        assert submit_password(client, TUTOR.upper(), "wrong-password").status_code == 401
    response = submit_password(client, TUTOR, PASSWORD)
    assert response.status_code == 429 and "Wait 15 minutes" in response.text
    assert response.headers["Retry-After"] == "900"
    make_account("other@example.edu", tutor=True)
    assert location(sign_in(client, "other@example.edu", PASSWORD)) == "/tutor/"


def test_a_burst_of_parallel_guesses_gets_no_more_tries_than_the_limit(app, make_account):
    make_account(TUTOR, tutor=True)
    start = threading.Barrier(12)

    def guess() -> int:
        client = app.test_client()
        start.wait()
        return submit_password(client, TUTOR, "wrong-password").status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda _: guess(), range(12)))
    # How many go ahead depends on how the attempts interleave; never more than the limit.
    assert statuses.count(401) <= 5 and statuses.count(429) == 12 - statuses.count(401)


def test_signing_in_forgets_the_emails_failures(client, make_account):
    make_account(TUTOR, tutor=True)
    for _ in range(2):
        for _ in range(4):
            submit_password(client, TUTOR, "wrong-password")
        assert location(sign_in(client, TUTOR, PASSWORD)) == "/tutor/"
        post_form(client, "/account/logout", {}, from_page="/account/two-factor")


def test_one_address_guessing_many_emails_waits_but_others_do_not(app, make_account):
    make_account(TUTOR, tutor=True)
    guesser, colleague = app.test_client(), app.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    for n in range(29):
        submit_password(guesser, f"person{n}@example.edu", "guess")
    # Signing in does not reset the address: it may be guessing at other accounts.
    assert location(sign_in(guesser, TUTOR, PASSWORD)) == "/tutor/"
    post_form(guesser, "/account/logout", {}, from_page="/account/two-factor")
    submit_password(guesser, "person99@example.edu", "guess")
    assert submit_password(guesser, TUTOR, PASSWORD).status_code == 429
    assert location(sign_in(colleague, TUTOR, PASSWORD)) == "/tutor/"


def test_admin_without_an_app_sets_one_up_before_reaching_the_console(client, make_account):
    make_account(ADMIN, admin=True)
    response = submit_password(client, ADMIN, PASSWORD)
    assert location(response).startswith("/account/two-factor")
    assert not opens_admin(client)
    page = client.get("/account/two-factor", base_url=TOOL).text
    assert "otpauth://totp/" in page and "<svg" in page
    wrong, _ = enrol(client, code_for=lambda secret: "000000")
    assert wrong.status_code == 400 and "did not work" in wrong.text
    assert not opens_admin(client)
    done, _ = enrol(client)
    assert location(done) == "/admin/" and opens_admin(client)
    post_form(client, "/account/logout", {})
    assert location(submit_password(client, ADMIN, PASSWORD)).startswith("/account/login/code")


def test_wrong_code_is_refused_and_counts_as_a_failure(client, make_account):
    make_account(ADMIN, admin=True, totp=True)
    assert location(submit_password(client, ADMIN, PASSWORD)).startswith("/account/login/code")
    for _ in range(5):
        refused = submit(client, "/account/login/code", {"code": "12345a"})
        assert refused.status_code == 401 and "did not work" in refused.text
    assert not opens_admin(client)
    waiting = submit(client, "/account/login/code", {"code": fresh_code(ADMIN)})
    assert waiting.status_code == 429


def test_a_code_works_only_once(client, make_account):
    make_account(ADMIN, admin=True, totp=True)
    code = fresh_code(ADMIN)
    submit_password(client, ADMIN, PASSWORD)
    assert location(submit(client, "/account/login/code", {"code": code})) == "/admin/"
    post_form(client, "/account/logout", {})
    submit_password(client, ADMIN, PASSWORD)
    replayed = submit(client, "/account/login/code", {"code": code})
    assert replayed.status_code == 401 and not opens_admin(client)


def test_tutor_without_an_app_signs_in_with_the_password_alone(client, make_account):
    make_account(TUTOR, tutor=True)
    assert location(submit_password(client, TUTOR, PASSWORD)) == "/tutor/"


def test_tutor_with_an_app_enters_a_code_after_the_password(client, make_account):
    make_account(TUTOR, tutor=True, totp=True)
    assert location(submit_password(client, TUTOR, PASSWORD)).startswith("/account/login/code")
    assert location(submit(client, "/account/login/code", {"code": fresh_code(TUTOR)})) == (
        "/tutor/")


def test_tutor_may_turn_two_step_sign_in_on_and_off(client, make_account):
    tutor = make_account(TUTOR, tutor=True)
    sign_in(client, TUTOR, PASSWORD)
    turned_on, _ = enrol(client)
    assert location(turned_on) == "/account/two-factor"
    assert "Two-step sign-in is on" in client.get("/account/two-factor", base_url=TOOL).text
    wrong = submit(client, "/account/two-factor", {"code": "000000"})
    assert wrong.status_code == 400
    submit(client, "/account/two-factor", {"code": fresh_code(TUTOR)})
    db.session.refresh(tutor)
    assert not tutor.has_totp


def test_admins_cannot_turn_two_step_sign_in_off(client, make_account):
    admin = make_account(ADMIN, admin=True, totp=True)
    sign_in(client, ADMIN, PASSWORD)
    assert "Turn off" not in client.get("/account/two-factor", base_url=TOOL).text
    refused = post_form(client, "/account/two-factor", {"code": fresh_code(ADMIN)})
    assert refused.status_code == 403
    db.session.refresh(admin)
    assert admin.has_totp


def test_tutor_pages_refuse_other_accounts(client, make_account, tutor_pages):
    assert location(client.get("/probe/queue", base_url=TOOL)).startswith("/account/login")
    make_account(ADMIN, admin=True, totp=True)
    sign_in(client, ADMIN, PASSWORD)
    refused = client.get("/probe/queue", base_url=TOOL)
    assert refused.status_code == 403 and "Only tutors" in refused.text


def test_idle_sign_in_expires_and_activity_keeps_it(client, make_account):
    make_account(ADMIN, admin=True, totp=True)
    sign_in(client, ADMIN, PASSWORD)
    idle_for(client, 29)
    assert opens_admin(client)
    idle_for(client, 29)
    assert opens_admin(client)
    idle_for(client, 31)
    assert location(client.get("/admin/", base_url=TOOL)).startswith("/account/login")
    page = client.get("/account/login", base_url=TOOL).text
    assert "signed out after 30 minutes without activity" in page


def test_live_updates_neither_keep_a_tutor_signed_in_nor_outlive_the_sign_in(
    client, make_account, tutor_pages
):
    tutor = make_account(TUTOR, tutor=True)
    sign_in(client, TUTOR, PASSWORD)
    tutor.available = True
    db.session.commit()
    idle_for(client, 29)
    assert client.get("/probe/queue/updates", base_url=TOOL).status_code == 200
    idle_for(client, 2)
    assert client.get("/probe/queue/updates", base_url=TOOL).status_code == 401
    assert location(client.get("/probe/queue", base_url=TOOL)).startswith("/account/login")
    db.session.refresh(tutor)
    assert not tutor.available


def test_tutor_signing_out_is_no_longer_available(client, make_account):
    tutor = make_account(TUTOR, tutor=True)
    sign_in(client, TUTOR, PASSWORD)
    tutor.available = True
    db.session.commit()
    response = post_form(client, "/account/logout", {}, from_page="/account/two-factor")
    assert location(response) == "/account/login"
    db.session.refresh(tutor)
    assert not tutor.available
    assert location(client.get("/account/two-factor", base_url=TOOL)).startswith("/account/login")


@pytest.mark.parametrize(
    ("next_page", "lands_on"),
    [
        ("/admin/jobs", "/admin/jobs"),
        ("https://evil.example/", "/admin/"),
        ("//evil.example/", "/admin/"),
        ("/\\evil.example/", "/admin/"),
        ("/\t/evil.example/", "/admin/"),
    ],
)
def test_sign_in_returns_only_to_pages_of_this_site(client, make_account, next_page, lands_on):
    make_account(ADMIN, admin=True, totp=True)
    login = client.get("/admin/login", base_url=TOOL).location  # old address, same page
    response = submit_password(client, ADMIN, PASSWORD,
                               login=f"{login}?{urlencode({'next': next_page})}")
    assert location(response).startswith("/account/login/code")
    done = submit(client, location(response), {"code": fresh_code(ADMIN)})
    assert location(done) == lands_on


def test_forms_without_a_csrf_token_are_refused(client, make_account):
    make_account(ADMIN, admin=True, totp=True)
    forged = client.post("/account/login", data={"email": ADMIN, "password": PASSWORD},
                         base_url=TOOL, headers={"Referer": TOOL + "/account/login"})
    assert forged.status_code == 400 and "form expired" in forged.text
    sign_in(client, ADMIN, PASSWORD)
    logout = client.post("/account/logout", base_url=TOOL, headers={"Referer": TOOL + "/admin/"})
    assert logout.status_code == 400 and opens_admin(client)


def test_the_consoles_sign_out_button_signs_out(client, make_account):
    make_account(ADMIN, admin=True, totp=True)
    sign_in(client, ADMIN, PASSWORD)
    post_form(client, "/account/logout", {})
    assert not opens_admin(client)


def test_tutor_made_admin_while_signed_in_sets_up_an_app_before_the_console(client,
                                                                           make_account):
    tutor = make_account(TUTOR, tutor=True)
    sign_in(client, TUTOR, PASSWORD)
    tutor.is_admin = True
    db.session.commit()
    assert location(client.get("/admin/", base_url=TOOL)) == "/account/two-factor"
    enrol(client)
    assert opens_admin(client)
