"""The audit trail: one row per change or security event, never edited."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alliance.core.choices import Choices
from alliance.core.roles import MANAGERS
from alliance.core.types import UTCDateTime, utcnow
from alliance.core.visibility import RolesOnly
from alliance.extensions import db

AUDIT_ACTIONS = Choices(
    ("create", "新增"),
    ("update", "修改"),
    ("delete", "删除"),
    ("restore", "恢复"),
    ("login", "登录成功"),
    ("login_failed", "登录失败"),
    ("logout", "退出登录"),
    ("access_denied", "拒绝访问"),
    ("token_created", "创建接口令牌"),
    ("token_revoked", "撤销接口令牌"),
    ("export", "导出"),
)
# Kinds of entries, each a tab of /audit: data changes apart from sign-ins and other events.
AUDIT_KINDS = Choices(
    ("changes", "数据变更"),
    ("logins", "登录记录"),
    ("access", "权限与令牌"),
    ("exports", "导出记录"),
)
KIND_ACTIONS = {
    "changes": ("create", "update", "delete", "restore"),
    "logins": ("login", "login_failed", "logout"),
    "access": ("access_denied", "token_created", "token_revoked"),
    "exports": ("export",),
}
AUDIT_SOURCES = Choices(
    ("ui", "网页"),
    ("api", "接口"),
    ("cli", "命令行"),
    ("import", "导入"),
    ("system", "系统"),
)


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_record", "record_type", "record_id"),)

    # The trail is read by staff and admins only (its pages are managers-only as well).
    __visibility__ = RolesOnly(*MANAGERS)

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int | None] = mapped_column(ForeignKey("alliances.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_name: Mapped[str] = mapped_column(String(100))  # kept even if the account changes
    source: Mapped[str] = mapped_column(String(10))
    action: Mapped[str] = mapped_column(String(20), index=True)
    record_type: Mapped[str | None] = mapped_column(String(50))
    record_id: Mapped[int | None] = mapped_column()
    summary: Mapped[str | None] = mapped_column(String(200))
    changes: Mapped[dict | None] = mapped_column(JSON)  # {"field": [before, after]}
    ip_address: Mapped[str | None] = mapped_column(String(45))

    actor = relationship("User", lazy="raise")

    @property
    def action_label(self) -> str:
        return AUDIT_ACTIONS.label(self.action)

    @property
    def source_label(self) -> str:
        return AUDIT_SOURCES.label(self.source)
