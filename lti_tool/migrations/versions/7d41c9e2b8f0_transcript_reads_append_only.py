"""the transcript-read record refuses changes and deletions in PostgreSQL itself

Revision ID: 7d41c9e2b8f0
Revises: 28bb8fb6369e
Create Date: 2026-11-24 19:40:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "7d41c9e2b8f0"
down_revision = "28bb8fb6369e"
branch_labels = None
depends_on = None

# The record of who read a student's transcript is evidence (disclosure record-keeping,
# incident response): not even the tool's own database user may rewrite or remove a row.
# PostgreSQL only, the production database; SQLite serves development. TRUNCATE, which
# fires no row trigger, stays for whoever owns the database.
FUNCTION = """
CREATE FUNCTION transcript_reads_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'transcript_reads is append-only';
END
$$ LANGUAGE plpgsql
"""
TRIGGER = """
CREATE TRIGGER transcript_reads_append_only BEFORE UPDATE OR DELETE ON transcript_reads
FOR EACH ROW EXECUTE FUNCTION transcript_reads_append_only()
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FUNCTION)
        op.execute(TRIGGER)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER transcript_reads_append_only ON transcript_reads")
        op.execute("DROP FUNCTION transcript_reads_append_only()")
