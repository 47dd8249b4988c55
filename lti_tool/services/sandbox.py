"""Set up the sandbox LMS: register it with the tool and create the demo accounts."""

from flask import Flask

from ..extensions import db
from ..lms.presets import Endpoints
from ..models import Account
from ..sandbox.instance import sandbox_platform
from .accounts import create_account
from .platforms import add_platform
from .tool_keys import generate_key

DEMO_ADMIN = ("admin@demo.example", "Demo Admin", "demo-admin-password")


def set_up_sandbox(app: Flask) -> dict:
    """Register the sandbox platform and demo accounts (idempotent); return what to print."""
    generate_key(app.config)
    platform = sandbox_platform(app)
    add_platform(
        "Sandbox LMS",
        Endpoints("sandbox", platform.issuer, platform.auth_url, platform.token_url,
                  platform.jwks_url),
        platform.client_id,
        [platform.deployment_id],
    )
    email, name, password = DEMO_ADMIN
    if db.session.execute(db.select(Account).filter_by(email=email)).scalar_one_or_none() is None:
        create_account(email, name, password, is_admin=True)
    return {
        "sandbox_url": platform.base_url + "/",
        "admin": (email, password),
    }
