"""共建活动记录: each member unit's log of what it did with the alliance."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("activities", __name__)

