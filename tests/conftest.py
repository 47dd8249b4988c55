"""Fixtures: the app on SQLite or PostgreSQL, a clean database per test, the test platform."""

import contextvars
import logging
import os
import re
import time
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses as responses_lib
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.pool import NullPool

from lti_tool import create_app
from lti_tool.extensions import db
from lti_tool.lms import http as lms_http
from lti_tool.models import LmsUser
from lti_tool.sandbox.registration import new_key_pair
from lti_tool.settings import BaseSettings
from tests.platform_fixture import TestPlatform
from tests.tutoring_factories import make_subject, sign_in_tutor

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
            "SQLALCHEMY_ENGINE_OPTIONS": {**BaseSettings.SQLALCHEMY_ENGINE_OPTIONS,
                                          "poolclass": NullPool}}


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
    app.test_client_class = IsolatedClient
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


class IsolatedClient(FlaskClient):
    """Runs each request in a fresh context, so it gets its own app context and `g`, as on a
    real server, instead of sharing the app context the test itself holds open."""

    def open(self, *args, **kwargs):
        # Buffered, so that a streamed answer is also read to its end in that context.
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)


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


@pytest.fixture(scope="session")
def platform_key_pair():
    return new_key_pair()


@pytest.fixture(scope="session")
def other_key_pair():
    return new_key_pair()


@pytest.fixture
def lms(app, client, mocked_network, platform_key_pair):
    """A registered LMS that signs real launches and serves its endpoints through `responses`."""
    return TestPlatform.register(app, client, mocked_network, platform_key_pair)


@pytest.fixture
def refused(caplog):
    """Check a refused login or launch: its status, its logged reason, and no session made."""
    caplog.set_level(logging.INFO, logger="lti_tool.services.launches")

    def check(response, reason: str, status: int = 401, *, step="launch", users=0) -> None:
        assert response.status_code == status
        assert 'name="launch_token"' not in response.text
        assert db.session.scalar(db.select(db.func.count()).select_from(LmsUser)) == users
        logged = [r.getMessage() for r in caplog.records if r.name == "lti_tool.services.launches"]
        assert logged[-1:] == [f"{step} refused: {reason}"]

    return check


@pytest.fixture
def server_time_zone():
    """Set the server's local time zone for one test; the tool must not depend on it."""
    with pytest.MonkeyPatch.context() as patch:

        def use(zone: str) -> None:
            patch.setenv("TZ", zone)
            time.tzset()

        yield use
    time.tzset()


@pytest.fixture
def algebra(app):
    return make_subject("Algebra")


@pytest.fixture
def joanetta(app, algebra):
    """A tutor covering Algebra, signed in through the real sign-in in a browser of her own."""
    return sign_in_tutor(app, "joanetta@tutors.example.org", algebra, name="Joanetta Lopez")


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
