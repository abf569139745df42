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
# Those who write records: staff and admins everywhere, a liaison for their own unit.
# Organizers read every unit's records and export them; they write nothing.
EDITORS = MANAGERS | {LIAISON}


class RoleMixin:
    """The role predicates, said once: accounts, the anonymous user and stand-ins all answer them
    from ``role``. Views and services ask ``user.is_manager``, never ``user.role in MANAGERS``."""

    role: str | None

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGERS

    @property
    def is_editor(self) -> bool:
        return self.role in EDITORS

    @property
    def is_liaison(self) -> bool:
        return self.role == LIAISON

    @property
    def reads_all_units(self) -> bool:
        return self.role in READERS_OF_ALL


class StandIn(RoleMixin):
    """A user that is not an account, for demo loaders, jobs and tests that call services
    directly (the audit trail names them through ``acting_as``)."""

    def __init__(self, *, role: str, alliance_id: int, unit_id: int | None = None, id: int | None = None,
                 display_name: str = "系统") -> None:
        self.role, self.alliance_id, self.unit_id, self.id = role, alliance_id, unit_id, id
        self.display_name = display_name
        self.is_authenticated = True
