"""The four account roles and what each may do, as plain data the views and tests share.

They live in core (not auth) because every layer reads them; ``alliance.auth.roles`` re-exports
them for older imports."""
from __future__ import annotations

from alliance.core.choices import Choices

ADMIN = "admin"
STAFF = "staff"
LIAISON = "liaison"
ORGANIZER = "organizer"

ACCOUNT_ROLES = Choices(
    (ADMIN, "管理员"),
    (STAFF, "党群办工作人员"),
    (LIAISON, "成员单位联络员"),
    (ORGANIZER, "会务组织者"),
)

# Township staff keep the register; admins are staff who also manage accounts.
MANAGERS = frozenset({ADMIN, STAFF})
# Everyone who may read every unit's records of their alliance.
READERS_OF_ALL = frozenset({ADMIN, STAFF, ORGANIZER})
ALL_ROLES = frozenset(ACCOUNT_ROLES.codes)
