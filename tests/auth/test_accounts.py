"""Accounts: password rules, the admins' page, the CLI of API.md, hashed tokens."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from alliance.auth.models import ApiToken, User
from alliance.core.validators import validate_password
from tests.factories import PASSWORD


@pytest.mark.parametrize("password, message", [
    ("short7!", "至少需要8个字符"),
    ("password", "过于常见"),
    ("12345678", "过于常见"),
    ("woaini1314", "过于常见"),
    ("1qaz2wsx", "过于常见"),
    ("aaaaaaaaaaaa", "过于常见"),
    ("zhangsan-2021", "不能包含用户名"),
])
def test_weak_passwords_are_refused(password, message):
    with pytest.raises(ValueError, match=message):
        validate_password(password, username="zhangsan")


def test_strong_password_is_hashed_with_scrypt(app, alliance):
    from tests.factories import make_user

    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    user = make_user(alliance, "staff", "li", password="Plum-Blossom-1921")
    assert user.password_hash.startswith("scrypt:")
    assert "Plum-Blossom-1921" not in user.password_hash
    assert user.check_password("Plum-Blossom-1921") and not user.check_password("plum-blossom-1921")


def test_admin_creates_a_liaison_who_must_have_a_unit(world, sign_in, db):
    client = sign_in(world.admin)
    data = {"username": "li_lian", "display_name": "李联络", "role": "liaison", "unit_id": "",
            "password": "Plum-Blossom-1921"}
    response = client.post("/accounts/new", data=data)
    assert "联络员必须绑定本联盟的一个成员单位" in response.get_data(as_text=True)
    response = client.post("/accounts/new", data={**data, "unit_id": str(world.other_unit.id)})
    assert "联络员必须绑定本联盟的一个成员单位" in response.get_data(as_text=True)  # not another alliance's
    response = client.post("/accounts/new", data={**data, "unit_id": str(world.unit_a.id)})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "li_lian"))
    assert user.unit_id == world.unit_a.id and user.alliance_id == world.alliance.id
    assert user.is_active
    response = client.post("/accounts/new", data={**data, "unit_id": str(world.unit_a.id), "password": "123456789"})
    body = response.get_data(as_text=True)
    assert "该用户名已被使用" in body and "过于常见" in body


def test_only_admins_manage_accounts(world, sign_in):
    for who in ("staff", "organizer", "liaison_a"):
        assert sign_in(world.user(who)).get("/accounts").status_code == 403
    page = sign_in(world.admin).get("/accounts").get_data(as_text=True)
    assert "liaison_a" in page and "other_admin" not in page  # another alliance's accounts stay hidden
    assert sign_in(world.admin).get(f"/accounts/{world.other_admin.id}/edit").status_code == 404


def test_change_own_password_signs_out_other_sessions(world, sign_in, app):
    laptop = sign_in(world.organizer)
    phone = sign_in(world.organizer)
    response = laptop.post("/account/password", data={"current_password": PASSWORD,
                                                      "new_password": "Plum-Blossom-1921"})
    assert response.status_code == 302
    assert laptop.get("/units").status_code == 200
    assert phone.get("/units").status_code == 302


def test_cli_create_and_token(runner, world, db, client):
    result = runner.invoke(args=["users", "create", "Zhao", "--role", "liaison", "--password-stdin"],
                           input="Plum-Blossom-1921\n")
    assert result.exit_code != 0  # two alliances exist: the CLI asks which
    result = runner.invoke(args=["users", "create", "Zhao", "--role", "liaison", "--alliance", "meilong",
                                 "--password-stdin"], input="Plum-Blossom-1921\n")
    assert result.exit_code == 1 and "unit_id" in result.output
    result = runner.invoke(args=["users", "create", "Zhao", "--role", "liaison", "--alliance", "meilong",
                                 "--unit", str(world.unit_a.id), "--password-stdin"],
                           input="Plum-Blossom-1921\n")
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "token", "zhao"])
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    stored = db.session.scalars(select(ApiToken)).one()
    assert stored.token_hash != token and token not in stored.token_hash
    response = client.get("/api/v1/units", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert [u["name"] for u in response.get_json()["items"]] == [world.unit_a.name]
    assert runner.invoke(args=["users", "token", "nobody"]).exit_code == 1
