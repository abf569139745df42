"""speed: indexes that let the list pages read one page instead of sorting every row

Revision ID: speed_1
Revises: register_search_1
"""
from alembic import op

revision = "speed_1"
down_revision = "lists_1"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_activities_list", "activities", ["alliance_id", "deleted_at", "occurred_on", "id"]),
    ("ix_people_list_strokes", "people", ["alliance_id", "deleted_at", "name_stroke_key", "id"]),
    ("ix_people_list_pinyin", "people", ["alliance_id", "deleted_at", "name_pinyin_key", "id"]),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
