"""platform: shared uploads (longer content types), scheduler leases

Revision ID: platform_1
Revises: register_search_1
"""
import sqlalchemy as sa
from alembic import op

revision = "platform_1"
down_revision = "register_search_1"
branch_labels = None
depends_on = None


def upgrade():
    # core.uploads' UploadRecordMixin: Office content types are up to 71 characters.
    with op.batch_alter_table("activity_photos") as batch_op:
        batch_op.alter_column("content_type", existing_type=sa.String(length=50),
                              type_=sa.String(length=100), existing_nullable=False)
    # core.scheduler: one row per job; taking a trigger's slot is one atomic UPDATE.
    op.create_table(
        "job_leases",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("last_slot", sa.BigInteger(), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_leases")),
    )


def downgrade():
    op.drop_table("job_leases")
    with op.batch_alter_table("activity_photos") as batch_op:
        batch_op.alter_column("content_type", existing_type=sa.String(length=100),
                              type_=sa.String(length=50), existing_nullable=False)
