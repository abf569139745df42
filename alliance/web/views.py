"""The home page: a workbench of panels that the areas register (``Area.home_panels``)."""
from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user
from markupsafe import Markup

from alliance.core.areas import registry
from alliance.core.permissions import roles_required
from alliance.web import bp


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return _workbench()


def home_panels(user) -> list[Markup]:
    """Each registered panel the user may see and that has something to show, rendered."""
    rendered = []
    for panel in registry().home_panels:
        if panel.roles is not None and user.role not in panel.roles:
            continue
        context = panel.context(user)
        if context is not None:
            rendered.append(Markup(render_template(panel.template, **context)))  # noqa: S704 - autoescaped template
    return rendered


@roles_required()
def _workbench():
    return render_template("home.html", panels=home_panels(current_user))
