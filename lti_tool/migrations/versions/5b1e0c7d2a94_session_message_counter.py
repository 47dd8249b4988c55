"""each session counts its messages, so a message takes its seq in the statement that locks it

Revision ID: 5b1e0c7d2a94
Revises: 0ef2010ab0ca
Create Date: 2026-11-24 16:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5b1e0c7d2a94"
down_revision = "0ef2010ab0ca"
branch_labels = None
depends_on = None


# 3ff00bfccbf8 gained these indexes after it was released, so databases upgraded before
# then lack them; they stay 3ff00bfccbf8's, and downgrade leaves them.
LATE_INDEXES = [
    ("tutoring_sessions", "ix_tutoring_sessions_started_at", ["started_at"]),
    ("diagnoses", "ix_diagnoses_tutor_id", ["tutor_id"]),
    ("diagnoses", "ix_diagnoses_reassessed_diagnosis_id", ["reassessed_diagnosis_id"]),
]


def upgrade():
    inspector = sa.inspect(op.get_bind())
    for table, name, columns in LATE_INDEXES:
        if name not in {index["name"] for index in inspector.get_indexes(table)}:
            op.create_index(op.f(name), table, columns, unique=False)
    with op.batch_alter_table("tutoring_sessions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("last_seq", sa.Integer(), nullable=False, server_default="0")
        )
    # Sessions with a transcript carry on from their last message.
    op.execute(
        "UPDATE tutoring_sessions SET last_seq = (SELECT COALESCE(MAX(messages.seq), 0)"
        " FROM messages WHERE messages.session_id = tutoring_sessions.id)"
    )


def downgrade():
    with op.batch_alter_table("tutoring_sessions", schema=None) as batch_op:
        batch_op.drop_column("last_seq")
