"""Signing in and out: sessions in the database, throttling, cookie flags."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from alliance.audit.models import AuditEntry
from alliance.auth.models import LoginAttempt, WebSession
from alliance.auth.services import record_attempt
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


def _fail(client, username="staff", address="127.0.0.1"):
    return client.post("/login", data={"username": username, "password": "nope-nope"},
                       environ_base={"REMOTE_ADDR": address}).status_code


def _good(client, user, address="127.0.0.1"):
    return client.post("/login", data={"username": user.username, "password": PASSWORD},
                       environ_base={"REMOTE_ADDR": address}).status_code


def test_repeated_failures_of_one_pair_slow_it_down_progressively(world, app, db):
    free = app.config["LOGIN_FREE_FAILURES_PER_PAIR"]
    client = app.test_client()
    codes = [_fail(client) for _ in range(free)]
    assert codes == [401] * free
    # Now a delay: even the right password waits, with a clear message and 429 ...
    response = client.post("/login", data={"username": "staff", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.get_data(as_text=True) and "秒后再试" in response.get_data(as_text=True)
    # ... a short one (2 s for the first extra failure, doubling), not a 15-minute lock.
    db.session.execute(update(LoginAttempt).values(attempted_at=utcnow() - timedelta(seconds=3)))
    db.session.commit()
    assert _good(client, world.staff) == 302
    # Another account from the same address is not held up by this account's failures.
    assert _good(app.test_client(), world.organizer) == 302
    # The counters live in the database, so a second app process (worker) sees them too.
    assert db.session.scalar(select(func.count()).select_from(LoginAttempt)
                             .where(LoginAttempt.username == "staff",
                                     LoginAttempt.succeeded.is_(False))) == free


def test_throttle_window_passes(world, app, db):
    """Blocked while the failures are recent, even near the end of the window; free once the
    window has passed. Behavioural: only the login page's answers are looked at. Enough failures
    that the delay alone would outlast the window, so only the window can free the account."""
    app.config["LOGIN_MAX_DELAY"] = timedelta(hours=1)
    window = app.config["LOGIN_THROTTLE_WINDOW"]
    client = app.test_client()
    # Failures beyond the free ones are refused before they are counted, so they are recorded
    # as the service records them: twelve, a delay of 2**10 s, longer than the window.
    for _ in range(app.config["LOGIN_FREE_FAILURES_PER_PAIR"] + 9):
        record_attempt("login", "staff", "127.0.0.1", ok=False)
    db.session.commit()

    def failures_happened(ago):
        db.session.execute(update(LoginAttempt).values(attempted_at=utcnow() - ago))
        db.session.commit()

    assert _good(app.test_client(), world.staff) == 429  # throttling is on at all
    failures_happened(window - timedelta(minutes=1))
    response = client.post("/login", data={"username": "staff", "password": PASSWORD})
    assert response.status_code == 429, "still inside the window: still blocked"
    assert "登录失败次数过多" in response.get_data(as_text=True)
    failures_happened(window + timedelta(seconds=1))
    login(client, world.staff)


def test_strangers_cannot_lock_the_owner_out(world, app, db):
    """Many failures against ``staff`` from many addresses slow down unknown places only: the
    owner's known address and known device (cookie) sign in at once."""
    owner = app.test_client()
    assert _good(owner, world.staff, "10.0.0.5") == 302  # known address and device from now on
    owner.post("/logout", data={})
    app.config["LOGIN_FREE_FAILURES_PER_ACCOUNT"] = 4
    attacker = app.test_client()
    for n in range(12):
        _fail(attacker, address=f"192.0.2.{n % 6}")
    # An unknown place is slowed down (progressive delay) ...
    assert _good(app.test_client(), world.staff, "198.51.100.9") == 429
    # ... the owner's known address is not, nor is their known device from a new address.
    assert _good(app.test_client(), world.staff, "10.0.0.5") == 302
    assert _good(owner, world.staff, "203.0.113.7") == 302


def test_address_is_slowed_after_many_failures_across_accounts(world, app):
    app.config["LOGIN_FREE_FAILURES_PER_ADDRESS"] = 4
    client = app.test_client()
    for name in ("a1", "a2", "a3", "a4", "a5"):
        _fail(client, name)
    assert _good(client, world.staff) == 429


def test_bad_api_tokens_are_throttled_per_address_apart_from_logins(world, app):
    app.config["TOKEN_FREE_FAILURES_PER_ADDRESS"] = 3
    client = app.test_client()
    headers = {"Authorization": "Bearer alt_not-a-real-token"}
    codes = [client.get("/api/v1/units", headers=headers).status_code for _ in range(5)]
    assert codes == [401, 401, 401, 429, 429]
    body = client.get("/api/v1/units", headers=headers).get_json()
    assert body["error"]["code"] == "throttled" and "次数过多" in body["error"]["message"]
    # A misconfigured script behind the office NAT does not stop the office signing in.
    assert _good(app.test_client(), world.staff) == 302


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
