"""speed: the unit list reads its default order (排序号 first, then pinyin) and its name order off
an index instead of sorting every unit of the alliance for one page

Revision ID: speed_2
Revises: search_2
"""
import sqlalchemy as sa
from alembic import op

revision = "speed_2"
down_revision = "search_2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_member_units_list_order", "member_units",
                    ["alliance_id", "deleted_at", sa.text("(sort_order IS NULL)"), "sort_order",
                     "name_sort_key", "id"])
    op.create_index("ix_member_units_list_name", "member_units",
                    ["alliance_id", "deleted_at", "name_sort_key", "id"])


def downgrade():
    op.drop_index("ix_member_units_list_name", table_name="member_units")
    op.drop_index("ix_member_units_list_order", table_name="member_units")
