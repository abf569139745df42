"""Pages of the activity log (to be completed)."""
from __future__ import annotations

from flask import render_template

from alliance.activities import bp
from alliance.core.permissions import roles_required


@bp.route("/activities")
@roles_required()
def list_activities():
    return render_template("activities/list.html")


@bp.route("/activities/new", methods=["GET", "POST"])
@roles_required()
def create_activity():
    return render_template("activities/list.html")


@bp.route("/activities/<int:activity_id>")
@roles_required()
def view_activity(activity_id: int):
    return render_template("activities/list.html")
