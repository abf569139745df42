"""联席会议: joint meetings, notices, reply slips, attendance, phone sign-in, minutes."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("meetings", __name__)
