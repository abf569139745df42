"""register search: pinyin search keys, trigram indexes on PostgreSQL

Revision ID: register_search_1
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "register_search_1"
down_revision = "0001"
branch_labels = None
depends_on = None

TRIGRAM_INDEXES = (
    ("ix_member_units_name_trgm", "member_units", "name"),
    ("ix_member_units_search_key_trgm", "member_units", "search_key"),
    ("ix_people_name_trgm", "people", "name"),
    ("ix_people_search_key_trgm", "people", "search_key"),
)


def upgrade():
    for table in ("member_units", "people"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("search_key", sa.String(length=400), nullable=False, server_default=""))
    _backfill()
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in TRIGRAM_INDEXES:
        op.create_index(name, table, [column], postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"})


def _backfill():
    from alliance.core.sorting import search_key

    bind = op.get_bind()
    units = bind.execute(sa.text("SELECT id, name, short_name FROM member_units")).all()
    for unit_id, name, short_name in units:
        bind.execute(sa.text("UPDATE member_units SET search_key = :key WHERE id = :id"),
                     {"key": search_key(" ".join(filter(None, (name, short_name)))), "id": unit_id})
    for person_id, name in bind.execute(sa.text("SELECT id, name FROM people")).all():
        bind.execute(sa.text("UPDATE people SET search_key = :key WHERE id = :id"),
                     {"key": search_key(name), "id": person_id})


def downgrade():
    for name, table, _column in TRIGRAM_INDEXES:
        op.drop_index(name, table_name=table)
    for table in ("people", "member_units"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("search_key")
