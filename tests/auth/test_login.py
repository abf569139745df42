"""Signing in and out: sessions in the database, throttling, cookie flags."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from alliance.audit.models import AuditEntry
from alliance.auth.models import LoginAttempt, WebSession
from alliance.core.types import utcnow
from tests.factories import PASSWORD
from tests.helpers import csrf_token, login


def _cookie(client):
    return client.get_cookie("alliance_session")


def test_login_issues_a_new_session_id_and_logout_kills_a_copied_cookie(world, app, db):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    token = csrf_token(client.get("/login"))  # the CSRF token starts an anonymous session
    before = _cookie(client).value
    response = client.post("/login", data={"username": "staff", "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302
    after = _cookie(client).value
    assert after != before, "login must rotate the session id"
    assert client.get("/units").status_code == 200

    thief = app.test_client()
    thief.set_cookie("alliance_session", after)
    assert thief.get("/units").status_code == 200  # a copied cookie works while the session lives

    client.post("/logout", data={"csrf_token": csrf_token(client.get("/units"))})
    assert db.session.scalar(select(func.count()).select_from(WebSession)
                             .where(WebSession.user_id == world.staff.id)) == 0
    response = thief.get("/units")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_session_cookie_flags(world, app):
    client = app.test_client()
    response = client.post("/login", data={"username": "staff", "password": PASSWORD})
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header
    assert "Secure" not in header  # development/testing serve plain http on localhost
    app.config["SESSION_COOKIE_SECURE"] = True  # as ProductionConfig sets
    response = app.test_client().post("/login", data={"username": "staff", "password": PASSWORD})
    assert "Secure" in response.headers["Set-Cookie"]


def test_idle_session_times_out(world, app, db, sign_in):
    client = sign_in(world.staff)
    assert client.get("/units").status_code == 200
    db.session.execute(update(WebSession).values(
        last_seen_at=utcnow() - app.config["SESSION_IDLE_TIMEOUT"] - timedelta(minutes=1)))
    db.session.commit()
    response = client.get("/units")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "长时间未操作" in page


def test_wrong_password_is_refused_and_recorded(world, app, db):
    client = app.test_client()
    response = client.post("/login", data={"username": "staff", "password": "wrong-password"})
    assert response.status_code == 401
    assert "用户名或密码不正确" in response.get_data(as_text=True)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "login_failed")).one()
    assert entry.record_id == world.staff.id and entry.ip_address == "127.0.0.1"
    login(client, world.staff)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "login")) == 1


def test_unknown_user_gets_the_same_message(world, app):
    response = app.test_client().post("/login", data={"username": "nobody", "password": "whatever12"})
    assert response.status_code == 401
    assert "用户名或密码不正确" in response.get_data(as_text=True)


def test_repeated_failures_slow_the_account_down(world, app, db):
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    client = app.test_client()
    for _ in range(limit):
        assert client.post("/login", data={"username": "staff", "password": "nope-nope"}).status_code == 401
    # Even the right password is refused now, with a clear message and 429.
    response = client.post("/login", data={"username": "staff", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.get_data(as_text=True)
    # Another account from the same address is not blocked by this account's failures.
    login(client, world.organizer)
    # The counters live in the database, so a second app process (worker) sees them too.
    assert db.session.scalar(select(func.count()).select_from(LoginAttempt)
                             .where(LoginAttempt.username == "staff")) == limit


def test_throttle_window_passes(world, app, db):
    """Blocked while the failures are recent, even near the end of the window; free once the
    window has passed. Behavioural: only the login page's answers are looked at."""
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    window = app.config["LOGIN_THROTTLE_WINDOW"]
    client = app.test_client()
    for _ in range(limit):
        client.post("/login", data={"username": "staff", "password": "nope-nope"})

    def right_password():
        return app.test_client().post("/login", data={"username": "staff", "password": PASSWORD})

    def failures_happened(ago):
        db.session.execute(update(LoginAttempt).values(attempted_at=utcnow() - ago))
        db.session.commit()

    assert right_password().status_code == 429  # throttling is on at all
    failures_happened(window - timedelta(minutes=1))
    response = right_password()
    assert response.status_code == 429, "still inside the window: still blocked"
    assert "登录失败次数过多" in response.get_data(as_text=True)
    failures_happened(window + timedelta(seconds=1))
    login(client, world.staff)


def test_address_is_slowed_after_many_failures_across_accounts(world, app):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 4
    client = app.test_client()
    for name in ("a1", "a2", "a3", "a4"):
        client.post("/login", data={"username": name, "password": "nope-nope"})
    response = client.post("/login", data={"username": "staff", "password": PASSWORD})
    assert response.status_code == 429


def test_bad_api_tokens_are_throttled_per_address(world, app):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    client = app.test_client()
    headers = {"Authorization": "Bearer alt_not-a-real-token"}
    codes = [client.get("/api/v1/units", headers=headers).status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    body = client.get("/api/v1/units", headers=headers).get_json()
    assert body["error"]["code"] == "throttled" and "次数过多" in body["error"]["message"]


def test_open_redirect_after_login_is_refused(world, app):
    client = app.test_client()
    response = client.post("/login?next=https://evil.example/x",
                           data={"username": "staff", "password": PASSWORD})
    assert response.headers["Location"] == "/"
    client = app.test_client()
    response = client.post("/login?next=/units?q=x", data={"username": "staff", "password": PASSWORD})
    assert response.headers["Location"] == "/units?q=x"


def test_disabled_account_cannot_sign_in_and_is_signed_out(world, app, db, sign_in):
    client = sign_in(world.liaison_a)
    admin = sign_in(world.admin)
    user = world.liaison_a
    response = admin.post(f"/accounts/{user.id}/edit", data={
        "display_name": user.display_name, "role": "liaison", "unit_id": str(user.unit_id),
        "password": "", "version": str(user.version)})  # is_active unchecked = disabled
    assert response.status_code == 302
    assert client.get("/units").status_code == 302
    response = app.test_client().post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 401
