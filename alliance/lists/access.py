"""Loading records of the three lists for the user at hand: 404 outside their scope, 404 too
when a liaison tries to change another unit's record (they must not learn more of it)."""
from __future__ import annotations

from flask_login import current_user
from sqlalchemy.orm import selectinload

from alliance.core.permissions import deny, get_visible_or_404
from alliance.lists.models import Claim, Need, Project, Resource
from alliance.lists.services import may_edit


def visible_need(need_id: int) -> Need:
    return get_visible_or_404(Need, need_id, options=[selectinload(Need.category),
                                                      selectinload(Need.unit)])


def editable_need(need_id: int) -> Need:
    need = visible_need(need_id)
    if not may_edit(current_user, need.unit_id):
        deny(404, f"需求 {need_id} 不属于本单位")
    return need


def visible_resource(resource_id: int) -> Resource:
    return get_visible_or_404(Resource, resource_id, options=[selectinload(Resource.category),
                                                              selectinload(Resource.unit)])


def editable_resource(resource_id: int) -> Resource:
    resource = visible_resource(resource_id)
    if not may_edit(current_user, resource.unit_id):
        deny(404, f"资源 {resource_id} 不属于本单位")
    return resource


def visible_project(project_id: int) -> Project:
    return get_visible_or_404(Project, project_id, options=[
        selectinload(Project.category), selectinload(Project.lead_unit),
        selectinload(Project.partners), selectinload(Project.needs),
        selectinload(Project.resources), selectinload(Project.transitions)])


def visible_claim(claim_id: int) -> Claim:
    return get_visible_or_404(Claim, claim_id, options=[selectinload(Claim.unit),
                                                        selectinload(Claim.need),
                                                        selectinload(Claim.project)])
