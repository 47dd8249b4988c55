"""The tool's own accounts (tutors, service admins), signed in with Flask-Login."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db


class Account(UserMixin, db.Model):
    """A tutor or service admin; never an LMS user."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_tutor: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    # A tutor marked available and seen recently counts as online for students.
    available: Mapped[bool] = mapped_column(default=False)
    last_seen_at: Mapped[datetime | None]
    # The TOTP secret, encrypted like the tool's private keys; None until enrolled.
    totp_secret_encrypted: Mapped[str | None] = mapped_column(String(255))
    # The last accepted TOTP time step, so a code cannot be replayed.
    totp_last_step: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses sign-in for disabled accounts
        return self.active

    @property
    def has_totp(self) -> bool:
        """Whether the account has a second factor enrolled."""
        return self.totp_secret_encrypted is not None

    @property
    def first_name(self) -> str:
        """The name a student sees for their tutor."""
        return self.name.split()[0] if self.name.strip() else "Your tutor"

    @property
    def chat_name(self) -> str:
        """How a tutor signs chat messages: first name and last initial ("Joanetta L.")."""
        parts = self.name.split()
        return f"{parts[0]} {parts[-1][0]}." if len(parts) > 1 else self.first_name


class SignInFailure(db.Model):
    """A failed sign-in, counted per email and per address to slow password guessing."""

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)  # a hash, never the email itself
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
