"""Who may act on which rating or organization, shared by the pages and the API."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from alliance.auth.roles import LIAISON
from alliance.core.permissions import can_edit_unit_records, deny, get_visible_or_404
from alliance.extensions import db
from alliance.ratings.models import PartyOrganization, Rating


def rating_options() -> list:
    return [db.joinedload(Rating.organization), db.joinedload(Rating.rubric),
            db.selectinload(Rating.entries), db.selectinload(Rating.objections),
            db.selectinload(Rating.evidence)]


def editable_rating(rating_id: int) -> Rating:
    """A rating whose self-assessment the user may fill in: 404 outside a liaison's unit (a
    published rating of another unit is readable, but not theirs: 404 as well)."""
    rating = get_visible_or_404(Rating, rating_id, options=rating_options())
    if not can_edit_unit_records(rating.unit_id):
        if current_user.role == LIAISON:
            deny(404, "不是本单位的党组织")
        deny(403, "无权填报该评定")
    return rating


def organization_for_rating(organization_id) -> PartyOrganization:
    """An organization the user may start a rating for (a liaison: their unit's only)."""
    if not isinstance(organization_id, int):
        abort(404)
    organization = get_visible_or_404(PartyOrganization, organization_id)
    if not can_edit_unit_records(organization.unit_id):
        deny(404, "不是本单位的党组织")
    return organization
