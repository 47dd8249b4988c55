"""Fixtures: the app on SQLite or PostgreSQL, a clean database per test, the test platform."""

import os
import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses as responses_lib
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.pool import NullPool

from lti_tool import create_app
from lti_tool.extensions import db
from lti_tool.lms import http as lms_http
from tests.platform_fixture import TestPlatform

TOOL = "https://tool.test"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """PostgreSQL when TEST_DATABASE_URL is set (CI), otherwise a SQLite file."""
    return os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    )


def app_settings(database_url: str) -> dict:
    """Settings for a test app; no pool, so no connection outlives its use."""
    return {"SQLALCHEMY_DATABASE_URI": database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": NullPool}}


@pytest.fixture(scope="session")
def _schema(database_url):
    """Build the schema once through the migrations, as `flask db upgrade` does."""
    app = create_app("testing", app_settings(database_url))
    with app.app_context():
        upgrade()
    return database_url


@pytest.fixture
def app(_schema):
    app = create_app("testing", app_settings(_schema))
    with app.app_context():
        yield app
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if db.engine.dialect.name == "postgresql":
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(autouse=True)
def public_dns(monkeypatch):
    """Resolve every test host name to a public address: no real lookups, no real network."""
    addresses = {}
    monkeypatch.setattr(lms_http, "resolve", lambda host: addresses.get(host, ["93.184.216.34"]))
    return addresses


@pytest.fixture
def mocked_network():
    with responses_lib.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def _new_rsa_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return private, public


@pytest.fixture(scope="session")
def platform_key_pair():
    return _new_rsa_pair()


@pytest.fixture(scope="session")
def other_key_pair():
    return _new_rsa_pair()


@pytest.fixture
def lms(app, client, mocked_network, platform_key_pair):
    """A registered LMS that signs real launches and serves its endpoints through `responses`."""
    return TestPlatform.register(app, client, mocked_network, platform_key_pair)


def form_fields(html: str) -> dict[str, str]:
    """Return the hidden fields of the first form in a page."""
    return {
        unescape(name): unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
    }


def form_action(html: str) -> str:
    return unescape(re.search(r'<form[^>]* action="([^"]+)"', html).group(1))


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))
