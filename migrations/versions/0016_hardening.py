"""hardening: token expiry, attempt kinds, request keys, one current holder per role

Revision ID: hardening_1
Revises: speed_1
"""
import sqlalchemy as sa
from alembic import op

revision = "hardening_1"
down_revision = "speed_1"
branch_labels = None
depends_on = None

CURRENT_SINGLE = "ended_on IS NULL AND deleted_at IS NULL AND role IN ('head', 'liaison', 'secretary')"


def upgrade():
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=20), server_default="login", nullable=False))
        batch_op.create_index("ix_login_attempts_username_ip_address", ["username", "ip_address"], unique=False)

    op.create_table(
        "request_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("fingerprint", sa.String(length=400), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_request_keys_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_keys")),
        sa.UniqueConstraint("user_id", "key", name="uq_request_keys_user_id_key"),
    )
    with op.batch_alter_table("request_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_request_keys_created_at"), ["created_at"], unique=False)

    # Two current holders may exist from before (the bug this index closes): end all but the
    # latest appointment, the day the latest one started.
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        f"SELECT id, unit_id, role, started_on FROM unit_roles WHERE {CURRENT_SINGLE} "
        "ORDER BY unit_id, role, started_on DESC, id DESC")).fetchall()
    latest: dict = {}
    for row in rows:
        key = (row.unit_id, row.role)
        if key not in latest:
            latest[key] = row.started_on
            continue
        conn.execute(sa.text("UPDATE unit_roles SET ended_on = :ended WHERE id = :id"),
                     {"ended": max(latest[key], row.started_on), "id": row.id})
    with op.batch_alter_table("unit_roles", schema=None) as batch_op:
        batch_op.create_index("uq_unit_roles_current_holder", ["unit_id", "role"], unique=True,
                              sqlite_where=sa.text(CURRENT_SINGLE),
                              postgresql_where=sa.text(CURRENT_SINGLE))


def downgrade():
    with op.batch_alter_table("unit_roles", schema=None) as batch_op:
        batch_op.drop_index("uq_unit_roles_current_holder", sqlite_where=sa.text(CURRENT_SINGLE),
                            postgresql_where=sa.text(CURRENT_SINGLE))
    with op.batch_alter_table("request_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_request_keys_created_at"))
    op.drop_table("request_keys")
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempts_username_ip_address")
        batch_op.drop_column("kind")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
