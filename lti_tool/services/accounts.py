"""The tool's own accounts: create and check passwords."""

import logging

from werkzeug.security import check_password_hash, generate_password_hash

from ..domain.ids import parse_id
from ..extensions import db
from ..models import Account

log = logging.getLogger(__name__)


class AccountError(ValueError):
    """An account operation that cannot be done as asked."""


# Checked when no account matches, so a wrong email costs as long as a wrong password; made
# like every account's hash, by generate_password_hash's default method.
_DUMMY_HASH = (
    "scrypt:32768:8:1$Fy2PT3ObAOOoBEWU$2f409a9af83b4f287e9628151d1b085107ff4e4d372a0ad386385b9"
    "cc76c6f9140f4b338cca8ea3725d8537c7bbcb352626657dbddee7f1e2c50fd374230ff91"
)


def create_account(email: str, name: str, password: str, is_admin: bool = False, *,
                   commit: bool = True) -> Account:
    """Create an account with a hashed password; with commit=False, leave the commit to the
    caller, whose use case completes the account in the same transaction."""
    email = email.strip().lower()
    if len(password) < 10:
        raise AccountError("passwords need at least 10 characters")
    if db.session.execute(db.select(Account).filter_by(email=email)).scalar_one_or_none():
        raise AccountError(f"an account for {email} already exists")
    account = Account(
        email=email, name=name, password_hash=generate_password_hash(password), is_admin=is_admin
    )
    db.session.add(account)
    if not commit:
        db.session.flush()  # the caller needs the id
        return account
    db.session.commit()
    log.info("account %s created (admin=%s)", account.id, is_admin)
    return account


def authenticate(email: str, password: str) -> Account | None:
    """Return the active account matching the email and password, or None."""
    account = db.session.execute(
        db.select(Account).filter_by(email=email.strip().lower())
    ).scalar_one_or_none()
    if account is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(account.password_hash, password):
        return None
    return account if account.active else None


def load_account(account_id: str) -> Account | None:
    """Return an account for Flask-Login's session, or None."""
    number = parse_id(account_id)
    return db.session.get(Account, number) if number is not None else None
