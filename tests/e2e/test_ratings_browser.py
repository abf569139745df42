"""One party organization through a star rating in the browser (issue 10): its unit's liaison
starts the self-assessment, uploads an evidence file and submits; the township staff review it,
publish the notice, are refused a confirmation before the notice ends, confirm after it, and
see the year's distribution table and chart gain a five-star organization."""
from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from alliance.ratings.scoring import DEFAULT_DEFINITION

SCORE_ITEMS = [item for d in DEFAULT_DEFINITION["dimensions"] for item in d["items"]]


def _seed(live_server, live_world) -> tuple[int, int]:
    """An organization of unit A and this year's rubric (the default template)."""
    from alliance.audit.context import acting_as
    from alliance.extensions import db
    from alliance.members.models import Alliance
    from alliance.ratings import services
    from tests.factories import SETUP

    with live_server.app_context():
        alliance = db.session.scalar(db.select(Alliance).where(Alliance.code == "meilong"))
        year = services.local_today().year
        with acting_as(SETUP):
            organization = services.create_organization(
                {"name": "儿科医院党委", "kind": "committee", "unit_id": live_world.unit_a.id,
                 "member_count": 120}, alliance_id=alliance.id)
            services.create_rubric({"year": year}, alliance_id=alliance.id)
            db.session.commit()
        organization_id = organization.id
        db.session.remove()
    return organization_id, year


def _let_the_notice_period_pass(live_server, rating_id: int) -> None:
    """Time passes: the notice dates move back so that the period ended yesterday. Written
    straight to the record (as staff, so audited), since the browser cannot wait five days."""
    from alliance.audit.context import acting_as
    from alliance.extensions import db
    from alliance.ratings import services
    from alliance.ratings.models import Rating
    from tests.factories import SETUP

    with live_server.app_context():
        rating = db.session.get(Rating, rating_id)
        shift = rating.notice_ends_on - services.local_today() + timedelta(days=1)
        with acting_as(SETUP):
            rating.notice_starts_on -= shift
            rating.notice_ends_on -= shift
            db.session.commit()
        db.session.remove()


def test_an_organization_from_self_assessment_to_confirmed_five_stars(page, new_context, live_server,
                                                                   live_world, log_in, tmp_path):
    organization_id, year = _seed(live_server, live_world)

    # The township's distribution before: no five-star organization yet, and its chart.
    staff = new_context().new_page()
    log_in(staff, live_world.staff)
    staff.goto(f"/ratings?year={year}")
    expect(staff.locator('#distribution td[data-stars="5"]')).to_have_text("0")
    chart_before = staff.locator(".chart-svg").inner_html()
    assert "<svg" in chart_before

    # The liaison of unit A starts the self-assessment of their unit's organization.
    log_in(page, live_world.liaison_a)
    page.goto(f"/organizations/{organization_id}")
    page.locator("#start-rating").get_by_role("button", name="开始自评").click()
    expect(page.get_by_role("alert").first).to_contain_text("已开始评定")
    expect(page.locator("#rating-status")).to_have_text("自评中")
    rating_id = int(page.url.rstrip("/").rsplit("/", 1)[1])

    # An evidence file for the first item: a file of the wrong kind is refused, a PDF is kept.
    first = SCORE_ITEMS[0]
    page.locator("#evidence-form select[name=item_code]").select_option(first["code"])
    page.locator("#evidence-file").set_input_files(
        files=[{"name": "学习记录.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90\x00"}])
    page.locator("#upload-evidence").click()
    expect(page.locator("#evidence-form .invalid-feedback").first).to_be_visible()
    expect(page.locator("#evidence-list")).to_contain_text("尚未上传")
    page.locator("#evidence-form select[name=item_code]").select_option(first["code"])
    page.locator("#evidence-file").set_input_files(
        files=[{"name": "学习记录.pdf", "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"}])
    page.locator("#upload-evidence").click()
    expect(page.locator("#evidence-list")).to_contain_text("学习记录.pdf")

    # Every item at its maximum, with a note; then handed in for review.
    for item in SCORE_ITEMS:
        page.get_by_label(f"{item['title']}自评分").fill(str(item["max_points"]))
        page.get_by_label(f"{item['title']}佐证说明").fill("台账齐全")
    page.get_by_label("典型案例（五星党组织编入案例汇编）").fill("医院党委开展“红色健康行”义诊。")
    page.locator("#submit-self").click()
    expect(page.get_by_role("alert").first).to_contain_text("已提交自评，等待审核")
    expect(page.locator("#rating-status")).to_have_text("待审核")
    expect(page.locator("#rating-total")).to_have_text("100")
    expect(page.locator("#submit-self")).to_have_count(0)  # handed in: no longer the liaison's to edit

    # The staff review item by item (the self-assessed points are offered), then finish.
    staff.goto(f"/ratings/{rating_id}")
    first_review = staff.get_by_label(f"{first['title']}审核分")
    expect(first_review).to_have_value(str(first["max_points"]))
    staff.get_by_label(f"{first['title']}审核意见").fill("佐证材料已核实")
    staff.locator("#finish-review").click()
    expect(staff.locator("#rating-status")).to_have_text("已审核")

    # The notice starts; confirming before it ends is refused, with the date it ends.
    staff.locator("#publish-notice").click()
    expect(staff.locator("#rating-status")).to_have_text("公示中")
    staff.locator("#confirm-rating").click()
    expect(staff.get_by_role("alert").first).to_contain_text("公示期满后才能确认")
    expect(staff.locator("#rating-status")).to_have_text("公示中")

    _let_the_notice_period_pass(live_server, rating_id)
    staff.reload()
    staff.locator("#confirm-rating").click()
    expect(staff.locator("#rating-status")).to_have_text("已确认")
    expect(staff.locator("#rating-stars")).to_have_text("五星")
    expect(staff.locator("#nominate")).to_be_visible()  # a five-star organization may go to the district

    # The distribution of the year now counts it, and the chart is drawn anew.
    staff.goto(f"/ratings?year={year}")
    expect(staff.locator('#distribution td[data-stars="5"]')).to_have_text("1")
    expect(staff.locator("#star-list")).to_contain_text("儿科医院党委")
    chart_after = staff.locator(".chart-svg").inner_html()
    assert chart_after != chart_before
    expect(staff.locator(".chart table")).to_contain_text("五星")
    staff.screenshot(path=tmp_path / "distribution.png", full_page=True)
