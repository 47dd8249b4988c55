"""Sign in to the tool's own pages as a browser would: CSRF token, same-origin Referer, and
a code from an authenticator app, set up on first sign-in when the account has none."""

import re

import pyotp
from flask import current_app

from lti_tool.clock import epoch_seconds, utcnow
from lti_tool.extensions import db
from lti_tool.models import Account
from lti_tool.services.two_factor import account_secret
from tests.platform_fixture import TOOL

LOGIN = "/account/login"


def csrf_token(page_html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page_html).group(1)


def submit(client, path: str, data: dict):
    """Load a page, then post its form with the page's CSRF token."""
    page = client.get(path, base_url=TOOL)
    return client.post(path, data={**data, "csrf_token": csrf_token(page.text)},
                       base_url=TOOL, headers={"Referer": TOOL + path})


def submit_password(client, email: str, password: str, login: str = LOGIN):
    return submit(client, login, {"email": email, "password": password})


def shown_secret(page_html: str) -> str:
    """Read the key the enrolment page shows, as a person typing it into their app would."""
    return re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page_html).group(1)


def enrol(client, path: str = "/account/two-factor", code_for=None):
    """Set up an authenticator app from the enrolment page and confirm with its code."""
    page = client.get(path, base_url=TOOL)
    secret = shown_secret(page.text)
    code = code_for(secret) if code_for else pyotp.TOTP(secret).at(epoch_seconds(utcnow()))
    sealed = re.search(r'name="enrolment" value="([^"]+)"', page.text).group(1)
    response = client.post(path, data={"csrf_token": csrf_token(page.text), "enrolment": sealed,
                                       "code": code}, base_url=TOOL,
                           headers={"Referer": TOOL + path})
    return response, secret


def fresh_code(email: str) -> str:
    """Return the app's code now, or the next one when this one was used already."""
    account = db.session.execute(
        db.select(Account).filter_by(email=email).execution_options(populate_existing=True)
    ).scalar_one()
    now_step = epoch_seconds(utcnow()) // 30
    step = max(now_step, (account.totp_last_step or 0) + 1)
    assert step <= now_step + 1, "no unused code left in this window"
    return pyotp.TOTP(account_secret(account, current_app.config)).generate_otp(step)


def sign_in(client, email: str, password: str):
    """Sign in with the password, then the code (enrolling first if needed); return the last
    response: a redirect to the account's home, or the page that refused."""
    response = submit_password(client, email, password)
    location = response.headers.get("Location", "").removeprefix(TOOL)
    if response.status_code != 302:
        return response
    if location.startswith("/account/two-factor"):
        return enrol(client, location)[0]
    if location.startswith("/account/login/code"):
        return submit(client, location, {"code": fresh_code(email)})
    return response


def post_form(client, path: str, data: dict, from_page: str = "/admin/"):
    """Submit a form found on an admin page, with that page's CSRF token."""
    page = client.get(from_page, base_url=TOOL)
    return client.post(path, data={**data, "csrf_token": csrf_token(page.text)},
                       base_url=TOOL, headers={"Referer": TOOL + from_page})
