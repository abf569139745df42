"""The audit trail: who changed what, when, from where. Written by a session hook
(``recorder``), read by staff and admins; nobody can edit it."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("audit", __name__)

