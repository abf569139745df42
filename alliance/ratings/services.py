"""Rules of organizations, rubrics and ratings. Services validate and flush, never commit."""
from __future__ import annotations

import copy
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from alliance.core.checks import Errors, check_choice, check_int, clean_texts
from alliance.core.dates import LOCAL_TZ, format_date_zh
from alliance.core.errors import DuplicateRecord, FieldErrors, RuleViolation
from alliance.core.records import apply_changes, check_version, soft_delete
from alliance.core.sorting import stroke_key
from alliance.extensions import db
from alliance.members.models import MemberUnit, Person
from alliance.ratings import scoring
from alliance.ratings.models import (
    ORG_KINDS,
    OrganizationSecretary,
    PartyOrganization,
    Rating,
    RatingEntry,
    RatingObjection,
    Rubric,
)

MAX_MEMBERS = 100_000
FIRST_YEAR, LAST_YEAR = 2000, 2100
EDITABLE_STATUSES = ("self_assessing", "returned")


def local_today() -> date:
    return datetime.now(LOCAL_TZ).date()


# --- organizations -------------------------------------------------------------------------

ORG_TEXTS = (("name", 100, True, "名称"), ("profile", 5000, False, "简介"))


def validate_organization(data: dict[str, Any], *, alliance_id: int,
                          organization: PartyOrganization | None = None) -> dict:
    errors = Errors()
    cleaned: dict[str, Any] = {}
    clean_texts(data, ORG_TEXTS, errors, cleaned)
    cleaned["kind"] = check_choice(data, "kind", ORG_KINDS, errors, required=True, label="组织类型")
    cleaned["member_count"] = check_int(data, "member_count", errors, low=0, high=MAX_MEMBERS,
                                        label="党员人数")
    cleaned["sort_order"] = check_int(data, "sort_order", errors, low=0, high=1_000_000, label="排序")
    founded = data.get("founded_on")
    if founded is not None and not isinstance(founded, date):
        errors.add("founded_on", "成立日期格式应为 YYYY-MM-DD")
    elif founded is not None and founded > local_today():
        errors.add("founded_on", "成立日期不能晚于今天")
    cleaned["founded_on"] = founded
    unit_id = data.get("unit_id", organization.unit_id if organization else None)
    unit = db.session.get(MemberUnit, unit_id) if isinstance(unit_id, int) else None
    if unit is None or unit.alliance_id != alliance_id or unit.deleted_at is not None:
        errors.add("unit_id", "请选择所属单位（成员单位、居民区或村）")
    else:
        cleaned["unit_id"] = unit.id
    parent_id = data.get("parent_id")
    cleaned["parent_id"] = None
    if parent_id is not None:
        parent = db.session.get(PartyOrganization, parent_id) if isinstance(parent_id, int) else None
        if parent is None or parent.alliance_id != alliance_id or parent.deleted_at is not None:
            errors.add("parent_id", "上级党组织不存在")
        elif organization is not None and _is_descendant(parent, organization):
            errors.add("parent_id", "上级党组织不能是本组织或其下级")
        elif parent.kind in ("branch", "temporary_branch"):
            errors.add("parent_id", "党支部下不能再设党组织")
        else:
            cleaned["parent_id"] = parent.id
    errors.raise_if_any()
    duplicate = select(PartyOrganization.id).where(
        PartyOrganization.alliance_id == alliance_id, PartyOrganization.name == cleaned["name"],
        PartyOrganization.deleted_at.is_(None))
    if organization is not None:
        duplicate = duplicate.where(PartyOrganization.id != organization.id)
    if db.session.scalar(duplicate) is not None:
        raise DuplicateRecord({"name": ["已有同名党组织"]})
    cleaned["name_stroke_key"] = stroke_key(cleaned["name"])
    return cleaned


def _is_descendant(candidate: PartyOrganization, organization: PartyOrganization) -> bool:
    node, seen = candidate, set()
    while node is not None and node.id not in seen:
        if node.id == organization.id:
            return True
        seen.add(node.id)
        node = node.parent
    return False


def create_organization(data: dict, *, alliance_id: int, is_sample: bool = False) -> PartyOrganization:
    cleaned = validate_organization(data, alliance_id=alliance_id)
    organization = PartyOrganization(alliance_id=alliance_id, is_sample=is_sample, **cleaned)
    db.session.add(organization)
    db.session.flush()
    return organization


def update_organization(organization: PartyOrganization, data: dict, *, version: int | None) -> PartyOrganization:
    check_version(organization, version)
    merged = {"unit_id": organization.unit_id, "parent_id": organization.parent_id, **data}
    apply_changes(organization, validate_organization(merged, alliance_id=organization.alliance_id,
                                                      organization=organization))
    return organization


def delete_organization(organization: PartyOrganization, *, version: int | None = None) -> None:
    soft_delete(organization, version=version)


def set_secretary(organization: PartyOrganization, person: Person | None,
                  started_on: date | None) -> OrganizationSecretary:
    """A new secretary from ``started_on``; the current one's term ends that day (history kept)."""
    errors = Errors()
    if person is None or person.alliance_id != organization.alliance_id or person.deleted_at:
        errors.add("person_id", "请选择书记（人员库中的人员）")
    if not isinstance(started_on, date):
        errors.add("started_on", "请填写任职日期")
    errors.raise_if_any()
    current = organization.current_secretary
    if current is not None:
        if started_on < current.started_on:
            raise FieldErrors({"started_on": ["任职日期不能早于现任书记的任职日期"]})
        current.ended_on = started_on
    secretary = OrganizationSecretary(alliance_id=organization.alliance_id,
                                      organization_id=organization.id, person_id=person.id,
                                      started_on=started_on)
    db.session.add(secretary)
    db.session.flush()
    db.session.expire(organization, ["secretaries"])
    return secretary


# --- rubrics -------------------------------------------------------------------------------

def _positive_int(value, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def validate_definition(definition: Any) -> dict:
    """A clean copy of a rubric definition, or FieldErrors keyed ``definition``."""
    problems: list[str] = []
    if not isinstance(definition, dict):
        raise FieldErrors({"definition": ["评分细则格式不正确"]})
    codes: set[str] = set()

    def code_of(entry, where):
        code = entry.get("code") if isinstance(entry, dict) else None
        if not isinstance(code, str) or not code.strip() or len(code) > 30:
            problems.append(f"{where}缺少编号（1至30个字符）")
            return None
        if code in codes:
            problems.append(f"编号“{code}”重复")
        codes.add(code)
        return code.strip()

    def text_of(entry, key, where, required=True, limit=200):
        value = entry.get(key) if isinstance(entry, dict) else None
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            problems.append(f"{where}的“{key}”应为1至{limit}个字符的文字")
            return ""
        return value.strip()

    clean: dict[str, Any] = {"dimensions": [], "vetoes": [], "bonuses": []}
    dimensions = definition.get("dimensions")
    if not isinstance(dimensions, list) or not dimensions:
        problems.append("至少需要一个评分维度")
        dimensions = []
    for d_index, dimension in enumerate(dimensions, 1):
        where = f"第{d_index}个维度"
        code = code_of(dimension, where)
        items = dimension.get("items") if isinstance(dimension, dict) else None
        if not isinstance(items, list) or not items:
            problems.append(f"{where}至少需要一个评分项")
            items = []
        clean_items = []
        for i_index, item in enumerate(items, 1):
            item_where = f"{where}第{i_index}项"
            item_code = code_of(item, item_where)
            points = item.get("max_points") if isinstance(item, dict) else None
            if not _positive_int(points, 1, 100):
                problems.append(f"{item_where}的满分应为1至100的整数")
            clean_items.append({"code": item_code, "title": text_of(item, "title", item_where),
                                "max_points": points,
                                "guidance": text_of(item, "guidance", item_where, False, 1000)})
        clean["dimensions"].append({"code": code, "name": text_of(dimension, "name", where),
                                    "items": clean_items})
    for index, veto in enumerate(definition.get("vetoes") or [], 1):
        where = f"第{index}个否决项"
        code = code_of(veto, where)
        cap = veto.get("cap", 0) if isinstance(veto, dict) else None
        if not _positive_int(cap, 0, 1000):
            problems.append(f"{where}的封顶分应为0以上的整数")
        clean["vetoes"].append({"code": code, "title": text_of(veto, "title", where), "cap": cap})
    for index, bonus in enumerate(definition.get("bonuses") or [], 1):
        where = f"第{index}个加分项"
        code = code_of(bonus, where)
        points = bonus.get("max_points") if isinstance(bonus, dict) else None
        if not _positive_int(points, 1, 100):
            problems.append(f"{where}的最高加分应为1至100的整数")
        clean["bonuses"].append({"code": code, "title": text_of(bonus, "title", where),
                                 "max_points": points})
    limit = definition.get("bonus_limit", 0)
    if not _positive_int(limit, 0, 100):
        problems.append("加分上限应为0至100的整数")
    clean["bonus_limit"] = limit
    thresholds = definition.get("thresholds")
    clean_thresholds: dict[str, int] = {}
    if not isinstance(thresholds, dict) or not thresholds:
        problems.append("请设置星级分数线")
    else:
        for star, points in thresholds.items():
            if str(star) not in ("1", "2", "3", "4", "5") or not _positive_int(points, 0, 1000):
                problems.append(f"星级分数线“{star}”不正确（星级1至5，分数为整数）")
                continue
            clean_thresholds[str(star)] = points
        ordered = [clean_thresholds[s] for s in sorted(clean_thresholds)]
        if ordered != sorted(ordered) or len(set(ordered)) != len(ordered):
            problems.append("星级越高，分数线应越高")
    clean["thresholds"] = clean_thresholds
    for key, label in (("township_stars", "镇级星级"), ("district_stars", "可推荐区级的星级")):
        stars = definition.get(key, [])
        if not isinstance(stars, list) or any(str(s) not in clean_thresholds for s in stars) \
                or any(not _positive_int(s, 1, 5) for s in stars):
            problems.append(f"{label}应为已设分数线的星级")
            stars = []
        clean[key] = sorted(set(stars))
    if problems:
        raise FieldErrors({"definition": problems})
    return clean


def _scoring_signature(definition: dict) -> dict:
    """What decides a result: codes, points, caps, limits, thresholds (texts excluded)."""
    return {
        "items": sorted((d["code"], i["code"], i["max_points"]) for d in definition["dimensions"]
                        for i in d["items"]),
        "vetoes": sorted((v["code"], v["cap"]) for v in definition["vetoes"]),
        "bonuses": sorted((b["code"], b["max_points"]) for b in definition["bonuses"]),
        "bonus_limit": definition["bonus_limit"], "thresholds": definition["thresholds"],
        "township_stars": definition["township_stars"], "district_stars": definition["district_stars"],
    }


def _validate_rubric(data: dict, errors: Errors, *, year_required: bool) -> dict:
    cleaned: dict[str, Any] = {}
    clean_texts(data, (("name", 100, True, "名称"),), errors, cleaned)
    if year_required or "year" in data:
        year = data.get("year")
        if not _positive_int(year, FIRST_YEAR, LAST_YEAR):
            errors.add("year", f"年度应为{FIRST_YEAR}至{LAST_YEAR}之间的整数")
        cleaned["year"] = year
    days = data.get("notice_days", 5)
    if not _positive_int(days, 1, 30):
        errors.add("notice_days", "公示天数应为1至30的整数")
    cleaned["notice_days"] = days
    try:
        cleaned["definition"] = validate_definition(data.get("definition"))
    except FieldErrors as exc:
        for message in exc.fields["definition"]:
            errors.add("definition", message)
    return cleaned


def rubric_for_year(alliance_id: int, year: int) -> Rubric | None:
    return db.session.scalar(select(Rubric).where(
        Rubric.alliance_id == alliance_id, Rubric.year == year, Rubric.deleted_at.is_(None)))


def create_rubric(data: dict, *, alliance_id: int) -> Rubric:
    """A rubric for a year. Without a definition, the year starts as a copy of the latest
    earlier year's rubric, or of the default template."""
    data = dict(data)
    if data.get("definition") is None:
        data["definition"] = copy.deepcopy(starting_definition(alliance_id, data.get("year")))
    if not data.get("name"):
        data["name"] = "星级党组织评定细则"
    errors = Errors()
    cleaned = _validate_rubric(data, errors, year_required=True)
    errors.raise_if_any()
    if rubric_for_year(alliance_id, cleaned["year"]) is not None:
        raise DuplicateRecord({"year": [f"{cleaned['year']}年已有评分细则"]})
    rubric = Rubric(alliance_id=alliance_id, status="draft", **cleaned)
    db.session.add(rubric)
    db.session.flush()
    return rubric


def starting_definition(alliance_id: int, year: Any) -> dict:
    stmt = select(Rubric).where(Rubric.alliance_id == alliance_id, Rubric.deleted_at.is_(None))
    if isinstance(year, int):
        stmt = stmt.where(Rubric.year < year)
    last = db.session.scalar(stmt.order_by(Rubric.year.desc()).limit(1))
    return last.definition if last is not None else scoring.DEFAULT_DEFINITION


def rubric_in_use(rubric: Rubric) -> bool:
    return rubric.status == "in_use" or db.session.scalar(select(func.count(Rating.id)).where(
        Rating.rubric_id == rubric.id, Rating.deleted_at.is_(None))) > 0


def update_rubric(rubric: Rubric, data: dict, *, version: int | None) -> Rubric:
    """Edit a rubric. Once ratings use it, only names, titles and guidance may change: points,
    caps, limits and thresholds are what past results were computed with."""
    check_version(rubric, version)
    merged = {"name": rubric.name, "notice_days": rubric.notice_days,
              "definition": rubric.definition, **data}
    merged.pop("year", None)
    errors = Errors()
    cleaned = _validate_rubric(merged, errors, year_required=False)
    errors.raise_if_any()
    if rubric_in_use(rubric) and \
            _scoring_signature(cleaned["definition"]) != _scoring_signature(rubric.definition):
        raise FieldErrors({"definition": [
            "该细则已用于评定，只能修改名称和说明文字；分值、否决、加分和分数线不能再改"]})
    apply_changes(rubric, cleaned)
    return rubric


def delete_rubric(rubric: Rubric, *, version: int | None = None) -> None:
    if rubric_in_use(rubric):
        raise RuleViolation("该细则已用于评定，不能删除")
    soft_delete(rubric, version=version)


# --- ratings: the workflow -----------------------------------------------------------------

def start_rating(organization: PartyOrganization, year: Any, *, is_sample: bool = False) -> Rating:
    if not _positive_int(year, FIRST_YEAR, LAST_YEAR):
        raise FieldErrors({"year": [f"年度应为{FIRST_YEAR}至{LAST_YEAR}之间的整数"]})
    rubric = rubric_for_year(organization.alliance_id, year)
    if rubric is None:
        raise FieldErrors({"year": [f"{year}年还没有评分细则，请先由党群办制定"]})
    exists = db.session.scalar(select(Rating.id).where(
        Rating.organization_id == organization.id, Rating.year == year, Rating.deleted_at.is_(None)))
    if exists is not None:
        raise DuplicateRecord({"year": [f"该党组织{year}年已有评定"]})
    if rubric.status != "in_use":
        rubric.status = "in_use"
    rating = Rating(alliance_id=organization.alliance_id, organization_id=organization.id,
                    unit_id=organization.unit_id, rubric_id=rubric.id, year=year,
                    status="self_assessing", nomination="none", vetoed=False, is_sample=is_sample)
    db.session.add(rating)
    db.session.flush()
    return rating


def _require_status(rating: Rating, allowed: tuple[str, ...], what: str) -> None:
    if rating.status not in allowed:
        raise RuleViolation(f"当前状态为“{rating.status_label}”，不能{what}")


def _entries_by_code(rating: Rating) -> dict[str, RatingEntry]:
    return {entry.item_code: entry for entry in rating.entries}


def _clean_answers(rating: Rating, answers: Any, note_key: str) -> list[tuple[str, int | None, str | None]]:
    """[(item code, points, text)] checked against the rubric; FieldErrors keyed ``items.CODE``."""
    items = scoring.items_of(rating.rubric.definition)
    if not isinstance(answers, list):
        raise FieldErrors({"items": ["应为评分项列表"]})
    errors = Errors()
    cleaned = []
    for answer in answers:
        code = answer.get("item_code") if isinstance(answer, dict) else None
        item = items.get(code) if isinstance(code, str) else None
        if item is None:
            errors.add("items", f"评分项“{str(code)[:30]}”不在{rating.year}年的评分细则中")
            continue
        points = answer.get("points")
        if points is not None:
            if not isinstance(points, int) or isinstance(points, bool):
                errors.add(f"items.{code}", f"“{item['title']}”的分数应为整数")
                continue
            if item["kind"] == "veto" and points not in (0, 1):
                errors.add(f"items.{code}", f"否决项“{item['title']}”只能填 0（不适用）或 1（适用）")
                continue
            if points < 0 or points > item["max_points"]:
                errors.add(f"items.{code}",
                           f"“{item['title']}”的分数应在0至{item['max_points']}分之间")
                continue
        text = answer.get(note_key)
        if text is not None and (not isinstance(text, str) or len(text) > 2000):
            errors.add(f"items.{code}", "说明不能超过2000个字符")
            continue
        cleaned.append((code, points, (text or "").strip() or None))
    errors.raise_if_any()
    return cleaned


def save_self_assessment(rating: Rating, answers: Any, *, version: int | None,
                         case_text: str | None = None) -> Rating:
    """The organization's own points and evidence notes, item by item."""
    check_version(rating, version)
    _require_status(rating, EDITABLE_STATUSES, "修改自评")
    by_code = _entries_by_code(rating)
    for code, points, note in _clean_answers(rating, answers, "note"):
        entry = by_code.get(code)
        if entry is None:
            entry = RatingEntry(alliance_id=rating.alliance_id, item_code=code)
            rating.entries.append(entry)
            by_code[code] = entry
        entry.self_points, entry.self_note = points, note
    if case_text is not None:
        if len(case_text) > 20000:
            raise FieldErrors({"case_text": ["案例文字不能超过20000个字符"]})
        rating.case_text = case_text.strip() or None
    _recompute(rating)
    db.session.flush()
    return rating


def submit(rating: Rating, *, version: int | None) -> Rating:
    check_version(rating, version)
    _require_status(rating, EDITABLE_STATUSES, "提交自评")
    by_code = _entries_by_code(rating)
    missing = [item["title"] for code, item in scoring.items_of(rating.rubric.definition).items()
               if item["kind"] == "score" and (by_code.get(code) is None or by_code[code].self_points is None)]
    if missing:
        raise FieldErrors({"items": [f"还有{len(missing)}项未自评：" + "、".join(missing[:5])]})
    rating.status = "submitted"
    rating.return_reason = None
    db.session.flush()
    return rating


def save_review(rating: Rating, answers: Any, *, version: int | None, finish: bool = False) -> Rating:
    """The township's points and comments per item; ``finish`` closes the review."""
    check_version(rating, version)
    _require_status(rating, ("submitted",), "审核")
    by_code = _entries_by_code(rating)
    for code, points, comment in _clean_answers(rating, answers, "comment"):
        entry = by_code.get(code)
        if entry is None:
            entry = RatingEntry(alliance_id=rating.alliance_id, item_code=code)
            rating.entries.append(entry)
            by_code[code] = entry
        entry.review_points, entry.review_comment = points, comment
    if finish:
        missing = [item["title"] for code, item in scoring.items_of(rating.rubric.definition).items()
                   if item["kind"] == "score"
                   and (by_code.get(code) is None or by_code[code].review_points is None)]
        if missing:
            raise FieldErrors({"items": [f"还有{len(missing)}项未审核：" + "、".join(missing[:5])]})
        rating.status = "reviewed"
    _recompute(rating)
    db.session.flush()
    return rating


def publish_notice(rating: Rating, *, version: int | None, starts_on: date | None = None) -> Rating:
    check_version(rating, version)
    _require_status(rating, ("reviewed",), "公示")
    starts_on = starts_on or local_today()
    rating.notice_starts_on = starts_on
    rating.notice_ends_on = starts_on + timedelta(days=rating.rubric.notice_days - 1)
    rating.status = "in_notice"
    db.session.flush()
    return rating


def add_objection(rating: Rating, data: dict) -> RatingObjection:
    _require_status(rating, ("in_notice",), "登记异议")
    errors = Errors()
    cleaned: dict[str, Any] = {}
    clean_texts(data, (("raised_by", 100, True, "提出人"), ("content", 2000, True, "异议内容")),
                errors, cleaned)
    errors.raise_if_any()
    objection = RatingObjection(alliance_id=rating.alliance_id, rating_id=rating.id,
                                raised_on=local_today(), **cleaned)
    db.session.add(objection)
    db.session.flush()
    db.session.expire(rating, ["objections"])
    return objection


def answer_objection(objection: RatingObjection, answer: Any, *, version: int | None) -> RatingObjection:
    check_version(objection, version)
    errors = Errors()
    cleaned: dict[str, Any] = {}
    clean_texts({"answer": answer}, (("answer", 2000, True, "答复"),), errors, cleaned)
    errors.raise_if_any()
    objection.answer = cleaned["answer"]
    objection.answered_on = local_today()
    db.session.flush()
    return objection


def confirm(rating: Rating, *, version: int | None, today: date | None = None) -> Rating:
    """Confirm after the notice period with every objection answered; freezes the result."""
    check_version(rating, version)
    _require_status(rating, ("in_notice",), "确认")
    today = today or local_today()
    if rating.notice_ends_on is not None and today <= rating.notice_ends_on:
        raise FieldErrors({"notice_ends_on": [
            f"公示期至{format_date_zh(rating.notice_ends_on)}，公示期满后才能确认"]})
    if any(o.answer is None for o in rating.objections):
        raise RuleViolation("还有未答复的异议，答复后才能确认")
    _recompute(rating)
    rating.status = "confirmed"
    rating.confirmed_on = today
    rating.result = _snapshot(rating)
    db.session.flush()
    return rating


def send_back(rating: Rating, reason: Any, *, version: int | None) -> Rating:
    check_version(rating, version)
    _require_status(rating, ("submitted", "reviewed", "in_notice"), "退回")
    errors = Errors()
    cleaned: dict[str, Any] = {}
    clean_texts({"reason": reason}, (("reason", 500, True, "退回理由"),), errors, cleaned)
    errors.raise_if_any()
    rating.status = "returned"
    rating.return_reason = cleaned["reason"]
    rating.notice_starts_on = rating.notice_ends_on = None
    db.session.flush()
    return rating


def nominate(rating: Rating, *, version: int | None) -> Rating:
    check_version(rating, version)
    _require_status(rating, ("confirmed",), "推荐区级")
    if not (rating.result or {}).get("nominable"):
        raise RuleViolation("只有可推荐区级的星级（如五星）才能推荐")
    if rating.nomination != "none":
        raise RuleViolation("已推荐过")
    rating.nomination = "nominated"
    db.session.flush()
    return rating


def record_district_decision(rating: Rating, approved: Any, note: Any, *, version: int | None) -> Rating:
    check_version(rating, version)
    if rating.nomination != "nominated":
        raise RuleViolation("尚未推荐区级，或区级已作出决定")
    if not isinstance(approved, bool):
        raise FieldErrors({"approved": ["请选择区级是否认定"]})
    errors = Errors()
    cleaned: dict[str, Any] = {}
    clean_texts({"note": note}, (("note", 500, False, "区级意见"),), errors, cleaned)
    errors.raise_if_any()
    rating.nomination = "approved" if approved else "rejected"
    rating.district_note = cleaned["note"]
    rating.result = {**(rating.result or {}), "level": rating.level}
    db.session.flush()
    return rating


def _points(rating: Rating, which: str) -> dict[str, int | None]:
    return {e.item_code: getattr(e, which) for e in rating.entries}


def _recompute(rating: Rating) -> None:
    """Total and stars from scoring.compute: reviewed points once reviewing, else self points.
    A confirmed rating is never recomputed."""
    if rating.status == "confirmed":
        return
    definition = rating.rubric.definition
    self_result = scoring.compute(definition, _points(rating, "self_points"))
    reviewing = any(e.review_points is not None for e in rating.entries)
    result = scoring.compute(definition, _points(rating, "review_points")) if reviewing else self_result
    rating.self_total = self_result.total
    rating.total, rating.stars, rating.vetoed = result.total, result.stars, result.vetoed


def _snapshot(rating: Rating) -> dict:
    result = scoring.compute(rating.rubric.definition, _points(rating, "review_points"))
    names = {d["code"]: d["name"] for d in rating.rubric.definition["dimensions"]}
    maxima = {d["code"]: sum(i["max_points"] for i in d["items"])
              for d in rating.rubric.definition["dimensions"]}
    return {**result.as_dict(), "rubric_version": rating.rubric.version,
            "dimensions": [{"code": code, "name": names[code], "points": points,
                            "max_points": maxima[code]}
                           for code, points in result.by_dimension.items()],
            "level": rating.level}


def result_of(rating: Rating) -> scoring.Result:
    """The current computed result (for pages showing a rating before confirmation)."""
    reviewing = any(e.review_points is not None for e in rating.entries)
    return scoring.compute(rating.rubric.definition,
                           _points(rating, "review_points" if reviewing else "self_points"))


def import_results(rows: list[dict], *, alliance_id: int, is_sample: bool = False) -> list[Rating]:
    """Record past years' confirmed results kept in spreadsheets (one flush for all rows).

    Each row: ``organization`` (a PartyOrganization), ``year``, ``points`` (item code → reviewed
    points), ``notice_starts_on``, ``confirmed_on``, optional ``district_approved`` and
    ``case_text``. The totals and stars are computed here like any other rating's, and the
    points are checked against the year's rubric: one bad row refuses them all."""
    ratings = []
    errors = Errors()
    for index, row in enumerate(rows, 1):
        organization, year = row["organization"], row["year"]
        rubric = rubric_for_year(alliance_id, year)
        if rubric is None or organization.alliance_id != alliance_id:
            errors.add(f"rows.{index}", f"{year}年还没有评分细则，请先由党群办制定")
            continue
        rating = Rating(alliance_id=alliance_id, organization_id=organization.id,
                        unit_id=organization.unit_id, rubric=rubric, year=year,
                        status="in_notice", nomination="none", vetoed=False, is_sample=is_sample,
                        case_text=row.get("case_text"), notice_starts_on=row["notice_starts_on"],
                        notice_ends_on=row["notice_starts_on"] + timedelta(days=rubric.notice_days - 1))
        answers = [{"item_code": code, "points": points} for code, points in row["points"].items()]
        try:
            cleaned = _clean_answers(rating, answers, "comment")
        except FieldErrors as exc:
            errors.add(f"rows.{index}", "；".join(m for ms in exc.fields.values() for m in ms))
            continue
        rating.entries = [RatingEntry(alliance_id=alliance_id, item_code=code, self_points=points,
                                      review_points=points) for code, points, _ in cleaned]
        _recompute(rating)
        rating.status, rating.confirmed_on = "confirmed", row["confirmed_on"]
        if row.get("district_approved") is not None:
            if not rating.stars or rating.stars not in rubric.definition["district_stars"]:
                errors.add(f"rows.{index}", "只有可推荐区级的星级才能登记区级认定")
                continue
            rating.nomination = "approved" if row["district_approved"] else "rejected"
        rating.result = _snapshot(rating)
        rubric.status = "in_use"
        ratings.append(rating)
    errors.raise_if_any()
    db.session.add_all(ratings)
    db.session.flush()
    return ratings
