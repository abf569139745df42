"""Forms that help (issue 13, item 3): every error in one round, the summary at the top linking
to the fields, required marks, phone keyboards, labels."""
from __future__ import annotations

import re
from datetime import date

from alliance.members.models import MemberUnit, Person
from tests.helpers import unit_form_data


def _body(response) -> str:
    return response.get_data(as_text=True)


def _summary(body: str) -> str:
    match = re.search(r'<div class="alert alert-danger error-summary"[^>]*>(.*?)</div>\s*</div>|'
                      r'<div class="alert alert-danger error-summary"[^>]*>(.*?)</ul>', body, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


def test_blank_unit_form_shows_every_error_at_once(world, sign_in, db):
    """The form's own check (name) and the service's (category; a wrong credit code) in the
    same round: before, the category's error showed only after the name was fixed."""
    client = sign_in(world.staff)
    response = client.post("/units/new", data=unit_form_data(uscc="91310112MA1GBUG23X"))
    body = _body(response)
    assert response.status_code == 200
    assert "请填写单位名称" in body
    assert "单位类别" in body and "请选择单位类别" in body
    assert "统一社会信用代码校验位不正确" in body
    summary = _summary(body)
    for field, text in (("name", "请填写单位名称"), ("category", "请选择单位类别"),
                        ("uscc", "统一社会信用代码校验位不正确")):
        assert re.search(rf'<a class="alert-link" href="#{field}">[^<]+</a>：{text}', summary), field
    assert "未能保存，请修改标出的3处内容" in summary
    # nothing said twice: the service's "单位名称不能为空" stays away where the form spoke
    assert "单位名称不能为空" not in body
    assert db.session.query(MemberUnit).filter_by(uscc="91310112MA1GBUG23X").count() == 0


def test_person_form_shows_the_services_mobile_error_with_the_missing_name(world, sign_in, db):
    client = sign_in(world.staff)
    response = client.post("/people/new", data={"name": "", "mobile": "12345", "email": "", "title": "",
                                                "notes": ""})
    body = _body(response)
    assert "请填写姓名" in body and "手机号码应为11位数字" in body
    assert db.session.query(Person).filter_by(mobile="12345").count() == 0


def test_the_dry_run_of_the_service_leaves_nothing_behind(world, sign_in, db):
    """An invalid form whose data the service would accept (a name too long for the form's
    own length check is all that is wrong) saves nothing and spends no form token."""
    client = sign_in(world.staff)
    before = db.session.query(MemberUnit).count()
    data = unit_form_data(name="上海力波", category="enterprise", sort_order="abc")
    response = client.post("/units/new", data=data)
    assert response.status_code == 200
    assert db.session.query(MemberUnit).count() == before


def test_required_fields_are_marked_and_phones_get_a_phone_keyboard(world, sign_in):
    client = sign_in(world.staff)
    unit_form = _body(client.get("/units/new"))
    note = '<span class="visually-hidden">（必填）</span>'
    assert f'<label class="form-label required-label" for="name">单位名称</label>{note}' in unit_form
    assert f'<label class="form-label required-label" for="category">单位类别</label>{note}' in unit_form
    assert 'for="short_name">简称</label>' in unit_form  # optional: no mark
    assert re.search(r'<input[^>]*id="phone"[^>]*>', unit_form)
    phone = re.search(r'<input[^>]*id="phone"[^>]*>', unit_form).group(0)
    assert 'type="tel"' in phone and 'inputmode="tel"' in phone and 'autocomplete="tel"' in phone
    sort_order = re.search(r'<input[^>]*id="sort_order"[^>]*>', unit_form).group(0)
    assert 'inputmode="numeric"' in sort_order

    person_form = _body(client.get("/people/new"))
    mobile = re.search(r'<input[^>]*id="mobile"[^>]*>', person_form).group(0)
    assert 'type="tel"' in mobile and 'inputmode="tel"' in mobile
    role_form = _body(client.get(f"/units/{world.unit_a.id}/roles/new"))
    new_mobile = re.search(r'<input[^>]*id="new_mobile"[^>]*>', role_form).group(0)
    assert 'type="tel"' in new_mobile
    assert '<label class="form-label" for="person_id-input">人员</label>' in role_form


def test_the_role_end_date_has_a_label(world, sign_in, db):
    from alliance.members import services

    person = services.create_person({"name": "张轩"}, alliance_id=world.alliance.id)
    role = services.assign_role(world.unit_a, person, {"role": "liaison", "started_on": date(2024, 1, 1)})
    db.session.commit()
    page = _body(sign_in(world.staff).get(f"/units/{world.unit_a.id}"))
    assert f'<label class="small text-nowrap mb-0 required-label" for="ended-on-{role.id}">任职结束日期' in page
    assert f'id="ended-on-{role.id}"' in page


def test_a_post_with_an_expired_session_shows_the_login_inline(app, world):
    """No bare 400 page: the login form right there, posting back to the page the form was on."""
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        response = client.post("/units/new", data={"name": "上海力波"},
                               headers={"Referer": "http://localhost/units/new"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    body = _body(response)
    assert response.status_code == 400
    assert "页面已过期，请重新登录" in body and "没有保存" in body
    assert 'id="relogin-form"' in body and 'action="/login?next=/units/new"' in body
    assert 'data-return-to="/units/new"' in body
    assert 'name="username"' in body and 'name="password"' in body
    assert "js/forms.js" in body


def test_a_hand_written_form_gets_the_summary_too(world, sign_in):
    """The rubric editor is no WTForm: its errors dict goes through the same summary macro."""
    from tests.ratings.conftest import Ratings

    rubric = Ratings(world).rubric
    response = sign_in(world.staff).post(f"/rubrics/{rubric.id}", data={
        "version": str(rubric.version), "name": "细则", "notice_days": "5", "definition": "{不是 JSON"})
    body = _body(response)
    assert response.status_code == 422
    assert 'id="rubric-form-errors"' in body
    assert re.search(r'<a class="alert-link" href="#definition">细则内容</a>：评分细则不是有效的 JSON 格式', body)


def test_a_taken_name_is_said_with_the_other_mistakes(world, sign_in, db):
    """The service no longer stops at its first stage: a name another unit holds shows with a
    missing category and a wrong date order, in the page and the API alike."""
    from alliance.core.errors import FieldErrors
    from alliance.members import services

    data = {"name": world.unit_a.name, "category": "", "joined_on": date(2021, 5, 1),
            "left_on": date(2020, 1, 1)}
    try:
        services.validate_unit(data, alliance_id=world.alliance.id)
    except FieldErrors as exc:
        fields = exc.fields
    assert set(fields) == {"name", "category", "left_on", "status"}
    assert "本联盟已有名为" in fields["name"][0]

    client = sign_in(world.staff)
    body = _body(client.post("/units/new", data=unit_form_data(name=world.unit_a.name, joined_on="2021-05-01",
                                                               left_on="2020-01-01")))
    assert "本联盟已有名为" in body and "请选择单位类别" in body and "退出日期不能早于加入日期" in body


def test_role_form_without_a_person_shows_the_roles_own_mistakes_too(world, sign_in, db):
    """No person chosen and a start date before the current secretary's: both in the first
    round (the person's message used to hide the date's until a person was chosen)."""
    from alliance.audit.context import acting_as
    from alliance.members import services
    from alliance.members.models import UnitRole
    from tests.factories import SETUP, make_person

    with acting_as(SETUP):
        services.assign_role(world.unit_a, make_person(world.alliance, "徐虹"),
                             {"role": "secretary", "started_on": date(2021, 1, 1)})
        db.session.commit()
    client = sign_in(world.staff)
    response = client.post(f"/units/{world.unit_a.id}/roles/new",
                           data={"role": "secretary", "person_id": "", "new_name": "", "new_mobile": "",
                                 "title": "", "started_on": "2020-06-01", "note": ""})
    body = _body(response)
    assert response.status_code == 200
    assert "请选择已有人员，或填写新增人员的姓名" in body
    assert "开始日期不能早于现任书记的任职日期（2021-01-01）" in body
    assert db.session.query(UnitRole).count() == 1
