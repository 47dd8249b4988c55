"""changes made to 0ef2010ab0ca after its release reach databases upgraded before them

Revision ID: e4a7f1c93d05
Revises: 7d41c9e2b8f0
Create Date: 2026-11-24 20:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e4a7f1c93d05"
down_revision = "7d41c9e2b8f0"
branch_labels = None
depends_on = None

# 0ef2010ab0ca gained the topics' sync time and the forgetting of learners' emails after it
# was released, so databases upgraded before then have neither. Both stay 0ef2010ab0ca's:
# here they are only made up for, and downgrade leaves them.
FORGET_LEARNERS_EMAILS = (
    "UPDATE lms_users SET email = NULL WHERE email IS NOT NULL AND id NOT IN ("
    "SELECT user_id FROM memberships WHERE CAST(roles AS TEXT) LIKE '%Instructor%' "
    "OR CAST(roles AS TEXT) LIKE '%Administrator%')"
)


def upgrade():
    columns = {column["name"] for column in sa.inspect(op.get_bind()).get_columns("courses")}
    if "topics_synced_at" not in columns:
        with op.batch_alter_table("courses", schema=None) as batch_op:
            batch_op.add_column(sa.Column("topics_synced_at", sa.DateTime(), nullable=True))
    # Forgets nothing on a database that already ran it: the tool stores no learner's email.
    op.execute(FORGET_LEARNERS_EMAILS)


def downgrade():
    pass
