"""年度工作总结: the year's figures computed from the records (issue 14, item 1)."""
from flask import Blueprint

bp = Blueprint("reports", __name__)
