"""Creates that must not happen twice (issue 5): the API's ``Idempotency-Key`` and the forms'
one-time tokens keep a row here; ``core.views`` and ``api`` read and write it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from alliance.core.types import UTCDateTime, utcnow
from alliance.extensions import db


class RequestKey(db.Model):
    """A create that must not happen twice: an API ``Idempotency-Key`` (``status_code`` None
    while the first request runs; then its answer, replayed to a retry) or a form's one-time
    token (``form:<token>``, spent with the save it submitted). Purged after a day."""

    __tablename__ = "request_keys"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_request_keys_user_id_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(120))
    fingerprint: Mapped[str] = mapped_column(String(400))  # method, path and body hash
    status_code: Mapped[int | None] = mapped_column()
    body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
