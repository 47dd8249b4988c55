"""Check passwords for the tool's own sign-in and slow guessing, counted in the database."""

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..domain.sign_in_limits import minutes_to_wait
from ..extensions import db
from ..models import Account, SignInFailure
from .accounts import authenticate, load_account

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt, counted before it is checked; `wait` > 0 when it was refused."""

    row_ids: tuple[int, ...]
    wait: int


def _key(kind: str, value: str, config: dict) -> str:
    # Keyed with the app's secret, so the table never holds an email or client address, and
    # a copy of it cannot be matched against a list of likely addresses.
    secret = hmac.new(config["SECRET_KEY"].encode(), b"sign-in-failures", hashlib.sha256)
    return hmac.new(secret.digest(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def _email_key(email: str, config: dict) -> str:
    return _key("email", email.strip().lower(), config)


def _address_key(address: str | None, config: dict) -> str:
    return _key("addr", address or "unknown", config)


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


def begin_attempt(email: str, address: str | None, config: dict, now: datetime) -> Attempt:
    """Count an attempt against the email and the address before it is checked, so a burst
    of parallel guesses cannot all pass the limit; refuse it (and uncount it) when over.

    Each attempt is committed before it counts the others: the n-th to commit sees at least
    n attempts, so at most the limit go ahead however many arrive at once."""
    window = timedelta(minutes=config["SIGN_IN_WINDOW_MINUTES"])
    # Purging here keeps the table small without a scheduled job.
    db.session.execute(db.delete(SignInFailure).where(SignInFailure.at <= now - window))
    keys = (_email_key(email, config), _address_key(address, config))
    rows = [SignInFailure(key=key, at=now) for key in keys]
    db.session.add_all(rows)
    db.session.commit()
    attempt_ids = tuple(row.id for row in rows)
    limits = zip(keys, (config["SIGN_IN_MAX_FAILURES"],
                        config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"]), strict=True)
    # This attempt is among the counted ones: it may go ahead while the count is within limit.
    wait = max(minutes_to_wait(_failure_times(key, now - window), limit + 1, window, now)
               for key, limit in limits)
    if wait:
        attempt_passed(Attempt(attempt_ids, wait))
        log.info("sign-in refused: too many failures")
    return Attempt(attempt_ids, wait)


def _failure_times(key: str, since: datetime) -> list[datetime]:
    return list(db.session.execute(
        db.select(SignInFailure.at).where(SignInFailure.key == key, SignInFailure.at > since)
    ).scalars())


def attempt_passed(attempt: Attempt) -> None:
    """Uncount an attempt whose password or code was right (a wrong one stays counted)."""
    db.session.execute(db.delete(SignInFailure).where(SignInFailure.id.in_(attempt.row_ids)))
    db.session.commit()


def record_success(account: Account, config: dict) -> None:
    """Forget the email's failures once every factor has passed; the address keeps its count."""
    db.session.execute(db.delete(SignInFailure).where(
        SignInFailure.key == _email_key(account.email, config)))
    db.session.commit()
    log.info("account %s signed in", account.id)


def record_sign_out(account: Account) -> None:
    """Take a tutor out of the available list as they sign out or time out."""
    account.available = False
    db.session.commit()
    log.info("account %s signed out", account.id)
