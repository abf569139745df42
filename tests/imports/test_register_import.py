"""Importing the register from spreadsheets: preview, all-or-nothing commit, round trip,
hostile files, and who may do it (issue 12)."""
from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from stdnum.cn.uscc import calc_check_digit

from alliance.audit.context import acting_as
from alliance.audit.models import AuditEntry
from alliance.members.models import MemberUnit, Person, UnitRole
from tests import factories

CODE = "91310112MA1GB7770" + calc_check_digit("91310112MA1GB7770")

UNIT_HEADERS = ["单位名称", "统一社会信用代码", "类别", "加入日期"]
PEOPLE_HEADERS = ["姓名", "手机", "所在单位", "职务类别", "职务"]


def _xlsx(headers, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv(headers, rows, encoding="utf-8-sig") -> bytes:
    lines = [",".join(headers)] + [",".join(str(v) for v in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def _post(api, kind, data, filename, **query):
    qs = "&".join(f"{k}={'true' if v is True else 'false' if v is False else v}" for k, v in query.items())
    return api.post(f"/api/v1/imports/{kind}" + (f"?{qs}" if qs else ""),
                    data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def _count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_template_has_chinese_headers_dropdowns_and_instructions(world, api_as):
    response = api_as(world.staff).get("/api/v1/imports/units/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["成员单位", "选项", "填写说明"]
    sheet = book["成员单位"]
    assert [c.value for c in sheet[1]][:4] == ["单位名称", "简称", "统一社会信用代码", "类别"]
    validations = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    assert "D2" in validations and "E2" in validations, "类别 and 层级 are drop-downs"
    assert "部队" in [c.value for c in book["选项"]["D"]]
    help_text = "\n".join(str(c.value) for c in book["填写说明"]["A"] if c.value)
    assert "单位名称（必填）" in help_text and "留空的单元格表示不修改" in help_text
    people = load_workbook(io.BytesIO(api_as(world.staff).get("/api/v1/imports/people/template.xlsx").data))
    assert [c.value for c in people.active[1]][:3] == ["姓名", "手机", "邮箱"]


def test_dry_run_counts_new_changed_unchanged_and_names_each_problem(world, api_as, db):
    factories.make_unit(world.alliance, "上海银行梅陇支行", uscc=CODE, category="bank")
    rows = [
        ["上海银行梅陇支行", CODE, "金融机构", ""],  # unchanged
        ["梅陇镇社区卫生服务中心", "", "医院", "2021-01-21"],  # new
        ["梅陇镇社区卫生服务中心", "", "医院", ""],  # same name twice in the file
        ["空军某部", "91310112MA1GBUG23X", "部队", "2021-02-30"],  # bad code, impossible date
        ["某单位", "", "饭店", ""],  # unknown category
    ]
    before = _count(db, MemberUnit)
    body = _post(api_as(world.staff), "units", _xlsx(UNIT_HEADERS, rows), "units.xlsx", dry_run=True).get_json()
    assert {k: body[k] for k in ("total", "created", "updated", "unchanged")} == {
        "total": 5, "created": 1, "updated": 0, "unchanged": 1}
    problems = {(e["row"], e["column"]): e["message"] for e in body["errors"]}
    assert "与第 3 行的单位名称重复" in problems[(4, "单位名称")]
    assert "日期“2021-02-30”不存在" in problems[(5, "加入日期")]
    assert "饭店" in problems[(6, "类别")]
    assert _count(db, MemberUnit) == before, "a dry run saves nothing"


def test_commit_is_all_or_nothing_with_one_bad_row_among_a_thousand(world, api_as, db):
    rows = [[f"示例单位{i:04d}", "", "企业", "2021-01-21"] for i in range(1000)]
    rows[637][2] = "不存在的类别"
    api = api_as(world.staff)
    before = _count(db, MemberUnit), _count(db, AuditEntry)
    response = _post(api, "units", _xlsx(UNIT_HEADERS, rows), "units.xlsx")
    assert response.status_code == 422
    body = response.get_json()
    assert body["errors"] == [{"row": 639, "column": "类别", "field": "category",
                               "message": body["errors"][0]["message"]}]
    assert "不存在的类别" in body["errors"][0]["message"]
    assert body["error"]["fields"]["file"]
    assert (_count(db, MemberUnit), _count(db, AuditEntry)) == before

    rows[637][2] = "企业"
    response = _post(api, "units", _xlsx(UNIT_HEADERS, rows), "单位名册.xlsx")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["created"] == 1000
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.record_type == "MemberUnit", AuditEntry.source == "import")).all()
    assert len(entries) == 1000
    assert entries[0].changes["source_file"][1].startswith("单位名册.xlsx（sha256 ")


def test_changes_show_before_and_after_and_can_be_skipped(world, api_as, db):
    unit = factories.make_unit(world.alliance, "上海银行梅陇支行", uscc=CODE, category="bank")
    data = _csv(["统一社会信用代码", "单位名称", "类别", "地址"], [[CODE, "上海银行梅陇支行", "金融机构", "莲花南路"]])
    body = _post(api_as(world.staff), "units", data, "u.csv", dry_run=True).get_json()
    assert body["updated"] == 1 and not body["errors"]
    response = _post(api_as(world.staff), "units", data, "u.csv", update=False)
    assert response.status_code == 201 and response.get_json()["updated"] == 0
    db.session.refresh(unit)
    assert unit.address is None
    assert _post(api_as(world.staff), "units", data, "u.csv").get_json()["updated"] == 1
    db.session.refresh(unit)
    assert unit.address == "莲花南路"


def test_people_with_roles_and_gb18030_csv(world, api_as, db):
    rows = [["张轩", "13800138001", world.unit_a.name, "书记", "党委书记"],
            ["李四", "13800138002", world.unit_a.name, "联络员", ""],
            ["王五", "13800138001", "", "", ""],  # mobile twice in the file
            ["赵六", "", "不存在的单位", "书记", ""]]
    body = _post(api_as(world.staff), "people", _csv(PEOPLE_HEADERS, rows, "gb18030"), "p.csv",
                 dry_run=True).get_json()
    problems = {(e["row"], e["column"]) for e in body["errors"]}
    assert problems == {(4, "手机"), (5, "所在单位")}
    response = _post(api_as(world.staff), "people", _csv(PEOPLE_HEADERS, rows[:2], "gb18030"), "p.csv")
    assert response.status_code == 201, response.get_json()
    secretary = db.session.scalar(select(UnitRole).where(UnitRole.unit_id == world.unit_a.id,
                                                         UnitRole.role == "secretary"))
    assert secretary.person.name == "张轩" and secretary.ended_on is None and secretary.title == "党委书记"
    # a new secretary in a later file ends the term of the one before
    later = [["钱七", "13800138009", world.unit_a.name, "书记", ""]]
    assert _post(api_as(world.staff), "people", _csv(PEOPLE_HEADERS, later), "p2.csv").status_code == 201
    db.session.refresh(secretary)
    assert secretary.ended_on is not None
    current = db.session.scalars(select(UnitRole).where(
        UnitRole.unit_id == world.unit_a.id, UnitRole.role == "secretary", UnitRole.ended_on.is_(None))).all()
    assert [r.person.name for r in current] == ["钱七"]


def test_a_mobile_taken_by_another_person_is_refused(world, api_as):
    factories.make_person(world.alliance, "徐虹", mobile="13800138000")
    body = _post(api_as(world.staff), "people", _csv(["姓名", "手机"], [["徐红", "13800138000"]]), "p.csv",
                 dry_run=True).get_json()
    assert body["updated"] == 1, "same mobile: the registered person, renamed"
    factories.make_person(world.alliance, "张三", mobile="13900139000")
    body = _post(api_as(world.staff), "people", _csv(["姓名", "手机", "邮箱"], [["张三", "13900139000", "bad"]]),
                 "p.csv", dry_run=True).get_json()
    assert body["errors"][0]["column"] == "邮箱"


def _zip_with(data: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info.filename))
        archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(("case", "message"), [
    ("empty", "文件是空的"), ("macro", "含宏"), ("xlsm", "含宏"), ("encrypted", "已加密"),
    ("bomb", "压缩炸弹"), ("no header", "没有表头行"), ("missing column", "缺少必填列：单位名称"),
    ("unknown column", "无法识别的列：传真"), ("encoding", "无法识别 CSV 文件的编码"),
    ("too many rows", "数据超过 20000 行"), ("formula", None),
])
def test_hostile_files_are_refused_and_nothing_is_saved(world, api_as, db, case, message):
    good = _xlsx(UNIT_HEADERS[:1] + ["类别"], [["甲单位", "企业"]])
    files = {
        "empty": (b"", "u.xlsx"),
        "macro": (_zip_with(good, "xl/vbaProject.bin", b"\0" * 64), "u.xlsx"),
        "xlsm": (good, "u.xlsm"),
        "encrypted": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000, "u.xlsx"),
        "bomb": (_zip_with(good, "xl/media/x.bin", b"\0" * (110 * 1024 * 1024)), "u.xlsx"),
        "no header": (_xlsx([], []), "u.xlsx"),
        "missing column": (_csv(["类别"], [["企业"]]), "u.csv"),
        "unknown column": (_csv(["单位名称", "类别", "传真"], [["甲", "企业", "1"]]), "u.csv"),
        "encoding": ("单位名称,类别\n甲,企业\n".encode("utf-16"), "u.csv"),
        "too many rows": (_csv(["单位名称", "类别"], [[f"单位{i}", "企业"] for i in range(20_001)]), "u.csv"),
        "formula": (_xlsx(["单位名称", "类别"], [["=HYPERLINK(\"http://evil\",\"x\")", "企业"]]), "u.xlsx"),
    }
    data, name = files[case]
    before = _count(db, MemberUnit)
    response = _post(api_as(world.staff), "units", data, name)
    if message is None:  # a formula is imported as its text, never evaluated
        assert response.status_code == 201
        names = db.session.scalars(select(MemberUnit.name)).all()
        assert '=HYPERLINK("http://evil","x")' in names
        return
    assert response.status_code == 422
    assert message in response.get_json()["error"]["fields"]["file"][0]
    assert _count(db, MemberUnit) == before


def test_only_managers_may_import(world, api_as):
    data = _csv(["单位名称", "类别"], [["甲", "企业"]])
    for who in (world.liaison_a, world.organizer):
        assert _post(api_as(who), "units", data, "u.csv").status_code == 403
        assert api_as(who).get("/api/v1/imports/units/template.xlsx").status_code == 403
    assert _post(api_as(None), "units", data, "u.csv").status_code == 401
    assert _post(api_as(world.staff), "volunteers", data, "u.csv").status_code == 404


def test_export_imports_back_unchanged(app, db, api_as, runner):
    """The demo's own export, imported back: nothing changes (the round trip of issue 12)."""
    from alliance.auth.models import User

    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    staff = db.session.scalar(select(User).where(User.username == "staff"))
    api = api_as(staff)
    units = api.get("/api/v1/units.xlsx")
    people = api.get("/api/v1/people.xlsx?full_mobiles=true")
    assert units.status_code == people.status_code == 200
    before = _count(db, MemberUnit), _count(db, Person), _count(db, UnitRole)
    for kind, response in (("units", units), ("people", people)):
        body = _post(api, kind, response.data, f"{kind}.xlsx", dry_run=True).get_json()
        assert body["errors"] == [] and body["created"] == 0 and body["updated"] == 0, (kind, body)
        assert body["unchanged"] == body["total"] > 0
    csv_body = _post(api, "people", api.get("/api/v1/people.csv?full_mobiles=true").data, "p.csv",
                     dry_run=True).get_json()
    assert csv_body["errors"] == [] and csv_body["created"] == csv_body["updated"] == 0
    assert (_count(db, MemberUnit), _count(db, Person), _count(db, UnitRole)) == before
    exports = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all()
    assert len(exports) == 3 and exports[1].changes["options"][1]["full_mobiles"] is True


def test_exports_mask_mobiles_for_organizers_and_military_units(world, api_as, db):
    from alliance.members import services

    army = factories.make_unit(world.alliance, "空军某部", category="military")
    with acting_as(factories.SETUP):
        for name, mobile, unit in (("张轩", "13800138000", army), ("徐虹", "13900139000", world.unit_a)):
            person = factories.make_person(world.alliance, name, mobile=mobile)
            services.assign_role(unit, person, {"role": "secretary", "started_on": date(2021, 1, 1)})
        db.session.commit()
    def mobiles(who, query=""):
        sheet = load_workbook(io.BytesIO(api_as(who).get(f"/api/v1/people.xlsx?sort=strokes{query}").data)).active
        return {row[0].value: row[1].value for row in sheet.iter_rows(min_row=2)}
    assert mobiles(world.staff, "&full_mobiles=true") == {"张轩": "138****8000", "徐虹": "13900139000"}
    assert mobiles(world.staff) == {"张轩": "138****8000", "徐虹": "139****9000"}
    assert mobiles(world.organizer, "&full_mobiles=true") == {"张轩": "138****8000", "徐虹": "139****9000"}
    csv_data = api_as(world.staff).get("/api/v1/units.csv?q=空军").data
    assert csv_data.startswith(b"\xef\xbb\xbf") and "空军某部" in csv_data.decode("utf-8-sig")
