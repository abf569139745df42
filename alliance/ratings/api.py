"""/api/v1/organizations, /rubrics, /ratings (+ workflow actions) and /reports/ratings."""
from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select

from alliance.api import exempt_from_form_csrf
from alliance.api.schemas import OptionalVersionArgs, page_body
from alliance.core.pagination import paginate
from alliance.core.permissions import get_visible_or_404, managers_only, roles_required, scoped
from alliance.core.roles import EDITORS
from alliance.extensions import db
from alliance.members.models import Person
from alliance.ratings import evidence, queries, reports, services
from alliance.ratings.access import editable_rating, organization_for_rating, rating_options
from alliance.ratings.models import PartyOrganization, Rating, RatingObjection, Rubric
from alliance.ratings.schemas import (
    DistributionSchema,
    EvidenceFormSchema,
    EvidenceUploadSchema,
    ObjectionAnswerArgs,
    ObjectionSchema,
    OrganizationListArgs,
    OrganizationPage,
    OrganizationPatchSchema,
    OrganizationSchema,
    RatingDecisionArgs,
    RatingListArgs,
    RatingPage,
    RatingSchema,
    ReturnArgs,
    ReviewArgs,
    RubricListArgs,
    RubricPage,
    RubricPatchSchema,
    RubricSchema,
    SecretaryArgs,
    SelfAssessmentArgs,
    VersionArgs,
    YearArgs,
)

blp = Blueprint("ratings_api", __name__, url_prefix="/api/v1",
                description="星级党组织评定：党组织、评分细则、评定流程（联络员只能填报本单位党组织）")
exempt_from_form_csrf(blp)
from alliance.core.exports import MIMETYPES  # noqa: E402


def _file_response(kind: str) -> dict:
    return {"description": "文件", "content": {MIMETYPES[kind]: {
        "schema": {"type": "string", "format": "binary"}}}}
ORG_OPTIONS = [db.selectinload(PartyOrganization.secretaries), db.joinedload(PartyOrganization.unit)]


# --- organizations -------------------------------------------------------------------------

@blp.route("/organizations")
@roles_required()
@blp.arguments(OrganizationListArgs, location="query", as_kwargs=True)
@blp.response(200, OrganizationPage)
def list_organizations(page, per_page, **args):
    """党组织列表（联络员只看到本单位的党组织）"""
    stmt = queries.organization_list_query(current_user, q=args.get("q"), unit_id=args.get("unit_id"),
                                           kind=args.get("kind")).options(
        db.selectinload(PartyOrganization.secretaries))
    return page_body(paginate(stmt, page, per_page))


@blp.route("/organizations", methods=["POST"])
@managers_only
@blp.arguments(OrganizationSchema)
@blp.response(201, OrganizationSchema)
def create_organization(data):
    """新建党组织"""
    organization = services.create_organization(data, alliance_id=current_user.alliance_id)
    db.session.commit()
    return organization


@blp.route("/organizations/<int:organization_id>")
@roles_required()
@blp.response(200, OrganizationSchema)
def get_organization(organization_id):
    """党组织详情（含历任书记）"""
    return get_visible_or_404(PartyOrganization, organization_id, options=ORG_OPTIONS)


@blp.route("/organizations/<int:organization_id>", methods=["PATCH"])
@managers_only
@blp.arguments(OrganizationPatchSchema(partial=("name", "kind", "unit_id")))
@blp.response(200, OrganizationSchema)
def update_organization(data, organization_id):
    """修改党组织（须带 version）"""
    organization = get_visible_or_404(PartyOrganization, organization_id)
    version = data.pop("version")
    services.update_organization(organization, data, version=version)
    db.session.commit()
    return organization


@blp.route("/organizations/<int:organization_id>", methods=["DELETE"])
@managers_only
@blp.arguments(OptionalVersionArgs, location="query", as_kwargs=True)
@blp.response(204)
def delete_organization(organization_id, version=None):
    """删除党组织（可恢复）"""
    services.delete_organization(get_visible_or_404(PartyOrganization, organization_id), version=version)
    db.session.commit()


@blp.route("/organizations/<int:organization_id>/secretaries", methods=["POST"])
@managers_only
@blp.arguments(SecretaryArgs)
@blp.response(201, OrganizationSchema)
def set_secretary(data, organization_id):
    """任命书记（现任书记同日卸任，保留历史）"""
    organization = get_visible_or_404(PartyOrganization, organization_id)
    person = db.session.scalar(scoped(select(Person), Person).where(Person.id == data["person_id"]))
    services.set_secretary(organization, person, data["started_on"])
    db.session.commit()
    return get_visible_or_404(PartyOrganization, organization_id, options=ORG_OPTIONS)


# --- rubrics -------------------------------------------------------------------------------

@blp.route("/rubrics")
@roles_required()
@blp.arguments(RubricListArgs, location="query", as_kwargs=True)
@blp.response(200, RubricPage)
def list_rubrics(page, per_page, year=None):
    """各年度评分细则"""
    stmt = scoped(select(Rubric), Rubric, current_user).order_by(Rubric.year.desc())
    if year:
        stmt = stmt.where(Rubric.year == year)
    return page_body(paginate(stmt, page, per_page))


@blp.route("/rubrics", methods=["POST"])
@managers_only
@blp.arguments(RubricSchema)
@blp.response(201, RubricSchema)
def create_rubric(data):
    """新建年度评分细则（不给 definition 时复制上一年度或默认模板）"""
    rubric = services.create_rubric(data, alliance_id=current_user.alliance_id)
    db.session.commit()
    return rubric


@blp.route("/rubrics/<int:rubric_id>")
@roles_required()
@blp.response(200, RubricSchema)
def get_rubric(rubric_id):
    """评分细则详情"""
    return get_visible_or_404(Rubric, rubric_id)


@blp.route("/rubrics/<int:rubric_id>", methods=["PATCH"])
@managers_only
@blp.arguments(RubricPatchSchema)
@blp.response(200, RubricSchema)
def update_rubric(data, rubric_id):
    """修改评分细则（已用于评定的只能改文字，422）"""
    rubric = get_visible_or_404(Rubric, rubric_id)
    version = data.pop("version")
    services.update_rubric(rubric, data, version=version)
    db.session.commit()
    return rubric


# --- ratings -------------------------------------------------------------------------------

@blp.route("/ratings")
@roles_required()
@blp.arguments(RatingListArgs, location="query", as_kwargs=True)
@blp.response(200, RatingPage)
def list_ratings(page, per_page, **args):
    """评定列表（联络员看到本单位的，以及公示中、已确认的）；各项得分、佐证、异议见单个评定"""
    filters = queries.RatingFilters(year=args.get("year"), status=args.get("status"),
                                    stars=args.get("stars"), organization_id=args.get("organization_id"),
                                    order=args.get("order", "official"))
    stmt = queries.rating_list_query(current_user, filters).options(*queries.list_options())
    return page_body(paginate(stmt, page, per_page,
                              count=queries.rating_count_query(current_user, filters)))


@blp.route("/ratings", methods=["POST"])
@roles_required(*EDITORS)
@blp.arguments(RatingSchema)
@blp.response(201, RatingSchema)
def start_rating(data):
    """开始一个党组织某年度的评定（自评）"""
    organization = organization_for_rating(data["organization_id"])
    rating = services.start_rating(organization, data["year"])
    db.session.commit()
    return rating


@blp.route("/ratings/<int:rating_id>")
@roles_required()
@blp.response(200, RatingSchema)
def get_rating(rating_id):
    """评定详情，含各项分数与异议"""
    return get_visible_or_404(Rating, rating_id, options=rating_options())


def _action(rating_id, function, *args, editors=False, **kwargs):
    rating = editable_rating(rating_id) if editors else get_visible_or_404(
        Rating, rating_id, options=rating_options())
    function(rating, *args, **kwargs)
    db.session.commit()
    return get_visible_or_404(Rating, rating_id, options=rating_options())


@blp.route("/ratings/<int:rating_id>/self-assessment", methods=["POST"])
@roles_required(*EDITORS)
@blp.arguments(SelfAssessmentArgs)
@blp.response(200, RatingSchema)
def save_self_assessment(data, rating_id):
    """保存自评（逐项分数与佐证说明）"""
    return _action(rating_id, services.save_self_assessment, data["items"], version=data["version"],
                   case_text=data.get("case_text"), editors=True)


@blp.route("/ratings/<int:rating_id>/submit", methods=["POST"])
@roles_required(*EDITORS)
@blp.arguments(VersionArgs)
@blp.response(200, RatingSchema)
def submit_rating(data, rating_id):
    """提交自评，等待镇党群办审核"""
    return _action(rating_id, services.submit, version=data["version"], editors=True)


@blp.route("/ratings/<int:rating_id>/review", methods=["POST"])
@managers_only
@blp.arguments(ReviewArgs)
@blp.response(200, RatingSchema)
def review_rating(data, rating_id):
    """逐项审核（finish=true 完成审核）"""
    return _action(rating_id, services.save_review, data["items"], version=data["version"],
                   finish=data["finish"])


@blp.route("/ratings/<int:rating_id>/notice", methods=["POST"])
@managers_only
@blp.arguments(VersionArgs)
@blp.response(200, RatingSchema)
def publish_notice(data, rating_id):
    """开始公示（天数按当年细则）"""
    return _action(rating_id, services.publish_notice, version=data["version"])


@blp.route("/ratings/<int:rating_id>/objections", methods=["POST"])
@managers_only
@blp.arguments(ObjectionSchema)
@blp.response(201, RatingSchema)
def add_objection(data, rating_id):
    """登记公示期间的异议"""
    return _action(rating_id, services.add_objection, data)


@blp.route("/ratings/<int:rating_id>/objections/<int:objection_id>/answer", methods=["POST"])
@managers_only
@blp.arguments(ObjectionAnswerArgs)
@blp.response(200, RatingSchema)
def answer_objection(data, rating_id, objection_id):
    """答复异议"""
    rating = get_visible_or_404(Rating, rating_id)
    objection = get_visible_or_404(RatingObjection, objection_id)
    if objection.rating_id != rating.id:
        from flask import abort

        abort(404)
    services.answer_objection(objection, data["answer"], version=data["version"])
    db.session.commit()
    return get_visible_or_404(Rating, rating_id, options=rating_options())


@blp.route("/ratings/<int:rating_id>/confirm", methods=["POST"])
@managers_only
@blp.arguments(VersionArgs)
@blp.response(200, RatingSchema)
def confirm_rating(data, rating_id):
    """公示期满确认结果（异议须已答复）"""
    return _action(rating_id, services.confirm, version=data["version"])


@blp.route("/ratings/<int:rating_id>/return", methods=["POST"])
@managers_only
@blp.arguments(ReturnArgs)
@blp.response(200, RatingSchema)
def return_rating(data, rating_id):
    """退回重新自评（须写明理由）"""
    return _action(rating_id, services.send_back, data["reason"], version=data["version"])


@blp.route("/ratings/<int:rating_id>/nominate", methods=["POST"])
@managers_only
@blp.arguments(VersionArgs)
@blp.response(200, RatingSchema)
def nominate_rating(data, rating_id):
    """推荐区级五星党组织"""
    return _action(rating_id, services.nominate, version=data["version"])


@blp.route("/ratings/<int:rating_id>/district-decision", methods=["POST"])
@managers_only
@blp.arguments(RatingDecisionArgs)
@blp.response(200, RatingSchema)
def district_decision(data, rating_id):
    """登记区级认定结果"""
    return _action(rating_id, services.record_district_decision, data["approved"], data.get("note"),
                   version=data["version"])


@blp.route("/ratings/<int:rating_id>/evidence", methods=["POST"])
@roles_required(*EDITORS)
@blp.arguments(EvidenceFormSchema, location="query")
@blp.arguments(EvidenceUploadSchema, location="files")
@blp.response(201, RatingSchema)
def upload_evidence(form, files, rating_id):
    """上传佐证材料（?item_code= 评分项；multipart/form-data 字段 file：PDF、Word、Excel 或图片，不超过10MB）"""
    rating = editable_rating(rating_id)
    evidence.add_evidence(rating, form["item_code"], files["file"])
    db.session.commit()
    return get_visible_or_404(Rating, rating_id, options=rating_options())


@blp.route("/ratings/<int:rating_id>/evidence/<int:evidence_id>")
@roles_required()
@blp.doc(responses={200: {"description": "佐证文件", "content": {
    t: {"schema": {"type": "string", "format": "binary"}}
    for t in ("application/pdf", "image/jpeg", "image/png", "image/webp")}}})
def get_evidence(rating_id, evidence_id):
    """下载佐证材料"""
    rating = get_visible_or_404(Rating, rating_id)
    return evidence.send(evidence.live_evidence(rating, evidence_id))


# --- reports -------------------------------------------------------------------------------

@blp.route("/reports/ratings")
@roles_required()
@blp.arguments(YearArgs, location="query", as_kwargs=True)
@blp.response(200, DistributionSchema)
def rating_report(year):
    """某年度已确认结果的分布：按星级、按级别；以及本年度流程进度"""
    return {**queries.distribution(current_user, year), "progress": queries.progress(current_user, year)}


@blp.route("/reports/ratings/casebook.docx")
@roles_required()
@blp.arguments(YearArgs, location="query", as_kwargs=True)
@blp.doc(responses={200: _file_response("docx")})
def casebook(year):
    """五星党组织案例汇编（Word）"""
    return reports.casebook_response(current_user, year)


@blp.route("/reports/ratings/notice.xlsx")
@roles_required()
@blp.arguments(YearArgs, location="query", as_kwargs=True)
@blp.doc(responses={200: _file_response("xlsx")})
def notice_xlsx(year):
    """公示名单（Excel）"""
    return reports.notice_response(current_user, year, "xlsx")


@blp.route("/reports/ratings/notice.pdf")
@roles_required()
@blp.arguments(YearArgs, location="query", as_kwargs=True)
@blp.doc(responses={200: _file_response("pdf")})
def notice_pdf(year):
    """公示名单（PDF）"""
    return reports.notice_response(current_user, year, "pdf")
