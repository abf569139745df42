"""The home page: a short overview for each role."""
from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user

from alliance.activities.models import Activity
from alliance.core.permissions import roles_required
from alliance.members.models import MemberUnit, Person
from alliance.members.queries import count_live
from alliance.web import bp


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return _dashboard()


@roles_required()
def _dashboard():
    if current_user.is_liaison:
        return redirect(url_for("members.view_unit", unit_id=current_user.unit_id))
    alliance_id = current_user.alliance_id
    stats = {
        "units": count_live(MemberUnit, alliance_id),
        "people": count_live(Person, alliance_id),
        "activities": count_live(Activity, alliance_id),
    }
    return render_template("home.html", stats=stats)
