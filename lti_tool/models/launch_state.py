"""OIDC login state, kept in the database so any worker or host can finish a launch."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class LaunchState(db.Model):
    """What the login step promised the launch step: nonce, platform, deployment, target."""

    __tablename__ = "launch_states"

    state: Mapped[str] = mapped_column(String(128), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(128), unique=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id"), index=True)
    login_deployment_id: Mapped[str | None] = mapped_column(String(255))
    target_link_uri: Mapped[str] = mapped_column(String(1000))
    # Hash of the secret held by the browser (cookie or platform storage) that started the login.
    browser_binding_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
