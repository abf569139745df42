"""The print header (templates/_print_header.html, issue 13 item 7) names the alliance and the
day on every signed-in page without a query of its own: the alliance comes with the session's
account (auth.sessions)."""
from __future__ import annotations


def test_print_header_names_the_alliance_without_another_query(world, sign_in, count_queries):
    client = sign_in(world.staff)
    for path in ("/units", "/people", f"/units/{world.unit_a.id}"):
        client.get(path)  # warm
        with count_queries() as counter:
            html = client.get(path).get_data(as_text=True)
        assert '<header class="print-header"' in html and world.alliance.name in html
        assert "打印日期：" in html
        alone = [s for s in counter.statements if "FROM alliances" in s and "web_sessions" not in s]
        assert not alone, alone


def test_signed_out_pages_have_no_print_header(client):
    assert 'class="print-header"' not in client.get("/login").get_data(as_text=True)
