"""The tool's own accounts: create and check passwords."""

import logging

from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import Account

log = logging.getLogger(__name__)


class AccountError(ValueError):
    """An account operation that cannot be done as asked."""


def create_account(email: str, name: str, password: str, is_admin: bool = False) -> Account:
    """Create an account with a hashed password."""
    email = email.strip().lower()
    if len(password) < 10:
        raise AccountError("passwords need at least 10 characters")
    if db.session.execute(db.select(Account).filter_by(email=email)).scalar_one_or_none():
        raise AccountError(f"an account for {email} already exists")
    account = Account(
        email=email, name=name, password_hash=generate_password_hash(password), is_admin=is_admin
    )
    db.session.add(account)
    db.session.commit()
    log.info("account %s created (admin=%s)", account.id, is_admin)
    return account


def authenticate(email: str, password: str) -> Account | None:
    """Return the active account matching the email and password, or None."""
    account = db.session.execute(
        db.select(Account).filter_by(email=email.strip().lower())
    ).scalar_one_or_none()
    if account is None or not account.active:
        return None
    return account if check_password_hash(account.password_hash, password) else None


def load_account(account_id: str) -> Account | None:
    """Return an account for Flask-Login's session, or None."""
    return db.session.get(Account, int(account_id)) if account_id.isdigit() else None
