"""accounts: linked person, forced password change (placeholder: no schema change yet; its owner fills it in or it is removed)

Revision ID: accounts_1
Revises: speed_4
"""

revision = "accounts_1"
down_revision = "speed_4"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
