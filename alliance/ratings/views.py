"""Pages of star ratings. Thin: read the form, call a service, commit once, redirect or render."""
from __future__ import annotations

import json
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from alliance.core.charts import bar_chart
from alliance.core.errors import STALE_MESSAGE, FieldErrors, RuleViolation, StaleRecord
from alliance.core.pagination import clamp_paging, list_page
from alliance.core.permissions import can_edit_unit_records, get_visible_or_404, managers_only, roles_required, scoped
from alliance.core.roles import EDITORS
from alliance.extensions import db
from alliance.ratings import bp, queries, scoring, services
from alliance.ratings.access import editable_rating, organization_for_rating, rating_options
from alliance.ratings.models import (
    RATING_STATUSES,
    STAR_LABELS,
    PartyOrganization,
    Rating,
    RatingObjection,
    Rubric,
    level_label,
    stars_label,
)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _year() -> int:
    year = _int(request.args.get("year"))
    if year and 2000 <= year <= 2100:
        return year
    known = queries.years(current_user)
    return known[0] if known else services.local_today().year


def _run(action, *, success: str, back: str):
    """Run a service call; commit and flash ``success``, or roll back and flash the refusal.
    Returns the FieldErrors (for the page to show at the fields) or None."""
    try:
        action()
        db.session.commit()
    except FieldErrors as exc:
        db.session.rollback()
        return exc
    except (StaleRecord, StaleDataError):
        db.session.rollback()
        flash(STALE_MESSAGE, "danger")
    except RuleViolation as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        flash(success, "success")
    return redirect(back)


# --- figures -------------------------------------------------------------------------------

def distribution_chart(figures: dict):
    labels = ["五星", "四星", "三星"]
    return bar_chart(f"{figures['year']}年度星级党组织分布", labels,
                     {"数量": [figures["by_stars"][k] for k in ("5", "4", "3")]})


# What the lists show of a rating (read as rows; labels from the columns, as Rating's are).
OVERVIEW_COLUMNS = ("stars", "nomination", "organization_name", "total")
CYCLE_COLUMNS = ("organization_name", "status", "self_total", "total", "stars")


@bp.route("/ratings")
@roles_required()
def overview():
    year = _year()
    figures = queries.distribution(current_user, year)
    progress = queries.progress(current_user, year)
    page, per_page = clamp_paging(request.args.get("page"), request.args.get("per_page"), 50)
    stars = _int(request.args.get("stars"))
    filters = queries.RatingFilters(year=year, status="confirmed",
                                    stars=stars if stars in (3, 4, 5) else None)
    rows, counted = queries.rating_rows_query(current_user, filters, OVERVIEW_COLUMNS)
    result = list_page(rows, page, per_page, scalars=False, count=counted)
    return render_template("ratings/overview.html", year=year, figures=figures, progress=progress,
                           statuses=RATING_STATUSES, dist_chart=distribution_chart(figures), page=result,
                           stars=stars, star_labels=STAR_LABELS, years=queries.years(current_user),
                           stars_label=stars_label, level_label=level_label)


@bp.route("/ratings/cycle")
@roles_required()
def cycle():
    year = _year()
    status = request.args.get("status")
    status = status if status in RATING_STATUSES else None
    page, per_page = clamp_paging(request.args.get("page"), request.args.get("per_page"), 50)
    filters = queries.RatingFilters(year=year, status=status, order="recent")
    rows, counted = queries.rating_rows_query(current_user, filters, CYCLE_COLUMNS)
    result = list_page(rows, page, per_page, scalars=False, count=counted)
    return render_template("ratings/cycle.html", year=year, status=status, page=result,
                           statuses=RATING_STATUSES, progress=queries.progress(current_user, year),
                           stars_label=stars_label)


@bp.route("/ratings/notice")
@roles_required()
def notice():
    """公示: every account reads the ratings in notice."""
    year = _year()
    stmt = queries.rating_list_query(current_user, queries.RatingFilters(year=year, status="in_notice"))
    ratings = list(db.session.scalars(stmt.options(*queries.list_options(unit=True))).unique())
    return render_template("ratings/notice.html", year=year, ratings=ratings)


# --- one rating ----------------------------------------------------------------------------

@bp.route("/ratings/<int:rating_id>")
@roles_required()
def view_rating(rating_id: int, errors: FieldErrors | None = None):
    rating = get_visible_or_404(Rating, rating_id, options=rating_options())
    return _rating_page(rating, errors)


def _rating_page(rating: Rating, errors: FieldErrors | None = None, status: int = 200):
    definition = rating.rubric.definition
    entries = {e.item_code: e for e in rating.entries}
    can_fill = rating.status in services.EDITABLE_STATUSES and current_user.is_editor \
        and can_edit_unit_records(rating.unit_id)
    can_review = rating.status == "submitted" and current_user.is_manager
    return render_template("ratings/rating.html", rating=rating, definition=definition,
                           entries=entries, can_fill=can_fill, can_review=can_review,
                           is_manager=current_user.is_manager,
                           result=services.result_of(rating), errors=(errors.fields if errors else {}),
                           submitted=request.form if errors else None,
                           today=services.local_today()), status


def _answers(kind: str) -> list[dict]:
    """Per-item answers from the form: points_<code>, note_<code> / comment_<code>."""
    answers = []
    for key in request.form:
        if key.startswith("points_"):
            code = key[len("points_"):]
            raw = request.form.get(key, "").strip()
            points = _int(raw) if raw else None
            if raw and points is None:
                points = -1  # not a number: the service refuses it at the field
            text = request.form.get(f"{kind}_{code}")
            answers.append({"item_code": code, "points": points, kind: text})
    return answers


def _rating_action(rating: Rating, action, success: str):
    outcome = _run(action, success=success, back=url_for("ratings.view_rating", rating_id=rating.id))
    if isinstance(outcome, FieldErrors):
        fresh = get_visible_or_404(Rating, rating.id, options=rating_options())
        return _rating_page(fresh, outcome, 422)
    return outcome


@bp.route("/ratings/<int:rating_id>/self-assessment", methods=["POST"])
@roles_required(*EDITORS)
def save_self_assessment(rating_id: int):
    rating = editable_rating(rating_id)
    version = _int(request.form.get("version"))
    submit = request.form.get("submit") == "1"

    def action():
        services.save_self_assessment(rating, _answers("note"), version=version,
                                      case_text=request.form.get("case_text"))
        if submit:
            services.submit(rating, version=rating.version)

    return _rating_action(rating, action, "已提交自评，等待审核" if submit else "自评已保存")


@bp.route("/ratings/<int:rating_id>/evidence", methods=["POST"])
@roles_required(*EDITORS)
def upload_evidence(rating_id: int):
    from alliance.ratings import evidence

    rating = editable_rating(rating_id)
    outcome = _run(lambda: evidence.add_evidence(rating, request.form.get("item_code"),
                                                 request.files.get("file")),
                   success="佐证材料已上传", back=url_for("ratings.view_rating", rating_id=rating_id))
    if isinstance(outcome, FieldErrors):
        fresh = get_visible_or_404(Rating, rating.id, options=rating_options())
        return _rating_page(fresh, outcome, 422)
    return outcome


@bp.route("/ratings/<int:rating_id>/evidence/<int:evidence_id>")
@roles_required()
def download_evidence(rating_id: int, evidence_id: int):
    from alliance.ratings import evidence

    rating = get_visible_or_404(Rating, rating_id)
    return evidence.send(evidence.live_evidence(rating, evidence_id))


@bp.route("/ratings/<int:rating_id>/review", methods=["POST"])
@managers_only
def save_review(rating_id: int):
    rating = get_visible_or_404(Rating, rating_id, options=rating_options())
    finish = request.form.get("finish") == "1"
    return _rating_action(rating, lambda: services.save_review(
        rating, _answers("comment"), version=_int(request.form.get("version")), finish=finish),
        "审核完成" if finish else "审核意见已保存")


WORKFLOW = {
    "notice": (services.publish_notice, "已开始公示"),
    "confirm": (services.confirm, "评定结果已确认"),
    "nominate": (services.nominate, "已推荐区级"),
}


@bp.route("/ratings/<int:rating_id>/notice", methods=["POST"], defaults={"step": "notice"})
@bp.route("/ratings/<int:rating_id>/confirm", methods=["POST"], defaults={"step": "confirm"})
@bp.route("/ratings/<int:rating_id>/nominate", methods=["POST"], defaults={"step": "nominate"})
@managers_only
def workflow_step(rating_id: int, step: str):
    rating = get_visible_or_404(Rating, rating_id, options=rating_options())
    function, success = WORKFLOW[step]
    return _rating_action(rating, lambda: function(rating, version=_int(request.form.get("version"))),
                          success)


@bp.route("/ratings/<int:rating_id>/return", methods=["POST"])
@managers_only
def return_rating(rating_id: int):
    rating = get_visible_or_404(Rating, rating_id, options=rating_options())
    return _rating_action(rating, lambda: services.send_back(
        rating, request.form.get("reason"), version=_int(request.form.get("version"))), "已退回")


@bp.route("/ratings/<int:rating_id>/district-decision", methods=["POST"])
@managers_only
def district_decision(rating_id: int):
    rating = get_visible_or_404(Rating, rating_id, options=rating_options())
    approved = {"1": True, "0": False}.get(request.form.get("approved", ""))
    return _rating_action(rating, lambda: services.record_district_decision(
        rating, approved, request.form.get("note"), version=_int(request.form.get("version"))),
        "已登记区级认定结果")


@bp.route("/ratings/<int:rating_id>/objections", methods=["POST"])
@managers_only
def add_objection(rating_id: int):
    rating = get_visible_or_404(Rating, rating_id, options=rating_options())
    data = {"raised_by": request.form.get("raised_by"), "content": request.form.get("content")}
    return _rating_action(rating, lambda: services.add_objection(rating, data), "已登记异议")


@bp.route("/ratings/<int:rating_id>/objections/<int:objection_id>/answer", methods=["POST"])
@managers_only
def answer_objection(rating_id: int, objection_id: int):
    rating = get_visible_or_404(Rating, rating_id, options=rating_options())
    objection = get_visible_or_404(RatingObjection, objection_id)
    if objection.rating_id != rating.id:
        from flask import abort

        abort(404)
    return _rating_action(rating, lambda: services.answer_objection(
        objection, request.form.get("answer"), version=_int(request.form.get("version"))), "已答复异议")


# --- organizations -------------------------------------------------------------------------

@bp.route("/organizations")
@roles_required()
def list_organizations():
    return render_template("ratings/organizations.html", tree=queries.organization_tree(current_user))


@bp.route("/organizations/<int:organization_id>")
@roles_required()
def view_organization(organization_id: int):
    organization = get_visible_or_404(PartyOrganization, organization_id, options=[
        db.selectinload(PartyOrganization.secretaries), db.joinedload(PartyOrganization.unit)])
    history = queries.with_trend(queries.history(organization.id, current_user))
    rated_years = {r.year for r, _ in history}
    open_years = [r.year for r in db.session.scalars(scoped(select(Rubric), Rubric, current_user))
                  if r.year not in rated_years]
    return render_template("ratings/organization.html", organization=organization, history=history,
                           open_years=sorted(open_years, reverse=True),
                           can_start=current_user.is_editor
                           and can_edit_unit_records(organization.unit_id))


@bp.route("/organizations/<int:organization_id>/ratings", methods=["POST"])
@roles_required(*EDITORS)
def start_rating(organization_id: int):
    organization = organization_for_rating(organization_id)
    holder = {}

    def action():
        holder["rating"] = services.start_rating(organization, _int(request.form.get("year")))

    outcome = _run(action, success="已开始评定，请逐项自评",
                   back=url_for("ratings.view_organization", organization_id=organization_id))
    if isinstance(outcome, FieldErrors):
        flash("；".join(m for ms in outcome.fields.values() for m in ms), "danger")
        return redirect(url_for("ratings.view_organization", organization_id=organization_id))
    if "rating" in holder and holder["rating"].id:
        return redirect(url_for("ratings.view_rating", rating_id=holder["rating"].id))
    return outcome


# --- rubrics -------------------------------------------------------------------------------

@bp.route("/rubrics")
@roles_required()
def list_rubrics():
    rubrics = list(db.session.scalars(scoped(select(Rubric), Rubric, current_user)
                                      .order_by(Rubric.year.desc())))
    return render_template("ratings/rubrics.html", rubrics=rubrics,
                           is_manager=current_user.is_manager,
                           next_year=(rubrics[0].year + 1) if rubrics else services.local_today().year)


@bp.route("/rubrics/new", methods=["POST"])
@managers_only
def create_rubric():
    holder: dict[str, Any] = {}
    outcome = _run(lambda: holder.update(rubric=services.create_rubric(
        {"year": _int(request.form.get("year"))}, alliance_id=current_user.alliance_id)),
        success="已新建评分细则（复制上一年度）", back=url_for("ratings.list_rubrics"))
    if isinstance(outcome, FieldErrors):
        flash("；".join(m for ms in outcome.fields.values() for m in ms), "danger")
        return redirect(url_for("ratings.list_rubrics"))
    if "rubric" in holder:
        return redirect(url_for("ratings.edit_rubric", rubric_id=holder["rubric"].id))
    return outcome


@bp.route("/rubrics/<int:rubric_id>", methods=["GET", "POST"])
@roles_required()
def edit_rubric(rubric_id: int):
    rubric = get_visible_or_404(Rubric, rubric_id)
    errors: dict = {}
    text = json.dumps(rubric.definition, ensure_ascii=False, indent=2)
    if request.method == "POST":
        if not current_user.is_manager:
            from alliance.core.permissions import deny

            deny(403, "只有党群办可以修改评分细则")
        text = request.form.get("definition", "")
        try:
            definition = json.loads(text)
        except ValueError:
            errors = {"definition": ["评分细则不是有效的 JSON 格式"]}
        else:
            data = {"name": request.form.get("name"), "notice_days": _int(request.form.get("notice_days")),
                    "definition": definition}
            outcome = _run(lambda: services.update_rubric(rubric, data, version=_int(request.form.get("version"))),
                           success="评分细则已保存", back=url_for("ratings.edit_rubric", rubric_id=rubric_id))
            if not isinstance(outcome, FieldErrors):
                return outcome
            errors = outcome.fields
            rubric = get_visible_or_404(Rubric, rubric_id)
    return render_template("ratings/rubric.html", rubric=rubric, text=text, errors=errors,
                           in_use=services.rubric_in_use(rubric), items=scoring.items_of(rubric.definition),
                           is_manager=current_user.is_manager), 422 if errors else 200
