"""Pages of the three lists on the demo data, and the Chinese messages of the forms."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from alliance.auth.models import User
from alliance.extensions import db
from alliance.lists.models import PROJECT_STAGES, Claim, Need, Project, Resource
from tests.helpers import login


@pytest.fixture
def demo(runner, app):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return result.output


def _client(app, username):
    client = app.test_client()
    login(client, db.session.scalar(select(User).where(User.username == username)), "Meilong-2021")
    return client


def test_demo_has_projects_at_every_stage_and_is_idempotent(demo, runner):
    stages = set(db.session.scalars(select(Project.stage)).all())
    assert stages == set(PROJECT_STAGES)
    closed = db.session.scalar(select(Project).where(Project.stage == "closed"))
    assert closed.people_served == 200 and all(n.status == "met" for n in closed.needs)
    counts = [db.session.scalar(select(func.count(m.id))) for m in (Need, Resource, Project, Claim)]
    assert "三张清单：需求 8 条" in demo
    again = runner.invoke(args=["demo", "load"])
    assert "演示需求、资源、项目已存在" in again.output
    assert [db.session.scalar(select(func.count(m.id))) for m in (Need, Resource, Project, Claim)] == counts


def test_board_has_a_column_per_stage(demo, app):
    page = _client(app, "staff").get("/projects/board").get_data(as_text=True)
    for stage, label in PROJECT_STAGES.items():
        assert f'id="stage-{stage}"' in page and label in page
    assert "春节写春联 送祝福" in page


def test_overdue_needs_stand_out_and_filters_work(demo, app):
    client = _client(app, "staff")
    page = client.get("/needs?overdue=1").get_data(as_text=True)
    assert "need-overdue" in page and "逾期" in page and "普乐二村老旧小区加装电梯" in page
    assert "春节写春联送祝福" not in page  # met, so not overdue
    village = client.get("/needs?source_kind=village").get_data(as_text=True)
    assert "永联村互助式养老睦邻点" in village and "学校周边" not in village


def test_every_page_renders_for_staff_and_liaison(demo, app):
    need = db.session.scalar(select(Need).where(Need.title == "老年人防范电信诈骗宣传"))
    resource = db.session.scalar(select(Resource))
    project = db.session.scalar(select(Project).where(Project.released.is_(True)))
    for username in ("staff", "liaison", "organizer"):
        client = _client(app, username)
        for url in ("/", "/projects/board", "/needs", "/resources", "/claims", "/lists/figures",
                    f"/needs/{need.id}", f"/resources/{resource.id}", f"/projects/{project.id}"):
            response = client.get(url)
            assert response.status_code == 200, (username, url)
    staff_home = _client(app, "staff").get("/").get_data(as_text=True)
    assert "待确认的认领" in staff_home
    liaison_home = _client(app, "liaison").get("/").get_data(as_text=True)
    assert "本单位的三张清单" in liaison_home
    suggestions = _client(app, "staff").get(f"/needs/{need.id}").get_data(as_text=True)
    assert "防范电信诈骗金融知识讲座" in suggestions and "共同关键词" in suggestions


def test_unit_page_shows_its_lists(demo, app):
    from alliance.members.models import MemberUnit

    unit = db.session.scalar(select(MemberUnit).where(MemberUnit.name == "建设银行闵行支行"))
    page = _client(app, "staff").get(f"/units/{unit.id}").get_data(as_text=True)
    assert 'id="unit-lists"' in page and "反诈宣传进居民区" in page and "防范电信诈骗金融知识讲座" in page


def test_figures_and_the_export_button(demo, app):
    page = _client(app, "staff").get("/lists/figures").get_data(as_text=True)
    assert "需求满足率" in page and "<svg" in page and 'id="export-three-lists"' in page
    response = _client(app, "staff").get("/lists/three-lists.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("sheet")


def test_need_form_shows_chinese_messages_at_the_field(demo, app):
    client = _client(app, "liaison")
    assert client.get("/needs/new").status_code == 200
    response = client.post("/needs/new", data={"title": "", "source_kind": "unit", "category_id": ""})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "请填写需求标题" in text
    response = client.post("/resources/new", data={
        "title": "讲座", "kind": "service", "category_id": "1", "available_from": "2021-03-01",
        "available_to": "2021-02-01"})
    assert "可提供结束日期不能早于开始日期" in response.get_data(as_text=True)
