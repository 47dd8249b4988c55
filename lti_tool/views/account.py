"""The tool's own sign-in for tutors and service admins: a password, then a one-time code."""


from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user
from markupsafe import Markup

from ..clock import utcnow
from ..models import Account
from ..services import sign_in, two_factor
from .access import PENDING_ACCOUNT, end_sign_in, expire_idle_sign_in, mark_active

bp = Blueprint("account", __name__, url_prefix="/account")
bp.before_app_request(expire_idle_sign_in)

WRONG_PASSWORD = "That email and password do not match a service admin or tutor account."
WRONG_CODE = "That code did not work. Enter the code your app shows now; each code works once."


@bp.after_request
def _no_store(response):
    # These pages carry secrets and sign-in state: keep them out of caches and history.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_destination(current_user))
    if request.method == "GET":
        return render_template("account/login.html", values={}, errors={})
    email = request.form.get("email", "")
    attempt = _begin_attempt(email)
    if attempt.wait:
        return _wait_page(attempt.wait)
    account = sign_in.check_password(email, request.form.get("password", ""))
    if account is None:
        return render_template(
            "account/login.html", values={"email": email}, errors={"password": WRONG_PASSWORD}
        ), 401
    sign_in.attempt_passed(attempt)
    # Not signed in yet: only the account id waits in the session for the second step.
    session[PENDING_ACCOUNT] = account.id
    mark_active()
    if account.has_totp:
        return redirect(_keeping_next("account.login_code"))
    if account.is_admin:
        flash("Service admins also sign in with a one-time code. Set up your app to continue.")
        return redirect(_keeping_next("account.two_factor"))
    return _finish_sign_in(account)


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    account = sign_in.account_signing_in(session.get(PENDING_ACCOUNT))
    if account is None or not account.has_totp:
        return redirect(_keeping_next("account.login"))
    if request.method == "GET":
        return render_template("account/code.html", errors={})
    attempt = _begin_attempt(account.email)
    if attempt.wait:
        return _wait_page(attempt.wait)
    if not two_factor.check_code(account, request.form.get("code", ""), current_app.config,
                                 utcnow()):
        return render_template("account/code.html", errors={"code": WRONG_CODE}), 401
    sign_in.attempt_passed(attempt)
    return _finish_sign_in(account)


@bp.post("/logout")
def logout():
    end_sign_in()
    flash("You are signed out.")
    return redirect(url_for("account.login"))


@bp.route("/two-factor", methods=["GET", "POST"], endpoint="two_factor")
def two_factor_settings():
    signed_in = current_user.is_authenticated
    if signed_in:
        account = current_user._get_current_object()
    else:
        account = sign_in.account_signing_in(session.get(PENDING_ACCOUNT))
    if account is None or (not signed_in and account.has_totp):
        return redirect(_keeping_next("account.login"))
    if account.has_totp:
        if request.method == "POST":
            return _turn_off(account)
        return _settings_page(account, {}, 200)
    if request.method == "POST":
        return _confirm_enrolment(account, signed_in)
    return _enrolment_page(account, *two_factor.start_enrolment(current_app.config, utcnow()))


def _confirm_enrolment(account: Account, signed_in: bool):
    config, now = current_app.config, utcnow()
    sealed = request.form.get("enrolment", "")
    secret = two_factor.unseal_enrolment(sealed, config, now)
    if secret is None:
        flash("That setup key expired. Add this new one to your app instead.")
        return redirect(_keeping_next("account.two_factor"))
    if not two_factor.confirm_enrolment(account, secret, request.form.get("code", ""), config,
                                        now):
        return _enrolment_page(account, secret, sealed, {"code": WRONG_CODE}, 400)
    if not signed_in:
        return _finish_sign_in(account)
    flash("Two-step sign-in is on.")
    return redirect(url_for("account.two_factor"))


def _turn_off(account: Account):
    attempt = _begin_attempt(account.email)
    if attempt.wait:
        return _wait_page(attempt.wait)
    try:
        turned_off = two_factor.turn_off(account, request.form.get("code", ""),
                                         current_app.config, utcnow())
    except two_factor.TwoFactorError as exc:
        sign_in.attempt_passed(attempt)
        abort(403, description=str(exc))
    if not turned_off:
        return _settings_page(account, {"code": WRONG_CODE}, 400)
    sign_in.attempt_passed(attempt)
    flash("Two-step sign-in is off.")
    return redirect(url_for("account.two_factor"))


def _settings_page(account: Account, errors: dict, status: int, **enrolment):
    home = _home(account) if current_user.is_authenticated else None
    return render_template("account/two_factor.html", account=account, errors=errors,
                           home=home, **enrolment), status


def _enrolment_page(account: Account, secret: str, sealed: str, errors=None, status=200):
    uri = two_factor.setup_uri(secret, account, current_app.config["TOOL_TITLE"])
    return _settings_page(account, errors or {}, status, secret=secret, sealed=sealed, uri=uri,
                          qr=Markup(two_factor.qr_svg(uri)))


def _finish_sign_in(account: Account):
    """Sign the account in now that every factor it needs has passed."""
    session.pop(PENDING_ACCOUNT, None)
    login_user(account)
    session.permanent = True
    mark_active()
    sign_in.record_success(account, current_app.config)
    return redirect(_destination(account))


def _begin_attempt(email: str) -> sign_in.Attempt:
    return sign_in.begin_attempt(email, request.remote_addr, current_app.config, utcnow())


def _wait_page(minutes: int):
    return (render_template("account/wait.html", minutes=minutes), 429,
            {"Retry-After": str(minutes * 60)})


def _safe_next() -> str | None:
    """Return the `next` page when it is a path on this site, else None."""
    target = request.args.get("next", "")
    # Browsers read "//host" and "/\host" as other sites, and drop tabs and newlines first.
    if not target.startswith("/") or any(ch == "\\" or ch < " " for ch in target):
        return None
    return None if target.startswith("//") else target


def _keeping_next(endpoint: str) -> str:
    return url_for(endpoint, next=_safe_next())


def _home(account: Account) -> str:
    return url_for("admin.home" if account.is_admin else "tutor.console")


def _destination(account: Account) -> str:
    return _safe_next() or _home(account)
