from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from alliance.core.models import AllianceRecord
from alliance.core.visibility import OwnUnit
from alliance.extensions import db


class ToyNote(AllianceRecord, db.Model):
    __tablename__ = "toy_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = mapped_column()
    text: Mapped[str] = mapped_column(String(50))

    __visibility__ = OwnUnit("unit_id")
