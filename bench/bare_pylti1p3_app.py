"""A bare single-file pylti1p3 launch app: the reference bench/launch.py compares the tool with.

It is what the pylti1p3 README shows: a ToolConfDict, FlaskOIDCLogin and FlaskMessageLaunch
with their default storage (state and nonce in the Flask session cookie plus a state
cookie), the platform JWKS fetched on every launch, no database, and the launch POST
answered directly with a trivial landing page. bench/launch.py serves it with

    gunicorn -w 2 -b 127.0.0.1:PORT --chdir bench "bare_pylti1p3_app:create_app()"

and configures it through BARE_PLATFORM_URL, BARE_CLIENT_ID, BARE_DEPLOYMENT_ID and
BARE_SECRET_KEY (shared by the workers, which sign the session cookie with it).
"""

import os

from flask import Flask, render_template_string, request
from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskOIDCLogin, FlaskRequest
from pylti1p3.tool_config import ToolConfDict

LANDING = "<!doctype html><title>Tutoring</title><h1>Tutoring</h1><p>Welcome, {{ name }}.</p>"


def tool_config() -> ToolConfDict:
    """Return the one registration, read from the environment."""
    platform = os.environ["BARE_PLATFORM_URL"]
    return ToolConfDict({
        platform: {
            "default": True,
            "client_id": os.environ["BARE_CLIENT_ID"],
            "auth_login_url": platform + "/auth",
            "auth_token_url": platform + "/token",
            "key_set_url": platform + "/jwks",
            "deployment_ids": [os.environ["BARE_DEPLOYMENT_ID"]],
        }
    })


def create_app() -> Flask:
    """Build the two-route launch app."""
    app = Flask(__name__)
    app.secret_key = os.environ["BARE_SECRET_KEY"]
    config = tool_config()

    @app.get("/login")
    def login():
        oidc = FlaskOIDCLogin(FlaskRequest(), config)
        return oidc.redirect(request.args["target_link_uri"])

    @app.post("/launch")
    def launch():
        message = FlaskMessageLaunch(FlaskRequest(), config)
        return render_template_string(LANDING, name=message.get_launch_data().get("name"))

    return app
