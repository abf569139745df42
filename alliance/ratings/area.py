"""星级党组织评定 as an area of the app."""
from __future__ import annotations

from flask import Flask

from alliance.auth.roles import LIAISON
from alliance.core.areas import Area, HomePanel, NavItem, ReminderRule
from alliance.ratings.models import NOMINATIONS, ORG_KINDS, RATING_STATUSES, RUBRIC_STATUSES
from alliance.ratings.reminders import self_assessments_not_submitted


def _init_app(app: Flask) -> None:
    import alliance.ratings.views  # noqa: F401 - importing it adds the routes to bp
    from alliance.api import api
    from alliance.ratings import api as ratings_api  # noqa: F401
    from alliance.ratings import bp

    app.register_blueprint(bp)
    api.register_blueprint(ratings_api.blp)


def _home_panel(user) -> dict | None:
    from alliance.ratings import queries, services

    years = queries.years(user)
    year = years[0] if years else services.local_today().year
    progress = queries.progress(user, year)
    if not any(progress.values()) and not user.is_manager:
        return None
    labels = RATING_STATUSES
    steps = [(labels.label(code), progress[code]) for code in
             ("self_assessing", "submitted", "in_notice", "confirmed")]
    if user.is_manager:
        todo = progress["submitted"] + progress["reviewed"]
    elif user.role == LIAISON:
        todo = progress["self_assessing"] + progress["returned"]
    else:
        todo = 0
    return {"year": year, "steps": steps, "todo": todo}


def _demo(alliance):
    from alliance.ratings.demo import load_demo_ratings

    return load_demo_ratings(alliance)


AREA = Area(
    name="ratings",
    label="星级党组织",
    init_app=_init_app,
    models=("alliance.ratings.models",),
    nav=(NavItem("星级评定", "ratings.overview", order=60,
                 also_active_on=("ratings.",)),),
    home_panels=(HomePanel("ratings.cycle", "ratings/_home_panel.html", _home_panel, order=60),),
    record_types={"PartyOrganization": "党组织", "OrganizationSecretary": "党组织书记",
                  "Rubric": "评分细则", "Rating": "星级评定", "RatingEntry": "评分项",
                  "RatingObjection": "公示异议", "RatingEvidence": "佐证材料"},
    field_labels={
        "PartyOrganization": {"name": "名称", "kind": "组织类型", "parent_id": "上级党组织",
                              "unit_id": "所属单位", "member_count": "党员人数",
                              "founded_on": "成立日期", "sort_order": "排序", "profile": "简介",
                              "is_sample": "示例数据"},
        "OrganizationSecretary": {"organization_id": "党组织", "person_id": "书记",
                                  "started_on": "任职日期", "ended_on": "卸任日期"},
        "Rubric": {"year": "年度", "name": "名称", "status": "状态", "notice_days": "公示天数",
                   "definition": "细则内容"},
        "Rating": {"organization_id": "党组织", "unit_id": "所属单位", "rubric_id": "评分细则",
                   "year": "年度", "status": "状态", "self_total": "自评分", "total": "总分",
                   "stars": "星级", "vetoed": "一票否决", "nomination": "区级推荐",
                   "district_note": "区级意见", "return_reason": "退回理由",
                   "notice_starts_on": "公示开始", "notice_ends_on": "公示结束",
                   "confirmed_on": "确认日期", "case_text": "典型案例", "result": "结果快照",
                   "is_sample": "示例数据"},
        "RatingEntry": {"rating_id": "评定", "item_code": "评分项", "self_points": "自评分",
                        "self_note": "自评说明", "review_points": "审核分",
                        "review_comment": "审核意见"},
        "RatingObjection": {"rating_id": "评定", "raised_by": "提出人", "raised_on": "提出日期",
                            "content": "异议内容", "answer": "答复", "answered_on": "答复日期"},
        "RatingEvidence": {"rating_id": "评定", "item_code": "评分项", "stored_name": "文件",
                           "original_name": "原文件名", "content_type": "文件类型",
                           "size_bytes": "大小"},
    },
    code_labels={("PartyOrganization", "kind"): ORG_KINDS, ("Rating", "status"): RATING_STATUSES,
                 ("Rating", "nomination"): NOMINATIONS, ("Rubric", "status"): RUBRIC_STATUSES},
    demo=_demo,
    reminders=(ReminderRule("self_assessment_due", "星级自评截止提醒", self_assessments_not_submitted),),
)
