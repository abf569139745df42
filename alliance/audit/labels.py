"""How the audit trail shows a change to people: Chinese field names, labels for codes."""
from __future__ import annotations

from alliance.activities.models import ACTIVITY_KINDS
from alliance.auth.roles import ACCOUNT_ROLES
from alliance.members.models import UNIT_CATEGORIES, UNIT_ROLES, UNIT_STATUSES, UNIT_TIERS

FIELD_LABELS = {
    "name": "名称", "short_name": "简称", "category": "类别", "uscc": "统一社会信用代码",
    "tier": "层级", "status": "状态", "joined_on": "加入日期", "left_on": "退出日期",
    "sort_order": "排序号", "address": "地址", "phone": "联系电话", "grid": "网格",
    "description": "简介", "is_sample": "示例数据", "mobile": "手机", "email": "电子邮箱",
    "title": "职务/标题", "is_party_member": "党员", "notes": "备注", "role": "职务",
    "unit_id": "单位", "person_id": "人员", "started_on": "开始日期", "ended_on": "结束日期",
    "note": "备注", "username": "用户名", "display_name": "姓名", "is_active": "启用",
    "password_changed_at": "密码修改时间", "occurred_on": "活动日期", "kind": "活动类型",
    "participant_count": "参与人数", "participants": "参与人员", "activity_id": "活动",
    "stored_name": "文件", "original_name": "原文件名", "content_type": "文件类型",
    "size_bytes": "大小", "width": "宽", "height": "高", "position": "顺序", "code": "代码",
}
CODE_LABELS = {
    ("MemberUnit", "category"): UNIT_CATEGORIES,
    ("MemberUnit", "tier"): UNIT_TIERS,
    ("MemberUnit", "status"): UNIT_STATUSES,
    ("UnitRole", "role"): UNIT_ROLES,
    ("User", "role"): ACCOUNT_ROLES,
    ("Activity", "kind"): ACTIVITY_KINDS,
}


def _shown(record_type: str | None, field: str, value) -> str:
    if value is None or value == "":
        return "空"
    if isinstance(value, bool):
        return "是" if value else "否"
    choices = CODE_LABELS.get((record_type, field))
    return choices.label(value) if choices else str(value)


def describe_changes(entry) -> list[str]:
    """["简称：空 → 建行闵行", ...] for one audit entry."""
    return [
        f"{FIELD_LABELS.get(field, field)}：{_shown(entry.record_type, field, before)} → "
        f"{_shown(entry.record_type, field, after)}"
        for field, (before, after) in (entry.changes or {}).items()
    ]
