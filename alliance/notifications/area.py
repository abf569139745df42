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

        from alliance.auth.sessions import account_figure

        if not current_user.is_authenticated:
            return 0
        return account_figure("unread_notifications", lambda: unread_count(current_user.id)) or 0

    # templates/notifications/_bell.html (included by base.html) calls it: the count came with
    # the session's account (account_figures below), so the bell costs a page no statement.
    app.add_template_global(notification_unread_count)


def _unread_of_the_account():
    """The signed-in account's unread notifications, as a subquery of the session's query."""
    from sqlalchemy import func, select

    from alliance.auth.models import User
    from alliance.notifications.models import Notification

    return (select(func.count()).select_from(Notification)
            .where(Notification.user_id == User.id, Notification.read_at.is_(None))
            .correlate(User).scalar_subquery())


AREA = Area(
    name="notifications",
    label="提醒",
    init_app=_init_app,
    models=("alliance.notifications.models",),
    jobs=JOBS,
    account_figures={"unread_notifications": _unread_of_the_account},
)
