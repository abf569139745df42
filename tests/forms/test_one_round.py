"""Forms that help (issue 13, item 3): every error in one round, the summary at the top linking
to the fields, required marks, phone keyboards, labels."""
from __future__ import annotations

import re

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
