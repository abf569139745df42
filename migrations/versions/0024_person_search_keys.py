"""people's search keys read the surname by its surname reading (core.sorting.person_search_key):
曾伟 was cengwei/cw, so q=zw did not find him; it is now zengwei/zw, as his sort key reads him

Revision ID: people_search_1
Revises: notify_1
"""
import sqlalchemy as sa
from alembic import op

revision = "people_search_1"
down_revision = "notify_1"
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade():
    from alliance.core.sorting import person_search_key

    bind = op.get_bind()
    changed = [{"k": key, "i": person_id}
               for person_id, name, old in bind.execute(sa.text("SELECT id, name, search_key FROM people"))
               if (key := person_search_key(name or "")) != old]
    update = sa.text("UPDATE people SET search_key = :k WHERE id = :i")
    for start in range(0, len(changed), BATCH):
        bind.execute(update, changed[start:start + BATCH])


def downgrade():
    from alliance.core.sorting import search_key

    bind = op.get_bind()
    rows = [{"k": search_key(name or ""), "i": person_id}
            for person_id, name in bind.execute(sa.text("SELECT id, name FROM people"))]
    update = sa.text("UPDATE people SET search_key = :k WHERE id = :i")
    for start in range(0, len(rows), BATCH):
        bind.execute(update, rows[start:start + BATCH])
