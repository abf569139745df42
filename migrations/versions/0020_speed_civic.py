"""speed: civic records' hours by event (placeholder: no schema change yet; its owner fills it in or it is removed)

Revision ID: speed_4
Revises: speed_3
"""

revision = "speed_4"
down_revision = "speed_3"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
