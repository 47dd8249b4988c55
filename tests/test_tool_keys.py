"""The tool's keys: generated once, rotated with an overlap, one key set for every host."""

from datetime import timedelta

from lti_tool import create_app
from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.lms.keys import signing_key
from lti_tool.models import ToolKey
from lti_tool.sealing import box
from lti_tool.services.tool_keys import generate_key, rotate_key, tool_jwks
from tests.conftest import app_settings


def test_generate_creates_one_rsa_key_and_is_idempotent(app):
    key, created = generate_key(app.config)
    again, created_again = generate_key(app.config)
    assert created and not created_again and again.kid == key.kid
    jwk = tool_jwks(app.config, utcnow())["keys"][0]
    assert (jwk["kid"], jwk["kty"], jwk["alg"], jwk["use"]) == (key.kid, "RSA", "RS256", "sig")


def test_private_key_is_stored_encrypted(app):
    key, _ = generate_key(app.config)
    assert b"PRIVATE KEY" not in key.private_pem_encrypted
    assert "PRIVATE KEY" in signing_key(box(app.config)).private_pem


def test_rotation_publishes_old_key_until_overlap_ends(app):
    old, _ = generate_key(app.config)
    now = utcnow()
    new = rotate_key(app.config, now)
    assert signing_key(box(app.config)).kid == new.kid
    published = [k["kid"] for k in tool_jwks(app.config, now)["keys"]]
    assert published == [new.kid, old.kid]
    after_overlap = now + timedelta(hours=app.config["KEY_ROTATION_OVERLAP_HOURS"], seconds=1)
    assert [k["kid"] for k in tool_jwks(app.config, after_overlap)["keys"]] == [new.kid]


def test_two_hosts_on_one_database_publish_the_same_key_set(app, client):
    generate_key(app.config)
    rotate_key(app.config, utcnow())
    other_host = create_app("testing", app_settings(app.config["SQLALCHEMY_DATABASE_URI"]))
    first = client.get("/.well-known/jwks.json").json
    with other_host.app_context():
        second = other_host.test_client().get("/.well-known/jwks.json").json
    assert first == second and len(first["keys"]) == 2


def test_keys_cli_generates_and_rotates(runner):
    assert "Generated key" in runner.invoke(args=["keys", "generate"]).output
    assert "New current key" in runner.invoke(args=["keys", "rotate"]).output
    assert db.session.execute(db.select(db.func.count(ToolKey.id))).scalar_one() == 2
