"""The register of member units, people and who holds which role at a unit."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("members", __name__)

