"""Pages of the register. Thin: parse the form, call a service, commit, redirect or render."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from alliance.activities.models import ACTIVITY_KINDS
from alliance.audit.queries import history_query
from alliance.core.errors import FieldErrors
from alliance.core.forms import VersionOnlyForm, blank_to_none
from alliance.core.pagination import clamp_paging, list_page
from alliance.core.permissions import (
    can_edit_unit_records,
    deny,
    get_visible_or_404,
    liaison_unit_is_live,
    managers_only,
    roles_required,
)
from alliance.core.roles import EDITORS
from alliance.core.views import button_action, int_arg, save_or_show
from alliance.extensions import db
from alliance.members import bp, services
from alliance.members.forms import EndRoleForm, LiaisonUnitForm, PersonForm, RoleForm, UnitForm
from alliance.members.models import (
    UNIT_CATEGORIES,
    UNIT_ROLES,
    UNIT_STATUSES,
    UNIT_TIERS,
    MemberUnit,
    Person,
    UnitRole,
)
from alliance.members.queries import (
    PEOPLE_SORTS,
    UNIT_SORTS,
    UnitFilters,
    current_posts,
    people_list_query,
    people_rows_query,
    people_sort,
    person_roles,
    role_holders,
    unit_page,
    unit_rows_query,
)


def _choice_arg(name: str, choices) -> str | None:
    value = request.args.get(name) or None
    return value if value in choices else None


def _year_arg(name: str) -> int | None:
    """A year filter of the unit list (links of the annual report); anything else is ignored."""
    value = request.args.get(name, type=int)
    return value if value is not None and 2000 <= value <= 2100 else None


def _deleted_view_requested() -> bool:
    return request.args.get("deleted") == "1" and current_user.is_manager


# --- units ---------------------------------------------------------------------------------

@bp.route("/units")
@roles_required()
def list_units():
    sort = request.args.get("sort", "order")
    filters = UnitFilters(
        q=request.args.get("q") or None,
        category=_choice_arg("category", UNIT_CATEGORIES),
        tier=_choice_arg("tier", UNIT_TIERS),
        status=_choice_arg("status", UNIT_STATUSES),
        sort=sort if sort in UNIT_SORTS else "order",
        deleted=_deleted_view_requested(),
        joined_year=_year_arg("joined_year"), member_year=_year_arg("member_year"),
    )
    page, per_page = clamp_paging(request.args.get("page"), request.args.get("per_page"))
    result = list_page(unit_rows_query(current_user, filters), page, per_page, scalars=False,
                       search=bool(filters.q))
    return render_template("members/units.html", page=result, filters=filters, sorts=UNIT_SORTS,
                           holders=_joined_holders(role_holders([unit.id for unit in result.items])),
                           categories=UNIT_CATEGORIES, tiers=UNIT_TIERS, statuses=UNIT_STATUSES)


def _joined_holders(holders: dict[int, dict[str, list[str]]]) -> dict[int, dict[str, str]]:
    """Each unit's holders of a role as the list shows them, 张三、李四 (joined here: Jinja's
    join filter escaped name by name, a tenth of the page's rendering)."""
    return {unit_id: {role: "、".join(names) for role, names in roles.items()}
            for unit_id, roles in holders.items()}


def _unit_data(form: UnitForm) -> dict:
    return {
        "name": form.name.data, "short_name": form.short_name.data,
        "category": form.category.data or None, "uscc": form.uscc.data,
        "tier": form.tier.data or None, "status": form.status.data,
        "joined_on": form.joined_on.data, "left_on": form.left_on.data,
        "sort_order": form.sort_order.data, "address": form.address.data,
        "phone": form.phone.data, "grid": form.grid.data, "description": form.description.data,
    }


@bp.route("/units/new", methods=["GET", "POST"])
@managers_only
def create_unit():
    form = UnitForm()
    if form.is_submitted():
        response = save_or_show(
            lambda: services.create_unit(_unit_data(form), alliance_id=current_user.alliance_id),
            form, success=lambda unit: f"已添加成员单位 {unit.name}",
            target=lambda unit: url_for("members.view_unit", unit_id=unit.id))
        if response:
            return response
    return render_template("members/unit_form.html", form=form, unit=None)


@bp.route("/units/<int:unit_id>")
@roles_required()
def view_unit(unit_id: int):
    unit = get_visible_or_404(MemberUnit, unit_id, include_deleted=current_user.is_manager)
    return render_template("members/unit.html", page=unit_page(unit), activity_kinds=ACTIVITY_KINDS,
                           can_edit=can_edit_unit_records(unit.id) and not unit.is_deleted,
                           can_manage=current_user.is_manager,
                           action_form=VersionOnlyForm())


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
@roles_required()
def edit_unit(unit_id: int):
    unit = get_visible_or_404(MemberUnit, unit_id)
    if not can_edit_unit_records(unit.id):
        deny(403, "无权修改该单位")
    is_manager = current_user.is_manager
    form = (UnitForm if is_manager else LiaisonUnitForm)(obj=unit)
    if form.is_submitted():
        data = (_unit_data(form) if is_manager else
                {f: getattr(form, f).data for f in services.unit_fields_for(current_user)})
        response = save_or_show(
            lambda: services.update_unit(unit, data, version=form.version.data, user=current_user),
            form, success=lambda saved: f"已保存成员单位 {saved.name}",
            target=url_for("members.view_unit", unit_id=unit.id))
        if response:
            return response
    return render_template("members/unit_form.html", form=form, unit=unit)


@bp.route("/units/<int:unit_id>/delete", methods=["POST"])
@managers_only
def delete_unit(unit_id: int):
    unit = get_visible_or_404(MemberUnit, unit_id)
    form = VersionOnlyForm()
    return button_action(lambda: services.delete_unit(unit, version=form.version.data), form,
                         success=f"已删除成员单位 {unit.name}（可在“已删除”中恢复）",
                         target=url_for("members.list_units"),
                         back=url_for("members.view_unit", unit_id=unit.id))


@bp.route("/units/<int:unit_id>/restore", methods=["POST"])
@managers_only
def restore_unit(unit_id: int):
    unit = get_visible_or_404(MemberUnit, unit_id, include_deleted=True)
    form = VersionOnlyForm()
    target = url_for("members.view_unit", unit_id=unit.id)
    return button_action(lambda: services.restore_unit(unit, version=form.version.data), form,
                         success=f"已恢复成员单位 {unit.name}", target=target, back=target)


# --- unit roles ----------------------------------------------------------------------------

def _visible_person(person_id: int | None) -> Person | None:
    """Managers pick anyone in the alliance; a liaison among their unit's people (the picker
    searches only those, and a hand-made id of anyone else is refused here)."""
    if not person_id:
        return None
    return db.session.scalars(people_list_query(current_user, sort="strokes")
                              .where(Person.id == person_id)).first()


@bp.route("/units/<int:unit_id>/roles/new", methods=["GET", "POST"])
@roles_required()
def assign_role(unit_id: int):
    unit = get_visible_or_404(MemberUnit, unit_id)
    if not can_edit_unit_records(unit.id):
        deny(403, "无权修改该单位的职务")
    form = RoleForm()
    if request.method == "GET":  # 任命到单位 on a person's page names the person
        form.person_id.data = int_arg("person_id")
    if form.is_submitted():
        def action():
            services.check_role_change(current_user, unit, form.role.data)
            data = {"role": form.role.data, "started_on": form.started_on.data,
                    "title": form.title.data, "note": form.note.data}
            try:
                person = _chosen_person(form)
            except FieldErrors as exc:  # with the role's own mistakes, in the same round
                raise FieldErrors({**services.role_field_errors(unit, data, user=current_user),
                                   **exc.fields}) from None
            return services.assign_role(unit, person, data, user=current_user)

        response = save_or_show(action, form, success=lambda role: appointed_message(role, unit),
                                target=url_for("members.view_unit", unit_id=unit.id))
        if response:
            return response
    chosen = _visible_person(form.person_id.data)
    return render_template("members/role_form.html", form=form, unit=unit,
                           person_label=chosen.name if chosen else "")


def appointed_message(role: UnitRole, unit: MemberUnit) -> str:
    """What was done to whom: 已任命 张轩 为 复旦大学附属儿科医院 联络员."""
    return f"已任命 {role.person.name} 为 {unit.name} {UNIT_ROLES.label(role.role)}"


def _chosen_person(form: RoleForm) -> Person:
    new_person = ({"name": form.new_name.data, "mobile": form.new_mobile.data, "title": form.title.data}
                  if blank_to_none(form.new_name.data) and not form.person_id.data else None)
    return services.person_for_role(current_user, person_id=form.person_id.data or None,
                                    new_person=new_person,
                                    new_fields={"name": "new_name", "mobile": "new_mobile",
                                                "title": "title"})


@bp.route("/roles/<int:role_id>/end", methods=["POST"])
@roles_required()
def end_role(role_id: int):
    role = get_visible_or_404(UnitRole, role_id)
    if not can_edit_unit_records(role.unit_id):
        deny(403, "无权修改该单位的职务")
    form = EndRoleForm()
    back = url_for("members.view_unit", unit_id=role.unit_id)
    if not form.validate_on_submit():
        flash("；".join(m for ms in form.errors.values() for m in ms), "danger")
        return redirect(back)
    ended_on = form.ended_on.data
    name, unit_name, label = role.person.name, role.unit.name, UNIT_ROLES.label(role.role)
    return button_action(
        lambda: services.update_role(role, {"ended_on": ended_on}, version=form.version.data,
                                     user=current_user),
        form, success=(f"已结束 {name} 在 {unit_name} 的{label}任职"
                       f"（{ended_on.year}年{ended_on.month}月{ended_on.day}日）"),
        target=back, back=back)


@bp.route("/roles/<int:role_id>/delete", methods=["POST"])
@managers_only
def delete_role(role_id: int):
    role = get_visible_or_404(UnitRole, role_id)
    form = VersionOnlyForm()
    back = url_for("members.view_unit", unit_id=role.unit_id)
    what = f"{role.person.name} 在 {role.unit.name} 的{UNIT_ROLES.label(role.role)}任职记录"
    return button_action(lambda: services.delete_role(role, version=form.version.data, user=current_user), form,
                         success=f"已删除 {what}（录入错误时使用）", target=back, back=back)


# --- people --------------------------------------------------------------------------------

@bp.route("/people")
@roles_required()
def list_people():
    sort = people_sort(request.args.get("sort"))  # sort=name of old links: the pinyin order
    deleted = _deleted_view_requested()
    page, per_page = clamp_paging(request.args.get("page"), request.args.get("per_page"))
    result = list_page(people_rows_query(current_user, q=request.args.get("q"), sort=sort,
                                         deleted=deleted), page, per_page, scalars=False,
                       search=bool(request.args.get("q")))
    return render_template("members/people.html", page=result, sort=sort, sorts=PEOPLE_SORTS,
                           posts=current_posts([person.id for person in result.items], current_user),
                           q=request.args.get("q", ""), deleted=deleted)


def _person_data(form: PersonForm) -> dict:
    return {"name": form.name.data, "mobile": form.mobile.data, "email": form.email.data,
            "title": form.title.data, "is_party_member": form.is_party_member.data,
            "notes": form.notes.data}


@bp.route("/people/new", methods=["GET", "POST"])
@managers_only
def create_person():
    form = PersonForm()
    if form.is_submitted():
        # A new person lands on their own page (with 任命到单位 there), not on a list page.
        response = save_or_show(
            lambda: services.create_person(_person_data(form), alliance_id=current_user.alliance_id),
            form, success=lambda person: f"已添加人员 {person.name}",
            target=lambda person: url_for("members.view_person", person_id=person.id))
        if response:
            return response
    return render_template("members/person_form.html", form=form, person=None)


@bp.route("/people/<int:person_id>")
@roles_required()
def view_person(person_id: int):
    person = get_visible_or_404(Person, person_id, include_deleted=current_user.is_manager)
    roles = person_roles(person, current_user)
    history = db.session.scalars(history_query(
        {"Person": [person.id], "UnitRole": [r.id for r in roles]}).limit(20)).all()
    return render_template("members/person.html", person=person, roles=roles, history=history,
                           can_manage=current_user.is_manager, action_form=VersionOnlyForm())


@bp.route("/people/<int:person_id>/appoint")
@roles_required(*EDITORS)
def appoint_person(person_id: int):
    """任命到单位 from a person's page: the unit chosen there, then the role form of that unit
    with the person filled in (its checks are the role form's own)."""
    person = get_visible_or_404(Person, person_id)
    unit_id = int_arg("unit_id") or (None if current_user.reads_all_units else current_user.unit_id)
    if not unit_id:
        flash("请先选择要任命到的单位", "warning")
        return redirect(url_for("members.view_person", person_id=person.id))
    return redirect(url_for("members.assign_role", unit_id=unit_id, person_id=person.id))


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@roles_required()
def edit_person(person_id: int):
    person = get_visible_or_404(Person, person_id)
    if not current_user.is_manager and not (current_user.is_liaison
                                                  and liaison_unit_is_live(current_user)):
        deny(403, "无权修改人员信息")
    form = PersonForm(obj=person)
    if form.is_submitted():
        response = save_or_show(
            lambda: services.update_person(person, _person_data(form), version=form.version.data,
                                           user=current_user),
            form, success=lambda saved: f"已保存人员 {saved.name} 的信息",
            target=url_for("members.view_person", person_id=person.id))
        if response:
            return response
    return render_template("members/person_form.html", form=form, person=person)


@bp.route("/people/<int:person_id>/delete", methods=["POST"])
@managers_only
def delete_person(person_id: int):
    person = get_visible_or_404(Person, person_id)
    form = VersionOnlyForm()
    return button_action(lambda: services.delete_person(person, version=form.version.data), form,
                         success=f"已删除人员 {person.name}（可恢复）",
                         target=url_for("members.list_people"),
                         back=url_for("members.view_person", person_id=person.id))


@bp.route("/people/<int:person_id>/restore", methods=["POST"])
@managers_only
def restore_person(person_id: int):
    person = get_visible_or_404(Person, person_id, include_deleted=True)
    form = VersionOnlyForm()
    target = url_for("members.view_person", person_id=person.id)
    return button_action(lambda: services.restore_person(person, version=form.version.data), form,
                         success=f"已恢复人员 {person.name}", target=target, back=target)
