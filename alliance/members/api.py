"""/api/v1/units, /api/v1/people, /api/v1/units/{id}/roles."""
from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select

from alliance.api import exempt_from_form_csrf
from alliance.api.schemas import OptionalVersionArgs, list_body, page_schema
from alliance.core.permissions import can_edit_unit_records, deny, get_visible_or_404, managers_only, roles_required
from alliance.core.roles import EDITORS
from alliance.extensions import db
from alliance.members import services
from alliance.members.models import MemberUnit, Person, UnitRole
from alliance.members.queries import UnitFilters, people_list_query, search_units, unit_list_query
from alliance.members.schemas import (
    PERSON_PATCH_PARTIAL,
    UNIT_PATCH_PARTIAL,
    PeopleListArgs,
    PersonPage,
    PersonPatchSchema,
    PersonSchema,
    RoleListArgs,
    UnitListArgs,
    UnitPage,
    UnitPatchSchema,
    UnitPickerArgs,
    UnitPickerResult,
    UnitRolePatchSchema,
    UnitRoleSchema,
    UnitSchema,
)

blp = Blueprint("members_api", __name__, url_prefix="/api/v1", description="成员单位、人员与单位职务")
exempt_from_form_csrf(blp)
RolePage = page_schema(UnitRoleSchema, "UnitRolePage")
ALL = ()  # roles_required() with no roles: every signed-in role


def _managers_for_deleted(args: dict) -> bool:
    return bool(args.get("deleted")) and current_user.is_manager


# --- units ---------------------------------------------------------------------------------

@blp.route("/units")
@roles_required(*ALL)
@blp.arguments(UnitListArgs, location="query", as_kwargs=True)
@blp.response(200, UnitPage)
def list_units(page, per_page, **args):
    """成员单位列表（联络员只看到本单位）

    q= 匹配名称、简称、信用代码、名称拼音或首字母（fddx）；以空格分开的几个词须每个都匹配。"""
    filters = UnitFilters(q=args.get("q"), category=args.get("category"), tier=args.get("tier"),
                          status=args.get("status"), sort=args.get("sort", "order"),
                          deleted=_managers_for_deleted(args))
    return list_body(unit_list_query(current_user, filters, with_roles=False), UnitSchema, MemberUnit,
                     page, per_page)


@blp.route("/unit-picker")
@roles_required(*ALL)
@blp.arguments(UnitPickerArgs, location="query", as_kwargs=True)
@blp.response(200, UnitPickerResult)
def unit_picker(q="", limit=15):
    """单位选择器：按名称、简称、信用代码、拼音或拼音首字母即时查找（只含本账号可见的单位）"""
    return {"items": search_units(current_user, q, limit)}


@blp.route("/units", methods=["POST"])
@managers_only
@blp.arguments(UnitSchema)
@blp.response(201, UnitSchema)
def create_unit(data):
    """新增成员单位"""
    unit = services.create_unit(data, alliance_id=current_user.alliance_id)
    db.session.commit()
    return unit


@blp.route("/units/<int:unit_id>")
@roles_required(*ALL)
@blp.response(200, UnitSchema)
def get_unit(unit_id):
    """成员单位详情"""
    return get_visible_or_404(MemberUnit, unit_id, include_deleted=current_user.is_manager)


@blp.route("/units/<int:unit_id>", methods=["PATCH"])
@roles_required(*ALL)
@blp.arguments(UnitPatchSchema(partial=UNIT_PATCH_PARTIAL))
@blp.response(200, UnitSchema)
def update_unit(data, unit_id):
    """修改成员单位（联络员只能改本单位的简称、地址、电话、简介；其他字段被忽略）"""
    unit = get_visible_or_404(MemberUnit, unit_id)
    if not can_edit_unit_records(unit.id):
        deny(403, "无权修改该单位")
    version = data.pop("version")
    services.update_unit(unit, data, version=version, user=current_user)
    db.session.commit()
    return unit


@blp.route("/units/<int:unit_id>", methods=["DELETE"])
@managers_only
@blp.arguments(OptionalVersionArgs, location="query", as_kwargs=True)
@blp.response(204)
def delete_unit(unit_id, version=None):
    """删除成员单位（可恢复）"""
    services.delete_unit(get_visible_or_404(MemberUnit, unit_id), version=version)
    db.session.commit()


@blp.route("/units/<int:unit_id>/restore", methods=["POST"])
@managers_only
@blp.arguments(OptionalVersionArgs, location="query", as_kwargs=True)
@blp.response(200, UnitSchema)
def restore_unit(unit_id, version=None):
    """恢复已删除的成员单位"""
    unit = get_visible_or_404(MemberUnit, unit_id, include_deleted=True)
    services.restore_unit(unit, version=version)
    db.session.commit()
    return unit


# --- unit roles ----------------------------------------------------------------------------

@blp.route("/units/<int:unit_id>/roles")
@roles_required(*ALL)
@blp.arguments(RoleListArgs, location="query", as_kwargs=True)
@blp.response(200, RolePage)
def list_roles(unit_id, current=None):
    """单位职务（现任与历任）"""
    unit = get_visible_or_404(MemberUnit, unit_id)
    stmt = (select(UnitRole).where(UnitRole.unit_id == unit.id, UnitRole.deleted_at.is_(None))
            .options(db.selectinload(UnitRole.person))
            .order_by(UnitRole.started_on.desc(), UnitRole.id))
    if current is True:
        stmt = stmt.where(UnitRole.ended_on.is_(None))
    elif current is False:
        stmt = stmt.where(UnitRole.ended_on.is_not(None))
    roles = db.session.scalars(stmt).all()
    return {"items": roles, "total": len(roles), "page": 1, "per_page": max(len(roles), 1)}


@blp.route("/units/<int:unit_id>/roles", methods=["POST"])
@roles_required(*ALL)
@blp.arguments(UnitRoleSchema)
@blp.response(201, UnitRoleSchema)
def assign_role(data, unit_id):
    """任命职务：同一单位的书记、联络员、负责人只有一位现任，新任命会结束原任职"""
    unit = get_visible_or_404(MemberUnit, unit_id)
    if not can_edit_unit_records(unit.id):
        deny(403, "无权修改该单位的职务")
    services.check_role_change(current_user, unit, data.get("role"))
    person = services.person_for_role(current_user, person_id=data.pop("person_id", None),
                                      new_person=data.pop("person", None))
    role = services.assign_role(unit, person, data, user=current_user)
    db.session.commit()
    return role


@blp.route("/units/<int:unit_id>/roles/<int:role_id>", methods=["PATCH"])
@roles_required(*ALL)
@blp.arguments(UnitRolePatchSchema)
@blp.response(200, UnitRoleSchema)
def update_role(data, unit_id, role_id):
    """修改或结束任职（设置 ended_on）"""
    role = _role_of_unit(unit_id, role_id)
    version = data.pop("version")
    services.update_role(role, data, version=version, user=current_user)
    db.session.commit()
    return role


@blp.route("/units/<int:unit_id>/roles/<int:role_id>", methods=["DELETE"])
@managers_only
@blp.arguments(OptionalVersionArgs, location="query", as_kwargs=True)
@blp.response(204)
def delete_role(unit_id, role_id, version=None):
    """删除录入错误的任职记录（可恢复；正常离任请用 PATCH 设置 ended_on）"""
    services.delete_role(_role_of_unit(unit_id, role_id), version=version, user=current_user)
    db.session.commit()


def _role_of_unit(unit_id: int, role_id: int) -> UnitRole:
    unit = get_visible_or_404(MemberUnit, unit_id)
    if not can_edit_unit_records(unit.id):
        deny(403, "无权修改该单位的职务")
    role = get_visible_or_404(UnitRole, role_id)
    if role.unit_id != unit.id:
        deny(404, "职务不属于该单位")
    return role


# --- people --------------------------------------------------------------------------------

@blp.route("/people")
@roles_required(*ALL)
@blp.arguments(PeopleListArgs, location="query", as_kwargs=True)
@blp.response(200, PersonPage)
def list_people(page, per_page, **args):
    """人员列表；sort=strokes 按姓氏笔画，pinyin（或 name）按姓名拼音

    q= 匹配姓名、职务、手机、姓名拼音或首字母（zx 找到张轩）、现任职务所在单位的名称；
    以空格分开的几个词须每个都匹配（复旦 儿科）。"""
    stmt = people_list_query(current_user, q=args.get("q"), sort=args.get("sort", "strokes"),
                             deleted=_managers_for_deleted(args), with_roles=False)
    return list_body(stmt, PersonSchema, Person, page, per_page)


@blp.route("/people", methods=["POST"])
@managers_only
@blp.arguments(PersonSchema)
@blp.response(201, PersonSchema)
def create_person(data):
    """新增人员"""
    person = services.create_person(data, alliance_id=current_user.alliance_id)
    db.session.commit()
    return person


@blp.route("/people/<int:person_id>")
@roles_required(*ALL)
@blp.response(200, PersonSchema)
def get_person(person_id):
    """人员详情（联络员只能看到本单位的人员）"""
    return get_visible_or_404(Person, person_id, include_deleted=current_user.is_manager)


@blp.route("/people/<int:person_id>", methods=["PATCH"])
@roles_required(*EDITORS)
@blp.arguments(PersonPatchSchema(partial=PERSON_PATCH_PARTIAL))
@blp.response(200, PersonSchema)
def update_person(data, person_id):
    """修改人员信息（联络员可改本单位人员）"""
    person = get_visible_or_404(Person, person_id)
    version = data.pop("version")
    services.update_person(person, data, version=version, user=current_user)
    db.session.commit()
    return person


@blp.route("/people/<int:person_id>", methods=["DELETE"])
@managers_only
@blp.arguments(OptionalVersionArgs, location="query", as_kwargs=True)
@blp.response(204)
def delete_person(person_id, version=None):
    """删除人员（可恢复）"""
    services.delete_person(get_visible_or_404(Person, person_id), version=version)
    db.session.commit()


@blp.route("/people/<int:person_id>/restore", methods=["POST"])
@managers_only
@blp.arguments(OptionalVersionArgs, location="query", as_kwargs=True)
@blp.response(200, PersonSchema)
def restore_person(person_id, version=None):
    """恢复已删除的人员"""
    person = get_visible_or_404(Person, person_id, include_deleted=True)
    services.restore_person(person, version=version)
    db.session.commit()
    return person
