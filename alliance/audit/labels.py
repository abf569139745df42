"""Names the audit trail shows: record types and the labels fields share across types.

Each area declares its record types, field labels and code labels (``core/areas.py``); this
module reads them from the registry and imports no area. How a change reads as a whole (names
for ids, local times, hidden internal fields) is ``audit/display.py``."""
from __future__ import annotations

from alliance.core.areas import registry

# Fields every record has, labelled the same everywhere.
COMMON_FIELD_LABELS = {"alliance_id": "联盟", "version": "版本", "deleted_at": "删除时间",
                       "source_file": "导入文件", "options": "导出选项"}


def field_label(record_type: str | None, field: str) -> str:
    labels = registry().field_labels.get(record_type or "", {})
    return labels.get(field) or COMMON_FIELD_LABELS.get(field, field)


def record_types() -> dict[str, str]:
    """{"MemberUnit": "成员单位", ...}: every registered record type, for filters."""
    return registry().record_types
