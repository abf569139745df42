"""站内提醒 and e-mail digests as an area of the app. The rules come from the other areas
(``Area.reminders``); this area writes, shows and mails what they find due."""
from __future__ import annotations

from flask import Flask

from alliance.core.areas import Area
from alliance.notifications.jobs import JOBS


def _init_app(app: Flask) -> None:
    import alliance.notifications.views  # noqa: F401 - importing it adds the routes to bp
    from alliance.api import api
    from alliance.notifications import api as notifications_api  # noqa: F401
    from alliance.notifications import bp, cli
    from alliance.notifications.mail import mail_settings
    from alliance.notifications.services import unread_count

    mail_settings(app.config)  # a malformed MAIL_* setting fails here, at start-up
    app.register_blueprint(bp)
    api.register_blueprint(notifications_api.blp)
    app.cli.add_command(cli.notifications)

    def notification_unread_count() -> int:
        from flask_login import current_user

        return unread_count(current_user.id) if current_user.is_authenticated else 0

    # templates/notifications/_bell.html (included by base.html) calls it: one COUNT query.
    app.add_template_global(notification_unread_count)


AREA = Area(
    name="notifications",
    label="提醒",
    init_app=_init_app,
    models=("alliance.notifications.models",),
    jobs=JOBS,
)
