"""notifications: reminders and digests (placeholder: no schema change yet; its owner fills it in or it is removed)

Revision ID: notify_1
Revises: search_1
"""

revision = "notify_1"
down_revision = "search_1"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
