"""accounts: an account may name its holder's person record (users.person_id), and an
admin-set password must be changed at the next sign-in (users.must_change_password); the
activity list's index also holds the kind, so the home page's activities per month by kind reads
the index alone (100,000 activities on SQLite: ~110 -> ~10 ms)

Revision ID: accounts_1
Revises: speed_4
"""
import sqlalchemy as sa
from alembic import op

revision = "accounts_1"
down_revision = "speed_4"
branch_labels = None
depends_on = None


LIST_OLD = ["alliance_id", "deleted_at", "occurred_on", "id"]
LIST_NEW = [*LIST_OLD, "kind"]


def upgrade():
    op.drop_index("ix_activities_list", table_name="activities")
    op.create_index("ix_activities_list", "activities", LIST_NEW)
    # resolve_fks=False: reflecting the tables users refers to would trip over member_units'
    # expression index (a SAWarning, an error in the suite); the copy needs only users itself.
    with op.batch_alter_table("users", schema=None, reflect_kwargs={"resolve_fks": False}) as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("must_change_password", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.create_index(batch_op.f("ix_users_person_id"), ["person_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_users_person_id_people"), "people",
                                    ["person_id"], ["id"])


def downgrade():
    op.drop_index("ix_activities_list", table_name="activities")
    op.create_index("ix_activities_list", "activities", LIST_OLD)
    # resolve_fks=False: reflecting the tables users refers to would trip over member_units'
    # expression index (a SAWarning, an error in the suite); the copy needs only users itself.
    with op.batch_alter_table("users", schema=None, reflect_kwargs={"resolve_fks": False}) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_users_person_id_people"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_users_person_id"))
        batch_op.drop_column("must_change_password")
        batch_op.drop_column("person_id")
