"""Browser sessions kept in the database (table ``web_sessions``).

The cookie carries only a random id. Every app server reads the same rows, logging out deletes
the row (a copied cookie is then worthless), login issues a new id, and a session unused for
``SESSION_IDLE_TIMEOUT`` or older than ``SESSION_MAX_AGE`` is over.

Rows are created at login only: an anonymous visitor's session (the login form's CSRF token, a
flashed message) travels in a signed cookie (``a.`` + itsdangerous payload), so a crawler or
an attacker's requests cost no rows. A signed-in session's row is touched at most once a
minute (``TOUCH_INTERVAL``), not written on every request.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import session as flask_session
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SessionInterface, SessionMixin
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import bindparam, delete, insert, or_, select, update
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import CallbackDict

from alliance.auth.models import User, WebSession, hash_token
from alliance.core.areas import registry
from alliance.core.types import utcnow
from alliance.extensions import db

# Writing last_seen_at on every click is wasted work; a minute's precision is plenty.
TOUCH_INTERVAL = timedelta(minutes=1)


class DatabaseSession(CallbackDict, SessionMixin):
    def __init__(self, initial=None, sid: str | None = None, last_seen_at=None):
        def on_update(session):
            session.modified = True

        super().__init__(initial, on_update)
        self.sid = sid
        self.last_seen_at = last_seen_at
        self.modified = False
        self.rotate = False  # set at login and logout: new id, old row deleted
        self.timed_out = False
        self.stale_sid: str | None = None  # cookie of a timed-out session, to delete its row
        # The account read with the row: holding it keeps it in the ORM session's identity map
        # (which holds objects weakly) until Flask-Login's user_loader asks for it.
        self.account = None
        # The areas' figures about the account (Area.account_figures), read in the same query.
        self.account_figures: dict[str, Any] = {}


def rotate_session(session) -> None:
    """Give the session a new id (call at login) so an id planted before login is useless."""
    session.rotate = True


def end_session(session) -> None:
    """Forget everything in the session and delete its row (call at logout)."""
    session.clear()
    session.rotate = True


def end_sessions_of_user(user_id: int) -> None:
    """Sign a user out everywhere (password change, account disabled or deleted)."""
    db.session.execute(delete(WebSession).where(WebSession.user_id == user_id))


ANONYMOUS_PREFIX = "a."


def purge_expired(conn, app) -> None:
    """Delete sessions past their idle timeout or absolute lifetime (both columns indexed):
    run at each login, so the table stays small even without the scheduler."""
    now = utcnow()
    conn.execute(delete(WebSession).where(or_(
        WebSession.last_seen_at < now - app.config["SESSION_IDLE_TIMEOUT"],
        WebSession.created_at < now - app.config["SESSION_MAX_AGE"])))


# Built once per app: building it and its cache key each request was a third of the lookup
# (issue 7). The account's alliance is joined too: every page's print header names it
# (templates/_print_header.html); and the areas' figures about the account (the bell's unread
# count: ``Area.account_figures``) come as scalar subqueries of the same statement.
_SESSION_QUERY_KEY = "alliance.session_query"


def _session_query(app) -> tuple[Any, tuple[str, ...]]:
    """The statement and the names of the figures it reads, built once per app."""
    built = app.extensions.get(_SESSION_QUERY_KEY)
    if built is None:
        figures = registry(app).account_figures
        query = (select(WebSession.data, WebSession.last_seen_at, WebSession.created_at, User,
                        *(build().label(f"figure_{name}") for name, build in figures.items()))
                 .outerjoin(User, User.id == WebSession.user_id)
                 .options(joinedload(User.alliance))
                 .where(WebSession.id == bindparam("sid_hash")))
        built = app.extensions[_SESSION_QUERY_KEY] = (query, tuple(figures))
    return built


class DatabaseSessionInterface(SessionInterface):
    serializer = TaggedJSONSerializer()

    def _signer(self, app) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(app.secret_key, salt="alliance-anonymous-session",
                                      serializer=self.serializer)

    def open_session(self, app, request):
        if request.endpoint and request.endpoint.endswith("static"):
            return None  # assets need no session: spare the database
        raw = request.cookies.get(self.get_cookie_name(app))
        if not raw or len(raw) > 4000:
            return DatabaseSession()
        if raw.startswith(ANONYMOUS_PREFIX):
            try:
                data = self._signer(app).loads(
                    raw[len(ANONYMOUS_PREFIX):],
                    max_age=int(app.config["SESSION_IDLE_TIMEOUT"].total_seconds()))
            except (BadSignature, ValueError, TypeError):
                return DatabaseSession()
            if not isinstance(data, dict) or "_user_id" in data:
                return DatabaseSession()  # a signed-in session lives only in a row
            return DatabaseSession(data)
        # The account comes along in the same query: Flask-Login's user_loader then finds it
        # in the ORM session's identity map instead of sending a second query (issue 7).
        query, figures = _session_query(app)
        row = db.session.execute(query, {"sid_hash": hash_token(raw)}).first()
        if row is None:
            return DatabaseSession()
        now = utcnow()
        if (now - row.last_seen_at > app.config["SESSION_IDLE_TIMEOUT"]
                or now - row.created_at > app.config["SESSION_MAX_AGE"]):
            expired = DatabaseSession()
            expired.timed_out = True  # lets the login page say why
            expired.stale_sid = raw
            return expired
        opened = DatabaseSession(self.serializer.loads(row.data), sid=raw, last_seen_at=row.last_seen_at)
        opened.account = row.User
        opened.account_figures = {name: row._mapping[f"figure_{name}"] for name in figures}
        return opened

    def save_session(self, app, session, response):
        name = self.get_cookie_name(app)
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        had_cookie = bool(session.sid or session.stale_sid)
        now = utcnow()
        # Our own connection: the request's ORM session may hold a failed view's half-work,
        # which must never be committed along with the session row.
        discard = session.sid if session.rotate else session.stale_sid
        if discard:
            with db.engine.begin() as conn:
                conn.execute(delete(WebSession).where(WebSession.id == hash_token(discard)))
            session.sid = None
        if not session:
            if had_cookie or request_had_anonymous_cookie(name):
                response.delete_cookie(name, domain=domain, path=path)
            return
        if _user_id(session) is None:  # anonymous: a signed cookie, no row, no database
            if session.modified or session.rotate or not request_had_anonymous_cookie(name):
                response.set_cookie(
                    name, ANONYMOUS_PREFIX + self._signer(app).dumps(dict(session)),
                    httponly=self.get_cookie_httponly(app), domain=domain, path=path,
                    secure=self.get_cookie_secure(app), samesite=self.get_cookie_samesite(app))
                response.vary.add("Cookie")
            return
        data = self.serializer.dumps(dict(session))
        if session.sid is not None:
            if session.modified:
                values = {"data": data, "user_id": _user_id(session), "last_seen_at": now}
            elif now - session.last_seen_at > TOUCH_INTERVAL:
                values = {"last_seen_at": now}
            else:
                return
            with db.engine.begin() as conn:
                conn.execute(update(WebSession).where(WebSession.id == hash_token(session.sid))
                             .values(**values))
            return
        session.sid = secrets.token_urlsafe(32)
        with db.engine.begin() as conn:  # a new row: at login only
            purge_expired(conn, app)
            conn.execute(insert(WebSession).values(
                id=hash_token(session.sid), user_id=_user_id(session), data=data,
                created_at=now, last_seen_at=now))
        response.set_cookie(
            name, session.sid, httponly=self.get_cookie_httponly(app), domain=domain, path=path,
            secure=self.get_cookie_secure(app), samesite=self.get_cookie_samesite(app),
        )
        response.vary.add("Cookie")


def request_had_anonymous_cookie(name: str) -> bool:
    from flask import request

    return (request.cookies.get(name) or "").startswith(ANONYMOUS_PREFIX)


def _user_id(session) -> int | None:
    value = session.get("_user_id")
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def account_figure(name: str, compute: Callable[[], Any]) -> Any:
    """One of the areas' figures about the signed-in account (``Area.account_figures``): read
    with the session, so no statement; else (a request signed in by a token, a session opened
    in this very request) ``compute()``."""
    figures = getattr(flask_session, "account_figures", None) or {}
    return figures[name] if name in figures else compute()
