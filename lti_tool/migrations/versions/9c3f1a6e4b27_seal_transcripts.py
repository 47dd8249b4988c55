"""chat messages sealed at rest: existing transcripts are sealed in place

Revision ID: 9c3f1a6e4b27
Revises: 5b1e0c7d2a94
Create Date: 2026-11-24 17:55:00.000000

"""

import sqlalchemy as sa
from alembic import op
from flask import current_app

from lti_tool.sealing import TRANSCRIPTS, box

# revision identifiers, used by Alembic.
revision = "9c3f1a6e4b27"
down_revision = "5b1e0c7d2a94"
branch_labels = None
depends_on = None

MESSAGES = sa.table("messages", sa.column("id", sa.Integer), sa.column("body", sa.Text))
BATCH = 500  # messages held in memory at once


def _rewrite(change) -> None:
    # The column stays text; only what it holds changes. Sealing needs the app's secret, which
    # `flask db upgrade` provides.
    cipher = box(current_app.config, TRANSCRIPTS)
    connection = op.get_bind()
    after = 0
    while rows := connection.execute(
            sa.select(MESSAGES.c.id, MESSAGES.c.body).where(MESSAGES.c.id > after)
            .order_by(MESSAGES.c.id).limit(BATCH)).all():
        for message_id, body in rows:
            connection.execute(
                MESSAGES.update().where(MESSAGES.c.id == message_id)
                .values(body=change(cipher, body.encode()).decode())
            )
        after = rows[-1][0]


def upgrade():
    _rewrite(lambda cipher, body: cipher.encrypt(body))


def downgrade():
    _rewrite(lambda cipher, body: cipher.decrypt(body))
