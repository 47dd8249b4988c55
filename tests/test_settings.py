"""Production settings refuse to start when they would be unsafe."""

import pytest

from lti_tool import create_app
from lti_tool.settings import ProductionSettingsError

SAFE = {
    "SECRET_KEY": "x" * 48,
    "TOOL_URL": "https://tutoring.example.edu",
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
}


def test_production_starts_with_safe_settings():
    app = create_app("production", SAFE)
    assert "sandbox" not in app.blueprints


@pytest.mark.parametrize(
    ("override", "words"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"SANDBOX_ENABLED": True}, "SANDBOX_ENABLED"),
        ({"OPEN_REGISTRATION": True}, "OPEN_REGISTRATION"),
        ({"SESSION_COOKIE_SECURE": False}, "Secure"),
        ({"FETCH_ALLOW_HTTP": True}, "FETCH_ALLOW_HTTP"),
        ({"TOOL_URL": "http://tutoring.example.edu"}, "https"),
    ],
)
def test_production_refuses_unsafe_settings(override, words):
    with pytest.raises(ProductionSettingsError, match=words):
        create_app("production", {**SAFE, **override})
