"""The app's own sandbox platform: its key in the instance folder, the demo course."""

import hashlib
import hmac
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from flask import Flask

from ..clock import utcnow
from ..lms.tool_config import ToolConfig
from ..services.tool_keys import tool_jwks
from .demo import demo_course
from .platform import SandboxPlatform
from .registration import ToolSide, new_key_pair

CLIENT_ID = "sandbox-client"
DEPLOYMENT_ID = "sandbox-deployment"


def _key_pair(path: Path) -> tuple[str, str]:
    """Return the sandbox's key pair, creating it on first use (development only)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(new_key_pair()[0])
        path.chmod(0o600)
    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return path.read_text(), public.decode()


def sandbox_platform(app: Flask) -> SandboxPlatform:
    """Return the app's sandbox platform, created once per process."""
    if "sandbox_platform" not in app.extensions:
        config = app.config
        key_file = Path(config.get("SANDBOX_KEY_FILE") or Path(app.instance_path) / "sandbox.pem")
        private_pem, public_pem = _key_pair(key_file)
        tool = ToolConfig.from_config(config)
        app.extensions["sandbox_platform"] = SandboxPlatform(
            base_url=config["SANDBOX_URL"].rstrip("/") + "/sandbox",
            client_id=CLIENT_ID,
            deployment_id=DEPLOYMENT_ID,
            private_pem=private_pem,
            public_pem=public_pem,
            tool=ToolSide(tool.login_url, tool.launch_url, lambda: tool_jwks(config, utcnow())),
            course=demo_course(),
            hint_secret=hmac.new(
                config["SECRET_KEY"].encode(), b"sandbox-hint", hashlib.sha256
            ).hexdigest(),
        )
    return app.extensions["sandbox_platform"]
