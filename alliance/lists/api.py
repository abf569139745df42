"""/api/v1/needs, /resources, /projects, /claims, /list-categories and the three-lists report."""
from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from alliance.api import exempt_from_form_csrf
from alliance.api.schemas import OptionalVersionArgs, page_body
from alliance.core.pagination import paginate
from alliance.core.permissions import deny, managers_only, roles_required
from alliance.core.roles import EDITORS
from alliance.extensions import db
from alliance.lists import queries, reports, services
from alliance.lists.access import (
    editable_need,
    editable_resource,
    visible_claim,
    visible_need,
    visible_project,
    visible_resource,
)
from alliance.lists.guard import commit_or_audit
from alliance.lists.models import ListCategory
from alliance.lists.queries import ListFilters
from alliance.lists.schemas import (
    CategorySchema,
    ClaimListArgs,
    ClaimPage,
    ClaimSchema,
    DecisionArgs,
    ListArgs,
    NeedPage,
    NeedPatch,
    NeedSchema,
    NeedSuggestions,
    ProjectListArgs,
    ProjectPage,
    ProjectPatch,
    ProjectSchema,
    ResourcePage,
    ResourcePatch,
    ResourceSchema,
    ResourceSuggestions,
    SuggestionArgs,
    TransitionArgs,
)

blp = Blueprint("lists_api", __name__, url_prefix="/api/v1",
                description="三张清单：需求、资源、项目与认领（联络员只为本单位提交和认领）")
exempt_from_form_csrf(blp)
XLSX = {"description": "三张清单工作簿", "content": {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "schema": {"type": "string", "format": "binary"}}}}


def _filters(args: dict) -> ListFilters:
    return ListFilters(category_id=args.get("category_id"), status=args.get("status"),
                       unit_id=args.get("unit_id"), source_kind=args.get("source_kind"),
                       grid=args.get("grid"), overdue=bool(args.get("overdue")), q=args.get("q"),
                       stage=args.get("stage"))


# --- categories ----------------------------------------------------------------------------

@blp.route("/list-categories")
@roles_required()
@blp.response(200, CategorySchema(many=True))
def list_categories():
    """需求/资源类别与项目类别"""
    return [*queries.categories_of(current_user.alliance_id, "need"),
            *queries.categories_of(current_user.alliance_id, "project")]


@blp.route("/list-categories", methods=["POST"])
@managers_only
@blp.arguments(CategorySchema)
@blp.response(201, CategorySchema)
def create_category(data):
    """新增类别（工作人员）"""
    category = services.create_category(current_user.alliance_id, data["kind"], data["name"])
    db.session.commit()
    return db.session.get(ListCategory, category.id)


# --- needs ---------------------------------------------------------------------------------

@blp.route("/needs")
@roles_required()
@blp.arguments(ListArgs, location="query", as_kwargs=True)
@blp.response(200, NeedPage)
def list_needs(page, per_page, **args):
    """需求清单（联络员：全联盟已提交的需求和本单位草稿）"""
    return page_body(queries.need_api_page(current_user, _filters(args), page, per_page,
                                           today=services.local_today()))


@blp.route("/needs", methods=["POST"])
@roles_required(*EDITORS)
@blp.arguments(NeedSchema)
@blp.response(201, NeedSchema)
def create_need(data):
    """提交需求（联络员：记在本单位，unit_id 被忽略）"""
    submit = data.pop("submit", True)
    unit_id = data.pop("unit_id", None)

    def action():
        unit = services.acting_unit(current_user, unit_id, required=False, what="提交需求")
        return services.create_need(current_user, data, unit=unit, submit=submit)

    need = commit_or_audit("提交需求", action)
    return visible_need(need.id)


@blp.route("/needs/<int:need_id>")
@roles_required()
@blp.response(200, NeedSchema)
def get_need(need_id):
    """需求详情"""
    return visible_need(need_id)


@blp.route("/needs/<int:need_id>", methods=["PATCH"])
@roles_required(*EDITORS)
@blp.arguments(NeedPatch(partial=True))
@blp.response(200, NeedSchema)
def update_need(data, need_id):
    """修改需求（须带 version）"""
    need = editable_need(need_id)
    version = data.pop("version", None)
    commit_or_audit("修改需求", lambda: services.update_need(need, data, version=version), need)
    return visible_need(need_id)


@blp.route("/needs/<int:need_id>/submit", methods=["POST"])
@roles_required(*EDITORS)
@blp.arguments(OptionalVersionArgs, location="query", as_kwargs=True)
@blp.response(200, NeedSchema)
def submit_need(need_id, version=None):
    """提交草稿需求"""
    need = editable_need(need_id)
    commit_or_audit("提交需求", lambda: services.submit_need(need, version=version), need)
    return visible_need(need_id)


@blp.route("/needs/<int:need_id>/cancel", methods=["POST"])
@roles_required(*EDITORS)
@blp.arguments(OptionalVersionArgs, location="query", as_kwargs=True)
@blp.response(200, NeedSchema)
def cancel_need(need_id, version=None):
    """撤销需求（草稿或待认领的）"""
    need = editable_need(need_id)
    commit_or_audit("撤销需求", lambda: services.cancel_need(need, version=version), need)
    return visible_need(need_id)


@blp.route("/needs/<int:need_id>", methods=["DELETE"])
@roles_required(*EDITORS)
@blp.arguments(OptionalVersionArgs, location="query", as_kwargs=True)
@blp.response(204)
def delete_need(need_id, version=None):
    """删除需求（软删除）"""
    need = editable_need(need_id)
    commit_or_audit("删除需求", lambda: services.delete_need(need, version=version), need)


@blp.route("/needs/<int:need_id>/suggestions")
@roles_required()
@blp.arguments(SuggestionArgs, location="query", as_kwargs=True)
@blp.response(200, ResourceSuggestions)
def need_suggestions(need_id, limit=10):
    """可能满足该需求的资源，按匹配度排序，附理由"""
    need = visible_need(need_id)
    found = queries.suggest_resources(current_user, need, today=services.local_today(), limit=limit)
    return {"items": [{"resource": r, "score": s, "reasons": why} for r, s, why in found]}


# --- resources -----------------------------------------------------------------------------

@blp.route("/resources")
@roles_required()
@blp.arguments(ListArgs, location="query", as_kwargs=True)
@blp.response(200, ResourcePage)
def list_resources(page, per_page, **args):
    """资源清单（联络员：全联盟可提供的资源和本单位草稿）"""
    return page_body(queries.resource_api_page(current_user, _filters(args), page, per_page))


@blp.route("/resources", methods=["POST"])
@roles_required(*EDITORS)
@blp.arguments(ResourceSchema)
@blp.response(201, ResourceSchema)
def create_resource(data):
    """提供资源（联络员：本单位的资源，unit_id 被忽略）"""
    offer = data.pop("offer", True)
    unit_id = data.pop("unit_id", None)

    def action():
        unit = services.acting_unit(current_user, unit_id, required=True, what="提供资源")
        return services.create_resource(current_user, data, unit=unit, offer=offer)

    resource = commit_or_audit("提供资源", action)
    return visible_resource(resource.id)


@blp.route("/resources/<int:resource_id>")
@roles_required()
@blp.response(200, ResourceSchema)
def get_resource(resource_id):
    """资源详情"""
    return visible_resource(resource_id)


@blp.route("/resources/<int:resource_id>", methods=["PATCH"])
@roles_required(*EDITORS)
@blp.arguments(ResourcePatch(partial=True))
@blp.response(200, ResourceSchema)
def update_resource(data, resource_id):
    """修改资源（须带 version）"""
    resource = editable_resource(resource_id)
    version = data.pop("version", None)
    commit_or_audit("修改资源", lambda: services.update_resource(resource, data, version=version), resource)
    return visible_resource(resource_id)


@blp.route("/resources/<int:resource_id>/offer", methods=["POST"])
@roles_required(*EDITORS)
@blp.arguments(OptionalVersionArgs, location="query", as_kwargs=True)
@blp.response(200, ResourceSchema)
def offer_resource(resource_id, version=None):
    """发布资源（草稿或已撤回的）"""
    resource = editable_resource(resource_id)
    commit_or_audit("发布资源", lambda: services.set_resource_status(resource, "offered", version=version),
                    resource)
    return visible_resource(resource_id)


@blp.route("/resources/<int:resource_id>/withdraw", methods=["POST"])
@roles_required(*EDITORS)
@blp.arguments(OptionalVersionArgs, location="query", as_kwargs=True)
@blp.response(200, ResourceSchema)
def withdraw_resource(resource_id, version=None):
    """撤回资源"""
    resource = editable_resource(resource_id)
    commit_or_audit("撤回资源", lambda: services.set_resource_status(resource, "withdrawn", version=version),
                    resource)
    return visible_resource(resource_id)


@blp.route("/resources/<int:resource_id>/suggestions")
@roles_required()
@blp.arguments(SuggestionArgs, location="query", as_kwargs=True)
@blp.response(200, NeedSuggestions)
def resource_suggestions(resource_id, limit=10):
    """该资源可能满足的需求，按匹配度排序，附理由"""
    resource = visible_resource(resource_id)
    found = queries.suggest_needs(current_user, resource, today=services.local_today(), limit=limit)
    return {"items": [{"need": n, "score": s, "reasons": why} for n, s, why in found]}


# --- projects ------------------------------------------------------------------------------

@blp.route("/projects")
@roles_required()
@blp.arguments(ProjectListArgs, location="query", as_kwargs=True)
@blp.response(200, ProjectPage)
def list_projects(page, per_page, **args):
    """项目清单（联络员：已发布的项目和本单位牵头的项目）"""
    return page_body(queries.project_api_page(current_user, _filters(args), page, per_page))


@blp.route("/projects", methods=["POST"])
@managers_only
@blp.arguments(ProjectSchema)
@blp.response(201, ProjectSchema)
def create_project(data):
    """立项（工作人员）"""
    project = commit_or_audit("立项", lambda: services.create_project(current_user, data))
    return visible_project(project.id)


@blp.route("/projects/<int:project_id>")
@roles_required()
@blp.response(200, ProjectSchema)
def get_project(project_id):
    """项目详情，含阶段变更记录"""
    return visible_project(project_id)


@blp.route("/projects/<int:project_id>", methods=["PATCH"])
@managers_only
@blp.arguments(ProjectPatch(partial=True))
@blp.response(200, ProjectSchema)
def update_project(data, project_id):
    """修改项目（须带 version；结项、终止后不能修改）"""
    project = visible_project(project_id)
    version = data.pop("version", None)
    commit_or_audit("修改项目", lambda: services.update_project(project, data, version=version), project)
    return visible_project(project_id)


@blp.route("/projects/<int:project_id>/transitions", methods=["POST"])
@roles_required(*EDITORS)
@blp.arguments(TransitionArgs)
@blp.response(200, ProjectSchema)
def transition_project(data, project_id):
    """推进项目阶段：立项→认领→实施→评估→结项，或终止（须写原因）；结项须写成效总结和服务人数"""
    project = visible_project(project_id)
    to_stage = data.pop("to_stage")
    if not services.may_transition(current_user, project, to_stage):
        if not current_user.is_manager and project.lead_unit_id != current_user.unit_id:
            deny(404, f"项目 {project_id} 不由本单位牵头")
        deny(403, "联络员只能将本单位牵头的项目开始实施或提交评估")
    commit_or_audit(f"项目{project.stage_label}→{to_stage}",
                    lambda: services.transition(current_user, project, to_stage, **data), project)
    return visible_project(project_id)


# --- claims --------------------------------------------------------------------------------

@blp.route("/claims")
@roles_required()
@blp.arguments(ClaimListArgs, location="query", as_kwargs=True)
@blp.response(200, ClaimPage)
def list_claims(page, per_page, status=None, unit_id=None):
    """认领（联络员：本单位的）"""
    return page_body(paginate(queries.claim_list_query(current_user, status=status, unit_id=unit_id),
                              page, per_page))


@blp.route("/claims", methods=["POST"])
@roles_required(*EDITORS)
@blp.arguments(ClaimSchema)
@blp.response(201, ClaimSchema)
def create_claim(data):
    """认领需求或已发布的项目（联络员：为本单位认领，unit_id 被忽略）"""
    need = visible_need(data["need_id"]) if data.get("need_id") is not None else None
    project = visible_project(data["project_id"]) if data.get("project_id") is not None else None

    def action():
        unit = services.acting_unit(current_user, data.get("unit_id"), required=True, what="认领")
        return services.create_claim(current_user, unit=unit, commitment=data.get("commitment"),
                                     need=need, project=project)

    claim = commit_or_audit("认领", action, need or project)
    return visible_claim(claim.id)


@blp.route("/claims/<int:claim_id>")
@roles_required()
@blp.response(200, ClaimSchema)
def get_claim(claim_id):
    """认领详情"""
    return visible_claim(claim_id)


@blp.route("/claims/<int:claim_id>/decision", methods=["POST"])
@managers_only
@blp.arguments(DecisionArgs)
@blp.response(200, ClaimSchema)
def decide_claim(data, claim_id):
    """接受或不接受认领（工作人员）"""
    claim = visible_claim(claim_id)
    commit_or_audit("确认认领", lambda: services.decide_claim(
        current_user, claim, accept=data["accept"], note=data.get("note"), version=data.get("version")), claim)
    return visible_claim(claim_id)


@blp.route("/claims/<int:claim_id>/withdraw", methods=["POST"])
@roles_required(*EDITORS)
@blp.arguments(OptionalVersionArgs, location="query", as_kwargs=True)
@blp.response(200, ClaimSchema)
def withdraw_claim(claim_id, version=None):
    """撤回待确认的认领"""
    claim = visible_claim(claim_id)
    commit_or_audit("撤回认领", lambda: services.withdraw_claim(claim, version=version), claim)
    return visible_claim(claim_id)


# --- report --------------------------------------------------------------------------------

@blp.route("/reports/three-lists.xlsx")
@roles_required()
@blp.doc(responses={200: XLSX})
def three_lists_xlsx():
    """三张清单工作簿（需求、资源、项目各一张表）"""
    return reports.three_lists_download(current_user)
