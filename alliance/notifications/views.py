"""The bell's pages: the list, marking read, the e-mail preferences, and unsubscribing from a
digest's link (no login: the signed token in the link says who and which kind)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from alliance.core.errors import FieldErrors
from alliance.core.forms import show_field_errors
from alliance.core.pagination import clamp_paging, list_page
from alliance.core.permissions import deny, roles_required
from alliance.extensions import csrf, db
from alliance.notifications import bp, services
from alliance.notifications.forms import PreferencesForm, UnsubscribeForm


@bp.route("/notifications")
@roles_required()
def list_notifications():
    unread_only = request.args.get("unread") == "1"
    page, per_page = clamp_paging(request.args.get("page"), request.args.get("per_page"))
    result = list_page(services.notifications_of(current_user.id, unread_only=unread_only), page, per_page)
    return render_template("notifications/list.html", page=result, unread_only=unread_only,
                           labels={k: r.label for k, r in services.rules().items()})


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@roles_required()
def read_notification(notification_id: int):
    notification = services.own_notification(current_user.id, notification_id)
    if notification is None:
        deny(404, f"Notification {notification_id} 不存在或不属于本账号")
    services.mark_read(notification)
    db.session.commit()
    # Only a local path: the link was built by a rule, but never follow one off-site.
    target = notification.url if notification.url.startswith("/") and not notification.url.startswith("//") else None
    return redirect(target if target and request.form.get("open") else url_for("notifications.list_notifications"))


@bp.route("/notifications/read-all", methods=["POST"])
@roles_required()
def read_all_notifications():
    count = services.mark_all_read(current_user.id)
    db.session.commit()
    flash(f"已将 {count} 条提醒标为已读", "success")
    return redirect(url_for("notifications.list_notifications"))


@bp.route("/notifications/preferences", methods=["GET", "POST"])
@roles_required()
def edit_preferences():
    rules = services.rules()
    preference = services.preference_of(current_user.id)
    form = PreferencesForm()
    form.kinds.choices = [(kind, rule.label) for kind, rule in rules.items()]
    if request.method == "GET":
        form.email.data = preference.email
        form.kinds.data = [kind for kind in rules if kind not in preference.muted]
    elif form.validate_on_submit():
        try:
            services.save_preferences(current_user.id, form.email.data, form.kinds.data or [])
        except FieldErrors as error:
            db.session.rollback()
            show_field_errors(form, error)
        else:
            db.session.commit()
            flash("提醒邮件设置已保存", "success")
            return redirect(url_for("notifications.edit_preferences"))
    return render_template("notifications/preferences.html", form=form), (422 if form.errors else 200)


@bp.route("/notifications/unsubscribe/<unsubscribe_token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(unsubscribe_token: str):
    found = services.read_unsubscribe_token(unsubscribe_token)
    if found is None:
        return render_template("notifications/unsubscribe.html", invalid=True, form=None), 404
    user_id, kind = found
    form = UnsubscribeForm()
    done = False
    if request.method == "POST":
        services.unsubscribe(user_id, kind)
        db.session.commit()
        done = True
    return render_template("notifications/unsubscribe.html", invalid=False, form=form, done=done,
                           label=services.kind_label(kind))
