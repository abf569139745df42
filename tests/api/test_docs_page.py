"""/api/docs: a page of this app (viewport, Chinese title, a way back, the site's icon) and a
document whose headings are Chinese."""
from __future__ import annotations

import re

import pytest

from alliance.api import doc_tag

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_docs_page_fits_a_phone_and_leads_back_to_the_app(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "<title>接口文档 · 联盟通</title>" in page
    back = re.search(r'<a class="docs-back" href="([^"]+)">([^<]+)</a>', page)
    assert back and back.group(1) == "/" and "返回联盟通" in back.group(2)


@pytest.mark.parametrize("path", ["/api/docs", "/login"])
def test_pages_link_the_sites_icon_served_locally(client, path):
    page = client.get(path).get_data(as_text=True)
    assert 'href="data:,"' not in page
    icons = re.findall(r'<link rel="icon" href="([^"]+)"[^>]*>', page)
    assert sorted(icons) == ["/static/favicon.ico", "/static/favicon.svg"]
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    ico = client.get("/static/favicon.ico")
    assert ico.status_code == 200 and ico.data[:4] == b"\x00\x00\x01\x00"  # an ICO header


def test_swagger_ui_starts_without_its_own_top_bar(client):
    script = client.get("/static/js/swagger-init.js").get_data(as_text=True)
    assert '"BaseLayout"' in script and "StandaloneLayout" not in script


def test_the_document_has_a_chinese_title_and_chinese_tags(client):
    document = client.get("/api/openapi.json").get_json()
    assert CJK.search(document["info"]["title"])
    tags = [tag["name"] for tag in document["tags"]]
    assert tags and all(CJK.search(t) and "_" not in t for t in tags), tags
    assert len(tags) == len(set(tags))
    assert "操作日志" in tags and "联席会议" in tags
    used = {tag for item in document["paths"].values() for operation in item.values()
            if isinstance(operation, dict) for tag in operation.get("tags", ())}
    assert used == set(tags)  # every operation under a declared heading, none left empty


def test_a_blueprint_description_names_its_tag():
    assert doc_tag("audit_api", "操作日志（只读）") == ("操作日志", "只读")
    assert doc_tag("x_api", "三张清单：需求、资源") == ("三张清单", "需求、资源")
    assert doc_tag("x_api", "成员单位、人员与单位职务") == ("成员单位、人员与单位职务", None)
    assert doc_tag("imports_api", "批量导入（units）：先预览") == ("批量导入", "批量导入（units）：先预览")
    assert doc_tag("x_api", None) == ("x_api", None)
    assert doc_tag("x_api", "（只读）") == ("x_api", "（只读）")
