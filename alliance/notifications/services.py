"""The rules of reminders and digests: functions the jobs, views, API and tests call.

- :func:`create_reminders` asks every registered rule (``Area.reminders``) what is due at ``now``
  and inserts it with ``INSERT ... ON CONFLICT DO NOTHING`` on (account, kind, occasion): once
  per person per occasion, whatever the number of processes running it and however often.
- :func:`send_digests` sends each account one e-mail a (Beijing) day listing its reminders not
  yet e-mailed, less the kinds it unsubscribed from. The day's ``notification_digests`` row is
  taken first (insert-or-ignore, committed on its own connection): the process that inserted it
  sends; the others skip that account. A digest taken by a process that then fails is not sent
  again that day (the error is kept on the row); its reminders go into the next day's.
"""
from __future__ import annotations

import os
import socket
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from alliance.audit.recorder import record_event
from alliance.auth.models import User
from alliance.core.areas import Reminder, ReminderRule, registry
from alliance.core.errors import FieldErrors
from alliance.core.types import utcnow
from alliance.core.validators import mask_value
from alliance.extensions import db
from alliance.notifications.mail import build_message, connect, mail_settings
from alliance.notifications.models import Digest, Notification, NotificationPreference
from alliance.notifications.rules import local_day

BATCH = 500
DIGEST_LOOKBACK = timedelta(days=7)  # older reminders not yet e-mailed stay in the bell only
UNSUBSCRIBE_SALT = "notifications-unsubscribe"


def job_now() -> datetime:
    """The jobs' clock: ``NOTIFICATIONS_NOW`` (ISO 8601, for tests and rehearsals) or now."""
    fixed = current_app.config.get("NOTIFICATIONS_NOW")
    if not fixed:
        return utcnow()
    moment = fixed if isinstance(fixed, datetime) else datetime.fromisoformat(str(fixed))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def rules() -> dict[str, ReminderRule]:
    return registry().reminders


def kind_label(kind: str) -> str:
    rule = rules().get(kind)
    return rule.label if rule else kind


def _insert():
    return postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert


def due_reminders(now: datetime) -> list[tuple[str, Reminder]]:
    """(kind, reminder) for everything every rule finds due at ``now`` (nothing written)."""
    found: list[tuple[str, Reminder]] = []
    site = current_app.config.get("SITE_URL") or "http://localhost"
    with current_app.test_request_context(base_url=site):  # rules build links with url_for
        for kind, rule in rules().items():
            found.extend((kind, reminder) for reminder in rule.function(now))
    return found


def create_reminders(now: datetime) -> int:
    """Write what is due at ``now``; returns how many notifications are new. Flushes (the
    inserts), never commits."""
    rows = [{"user_id": r.user_id, "kind": kind, "occasion": r.occasion[:100], "title": r.title[:200],
             "body": r.body, "url": r.url[:300], "created_at": now}
            for kind, r in due_reminders(now)]
    created = 0
    insert = _insert()
    for start in range(0, len(rows), BATCH):
        # RETURNING, not rowcount: psycopg reports no rowcount for ON CONFLICT DO NOTHING.
        created += len(db.session.execute(
            insert(Notification).values(rows[start:start + BATCH])
            .on_conflict_do_nothing(index_elements=["user_id", "kind", "occasion"])
            .returning(Notification.id)).all())
    return created


def remind_job() -> str:
    """The scheduled job: create what is due now, commit once."""
    created = create_reminders(job_now())
    db.session.commit()
    return f"{created} 条新提醒"


# Reading and marking --------------------------------------------------------------------------

def notifications_of(user_id: int, *, unread_only: bool = False):
    """The account's notifications, newest first (a select the page and the API share)."""
    stmt = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return stmt.order_by(Notification.id.desc())


def unread_count(user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def own_notification(user_id: int, notification_id: int) -> Notification | None:
    """The account's own notification, or None (another account's id is as good as missing)."""
    return db.session.scalar(select(Notification).where(
        Notification.id == notification_id, Notification.user_id == user_id))


def mark_read(notification: Notification, now: datetime | None = None) -> Notification:
    if notification.read_at is None:
        notification.read_at = now or utcnow()
        db.session.flush()
    return notification


def mark_all_read(user_id: int) -> int:
    result = db.session.execute(update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)).values(read_at=utcnow()))
    return result.rowcount or 0  # type: ignore[attr-defined]


# Preferences and unsubscribing ----------------------------------------------------------------

def preference_of(user_id: int) -> NotificationPreference:
    """The account's preferences (a new, unsaved row when it has none)."""
    return db.session.get(NotificationPreference, user_id) or NotificationPreference(
        user_id=user_id, email=None, muted_kinds="")


def save_preferences(user_id: int, email: str | None, emailed_kinds: Iterable[str]) -> NotificationPreference:
    """Set the digest address (blank: no e-mail) and the kinds e-mailed; FieldErrors otherwise."""
    email = (email or "").strip() or None
    errors: dict[str, list[str] | str] = {}
    if email is not None and (len(email) > 254 or parseaddr(email)[1] != email or "@" not in email
                              or " " in email):
        errors["email"] = ["请输入有效的电子邮箱地址"]
    known = set(rules())
    wanted = set(emailed_kinds)
    if wanted - known:
        errors["kinds"] = [f"没有这类提醒：{'、'.join(sorted(wanted - known))}"]
    if errors:
        raise FieldErrors(errors)
    preference = preference_of(user_id)
    before = (preference.email, preference.muted)
    preference.email = email
    preference.muted_kinds = ",".join(sorted(known - wanted))
    db.session.add(preference)
    db.session.flush()
    _audit_preference(user_id, before, preference)
    return preference


def _audit_preference(user_id: int, before: tuple[str | None, frozenset[str]],
                      preference: NotificationPreference, *, how: str | None = None) -> None:
    """An entry in the trail for a changed preference (the address masked, kinds by name), as
    for any record: who, when, what (STYLE: every change is attributable)."""
    email, muted = before
    changes: dict[str, list] = {}
    if email != preference.email:
        changes["email"] = [mask_value(email), mask_value(preference.email)]
    if muted != preference.muted:
        changes["muted_kinds"] = ["、".join(kind_label(k) for k in sorted(muted)) or None,
                                  "、".join(kind_label(k) for k in sorted(preference.muted)) or None]
    if changes:
        user = db.session.get(User, user_id)
        record_event("update", record_type="NotificationPreference", record_id=user_id,
                     summary=f"{user.display_name if user else user_id} 的提醒邮件设置" + (f"（{how}）" if how else ""),
                     changes=changes, alliance_id=user.alliance_id if user else None)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user_id: int, kind: str) -> str:
    return _serializer().dumps([user_id, kind])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(account id, kind) of a signed token, or None if forged, altered or of an unknown kind."""
    try:
        user_id, kind = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or kind not in rules():
        return None
    return user_id, kind


def unsubscribe(user_id: int, kind: str) -> NotificationPreference:
    """Leave ``kind`` out of the account's digests (the bell still shows it)."""
    preference = preference_of(user_id)
    before = (preference.email, preference.muted)
    preference.muted_kinds = ",".join(sorted(preference.muted | {kind}))
    db.session.add(preference)
    db.session.flush()
    _audit_preference(user_id, before, preference, how="邮件中的退订链接")
    return preference


# Digests --------------------------------------------------------------------------------------

def _take_digest(user_id: int, day, holder: str, now: datetime) -> bool:
    """Take the account's digest of ``day`` for this process: True for exactly one caller.
    Commits on its own connection, so the other processes see it at once."""
    with db.engine.begin() as connection:
        return connection.execute(
            _insert()(Digest).values(user_id=user_id, day=day, holder=holder, taken_at=now)
            .on_conflict_do_nothing(index_elements=["user_id", "day"])
            .returning(Digest.id)).first() is not None


def digest_text(user: User, items: list[Notification], site: str) -> str:
    lines = [f"{user.display_name}，您好：", "", f"联盟通有 {len(items)} 条提醒待您处理：", ""]
    for n, item in enumerate(items, 1):
        lines += [f"{n}. 【{kind_label(item.kind)}】{item.title}", f"   {item.body}",
                  f"   查看：{site}{item.url}", ""]
    lines += ["不再接收某类提醒邮件（站内提醒照常显示）："]
    for kind in sorted({item.kind for item in items}):
        lines.append(f"   {kind_label(kind)}：{site}/notifications/unsubscribe/{unsubscribe_token(user.id, kind)}")
    lines += ["", f"邮件设置：{site}/notifications/preferences", "",
              "联盟通 · 区域化党建联盟管理系统（本邮件由系统自动发送，请勿回复）"]
    return "\n".join(lines)


def send_digests(now: datetime) -> dict[str, int]:
    """Send today's digest to every account with reminders not yet e-mailed (three queries
    plus one insert per account, whatever the number of reminders). Commits the marks."""
    settings = mail_settings(current_app.config)
    if settings is None:
        return {"sent": 0, "skipped": 0, "failed": 0}
    day = local_day(now)
    holder = f"{socket.gethostname()}:{os.getpid()}"
    site = (current_app.config.get("SITE_URL") or "http://localhost").rstrip("/")
    pending = db.session.execute(
        select(Notification, User, NotificationPreference)
        .join(User, User.id == Notification.user_id)
        .join(NotificationPreference, NotificationPreference.user_id == User.id)
        .where(Notification.emailed_at.is_(None), Notification.created_at >= now - DIGEST_LOOKBACK,
               Notification.created_at <= now,
               NotificationPreference.email.is_not(None), User.is_active.is_(True),
               User.deleted_at.is_(None))
        .order_by(User.id, Notification.id)).all()
    by_user: dict[int, tuple[User, NotificationPreference, list[Notification]]] = {}
    for notification, user, preference in pending:
        if notification.kind in preference.muted:
            continue
        by_user.setdefault(user.id, (user, preference, []))[2].append(notification)
    already = set(db.session.scalars(select(Digest.user_id).where(
        Digest.day == day, Digest.user_id.in_(list(by_user))))) if by_user else set()
    # Texts first: the commits below expire what was loaded.
    prepared = [(user_id, preference.email or "", f"联盟通提醒：{len(items)} 条待办（{day.month}月{day.day}日）",
                 digest_text(user, items, site), [item.id for item in items])
                for user_id, (user, preference, items) in by_user.items() if user_id not in already]
    counts: dict[str, int] = defaultdict(int, skipped=len(by_user) - len(prepared))
    smtp = None
    try:
        for user_id, email, subject, text, ids in prepared:
            if not _take_digest(user_id, day, holder, now):
                counts["skipped"] += 1
                continue
            done = {"sent_at": utcnow(), "reminder_count": len(ids)}
            try:
                smtp = smtp or connect(settings)
                smtp.send_message(build_message(settings, email, subject, text))
            except Exception as error:  # noqa: BLE001 - kept on the row; the next account is tried
                done = {"error": f"{type(error).__name__}: {error}"[:500]}
                counts["failed"] += 1
                smtp = None
            else:
                db.session.execute(update(Notification).where(Notification.id.in_(ids))
                                   .values(emailed_at=now))
                counts["sent"] += 1
            db.session.execute(update(Digest).where(Digest.user_id == user_id, Digest.day == day)
                               .values(**done))
            db.session.commit()  # what is sent is marked at once: a later failure keeps it
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except Exception:  # noqa: BLE001, S110 - the messages are already accepted
                pass
    return {"sent": counts["sent"], "skipped": counts["skipped"], "failed": counts["failed"]}


def digest_job() -> str:
    """The scheduled job: today's digests (once per account per day, across processes)."""
    counts = send_digests(job_now())
    return f"已发送 {counts['sent']} 封，跳过 {counts['skipped']}，失败 {counts['failed']}"
