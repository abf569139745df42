"""星级党组织评定: party organizations, yearly rubrics, ratings with review and public notice."""
from flask import Blueprint

bp = Blueprint("ratings", __name__)
