"""speed: civic service records indexed by (event_id, deleted_at, hours), so the figures page
sums each event's live hours off the index alone instead of reading every record's row (100,000
records: the figures page's p99 was ~490 ms on SQLite)

Revision ID: speed_4
Revises: speed_3
"""
from alembic import op

revision = "speed_4"
down_revision = "speed_3"
branch_labels = None
depends_on = None

NAME = "ix_civic_service_records_event_hours"


def upgrade():
    op.create_index(NAME, "civic_service_records", ["event_id", "deleted_at", "hours"])


def downgrade():
    op.drop_index(NAME, table_name="civic_service_records")
