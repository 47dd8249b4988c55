"""Tutoring Portal: an LTI 1.3 tool for live tutoring and an instructor portal."""

import logging
import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import cli, extensions
from .settings import SETTINGS_BY_NAME, check_production
from .views import account, admin, errors, headers, lti, portal, tutor, tutoring


def create_app(settings: str | None = None, overrides: dict | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, error handlers, CLI."""
    name = settings or os.environ.get("TOOL_ENV", "production")
    config = SETTINGS_BY_NAME[name]
    app = Flask(__name__, template_folder=config.TEMPLATES_DIR, instance_relative_config=True)
    app.config.from_object(config)
    app.config.update(overrides or {})
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            f"sqlite:///{Path(app.instance_path) / 'lti_tool.sqlite3'}"
        )
    if name == "production":
        check_production(app.config)
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"))

    hops = app.config["PROXY_FIX_HOPS"]
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    extensions.db.init_app(app)
    extensions.migrate.init_app(
        app, extensions.db, directory=str(Path(__file__).parent / "migrations")
    )
    extensions.csrf.init_app(app)
    extensions.login_manager.init_app(app)
    extensions.login_manager.login_view = "account.login"

    for blueprint in (lti.bp, tutoring.bp, tutor.bp, portal.bp, admin.bp, account.bp):
        app.register_blueprint(blueprint)
    if app.config["SANDBOX_ENABLED"]:
        from .views import sandbox

        app.register_blueprint(sandbox.bp)
    headers.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    return app
