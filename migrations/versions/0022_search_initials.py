"""search: pinyin initials (placeholder: no schema change yet; its owner fills it in or it is removed)

Revision ID: search_1
Revises: accounts_1
"""

revision = "search_1"
down_revision = "accounts_1"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
