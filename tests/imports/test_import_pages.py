"""The import pages: upload, preview bound to the file, confirm; refusals in Chinese."""
from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from alliance.members.models import MemberUnit


def _upload(client, data: bytes, name: str = "units.csv"):
    return client.post("/imports/units", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _units(db) -> int:
    return db.session.scalar(select(func.count()).select_from(MemberUnit))


def test_preview_then_commit_of_the_same_file(world, sign_in, db):
    client = sign_in(world.staff)
    data = "单位名称,类别\r\n上海力波,企业\r\n".encode("utf-8-sig")
    preview = _upload(client, data)
    html = preview.get_data(as_text=True)
    assert "导入预览：成员单位" in html and "新增 <strong>1</strong>" in html
    sha = re.search(r'name="sha256" type="hidden" value="([0-9a-f]{64})"', html)[1]
    before = _units(db)

    # Another account cannot commit this preview, and a hash of no preview is refused.
    other = sign_in(world.admin)
    response = other.post("/imports/units/commit", data={"sha256": sha, "existing": "update"},
                          follow_redirects=True)
    assert "预览已失效" in response.get_data(as_text=True) and _units(db) == before
    response = client.post("/imports/units/commit", data={"sha256": "f" * 64}, follow_redirects=True)
    assert "预览已失效" in response.get_data(as_text=True) and _units(db) == before

    response = client.post("/imports/units/commit", data={"sha256": sha, "existing": "update"},
                           follow_redirects=True)
    assert "已导入成员单位：新增 1 条" in response.get_data(as_text=True)
    assert _units(db) == before + 1
    again = client.post("/imports/units/commit", data={"sha256": sha}, follow_redirects=True)
    assert "预览已失效" in again.get_data(as_text=True), "a preview commits once"
    assert _units(db) == before + 1


def test_refused_file_is_explained_at_the_field(world, sign_in):
    client = sign_in(world.staff)
    response = _upload(client, b"", "units.xlsm")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "文件是空的" in html or "请选择要导入的文件" in html
    response = _upload(client, "传真\r\n1\r\n".encode(), "units.csv")
    assert "缺少必填列：单位名称" in response.get_data(as_text=True)


def test_preview_lists_problems_and_offers_no_commit(world, sign_in, db):
    client = sign_in(world.staff)
    html = _upload(client, "单位名称,类别\r\n甲,饭店\r\n乙,企业\r\n".encode()).get_data(as_text=True)
    assert "有 1 处问题" in html and "第 2 行“类别”" in html
    assert 'id="import-commit"' not in html
