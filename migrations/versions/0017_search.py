"""search: trigram indexes on every column the register search ORs (title, mobile, short name, USCC)

Without them PostgreSQL answered ``q=`` over 200,000 people with a sequential scan (page and
count: ~110 ms); with them, a BitmapOr of index scans.

Revision ID: search_2
Revises: hardening_1
"""
from alembic import op

revision = "search_2"
down_revision = "hardening_1"
branch_labels = None
depends_on = None

TRIGRAM_INDEXES = (
    ("ix_member_units_short_name_trgm", "member_units", "short_name"),
    ("ix_member_units_uscc_trgm", "member_units", "uscc"),
    ("ix_people_title_trgm", "people", "title"),
    ("ix_people_mobile_trgm", "people", "mobile"),
)


def upgrade():
    for name, table, column in TRIGRAM_INDEXES:
        op.create_index(name, table, [column], postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"})


def downgrade():
    for name, table, _column in TRIGRAM_INDEXES:
        op.drop_index(name, table_name=table)
