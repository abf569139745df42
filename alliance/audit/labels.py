"""How the audit trail shows a change to people: Chinese field names, labels for codes.

Each area declares its record types, field labels and code labels (``core/areas.py``); this
module reads them from the registry and imports no area."""
from __future__ import annotations

from alliance.core.areas import registry

# Fields every record has, labelled the same everywhere.
COMMON_FIELD_LABELS = {"alliance_id": "联盟", "version": "版本", "deleted_at": "删除时间",
                       "source_file": "导入文件", "options": "导出选项"}


def field_label(record_type: str | None, field: str) -> str:
    labels = registry().field_labels.get(record_type or "", {})
    return labels.get(field) or COMMON_FIELD_LABELS.get(field, field)


def _shown(record_type: str | None, field: str, value) -> str:
    if value is None or value == "":
        return "空"
    if isinstance(value, bool):
        return "是" if value else "否"
    choices = registry().code_labels.get((record_type, field)) if record_type else None
    return choices.label(value) if choices else str(value)


def describe_changes(entry) -> list[str]:
    """["简称：空 → 建行闵行", ...] for one audit entry."""
    return [
        f"{field_label(entry.record_type, field)}：{_shown(entry.record_type, field, before)} → "
        f"{_shown(entry.record_type, field, after)}"
        for field, (before, after) in (entry.changes or {}).items()
    ]


def record_types() -> dict[str, str]:
    """{"MemberUnit": "成员单位", ...}: every registered record type, for filters."""
    return registry().record_types
