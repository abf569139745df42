"""Accounts (issue 13 item 9): an account linked to its person, the forced change of an
admin-set password, the alliance's name and the tries left on the login page."""
from __future__ import annotations

from sqlalchemy import select

from alliance.auth.models import User
from alliance.extensions import db
from tests.factories import PASSWORD, make_alliance, make_person, make_user
from tests.helpers import login

NEW_PASSWORD = "Plum-Blossom-1921"
OWN_PASSWORD = "Osmanthus-Rain-2026"


def _user(username: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))


def _create_by_admin(client, **fields):
    data = {"username": "wang_xm", "display_name": "王晓梅", "role": "staff", "unit_id": "",
            "person_id": "", "password": NEW_PASSWORD, **fields}
    return client.post("/accounts/new", data=data)


def test_first_login_with_an_admin_set_password_must_change_it(world, sign_in, app, api_as):
    admin = sign_in(world.admin)
    assert _create_by_admin(admin).status_code == 302
    user = _user("wang_xm")
    assert user.must_change_password

    client = app.test_client()
    response = client.post("/login", data={"username": "wang_xm", "password": NEW_PASSWORD})
    assert response.status_code == 302
    for path in ("/", "/units", "/activities", "/account/tokens"):
        page = client.get(path)
        assert page.status_code == 302 and page.headers["Location"].endswith("/account/password"), path
    page = client.get("/account/password")
    assert "您的密码由管理员设置" in page.get_data(as_text=True)
    # the session may not use the API either; a bearer token is not held up
    refused = client.get("/api/v1/units")
    assert refused.status_code == 403 and refused.json["error"]["code"] == "password_change_required"
    assert api_as(user).get("/api/v1/units").status_code == 200

    changed = client.post("/account/password", data={"current_password": NEW_PASSWORD,
                                                     "new_password": OWN_PASSWORD})
    assert changed.status_code == 302
    assert not _user("wang_xm").must_change_password
    assert client.get("/").status_code == 200


def test_an_admin_reset_forces_a_change_but_not_ones_own_new_password(world, sign_in):
    admin = sign_in(world.admin)
    staff = _user("staff")
    form = {"display_name": staff.display_name, "role": "staff", "unit_id": "", "person_id": "",
            "password": NEW_PASSWORD, "is_active": "y", "version": str(staff.version)}
    assert admin.post(f"/accounts/{staff.id}/edit", data=form).status_code == 302
    assert _user("staff").must_change_password
    me = _user("admin")
    own = {**form, "display_name": me.display_name, "role": "admin", "version": str(me.version)}
    assert admin.post(f"/accounts/{me.id}/edit", data=own).status_code == 302
    assert not _user("admin").must_change_password
    # accounts the CLI, the demo or a factory make are their operators' own: no forced change
    assert not _user("liaison_a").must_change_password


def test_an_account_is_linked_to_a_person_of_its_own_alliance_only(world, sign_in, api_as):
    mine = make_person(world.alliance, "王晓梅")
    theirs = make_person(world.other_alliance, "外联盟人员")
    admin = sign_in(world.admin)
    refused = _create_by_admin(admin, person_id=str(theirs.id))
    assert refused.status_code == 200 and "请选择本联盟登记的一位人员" in refused.get_data(as_text=True)
    assert _user("wang_xm") is None
    assert _create_by_admin(admin, person_id=str(mine.id)).status_code == 302
    assert _user("wang_xm").person_id == mine.id
    listed = admin.get("/accounts").get_data(as_text=True)
    assert f'/people/{mine.id}"' in listed and "王晓梅" in listed

    api = api_as(world.admin)
    created = api.post("/api/v1/accounts", json={
        "username": "li_lian", "display_name": "李联络", "role": "liaison", "unit_id": world.unit_a.id,
        "person_id": mine.id, "password": NEW_PASSWORD})
    assert created.status_code == 201, created.json
    assert created.json["person_id"] == mine.id and created.json["must_change_password"] is True
    assert "password" not in created.json
    bad = api.patch(f"/api/v1/accounts/{created.json['id']}",
                    json={"person_id": theirs.id, "version": created.json["version"]})
    assert bad.status_code == 422 and "person_id" in bad.json["error"]["fields"]
    unlinked = api.patch(f"/api/v1/accounts/{created.json['id']}",
                         json={"person_id": None, "version": created.json["version"]})
    assert unlinked.status_code == 200 and unlinked.json["person_id"] is None
    assert api.get("/api/v1/accounts").json["total"] == 7
    assert api_as(world.staff).get("/api/v1/accounts").status_code == 403
    assert api.get(f"/api/v1/accounts/{world.other_admin.id}").status_code == 404


def test_login_page_names_the_alliance_and_counts_the_tries_left(app, db):
    alliance = make_alliance(name="梅陇镇区域化党建联盟")
    user = make_user(alliance, "staff", "zhou")
    client = app.test_client()
    assert "梅陇镇区域化党建联盟" in client.get("/login").get_data(as_text=True)
    messages = []
    for _ in range(4):
        response = client.post("/login", data={"username": "zhou", "password": "wrong-password"})
        messages.append(response.get_data(as_text=True))
    assert "再输错 2 次" in messages[0] and "再输错 1 次" in messages[1]
    assert "登录已被暂时锁定" in messages[2]
    assert "登录失败次数过多" in messages[3]  # the lock itself (429)
    assert user.check_password(PASSWORD)


def test_login_page_names_no_alliance_when_the_deployment_holds_several(world, app):
    html = app.test_client().get("/login").get_data(as_text=True)
    assert 'id="login-alliance"' not in html
    login(app.test_client(), world.staff)
