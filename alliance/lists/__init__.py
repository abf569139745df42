"""三张清单: needs (需求清单), resources (资源清单) and projects (项目清单), with claims (认领)."""
from flask import Blueprint

bp = Blueprint("lists", __name__)
