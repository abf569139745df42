"""The unit list and the people list as spreadsheets: the rows on screen (same filters, same
order, same scope), in the columns of the import template, so an export imports back unchanged."""
from __future__ import annotations

from sqlalchemy import Select

from alliance.core.exports import Sheet, csv_bytes, shown_mobile, xlsx_bytes
from alliance.extensions import db
from alliance.members.imports import PEOPLE_COLUMNS, UNIT_COLUMNS
from alliance.members.models import UNIT_CATEGORIES, UNIT_ROLES, UNIT_STATUSES, UNIT_TIERS

MAX_EXPORT_ROWS = 50_000
MILITARY = "military"


def unit_sheet(stmt: Select, *, title: str) -> Sheet:
    units = db.session.scalars(stmt.limit(MAX_EXPORT_ROWS)).unique().all()
    rows = [[u.name, u.short_name, u.uscc, UNIT_CATEGORIES.label(u.category),
             UNIT_TIERS.label(u.tier) if u.tier else None, UNIT_STATUSES.label(u.status), u.joined_on,
             u.left_on, u.sort_order, u.address, u.phone, u.grid, u.description] for u in units]
    return Sheet(title, [c.header for c in UNIT_COLUMNS], rows,
                 widths=[30, 12, 22, 10, 14, 8, 12, 12, 8, 30, 16, 12, 40], landscape=True)


def people_sheet(stmt: Select, user, *, title: str, full_mobiles: bool) -> Sheet:
    """One row per person with their first current role (the roles the viewer may see: a liaison
    only their own unit's). Mobiles as the viewer may see them; a military unit's people always
    masked."""
    people = db.session.scalars(stmt.limit(MAX_EXPORT_ROWS)).unique().all()
    rows = []
    for person in people:
        roles = [r for r in person.roles if r.is_current and r.unit is not None and r.unit.deleted_at is None
                 and (not user.is_liaison or r.unit_id == user.unit_id)]
        role = roles[0] if roles else None
        military = any(r.unit.category == MILITARY for r in person.roles if r.unit is not None)
        mobile = shown_mobile(person.mobile, user, full=full_mobiles,
                              unit_category=MILITARY if military else None)
        rows.append([person.name, mobile, person.email if full_mobiles and not military and user.is_manager else
                     _mask_email(person.email), person.title, "是" if person.is_party_member else "否",
                     role.unit.name if role else None, UNIT_ROLES.label(role.role) if role else None,
                     role.started_on if role else None, person.notes])
    return Sheet(title, [c.header for c in PEOPLE_COLUMNS], rows,
                 widths=[10, 14, 22, 20, 6, 30, 10, 12, 30], landscape=True)


def _mask_email(email: str | None) -> str | None:
    if not email or "@" not in email:
        return email
    name, domain = email.split("@", 1)
    return f"{name[:1]}***@{domain}"


def render(sheet: Sheet, fmt: str) -> bytes:
    return xlsx_bytes([sheet]) if fmt == "xlsx" else csv_bytes(sheet)
