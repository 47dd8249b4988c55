"""who read which student's transcript: the disclosure record

Revision ID: 28bb8fb6369e
Revises: 9c3f1a6e4b27
Create Date: 2026-11-24 17:44:08.392463

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "28bb8fb6369e"
down_revision = "9c3f1a6e4b27"
branch_labels = None
depends_on = None


def upgrade():

    op.create_table(
        "transcript_reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("reader_role", sa.String(length=20), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("read_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_transcript_reads_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_transcript_reads_course_id_courses")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["tutoring_sessions.id"],
            name=op.f("fk_transcript_reads_session_id_tutoring_sessions"),
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["lms_users.id"], name=op.f("fk_transcript_reads_student_id_lms_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transcript_reads")),
    )
    with op.batch_alter_table("transcript_reads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_transcript_reads_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_transcript_reads_course_id"), ["course_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_transcript_reads_read_at"), ["read_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_transcript_reads_session_id"), ["session_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_transcript_reads_student_id"), ["student_id"], unique=False
        )


def downgrade():

    with op.batch_alter_table("transcript_reads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transcript_reads_student_id"))
        batch_op.drop_index(batch_op.f("ix_transcript_reads_session_id"))
        batch_op.drop_index(batch_op.f("ix_transcript_reads_read_at"))
        batch_op.drop_index(batch_op.f("ix_transcript_reads_course_id"))
        batch_op.drop_index(batch_op.f("ix_transcript_reads_account_id"))

    op.drop_table("transcript_reads")
