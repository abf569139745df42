"""One test (or a few) per finding of the hardening issue (#3); each fails on the foundation.

Run on both databases: ``pytest tests/security`` and ``pytest tests/security --db=postgresql``.
"""
from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from alliance.audit.context import acting_as
from alliance.audit.models import AuditEntry
from alliance.auth.models import ApiToken, User, WebSession
from alliance.core.types import utcnow
from alliance.members import services as members
from alliance.members.models import MemberUnit, Person, UnitRole
from tests.factories import PASSWORD, SETUP, make_person
from tests.helpers import login


def _count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


# --- 1. a liaison reaching any person -------------------------------------------------------

def test_liaison_cannot_name_another_units_person_in_the_api(world, api_as, db):
    outsider = make_person(world.alliance, "外单位人员", mobile="13900139000")
    with acting_as(SETUP):
        members.assign_role(world.unit_b, outsider, {"role": "head", "started_on": date(2020, 1, 1)})
        db.session.commit()
    api = api_as(world.liaison_a)
    response = api.post(f"/api/v1/units/{world.unit_a.id}/roles", json={
        "person_id": outsider.id, "role": "liaison", "started_on": "2001-01-01", "ended_on": "2001-01-02"})
    assert response.status_code == 422 and "person_id" in response.get_json()["error"]["fields"]
    assert api.get(f"/api/v1/people/{outsider.id}").status_code == 404
    assert _count(db, UnitRole, UnitRole.unit_id == world.unit_a.id) == 0


def test_liaison_cannot_name_another_units_person_in_the_form(world, sign_in, db):
    outsider = make_person(world.alliance, "外单位人员")
    client = sign_in(world.liaison_a)
    response = client.post(f"/units/{world.unit_a.id}/roles/new", data={
        "role": "head", "person_id": str(outsider.id), "started_on": "2021-01-01",
        "new_name": "", "new_mobile": "", "title": "", "note": ""})
    assert response.status_code == 200 and "请选择本单位可选的人员" in response.get_data(as_text=True)
    assert _count(db, UnitRole) == 0


def test_liaison_may_record_a_head_with_a_new_person_but_not_a_secretary(world, api_as, db):
    api = api_as(world.liaison_a)
    url = f"/api/v1/units/{world.unit_a.id}/roles"
    ok = api.post(url, json={"person": {"name": "新负责人"}, "role": "head", "started_on": "2021-01-01"})
    assert ok.status_code == 201
    refused = api.post(url, json={"person": {"name": "新书记"}, "role": "secretary", "started_on": "2021-01-01"})
    assert refused.status_code == 409 and "镇党委办公室确认" in refused.get_json()["error"]["message"]
    assert _count(db, Person, Person.name == "新书记") == 0  # all-or-nothing
    # Nor may the liaison end the current secretary's term.
    secretary = make_person(world.alliance, "现任书记")
    with acting_as(SETUP):
        role = members.assign_role(world.unit_a, secretary, {"role": "secretary", "started_on": date(2020, 1, 1)})
        db.session.commit()
    response = api.patch(f"{url}/{role.id}", json={"version": role.version, "ended_on": "2021-02-01"})
    assert response.status_code == 409 and "镇党委办公室确认" in response.get_json()["error"]["message"]


# --- 3. API tokens ----------------------------------------------------------------------------

def test_tokens_are_listed_revoked_and_expire(world, api_as, app, db):
    api = api_as(world.staff)
    other = api_as(world.staff)
    listed = api.get("/api/v1/tokens").get_json()
    assert listed["total"] == 2 and all(t["expires_at"] for t in listed["items"])
    assert any(t["last_used_at"] for t in listed["items"])  # this very call was recorded
    victim = next(t for t in listed["items"] if t["last_used_at"] is None)
    assert api.delete(f"/api/v1/tokens/{victim['id']}").status_code == 204
    assert other.get("/api/v1/units").status_code == 401
    # Another user's token is a 404, like a missing one.
    stranger = api_as(world.admin)
    admin_token = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == world.admin.id))
    assert api.delete(f"/api/v1/tokens/{admin_token}").status_code == 404
    assert stranger.get("/api/v1/units").status_code == 200
    # Expiry (default 90 days).
    db.session.execute(update(ApiToken).where(ApiToken.user_id == world.admin.id)
                       .values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert stranger.get("/api/v1/units").status_code == 401
    assert app.config["API_TOKEN_DAYS"] == 90


def test_last_used_is_written_at_most_once_a_minute(world, api_as, db, app):
    api = api_as(world.staff)
    api.get("/api/v1/units")
    first = db.session.scalar(select(ApiToken.last_used_at))
    assert first is not None
    api.get("/api/v1/units")
    assert db.session.scalar(select(ApiToken.last_used_at)) == first


def test_password_change_and_deactivation_revoke_all_tokens(world, api_as, sign_in, db):
    api = api_as(world.staff)
    client = sign_in(world.staff)
    response = client.post("/account/password", data={"current_password": PASSWORD,
                                                       "new_password": "Another-long-pass-7"})
    assert response.status_code == 302
    assert api.get("/api/v1/units").status_code == 401
    api2 = api_as(world.organizer)
    admin = sign_in(world.admin)
    organizer = db.session.get(User, world.organizer.id)
    admin.post(f"/accounts/{organizer.id}/edit", data={
        "display_name": organizer.display_name, "role": "organizer", "unit_id": "", "password": "",
        "version": str(organizer.version)})  # is_active unchecked: deactivated
    assert api2.get("/api/v1/units").status_code == 401


def test_revoke_all_and_cli(world, api_as, runner, db):
    api = api_as(world.staff)
    assert api.delete("/api/v1/tokens").get_json() == {"revoked": 1}
    api_as(world.staff)
    listing = runner.invoke(args=["users", "tokens", "staff"])
    assert listing.exit_code == 0 and "有效" in listing.output and "已撤销" in listing.output
    result = runner.invoke(args=["users", "revoke-token", "staff", "--all"])
    assert result.exit_code == 0 and "1个" in result.output


# --- 4. throttling of the change-password check ------------------------------------------------

def test_current_password_check_is_throttled(world, sign_in, app):
    client = sign_in(world.staff)
    codes = [client.post("/account/password", data={"current_password": "wrong-wrong",
                                                    "new_password": "Another-long-pass-7"}).status_code
             for _ in range(app.config["LOGIN_FREE_FAILURES_PER_PAIR"] + 1)]
    assert codes[-1] == 429
    assert 429 not in codes[:-1]


# --- 5. 4xx instead of 500 ---------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "/units?page=99999999999999999999", "/people?page=99999999999999999999",
    "/activities?page=99999999999999999999", "/audit?page=99999999999999999999",
    "/activities?unit_id=99999999999999999999", "/units?q=%00", "/people?q=a%00",
    "/activities?q=%00", "/audit?actor=%00", "/activities?date_from=9999-12-31",
])
def test_bad_page_arguments_are_4xx(world, sign_in, url):
    assert 400 <= sign_in(world.staff).get(url).status_code < 500


@pytest.mark.parametrize("url", [
    "/api/v1/audit?date_from=0001-01-01", "/api/v1/audit?date_to=9999-12-31",
    "/api/v1/audit?actor=%00", "/api/v1/units?page=99999999999999999999",
])
def test_bad_api_arguments_are_4xx_json(world, api_as, url):
    response = api_as(world.staff).get(url)
    assert 400 <= response.status_code < 500 and "error" in response.get_json()


def test_json_bombs_are_400(world, api_as):
    api = api_as(world.staff)
    for body in ('{"name": ' + "9" * 5000 + "}", "[" * 100_000 + "]" * 100_000):
        response = api.client.post("/api/v1/units", data=body, content_type="application/json",
                                   headers=api.headers)
        assert response.status_code == 400 and "error" in response.get_json()


def test_form_posts_with_huge_ids_are_4xx(world, sign_in):
    client = sign_in(world.staff)
    for value in ("1e20", "99999999999999999999"):
        response = client.post("/activities/new", data={"unit_id": value, "title": "x", "kind": "visit",
                                                        "occurred_on": "2021-01-01"})
        assert response.status_code < 500
        response = client.post(f"/units/{world.unit_a.id}/roles/new", data={
            "person_id": value, "role": "head", "started_on": "2021-01-01"})
        assert response.status_code < 500


def test_login_next_with_crlf_and_nul_username(world, app):
    client = app.test_client()
    response = client.post("/login?next=/%0d%0aX", data={"username": "staff", "password": PASSWORD})
    assert response.status_code == 302 and "\n" not in response.headers["Location"]
    response = app.test_client().post("/login", data={"username": "st\x00aff", "password": "x"})
    assert response.status_code == 400


def test_a_very_long_api_url_answers_json(world, api_as):
    response = api_as(world.staff).get("/api/v1/units?q=" + "a" * 10_000)
    assert response.status_code == 414 and response.get_json()["error"]["code"] == "uri_too_long"


# --- 6. races and one current holder -------------------------------------------------------------

def db_session_commit(app):
    from alliance.extensions import db

    db.session.commit()


def _parallel(app, calls):
    """Run each ``call(client)`` in its own thread with its own client (own connection)."""
    results = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    from flask.testing import FlaskClient

    db_session_commit(app)

    def run(index, call):
        client = FlaskClient(app, app.response_class)  # a new thread: its own app context
        barrier.wait()
        results[index] = call(client)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_identical_creates_at_once_give_one_201_and_409s(world, api_as, app, db, attempt):
    headers = api_as(world.staff).headers
    unit = {"name": f"并发单位{attempt}", "category": "bank"}
    person = {"name": "并发人员", "mobile": f"1390000000{attempt}"}
    codes = _parallel(app, [lambda c: c.post("/api/v1/units", json=unit, headers=headers).status_code] * 4
                      + [lambda c: c.post("/api/v1/people", json=person, headers=headers).status_code] * 4)
    assert sorted(codes[:4]) == [201, 409, 409, 409], codes
    assert sorted(codes[4:]) == [201, 409, 409, 409], codes
    db.session.rollback()
    assert _count(db, MemberUnit, MemberUnit.name == unit["name"]) == 1


def test_two_heads_at_once_leave_one_current_head(world, api_as, app, db):
    headers = api_as(world.staff).headers
    url = f"/api/v1/units/{world.unit_a.id}/roles"
    calls = [lambda c, n=n: c.post(url, json={"person": {"name": f"负责人{n}"}, "role": "head",
                                              "started_on": "2021-01-01"}, headers=headers).status_code
             for n in range(4)]
    codes = _parallel(app, calls)
    assert all(code in (201, 409) for code in codes), codes
    db.session.rollback()
    assert _count(db, UnitRole, UnitRole.role == "head", UnitRole.ended_on.is_(None),
                  UnitRole.deleted_at.is_(None)) == 1


def test_reopening_an_old_term_or_restoring_cannot_make_two_secretaries(world, api_as, db):
    old, new = make_person(world.alliance, "前任"), make_person(world.alliance, "现任")
    with acting_as(SETUP):
        first = members.assign_role(world.unit_a, old, {"role": "secretary", "started_on": date(2018, 1, 1)})
        members.assign_role(world.unit_a, new, {"role": "secretary", "started_on": date(2021, 1, 1)})
        db.session.commit()
    api = api_as(world.staff)
    url = f"/api/v1/units/{world.unit_a.id}/roles/{first.id}"
    response = api.patch(url, json={"version": first.version, "ended_on": None})
    assert response.status_code == 409 and "ended_on" in response.get_json()["error"]["fields"]
    with acting_as(SETUP):  # the database itself refuses a second current holder
        from sqlalchemy.exc import IntegrityError

        with pytest.raises(IntegrityError):
            db.session.execute(update(UnitRole).where(UnitRole.id == first.id).values(ended_on=None)
                               .execution_options(bulk_unaudited=True))  # straight at the database
        db.session.rollback()


def test_idempotency_key_replays_the_first_answer(world, api_as, db):
    api = api_as(world.staff)
    body = {"name": "幂等单位", "category": "bank"}
    first = api.post("/api/v1/units", json=body, headers={"Idempotency-Key": "k-1"})
    again = api.post("/api/v1/units", json=body, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true" and again.get_json()["id"] == first.get_json()["id"]
    other = api.post("/api/v1/units", json={**body, "name": "另一单位"}, headers={"Idempotency-Key": "k-1"})
    assert other.status_code == 422
    assert _count(db, MemberUnit, MemberUnit.name == "幂等单位") == 1


def test_a_double_posted_form_saves_once(world, sign_in, db):
    client = sign_in(world.staff)
    page = client.get("/people/new").get_data(as_text=True)
    import re

    token = re.search(r'name="form_token" type="hidden" value="([^"]+)"', page).group(1)
    data = {"name": "重复提交", "mobile": "", "email": "", "title": "", "notes": "", "form_token": token}
    assert client.post("/people/new", data=data).status_code == 302
    again = client.post("/people/new", data=data)
    assert again.status_code == 200 and "已经提交过" in again.get_data(as_text=True)
    assert _count(db, Person, Person.name == "重复提交") == 1


# --- 7. smaller leaks ---------------------------------------------------------------------------

def test_a_missing_id_and_another_alliances_id_are_audited_alike(world, sign_in, db):
    client = sign_in(world.staff)
    assert client.get(f"/units/{world.other_unit.id}").status_code == 404
    assert client.get("/units/987654").status_code == 404
    entries = db.session.scalars(select(AuditEntry.summary).where(AuditEntry.action == "access_denied")).all()
    assert len(entries) == 2
    assert entries[0].replace(str(world.other_unit.id), "N") == entries[1].replace("987654", "N")


def test_a_deactivated_account_is_hashed_too(world, app, db, monkeypatch):
    calls = []
    original = User.check_password
    monkeypatch.setattr(User, "check_password", lambda self, pw: calls.append(1) or original(self, pw))
    db.session.execute(update(User).where(User.id == world.staff.id).values(is_active=False)
                       .execution_options(bulk_unaudited=True))
    db.session.commit()
    response = app.test_client().post("/login", data={"username": "staff", "password": PASSWORD})
    assert response.status_code == 401 and calls == [1]


def test_anonymous_requests_create_no_session_rows(world, app, db):
    client = app.test_client()
    for _ in range(3):
        client.get("/login")
        app.test_client().get("/login")
    assert _count(db, WebSession) == 0
    login(client, world.staff)
    assert _count(db, WebSession) == 1


def test_the_session_row_is_touched_at_most_once_a_minute(world, sign_in, db):
    client = sign_in(world.staff)
    client.get("/units")
    seen = db.session.scalar(select(WebSession.last_seen_at))
    client.get("/units")
    client.get("/people")
    assert db.session.scalar(select(WebSession.last_seen_at)) == seen


def test_sessions_have_an_absolute_lifetime(world, sign_in, db, app):
    client = sign_in(world.staff)
    db.session.execute(update(WebSession).values(created_at=utcnow() - app.config["SESSION_MAX_AGE"]
                                                 - timedelta(minutes=1), last_seen_at=utcnow()))
    db.session.commit()
    assert client.get("/units").status_code == 302


def test_the_last_admin_cannot_demote_or_deactivate_themselves(world, sign_in, db):
    client = sign_in(world.admin)
    admin = db.session.get(User, world.admin.id)
    response = client.post(f"/accounts/{admin.id}/edit", data={
        "display_name": admin.display_name, "role": "staff", "unit_id": "", "password": "",
        "is_active": "y", "version": str(admin.version)})
    assert response.status_code == 200 and "最后一个" in response.get_data(as_text=True)
    assert db.session.get(User, admin.id).role == "admin"


def test_names_differing_by_invisible_characters_are_duplicates(world, api_as):
    api = api_as(world.staff)
    response = api.post("/api/v1/units", json={"name": world.unit_a.name[:2] + "\u200b"
                                               + world.unit_a.name[2:] + "\u202e", "category": "bank"})
    assert response.status_code == 409 and "name" in response.get_json()["error"]["fields"]


def test_new_password_differs_from_old_and_demo(world, sign_in):
    client = sign_in(world.staff)
    for new in (PASSWORD, "Meilong-2021"):
        response = client.post("/account/password", data={"current_password": PASSWORD, "new_password": new})
        assert response.status_code == 200
        assert "不能" in response.get_data(as_text=True)


def test_dates_are_bounded(world, api_as):
    api = api_as(world.staff)
    response = api.post("/api/v1/units", json={"name": "远期单位", "category": "bank", "joined_on": "9999-12-31"})
    assert response.status_code == 422 and "joined_on" in response.get_json()["error"]["fields"]
    with pytest.raises(Exception) as caught, acting_as(SETUP):
        members.create_unit({"name": "远期单位", "category": "bank", "joined_on": date(9999, 12, 31)},
                            alliance_id=world.alliance.id)
    assert "1949" in str(caught.value.fields["joined_on"])


def test_liaison_of_a_deleted_or_departed_unit_reads_only(world, sign_in, api_as, db):
    db.session.execute(update(MemberUnit).where(MemberUnit.id == world.unit_a.id)
                       .values(status="left", left_on=date(2022, 1, 1)).execution_options(bulk_unaudited=True))
    db.session.commit()
    api = api_as(world.liaison_a)
    assert api.get(f"/api/v1/units/{world.unit_a.id}").status_code == 200
    unit = db.session.get(MemberUnit, world.unit_a.id)
    assert api.patch(f"/api/v1/units/{unit.id}", json={"version": unit.version, "phone": "1"}).status_code == 403
    assert sign_in(world.liaison_a).get(f"/units/{unit.id}/edit").status_code == 403
