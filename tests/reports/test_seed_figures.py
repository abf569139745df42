"""Seed fidelity (issue 14, item 2): after `flask demo load`, the 2020 and 2021 annual reports
give back the figures of the seed articles (seeds/000 and seeds/001), through the report API."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select


def test_the_demo_reports_give_back_the_seed_figures(runner, db, api_as):
    from alliance.auth.models import User

    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    api = api_as(db.session.scalar(select(User).where(User.username == "staff")))

    response = api.get("/api/v1/reports/annual?year=2021")
    assert response.status_code == 200, response.get_json()
    r2021 = response.get_json()
    # seeds/000: the alliance's "circle of friends" grew to 39 with 4 new members on 21 January 2021.
    assert r2021["units"] == {"total": 39, "joined": 4, "left": 0}
    # seeds/000: 15 calligraphy volunteers wrote 300 couplets; 200 were handed out on 15 January.
    couplets = [d for d in r2021["drives"] if d["name"] == "春联和福字"]
    assert len(couplets) == 1
    assert couplets[0]["made"] == 300
    assert couplets[0]["handed_out"] == 200
    assert couplets[0]["volunteers"] == 15
    assert couplets[0]["handouts"] == [{"on": "2021-01-15", "quantity": 200}]

    r2020 = api.get("/api/v1/reports/annual?year=2020").get_json()
    # seeds/001 (2020): 87 projects compiled, 8 district five-star / 36 township four-star /
    # 58 three-star organizations, 71 stations and 6 spaces, nearly 100 events for over 50,000
    # people, 95 residential branches, 53 volunteers such as the 百姓联络员.
    assert r2020["projects"]["total"] == 87
    assert r2020["ratings"]["by_stars"] == {"5": 8, "4": 36, "3": 58}
    assert r2020["ratings"]["by_level"]["district"] == 8
    assert r2020["civic"]["stations"] == 71
    assert r2020["civic"]["spaces"] == 6
    assert 90 <= r2020["civic"]["events"] <= 100
    assert r2020["civic"]["audience"] > 50_000
    assert r2020["organizations"]["residential_branches"] == 95
    liaisons = [t for t in r2020["civic"]["teams"] if t["name"] == "百姓联络员志愿服务队"]
    assert liaisons and liaisons[0]["volunteers"] == 53
    # The year before the new members: 35 units.
    assert r2020["units"]["total"] == 35
    # Loading again changes none of it (the demo steps are idempotent).
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert api.get("/api/v1/reports/annual?year=2020").get_json() == r2020


def test_an_alliance_loaded_before_the_2020_projects_gets_them_once(runner, db, app):
    """`make run` on a database loaded by an older demo: the next load adds the 87 projects and
    the 53 volunteers once, and a third load adds nothing."""
    from alliance.civic.models import Volunteer
    from alliance.lists.models import Project

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    start, end = date(2020, 1, 1), date(2020, 12, 31)

    def counts():
        projects = db.session.scalar(select(db.func.count(Project.id)).where(Project.starts_on.between(start, end)))
        volunteers = db.session.scalar(select(db.func.count(Volunteer.id)).where(Volunteer.skills == "百姓联络员"))
        return projects, volunteers

    assert counts() == (87, 53)
    # Take them away as an older demo would have left the database (hard delete, test only).
    from alliance.civic.models import VolunteerTeam, team_members
    from alliance.lists.models import ProjectTransition

    ids = select(Project.id).where(Project.starts_on.between(start, end))
    sql = db.session.connection()  # plain SQL: the ORM session refuses unaudited bulk deletes
    sql.execute(ProjectTransition.__table__.delete().where(ProjectTransition.project_id.in_(ids)))
    sql.execute(Project.__table__.delete().where(Project.id.in_(ids)))
    team = db.session.scalar(select(VolunteerTeam.id).where(VolunteerTeam.name == "百姓联络员志愿服务队"))
    sql.execute(team_members.delete().where(team_members.c.team_id == team))
    sql.execute(Volunteer.__table__.delete().where(Volunteer.skills == "百姓联络员"))
    sql.execute(VolunteerTeam.__table__.delete().where(VolunteerTeam.id == team))
    db.session.commit()
    assert counts() == (0, 0)
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert counts() == (87, 53)
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert counts() == (87, 53)
