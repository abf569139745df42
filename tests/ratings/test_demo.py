"""The demo's ratings reproduce the seed: 2020 has 8 district five-star, 36 township four-star
and 58 three-star organizations; 2021 is in progress."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from alliance.ratings.models import PartyOrganization, Rating


def test_demo_2020_distribution_is_8_36_58_and_2021_in_progress(runner, db, app, api_as):
    from alliance.auth.models import User

    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    staff = db.session.scalar(select(User).where(User.username == "staff"))
    api = api_as(staff)
    report = api.get("/api/v1/reports/ratings?year=2020").get_json()
    assert report["year"] == 2020
    assert report["by_stars"] == {"5": 8, "4": 36, "3": 58}
    assert report["by_level"] == {"district": 8, "township": 94}
    progress = api.get("/api/v1/reports/ratings?year=2021").get_json()["progress"]
    assert progress["confirmed"] and progress["in_notice"] and progress["submitted"]
    assert progress["self_assessing"] and progress["reviewed"]
    residential = db.session.scalar(select(func.count(PartyOrganization.id)).where(
        PartyOrganization.kind == "branch", PartyOrganization.name.contains("居民区")))
    assert residential == 95
    # Totals are computed: each 2020 rating's stars agree with its thresholds.
    for rating in db.session.scalars(select(Rating).where(Rating.year == 2020)):
        thresholds = rating.rubric.definition["thresholds"]
        assert rating.total >= thresholds[str(rating.stars)]
    # The case book holds each five-star organization.
    from docx import Document

    response = api.get("/api/v1/reports/ratings/casebook.docx?year=2020")
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.data)).paragraphs)
    five = db.session.scalars(select(Rating).where(Rating.year == 2020, Rating.stars == 5)).all()
    assert len(five) == 8
    for rating in five:
        assert rating.organization.name in text
    # A second run adds nothing.
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0
    assert db.session.scalar(select(func.count(Rating.id)).where(Rating.year == 2020)) == 102
