"""Changing the sealing secret: the retired one still opens what it sealed, and
`flask --app lti_tool secrets reseal` moves everything to the new one."""

import pyotp
import pytest
from sqlalchemy import text

from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.lms.keys import signing_key
from lti_tool.models import Account, TutoringSession
from lti_tool.models.sealed import SealedText
from lti_tool.queries.transcripts import transcript
from lti_tool.sealing import box
from lti_tool.services.chat import ChatLimits, post_message
from lti_tool.services.reseal import SEALED
from lti_tool.services.tool_keys import generate_key
from lti_tool.services.tutor_sessions import accept_session
from lti_tool.services.two_factor import account_secret, confirm_enrolment
from tests.tutoring_factories import ask, make_school, make_tutor, sender

OLD = "old-sealing-secret-with-enough-characters"
NEW = "new-sealing-secret-with-enough-characters"
SAID = "I feel lost in this class"
STORED = {"tool_keys": "private_pem_encrypted", "accounts": "totp_secret_encrypted",
          "messages": "body"}


@pytest.fixture
def sealed_under_old(app, algebra):
    """A signing key, a tutor's TOTP secret and a chat message, all sealed under OLD."""
    app.config["KEY_ENCRYPTION_SECRET"] = OLD
    generate_key(app.config)
    school = make_school(students=1)
    tutor = make_tutor("t@x.test", algebra)
    secret = pyotp.random_base32()
    assert confirm_enrolment(tutor, secret, pyotp.TOTP(secret).now(), app.config, utcnow())
    session = accept_session(ask(school.course, school.students[0], algebra).id, tutor, utcnow())
    post_message(session.id, sender(session, "student", "Ava"), SAID, None,
                 ChatLimits(max_chars=2000, rate_count=10, rate_seconds=5), utcnow())
    db.session.commit()
    return tutor.id, secret, session.id


def stored_values() -> dict[str, object]:
    return {table: db.session.execute(
        text(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")).scalar_one()
        for table, column in STORED.items()}


def everything_opens(app, ids) -> None:
    tutor_id, secret, session_id = ids
    db.session.expire_all()
    assert "PRIVATE KEY" in signing_key(box(app.config)).private_pem
    assert account_secret(db.session.get(Account, tutor_id), app.config) == secret
    session = db.session.get(TutoringSession, session_id)
    assert [line.body for line in transcript(session)] == [SAID]


def test_a_retired_secret_opens_its_data_until_reseal_moves_it_to_the_new_secret(
        app, runner, sealed_under_old):
    before = stored_values()
    app.config.update(KEY_ENCRYPTION_SECRET=NEW, KEY_ENCRYPTION_RETIRED_SECRETS=(OLD,))
    everything_opens(app, sealed_under_old)

    result = runner.invoke(args=["secrets", "reseal"])

    assert result.exit_code == 0, result.output
    assert "chat messages: 1 sealed again" in result.output
    assert "TOTP secrets: 1 sealed again" in result.output
    after = stored_values()
    assert all(after[table] != before[table] for table in STORED)
    app.config["KEY_ENCRYPTION_RETIRED_SECRETS"] = ()
    everything_opens(app, sealed_under_old)


def test_reseal_without_the_old_secret_says_so_and_changes_nothing(
        app, runner, sealed_under_old):
    before = stored_values()
    app.config.update(KEY_ENCRYPTION_SECRET=NEW, KEY_ENCRYPTION_RETIRED_SECRETS=())

    result = runner.invoke(args=["secrets", "reseal"])

    assert result.exit_code == 1
    assert "3 values open under none of the configured secrets" in result.output
    assert "KEY_ENCRYPTION_RETIRED_SECRETS" in result.output
    assert stored_values() == before


def test_reseal_knows_every_sealed_column_of_the_models():
    # A new sealed column that reseal missed would be stranded by the next change of secret.
    sealed = {(table.name, column.name) for table in db.metadata.sorted_tables
              for column in table.columns
              if isinstance(column.type, SealedText) or column.name.endswith("_encrypted")}
    assert sealed == {(column.table, column.column) for column in SEALED}
