"""/api/v1 for civic practice: venues, the service menu and orders, events, volunteers, teams,
service records, item ledgers (with hand-outs) and certificates."""
from __future__ import annotations

from decimal import Decimal

from flask_login import current_user
from flask_smorest import Blueprint

from alliance.activities.schemas import PhotoUploadSchema
from alliance.api import api_errors, exempt_from_form_csrf
from alliance.api.schemas import OptionalVersionArgs, PagingArgs, page_body
from alliance.civic import queries, services
from alliance.civic.certificates import certificate_response
from alliance.civic.festivals import festivals_in
from alliance.civic.models import (
    FESTIVALS,
    CivicEvent,
    ItemLedger,
    ServiceOrder,
    ServiceProject,
    ServiceRecord,
    Venue,
    Volunteer,
    VolunteerTeam,
)
from alliance.civic.schemas import (
    BatchSchema,
    EventListArgs,
    EventPage,
    EventPatchSchema,
    EventSchema,
    FestivalArgs,
    FestivalSchema,
    HandoutSchema,
    LedgerPage,
    LedgerSchema,
    OrderActionSchema,
    OrderPage,
    OrderSchema,
    RecordListArgs,
    ServiceProjectPage,
    ServiceProjectSchema,
    ServiceRecordPage,
    ServiceRecordSchema,
    TeamPage,
    TeamSchema,
    VenueListArgs,
    VenuePage,
    VenueSchema,
    VolunteerDetailSchema,
    VolunteerPage,
    VolunteerSchema,
)
from alliance.core.pagination import paginate
from alliance.core.permissions import get_visible_or_404, managers_only, roles_required
from alliance.core.roles import EDITORS
from alliance.extensions import db

blp = Blueprint("civic_api", __name__, url_prefix="/api/v1",
                description="新时代文明实践（联络员只能在本单位的阵地和服务队记录活动、时长和台账）")
exempt_from_form_csrf(blp)
PDF_RESPONSE = {"description": "PDF 文件",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}




# --- venues ----------------------------------------------------------------------------------

@blp.route("/venues")
@roles_required()
@blp.arguments(VenueListArgs, location="query", as_kwargs=True)
@blp.response(200, VenuePage)
def list_venues(page, per_page, kind=None, parent_id=None):
    """文明实践阵地（分中心、实践站、益空间、邻里中心、党群服务站），按树的顺序"""
    return page_body(paginate(queries.venue_list_query(current_user, kind, parent_id), page, per_page))


@blp.route("/venues", methods=["POST"])
@managers_only
@blp.arguments(VenueSchema)
@blp.response(201, VenueSchema)
def create_venue(data):
    """新增阵地（工作人员）"""
    venue = services.save_venue(current_user, data)
    db.session.commit()
    return venue


@blp.route("/venues/<int:venue_id>")
@roles_required()
@blp.response(200, VenueSchema)
def get_venue(venue_id):
    """阵地详情"""
    return get_visible_or_404(Venue, venue_id)


# --- teams and volunteers ----------------------------------------------------------------------

@blp.route("/volunteer-teams")
@roles_required()
@blp.arguments(PagingArgs, location="query", as_kwargs=True)
@blp.response(200, TeamPage)
def list_teams(page, per_page):
    """志愿服务队"""
    return page_body(paginate(queries.team_list_query(current_user), page, per_page))


@blp.route("/volunteer-teams", methods=["POST"])
@managers_only
@blp.arguments(TeamSchema)
@blp.response(201, TeamSchema)
def create_team(data):
    """新增志愿服务队（工作人员）"""
    team = services.save_team(current_user, data)
    db.session.commit()
    return team


@blp.route("/volunteer-teams/<int:team_id>")
@roles_required()
@blp.response(200, TeamSchema)
def get_team(team_id):
    """志愿服务队详情"""
    return get_visible_or_404(VolunteerTeam, team_id)


@blp.route("/volunteers")
@roles_required()
@blp.arguments(PagingArgs, location="query", as_kwargs=True)
@blp.response(200, VolunteerPage)
def list_volunteers(page, per_page):
    """志愿者（联络员：本单位服务队的志愿者；手机号码打码）"""
    return page_body(paginate(queries.volunteer_list_query(current_user), page, per_page))


@blp.route("/volunteers", methods=["POST"])
@roles_required(*EDITORS)
@blp.arguments(VolunteerSchema)
@blp.response(201, VolunteerSchema)
def create_volunteer(data):
    """登记志愿者（同名同手机号码的不能重复登记：409）"""
    volunteer = services.save_volunteer(current_user, data)
    db.session.commit()
    return volunteer


@blp.route("/volunteers/<int:volunteer_id>")
@roles_required()
@blp.response(200, VolunteerDetailSchema)
def get_volunteer(volunteer_id):
    """志愿者详情，含已核实的服务时长"""
    volunteer = get_visible_or_404(Volunteer, volunteer_id)
    volunteer.verified_hours = float(services.verified_hours(volunteer.id))
    return volunteer


@blp.route("/volunteers/<int:volunteer_id>/certificate.pdf")
@roles_required()
@api_errors(409)
@blp.doc(responses={200: PDF_RESPONSE})
def volunteer_certificate(volunteer_id):
    """志愿服务时长证明（PDF，编号唯一；只计已核实的时长，没有则 409）"""
    return certificate_response(get_visible_or_404(Volunteer, volunteer_id))


# --- service menu and orders -------------------------------------------------------------------

@blp.route("/service-projects")
@roles_required()
@blp.arguments(PagingArgs, location="query", as_kwargs=True)
@blp.response(200, ServiceProjectPage)
def list_projects(page, per_page):
    """服务菜单"""
    return page_body(paginate(queries.project_list_query(current_user), page, per_page))


@blp.route("/service-projects", methods=["POST"])
@managers_only
@blp.arguments(ServiceProjectSchema)
@blp.response(201, ServiceProjectSchema)
def create_project(data):
    """新增服务项目（工作人员）"""
    project = services.save_project(current_user, data)
    db.session.commit()
    return project


@blp.route("/service-projects/<int:project_id>")
@roles_required()
@blp.response(200, ServiceProjectSchema)
def get_project(project_id):
    """服务项目详情"""
    return get_visible_or_404(ServiceProject, project_id)


@blp.route("/service-festivals")
@roles_required()
@blp.arguments(FestivalArgs, location="query", as_kwargs=True)
@blp.response(200, FestivalSchema(many=True))
def list_festivals(year):
    """某年（公历）的“我们的节日”日期，按农历推算"""
    return [{"code": code, "label": FESTIVALS.label(code), "date": day} for day, code in festivals_in(year)]


@blp.route("/service-orders")
@roles_required()
@blp.arguments(PagingArgs, location="query", as_kwargs=True)
@blp.response(200, OrderPage)
def list_orders(page, per_page):
    """点单（联络员：本单位阵地的点单）"""
    return page_body(paginate(queries.order_list_query(current_user), page, per_page))


@blp.route("/service-orders", methods=["POST"])
@roles_required(*EDITORS)
@blp.arguments(OrderSchema)
@blp.response(201, OrderSchema)
def create_order(data):
    """点单：阵地从服务菜单点一个项目"""
    order = services.place_order(current_user, data)
    db.session.commit()
    return order


@blp.route("/service-orders/<int:order_id>")
@roles_required()
@blp.response(200, OrderSchema)
def get_order(order_id):
    """点单详情"""
    return get_visible_or_404(ServiceOrder, order_id)


@blp.route("/service-orders/<int:order_id>/actions", methods=["POST"])
@roles_required(*EDITORS)
@blp.arguments(OrderActionSchema)
@blp.response(200, OrderSchema)
def order_action(data, order_id):
    """派单 / 接单 / 评单 / 取消：只允许从当前状态走下一步"""
    if current_user.is_manager:
        order = get_visible_or_404(ServiceOrder, order_id)
    else:
        order = _order_for_liaison(order_id)
    services.advance_order(current_user, order, data.pop("action"), data, version=data.pop("version"))
    db.session.commit()
    return order


def _order_for_liaison(order_id):
    """A liaison sees their venues' orders, and may accept orders assigned to their teams."""
    from sqlalchemy import or_, select
    order = db.session.scalar(select(ServiceOrder).where(
        ServiceOrder.id == order_id, ServiceOrder.alliance_id == current_user.alliance_id,
        ServiceOrder.deleted_at.is_(None),
        or_(ServiceOrder.unit_id == current_user.unit_id,
            ServiceOrder.team_id.in_(select(VolunteerTeam.id).where(VolunteerTeam.unit_id == current_user.unit_id)))))
    if order is None:
        return get_visible_or_404(ServiceOrder, order_id)
    return order


# --- events ------------------------------------------------------------------------------------

@blp.route("/civic-events")
@roles_required()
@blp.arguments(EventListArgs, location="query", as_kwargs=True)
@blp.response(200, EventPage)
def list_events(page, per_page, **args):
    """文明实践活动（联络员：本单位的）"""
    return page_body(queries.event_api_page(current_user, page, per_page, **args))


@blp.route("/civic-events", methods=["POST"])
@roles_required(*EDITORS)
@blp.arguments(EventSchema)
@blp.response(201, EventSchema)
def create_event(data):
    """记录活动（结束时间须晚于开始时间）"""
    event = services.save_event(current_user, data)
    db.session.commit()
    return event


@blp.route("/civic-events/<int:event_id>")
@roles_required()
@blp.response(200, EventSchema)
def get_event(event_id):
    """活动详情"""
    return get_visible_or_404(CivicEvent, event_id)


@blp.route("/civic-events/<int:event_id>", methods=["PATCH"])
@roles_required(*EDITORS)
@blp.arguments(EventPatchSchema(partial=True))
@blp.response(200, EventSchema)
def update_event(data, event_id):
    """修改活动（须带 version）"""
    event = get_visible_or_404(CivicEvent, event_id)
    version = data.pop("version", None)
    services.save_event(current_user, data, event, version=version)
    db.session.commit()
    return event


@blp.route("/civic-events/<int:event_id>", methods=["DELETE"])
@roles_required(*EDITORS)
@blp.arguments(OptionalVersionArgs, location="query", as_kwargs=True)
@blp.response(204)
def delete_event(event_id, version=None):
    """删除活动（软删除）"""
    services.delete_event(current_user, get_visible_or_404(CivicEvent, event_id), version=version)
    db.session.commit()


@blp.route("/civic-events/<int:event_id>/photos", methods=["POST"])
@roles_required(*EDITORS)
@blp.arguments(PhotoUploadSchema, location="files")
@blp.response(201, EventSchema)
def upload_event_photos(files, event_id):
    """上传活动照片（JPG、PNG、WebP；有一张不合格则全部不保存）"""
    from alliance.civic import photos
    event = get_visible_or_404(CivicEvent, event_id)
    services._owned(current_user, event.unit_id, "活动")
    photos.add_photos(event, files["photos"])
    db.session.commit()
    return event


# --- service records ---------------------------------------------------------------------------

@blp.route("/service-records")
@roles_required()
@blp.arguments(RecordListArgs, location="query", as_kwargs=True)
@blp.response(200, ServiceRecordPage)
def list_records(page, per_page, **args):
    """志愿服务记录"""
    return page_body(queries.record_api_page(current_user, page, per_page, **args))


@blp.route("/service-records", methods=["POST"])
@roles_required(*EDITORS)
@blp.arguments(ServiceRecordSchema)
@blp.response(201, ServiceRecordSchema)
def create_record(data):
    """记录志愿者在一次活动的服务时长（谁组织谁记录）：不超过活动时长，不与其他活动时间重叠"""
    data["hours"] = Decimal(str(data["hours"]))
    record = services.record_hours(current_user, data)
    db.session.commit()
    return record


@blp.route("/service-records/<int:record_id>")
@roles_required()
@blp.response(200, ServiceRecordSchema)
def get_record(record_id):
    """服务记录详情"""
    return get_visible_or_404(ServiceRecord, record_id)


@blp.route("/service-records/<int:record_id>/verify", methods=["POST"])
@roles_required(*EDITORS)
@blp.arguments(OptionalVersionArgs, location="query", as_kwargs=True)
@blp.response(200, ServiceRecordSchema)
def verify_record(record_id, version=None):
    """核实服务时长（谁记录谁证明；须带 version）"""
    record = get_visible_or_404(ServiceRecord, record_id)
    services.verify_record(current_user, record, version=version, verifier=current_user.display_name)
    db.session.commit()
    return record


# --- item ledgers ------------------------------------------------------------------------------

@blp.route("/item-ledgers")
@roles_required()
@blp.arguments(PagingArgs, location="query", as_kwargs=True)
@blp.response(200, LedgerPage)
def list_ledgers(page, per_page):
    """物品台账：制作、发放和库存"""
    result = paginate(queries.ledger_list_query(current_user), page, per_page)
    queries.with_totals(result.items)
    return page_body(result)


@blp.route("/item-ledgers", methods=["POST"])
@roles_required(*EDITORS)
@blp.arguments(LedgerSchema)
@blp.response(201, LedgerSchema)
def create_ledger(data):
    """新建物品台账（如春联、福字、腊八粥）"""
    ledger = services.create_ledger(current_user, data)
    db.session.commit()
    return queries.with_totals([ledger])[0]


@blp.route("/item-ledgers/<int:ledger_id>")
@roles_required()
@blp.response(200, LedgerSchema)
def get_ledger(ledger_id):
    """台账详情：{"made", "handed_out", "in_stock"} 及各笔记录"""
    return queries.with_totals([get_visible_or_404(ItemLedger, ledger_id)])[0]


@blp.route("/item-ledgers/<int:ledger_id>/batches", methods=["POST"])
@roles_required(*EDITORS)
@blp.arguments(BatchSchema)
@blp.response(201, LedgerSchema)
def add_batch(data, ledger_id):
    """登记一批制作（谁做的、多少、何时）"""
    ledger = get_visible_or_404(ItemLedger, ledger_id)
    services.add_batch(current_user, ledger, data)
    db.session.commit()
    return queries.with_totals([ledger])[0]


@blp.route("/item-ledgers/<int:ledger_id>/handouts", methods=["POST"])
@roles_required(*EDITORS)
@blp.arguments(HandoutSchema)
@blp.response(201, LedgerSchema)
def add_handout(data, ledger_id):
    """登记一次发放（在哪次活动、多少）：超过库存则 422，库存永不为负"""
    ledger = get_visible_or_404(ItemLedger, ledger_id)
    services.record_handout(current_user, ledger, data)
    db.session.commit()
    return queries.with_totals([ledger])[0]
