"""Two-step sign-in with time-based one-time codes (TOTP): enrol, check, turn off."""

import logging
from datetime import datetime

import pyotp
import segno
from cryptography.fernet import InvalidToken
from pyotp.exceptions import OTPVerificationError
from sqlalchemy import or_

from ..clock import epoch_seconds
from ..extensions import db
from ..models import Account
from ..sealing import box

log = logging.getLogger(__name__)

# Codes from one step before or after the server's count pass too: phone clocks drift.
VALID_WINDOW = 1
# A secret shown for enrolment must be confirmed within this time.
ENROLMENT_SECONDS = 15 * 60


class TwoFactorError(ValueError):
    """A two-step sign-in change that cannot be made as asked."""


def start_enrolment(config: dict, now: datetime) -> tuple[str, str]:
    """Return a new secret and the sealed copy the enrolment form sends back with the code."""
    secret = pyotp.random_base32()
    sealed = box(config).encrypt_at_time(secret.encode(), epoch_seconds(now))
    return secret, sealed.decode()


def unseal_enrolment(sealed: str, config: dict, now: datetime) -> str | None:
    """Return the secret sealed by start_enrolment, or None when altered or too old."""
    try:
        secret = box(config).decrypt_at_time(
            sealed.encode(), ENROLMENT_SECONDS, epoch_seconds(now))
    except InvalidToken:
        return None
    return secret.decode()


def setup_uri(secret: str, account: Account, issuer: str) -> str:
    """Return the otpauth:// URI an authenticator app reads."""
    return pyotp.TOTP(secret).provisioning_uri(name=account.email, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """Return the setup URI as an inline SVG QR code."""
    return segno.make(uri, error="m").svg_inline(scale=4, title="Setup code", light="#fff")


def _matching_step(secret: str, code: str, last_step: int | None, now: datetime) -> int | None:
    code = "".join(code.split())
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return None
    try:
        step = pyotp.TOTP(secret).verify_and_get_timecode(
            code, for_time=epoch_seconds(now), valid_window=VALID_WINDOW)
    except OTPVerificationError:
        return None
    # A code whose step was already used is a replay, even if it is still in the window.
    return step if last_step is None or step > last_step else None


def confirm_enrolment(account: Account, secret: str, code: str, config: dict,
                      now: datetime) -> bool:
    """Turn two-step sign-in on if the code matches the new secret; return whether it did."""
    step = _matching_step(secret, code, None, now)
    if step is None:
        return False
    account.totp_secret_encrypted = box(config).encrypt(secret.encode()).decode()
    account.totp_last_step = step
    db.session.commit()
    log.info("account %s turned two-step sign-in on", account.id)
    return True


def account_secret(account: Account, config: dict) -> str:
    """Return the account's TOTP secret, decrypted."""
    return box(config).decrypt(account.totp_secret_encrypted.encode()).decode()


def check_code(account: Account, code: str, config: dict, now: datetime) -> bool:
    """Accept a code once: return whether it matches a time step not used before."""
    step = _matching_step(account_secret(account, config), code, account.totp_last_step, now)
    if step is None:
        return False
    # The conditional update is the replay guard: of two requests racing with one code, only
    # one moves the last used step forward.
    used = db.session.execute(
        db.update(Account)
        .where(Account.id == account.id,
               or_(Account.totp_last_step.is_(None), Account.totp_last_step < step))
        .values(totp_last_step=step)
    ).rowcount
    db.session.commit()
    db.session.refresh(account)
    return bool(used)


def turn_off(account: Account, code: str, config: dict, now: datetime) -> bool:
    """Remove a tutor's second factor if the code is right; service admins must keep theirs."""
    if account.is_admin:
        raise TwoFactorError("Service admins must keep two-step sign-in on.")
    if not check_code(account, code, config, now):
        return False
    account.totp_secret_encrypted = None
    account.totp_last_step = None
    db.session.commit()
    log.info("account %s turned two-step sign-in off", account.id)
    return True
