"""Check passwords for the tool's own sign-in and slow guessing, counted in the database."""

import hashlib
import logging
from datetime import datetime, timedelta

from ..domain.sign_in_limits import minutes_to_wait
from ..extensions import db
from ..models import Account, SignInFailure
from .accounts import authenticate, load_account

log = logging.getLogger(__name__)


def _key(kind: str, value: str) -> str:
    # Hashed so the table never holds an email address or a client address.
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def _email_key(email: str) -> str:
    return _key("email", email.strip().lower())


def _address_key(address: str | None) -> str:
    return _key("addr", address or "unknown")


def _may_sign_in(account: Account | None) -> bool:
    return account is not None and account.active and (account.is_admin or account.is_tutor)


def check_password(email: str, password: str) -> Account | None:
    """Return the active tutor or admin account with this email and password, or None."""
    account = authenticate(email, password)
    return account if _may_sign_in(account) else None


def account_signing_in(account_id: object) -> Account | None:
    """Return the account part-way through signing in, if it may still sign in."""
    account = load_account(str(account_id)) if isinstance(account_id, int) else None
    return account if _may_sign_in(account) else None


def wait_minutes(email: str, address: str | None, config: dict, now: datetime) -> int:
    """Return how many minutes this email or address must wait before trying again (0: none)."""
    window = timedelta(minutes=config["SIGN_IN_WINDOW_MINUTES"])
    limits = (
        (_email_key(email), config["SIGN_IN_MAX_FAILURES"]),
        (_address_key(address), config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"]),
    )
    return max(minutes_to_wait(_failure_times(key, now - window), limit, window, now)
               for key, limit in limits)


def _failure_times(key: str, since: datetime) -> list[datetime]:
    return list(db.session.execute(
        db.select(SignInFailure.at).where(SignInFailure.key == key, SignInFailure.at > since)
    ).scalars())


def record_failure(email: str, address: str | None, config: dict, now: datetime) -> None:
    """Count a wrong password or code against the email and the address; forget old failures."""
    window = timedelta(minutes=config["SIGN_IN_WINDOW_MINUTES"])
    # Purging here keeps the table small without a scheduled job.
    db.session.execute(db.delete(SignInFailure).where(SignInFailure.at <= now - window))
    db.session.add_all([SignInFailure(key=_email_key(email), at=now),
                        SignInFailure(key=_address_key(address), at=now)])
    db.session.commit()
    log.info("sign-in failure recorded")


def record_success(account: Account) -> None:
    """Forget the email's failures once every factor has passed; the address keeps its count."""
    db.session.execute(db.delete(SignInFailure).where(
        SignInFailure.key == _email_key(account.email)))
    db.session.commit()
    log.info("account %s signed in", account.id)


def record_sign_out(account: Account) -> None:
    """Take a tutor out of the available list as they sign out or time out."""
    account.available = False
    db.session.commit()
    log.info("account %s signed out", account.id)
