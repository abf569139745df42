"""Pages of the three lists. Thin: parse, call a service, commit (or audit the refusal), redirect."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import func, select

from alliance.core.permissions import managers_only, roles_required, scoped
from alliance.extensions import db
from alliance.lists import bp, queries
from alliance.lists.models import PROJECT_STAGES, Claim, Need, Project
from alliance.lists.queries import ListFilters
from alliance.lists.services import local_today


@bp.route("/projects/board")
@roles_required()
def board():
    year = request.args.get("year", type=int)
    filters = ListFilters(category_id=_int_arg("category_id"),
                          year=year if year is not None and 2000 <= year <= 2100 else None)
    columns, counts = queries.project_board(current_user, filters)
    return render_template("lists/board.html", columns=columns, counts=counts, stages=PROJECT_STAGES)


def liaison_panel(user) -> dict | None:
    if not user.unit_id:
        return None
    open_needs = db.session.scalars(scoped(select(Need), Need, user).where(
        Need.unit_id == user.unit_id, Need.status.in_(("draft", "open", "claimed")))
        .order_by(Need.wanted_by.is_(None), Need.wanted_by, Need.id).limit(8)).all()
    claims = db.session.scalars(queries.claim_list_query(user, unit_id=user.unit_id).limit(8)).all()
    projects = db.session.scalars(queries.project_list_query(
        user, ListFilters(unit_id=user.unit_id)).where(Project.stage.in_(
            ("proposed", "claimed", "in_progress", "review"))).limit(8)).all()
    return {"needs": open_needs, "claims": claims, "projects": projects, "today": local_today()}


def staff_panel(user) -> dict | None:
    pending = db.session.scalar(scoped(select(func.count(Claim.id)), Claim, user)
                                .where(Claim.status == "pending")) or 0
    review = db.session.scalar(scoped(select(func.count(Project.id)), Project, user)
                               .where(Project.stage == "review")) or 0
    overdue = db.session.scalar(scoped(select(func.count(Need.id)), Need, user).where(
        Need.wanted_by < local_today(), Need.status.in_(("open", "claimed")))) or 0
    unclaimed = db.session.scalar(scoped(select(func.count(Need.id)), Need, user)
                                  .where(Need.status == "open")) or 0
    return {"pending_claims": pending, "in_review": review, "overdue": overdue, "open_needs": unclaimed}


# --- shared --------------------------------------------------------------------------------

from flask import request, url_for  # noqa: E402

from alliance.auth.roles import LIAISON  # noqa: E402
from alliance.core.forms import VersionOnlyForm, quoted, select_choices  # noqa: E402
from alliance.core.pagination import clamp_paging, list_page  # noqa: E402
from alliance.core.permissions import deny  # noqa: E402
from alliance.core.roles import EDITORS  # noqa: E402
from alliance.core.views import safe_next  # noqa: E402
from alliance.lists import reports, services  # noqa: E402
from alliance.lists.access import (  # noqa: E402
    editable_need,
    editable_resource,
    visible_claim,
    visible_need,
    visible_project,
    visible_resource,
)
from alliance.lists.forms import (  # noqa: E402
    ClaimForm,
    DecisionForm,
    NeedForm,
    ProjectForm,
    ResourceForm,
    TransitionForm,
)
from alliance.lists.guard import button_audited, save_or_show_audited  # noqa: E402
from alliance.lists.models import (  # noqa: E402
    CLAIM_STATUSES,
    NEED_STATUSES,
    RESOURCE_KINDS,
    RESOURCE_STATUSES,
    SOURCE_KINDS,
    TRANSITIONS,
    Resource,
)
from alliance.members.queries import unit_choices, unit_choices_if_few, visible_unit_name  # noqa: E402


def _int_arg(name: str) -> int | None:
    return request.args.get(name, type=int)


def _category_choices(kind: str, blank: str = "请选择类别"):
    return select_choices([(c.id, c.name) for c in queries.categories_of(current_user.alliance_id, kind)], blank)


def _filters() -> ListFilters:
    status = request.args.get("status") or None
    source = request.args.get("source_kind") or None
    kind = request.args.get("kind") or None
    return ListFilters(category_id=_int_arg("category_id"), status=status[:20] if status else None,
                       unit_id=_int_arg("unit_id"), source_kind=source if source in SOURCE_KINDS else None,
                       grid=(request.args.get("grid") or "").strip()[:50] or None,
                       overdue=request.args.get("overdue") == "1",
                       q=(request.args.get("q") or "").strip()[:100] or None,
                       kind=kind if kind in RESOURCE_KINDS else None)


def _list_page(template: str, statements, filters: ListFilters, **context):
    page, per_page = clamp_paging(request.args.get("page"), request.args.get("per_page"), 20)
    rows, counted = statements
    # Past UNIT_SELECT_MAX units the filter is the unit picker (a 2,000-option select cost
    # ~40 ms a page to query and render).
    units = unit_choices_if_few(current_user)
    return render_template(template, page=list_page(rows, page, per_page, scalars=False, count=counted),
                           filters=filters, units=units,
                           unit_label=visible_unit_name(current_user, filters.unit_id) if units is None else "",
                           today=local_today(),
                           categories=queries.category_rows(current_user.alliance_id, "need"),
                           can_create=current_user.is_editor, **context)


# --- needs ---------------------------------------------------------------------------------

@bp.route("/needs")
@roles_required()
def list_needs():
    filters = _filters()
    return _list_page("lists/needs.html", queries.need_rows(current_user, filters, today=local_today()), filters,
                      statuses=NEED_STATUSES, sources=SOURCE_KINDS, overdue_statuses=("draft", "open", "claimed"))


@bp.route("/needs/<int:need_id>")
@roles_required()
def view_need(need_id: int):
    need = visible_need(need_id)
    suggestions = queries.suggest_resources(current_user, need, today=local_today(), limit=5) \
        if need.status in ("open", "claimed") else []
    claims = db.session.scalars(queries.claim_list_query(current_user).where(Claim.need_id == need.id)).all()
    can_claim = current_user.is_editor and need.status in ("open", "claimed")
    return render_template("lists/need.html", need=need, suggestions=suggestions, claims=claims,
                           can_edit=(services.may_edit(current_user, need.unit_id)
                                     and need.status not in ("met", "cancelled")),
                           can_claim=can_claim, claim_form=_claim_form() if can_claim else None,
                           action_form=VersionOnlyForm(), today=local_today())


def _need_form(form: NeedForm):
    form.category_id.choices = _category_choices("need")
    form.unit_id.choices = select_choices(unit_choices(current_user), "（无，来自群众或社区）")
    return form


@bp.route("/needs/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def create_need():
    form = _need_form(NeedForm())
    if current_user.role == LIAISON and request.method == "GET":
        form.source_kind.data = "unit"
    if form.is_submitted():
        submit = not form.save_draft.data
        unit_id = form.unit_id.data if current_user.is_manager else None

        def action():
            unit = services.acting_unit(current_user, unit_id, required=False, what="提交需求")
            return services.create_need(current_user, form.data_dict(), unit=unit, submit=submit)

        response = save_or_show_audited("提交需求", action, form,
                                        success=lambda n: (f"已提交需求{quoted(n.title)}" if submit
                                                           else f"已将需求{quoted(n.title)}存为草稿"),
                                        target=lambda n: url_for("lists.view_need", need_id=n.id))
        if response:
            return response
    return render_template("lists/need_form.html", form=form, need=None)


@bp.route("/needs/<int:need_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_need(need_id: int):
    need = editable_need(need_id)
    form = _need_form(NeedForm(obj=need))
    if form.is_submitted():
        response = save_or_show_audited(
            "修改需求", lambda: services.update_need(need, form.data_dict(), version=form.version.data),
            form, success=lambda n: f"已保存需求{quoted(n.title)}",
            target=url_for("lists.view_need", need_id=need_id), record=need)
        if response:
            return response
    return render_template("lists/need_form.html", form=form, need=need)


@roles_required(*EDITORS)
def need_action(need_id: int, action: str):
    need = editable_need(need_id)
    version = VersionOnlyForm().version.data
    run = services.submit_need if action == "submit" else services.cancel_need
    back = url_for("lists.view_need", need_id=need_id)
    return button_audited("提交需求" if action == "submit" else "撤销需求",
                          lambda: run(need, version=version),
                          success="已提交" if action == "submit" else "已撤销", target=back, back=back,
                          record=need)


# --- resources -----------------------------------------------------------------------------

@bp.route("/resources")
@roles_required()
def list_resources():
    filters = _filters()
    return _list_page("lists/resources.html", queries.resource_rows(current_user, filters), filters,
                      statuses=RESOURCE_STATUSES, kinds=RESOURCE_KINDS)


@bp.route("/resources/<int:resource_id>")
@roles_required()
def view_resource(resource_id: int):
    resource = visible_resource(resource_id)
    suggestions = queries.suggest_needs(current_user, resource, today=local_today(), limit=5) \
        if resource.status == "offered" else []
    return render_template("lists/resource.html", resource=resource, suggestions=suggestions,
                           can_edit=services.may_edit(current_user, resource.unit_id),
                           action_form=VersionOnlyForm())


def _resource_form(form: ResourceForm):
    form.category_id.choices = _category_choices("need")
    form.unit_id.choices = select_choices(unit_choices(current_user), "请选择成员单位")
    return form


@bp.route("/resources/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def create_resource():
    form = _resource_form(ResourceForm())
    if form.is_submitted():
        offer = not form.save_draft.data
        unit_id = form.unit_id.data if current_user.is_manager else None

        def action():
            unit = services.acting_unit(current_user, unit_id, required=True, what="提供资源")
            return services.create_resource(current_user, form.data_dict(), unit=unit, offer=offer)

        response = save_or_show_audited("提供资源", action, form,
                                        success=lambda r: (f"已发布资源{quoted(r.title)}" if offer
                                                           else f"已将资源{quoted(r.title)}存为草稿"),
                                        target=lambda r: url_for("lists.view_resource", resource_id=r.id))
        if response:
            return response
    return render_template("lists/resource_form.html", form=form, resource=None)


@bp.route("/resources/<int:resource_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_resource(resource_id: int):
    resource = editable_resource(resource_id)
    form = _resource_form(ResourceForm(obj=resource))
    if form.is_submitted():
        response = save_or_show_audited(
            "修改资源", lambda: services.update_resource(resource, form.data_dict(), version=form.version.data),
            form, success=lambda r: f"已保存资源{quoted(r.title)}",
            target=url_for("lists.view_resource", resource_id=resource_id),
            record=resource)
        if response:
            return response
    return render_template("lists/resource_form.html", form=form, resource=resource)


@roles_required(*EDITORS)
def resource_action(resource_id: int, action: str):
    resource = editable_resource(resource_id)
    version = VersionOnlyForm().version.data
    status = "offered" if action == "offer" else "withdrawn"
    back = url_for("lists.view_resource", resource_id=resource_id)
    return button_audited("发布资源" if action == "offer" else "撤回资源",
                          lambda: services.set_resource_status(resource, status, version=version),
                          success="已发布" if action == "offer" else "已撤回", target=back, back=back,
                          record=resource)


# --- projects ------------------------------------------------------------------------------

def _project_form(form: ProjectForm):
    units = unit_choices(current_user)
    form.category_id.choices = _category_choices("project", "请选择项目类别")
    form.lead_unit_id.choices = select_choices(units, "（待认领）")
    form.partner_ids.choices = select_choices(units)
    open_needs = db.session.execute(scoped(select(Need.id, Need.title), Need, current_user)
                                    .where(Need.status.in_(("open", "claimed")))
                                    .order_by(Need.id.desc()).limit(200)).all()
    form.need_ids.choices = select_choices(open_needs)
    offered = db.session.execute(scoped(select(Resource.id, Resource.title), Resource, current_user)
                                 .where(Resource.status == "offered").order_by(Resource.id.desc()).limit(200)).all()
    form.resource_ids.choices = select_choices(offered)
    return form


@bp.route("/projects/new", methods=["GET", "POST"])
@managers_only
def create_project():
    form = _project_form(ProjectForm())
    if request.method == "GET" and _int_arg("need_id"):
        form.need_ids.data = [_int_arg("need_id")]
    if form.is_submitted():
        response = save_or_show_audited(
            "立项", lambda: services.create_project(current_user, form.data_dict()), form,
            success=lambda p: f"已立项{quoted(p.title)}",
            target=lambda p: url_for("lists.view_project", project_id=p.id))
        if response:
            return response
    return render_template("lists/project_form.html", form=form, project=None)


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@managers_only
def edit_project(project_id: int):
    project = visible_project(project_id)
    form = _project_form(ProjectForm(obj=project))
    if request.method == "GET":
        form.partner_ids.data = [u.id for u in project.partners]
        form.need_ids.data = [n.id for n in project.needs]
        form.resource_ids.data = [r.id for r in project.resources]
    if form.is_submitted():
        response = save_or_show_audited(
            "修改项目", lambda: services.update_project(project, form.data_dict(), version=form.version.data),
            form, success=lambda p: f"已保存项目{quoted(p.title)}",
            target=url_for("lists.view_project", project_id=project_id), record=project)
        if response:
            return response
    return render_template("lists/project_form.html", form=form, project=project)


@bp.route("/projects/<int:project_id>")
@roles_required()
def view_project(project_id: int):
    project = visible_project(project_id)
    steps = [to for to in services.allowed_next(project) if services.may_transition(current_user, project, to)]
    form = TransitionForm(obj=None)
    form.version.data = project.version
    form.to_stage.choices = select_choices([(to, TRANSITIONS[(project.stage, to)]) for to in steps])
    claims = db.session.scalars(queries.claim_list_query(current_user).where(Claim.project_id == project.id)).all()
    can_claim = (current_user.is_editor and project.released
                 and project.stage in ("proposed", "claimed"))
    return render_template("lists/project.html", project=project, form=form, steps=steps, claims=claims,
                           can_claim=can_claim, claim_form=_claim_form() if can_claim else None)


@bp.route("/projects/<int:project_id>/transition", methods=["POST"])
@roles_required(*EDITORS)
def transition_project(project_id: int):
    project = visible_project(project_id)
    form = TransitionForm()
    to_stage = form.to_stage.data or ""
    back = url_for("lists.view_project", project_id=project_id)
    if not services.may_transition(current_user, project, to_stage):
        if not current_user.is_manager and project.lead_unit_id != current_user.unit_id:
            deny(404, f"项目 {project_id} 不由本单位牵头")
        deny(403, "联络员只能将本单位牵头的项目开始实施或提交评估")
    from alliance.core.forms import blank_to_none

    return button_audited(
        "推进项目", lambda: services.transition(
            current_user, project, to_stage, version=form.version.data, note=blank_to_none(form.note.data),
            outcome_summary=blank_to_none(form.outcome_summary.data), people_served=form.people_served.data,
            stop_reason=blank_to_none(form.stop_reason.data)),
        success="项目阶段已更新", target=back, back=back, record=project)


# --- claims --------------------------------------------------------------------------------

def _claim_form() -> ClaimForm:
    form = ClaimForm()
    form.unit_id.choices = select_choices(unit_choices(current_user), "请选择认领单位")
    return form


@bp.route("/claims")
@roles_required()
def list_claims():
    status = request.args.get("status") or None
    page, per_page = clamp_paging(request.args.get("page"), request.args.get("per_page"), 20)
    rows, counted = queries.claim_rows(current_user, status=status, unit_id=_int_arg("unit_id"))
    result = list_page(rows, page, per_page, scalars=False, count=counted)
    return render_template("lists/claims.html", page=result, status=status, form=DecisionForm(),
                           statuses=CLAIM_STATUSES)


@roles_required(*EDITORS)
def claim(kind: str, target_id: int):
    need = visible_need(target_id) if kind == "needs" else None
    project = visible_project(target_id) if kind == "projects" else None
    form = _claim_form()
    back = (url_for("lists.view_need", need_id=target_id) if need
            else url_for("lists.view_project", project_id=target_id))
    if not form.validate_on_submit():
        from flask import flash, redirect

        flash("；".join(m for ms in form.errors.values() for m in ms) or "请填写认领承诺", "danger")
        return redirect(back)
    unit_id = form.unit_id.data if current_user.is_manager else None
    from flask import flash, redirect

    from alliance.core.errors import FieldErrors, RuleViolation
    from alliance.lists.guard import commit_or_audit

    try:
        commit_or_audit("认领", lambda: services.create_claim(
            current_user, unit=services.acting_unit(current_user, unit_id, required=True, what="认领"),
            commitment=form.commitment.data, need=need, project=project), need or project)
    except FieldErrors as exc:
        flash("；".join(m for ms in exc.fields.values() for m in ms), "danger")
    except RuleViolation as exc:
        flash(exc.message, "danger")
    else:
        flash("已提交认领，等待党群办确认", "success")
    return redirect(back)


@bp.route("/claims/<int:claim_id>/decide", methods=["POST"])
@managers_only
def decide_claim(claim_id: int):
    item = visible_claim(claim_id)
    form = DecisionForm()
    accept = bool(form.accept.data)
    back = safe_next(request.form.get("next"), url_for("lists.list_claims"))
    from alliance.core.forms import blank_to_none

    return button_audited("确认认领", lambda: services.decide_claim(
        current_user, item, accept=accept, note=blank_to_none(form.note.data), version=form.version.data),
        success="已接受认领" if accept else "已不接受该认领", target=back, back=back, record=item)


@bp.route("/claims/<int:claim_id>/withdraw", methods=["POST"])
@roles_required(*EDITORS)
def withdraw_claim(claim_id: int):
    item = visible_claim(claim_id)
    back = url_for("lists.list_claims")
    version = VersionOnlyForm().version.data
    return button_audited("撤回认领", lambda: services.withdraw_claim(item, version=version),
                          success="已撤回认领", target=back, back=back, record=item)


# --- figures and export --------------------------------------------------------------------

@bp.route("/lists/figures")
@roles_required()
def figures():
    numbers, chart_list = reports.figure_charts(current_user)
    return render_template("lists/figures.html", numbers=numbers, charts=chart_list)


@bp.route("/lists/three-lists.xlsx")
@roles_required()
def export_three_lists():
    return reports.three_lists_download(current_user)


def unit_section(unit) -> dict:
    """What the unit page shows of the three lists (a small include in members/unit.html)."""
    return queries.unit_lists(current_user, unit.id, local_today())


for _action in ("submit", "cancel"):
    bp.add_url_rule(f"/needs/<int:need_id>/{_action}", f"need_{_action}", need_action,
                    methods=["POST"], defaults={"action": _action})
for _action in ("offer", "withdraw"):
    bp.add_url_rule(f"/resources/<int:resource_id>/{_action}", f"resource_{_action}", resource_action,
                    methods=["POST"], defaults={"action": _action})
for _kind in ("needs", "projects"):
    bp.add_url_rule(f"/{_kind}/<int:target_id>/claim", f"claim_{_kind}", claim, methods=["POST"],
                    defaults={"kind": _kind})
