"""The annual report as files: a Word document (python-docx) with the figures and charts as
PNG images, and a workbook of its tables (``core.exports``).

The charts are drawn with Pillow (already a dependency, for uploads) in a CJK font of the
system (Noto Sans CJK or WenQuanYi, TOOLING.md §5): a few grouped bars need no plotting
library, and the document must not depend on the network."""
from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from functools import lru_cache

from alliance.core.exports import Sheet, xlsx_bytes
from alliance.reports.figures import Line, lines

# (path, face index of Simplified Chinese in the collection)
FONT_CANDIDATES = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
)
COLOURS = ("#c0392b", "#2c7be5", "#f0a202", "#27ae60")


@lru_cache(maxsize=8)
def _font(size: int):
    from PIL import ImageFont

    for path, index in FONT_CANDIDATES:
        try:
            return ImageFont.truetype(path, size, index=index)
        except OSError:
            continue
    return ImageFont.load_default(size)  # no CJK font installed: the labels show as boxes


def bar_png(title: str, labels: Sequence[str], series: Mapping[str, Sequence[float]],
            width: int = 1200, height: int = 600) -> bytes:
    """A grouped bar chart as PNG bytes: one group per label, one bar per series, values printed."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((width // 2, 30), title, fill="#222", font=_font(34), anchor="mt")
    left, right, top, bottom = 80, width - 40, 110, height - 90
    top_value = max([float(v) for values in series.values() for v in values] + [1.0])
    draw.line((left, bottom, right, bottom), fill="#888", width=2)
    group = (right - left) / max(len(labels), 1)
    bar = group * 0.7 / max(len(series), 1)
    for i, label in enumerate(labels):
        x0 = left + i * group + group * 0.15
        for j, (_name, values) in enumerate(series.items()):
            value = float(values[i] or 0)
            h = (bottom - top) * value / top_value
            box = (x0 + j * bar, bottom - h, x0 + (j + 1) * bar - 4, bottom)
            draw.rectangle(box, fill=COLOURS[j % len(COLOURS)])
            shown = f"{value:g}"
            draw.text(((box[0] + box[2]) / 2, box[1] - 6), shown, fill="#222", font=_font(22), anchor="mb")
        draw.text((left + (i + 0.5) * group, bottom + 12), label, fill="#222", font=_font(24), anchor="mt")
    x = left
    for j, name in enumerate(series):
        draw.rectangle((x, height - 40, x + 24, height - 16), fill=COLOURS[j % len(COLOURS)])
        draw.text((x + 32, height - 28), name, fill="#222", font=_font(22), anchor="lm")
        x += 60 + int(draw.textlength(name, font=_font(22)))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def chart_series(report: dict, previous: dict | None) -> list[tuple[str, list[str], dict[str, list[float]]]]:
    """The charts of the report (title, labels, series), this year beside the year before."""
    year = report["year"]

    def both(values) -> dict[str, list[float]]:
        series = {f"{year}年": [float(v(report)) for v in values]}
        if previous is not None:
            series[f"{year - 1}年"] = [float(v(previous)) for v in values]
        return series

    stars = [lambda r, k=k: r["ratings"]["by_stars"][k] for k in ("5", "4", "3")]
    stages = report["projects"]["by_stage"]
    from alliance.lists.models import PROJECT_STAGES

    return [
        ("星级党组织", ["五星", "四星", "三星"], both(stars)),
        ("项目阶段", [PROJECT_STAGES.label(c) for c in stages],
         both([lambda r, c=c: r["projects"]["by_stage"].get(c, 0) for c in stages])),
        ("文明实践与联席会议", ["文明实践活动（场）", "召开会议（次）", "新加入单位（家）"],
         both([lambda r: r["civic"]["events"], lambda r: r["meetings"]["held"], lambda r: r["units"]["joined"]])),
    ]


def _sections(figure_lines: list[Line]) -> dict[str, list[Line]]:
    out: dict[str, list[Line]] = {}
    for line in figure_lines:
        out.setdefault(line.section, []).append(line)
    return out


def docx_bytes(report: dict, previous: dict | None, alliance_name: str) -> bytes:
    """年度工作总结（数据）: every figure with last year's beside it, the charts, the tables."""
    from docx import Document
    from docx.shared import Cm

    year = report["year"]
    document = Document()
    document.styles["Normal"].font.name = "SimSun"
    document.add_heading(f"{alliance_name}{year}年度工作总结（数据）", level=0)
    civic = report["civic"]
    document.add_paragraph(
        f"{year}年末成员单位{report['units']['total']}家（当年新加入{report['units']['joined']}家）；"
        f"召开会议{report['meetings']['held']}次；当年项目{report['projects']['total']}个；"
        f"评定五星党组织{report['ratings']['by_stars']['5']}个、四星{report['ratings']['by_stars']['4']}个、"
        f"三星{report['ratings']['by_stars']['3']}个；建成实践站{civic['stations']}个、益空间{civic['spaces']}个，"
        f"开展文明实践活动{civic['events']}场，受众{civic['audience']}人次。各项数字均由系统记录统计。")
    for section, section_lines in _sections(lines(report, previous)).items():
        document.add_heading(section, level=1)
        table = document.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("指标", f"{year}年", f"{year - 1}年", "增减"), strict=True):
            cell.text = text
        for line in section_lines:
            cells = table.add_row().cells
            cells[0].text = line.label
            cells[1].text = line.shown()
            cells[2].text = line.shown(line.previous) if line.previous is not None else "—"
            change = line.change
            cells[3].text = "—" if change is None else (f"+{change:g}" if change > 0 else f"{change:g}")
    document.add_heading("图表", level=1)
    for title, labels, series in chart_series(report, previous):
        document.add_picture(io.BytesIO(bar_png(title, labels, series)), width=Cm(15))
    for sheet in table_sheets(report)[1:]:
        document.add_heading(sheet.title, level=1)
        rows = list(sheet.rows)
        if not rows:
            document.add_paragraph("（无）")
            continue
        table = document.add_table(rows=1, cols=len(sheet.headers))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, sheet.headers, strict=True):
            cell.text = str(text)
        for row in rows:
            for cell, value in zip(table.add_row().cells, row, strict=True):
                cell.text = "" if value is None else str(value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def table_sheets(report: dict, previous: dict | None = None) -> list[Sheet]:
    """The report's tables: the figures, projects by category, drives, activities per unit,
    volunteers by team, venues with no event."""
    year = report["year"]
    figure_rows = [(line.section, line.label, line.value, line.previous, line.change, line.unit)
                   for line in lines(report, previous)]
    drives = [(d["name"], d["made"], d["handed_out"], d["volunteers"],
               "；".join(f"{h['on'].month}月{h['on'].day}日 {h['quantity']}" for h in d["handouts"]))
              for d in report["drives"]]
    return [
        Sheet(f"{year}年主要指标", ("类别", "指标", f"{year}年", f"{year - 1}年", "增减", "单位"), figure_rows,
              widths=(16, 22, 12, 12, 10, 8)),
        Sheet("项目类别", ("类别", "项目数"), [(c["name"], c["count"]) for c in report["projects"]["by_category"]],
              widths=(20, 10)),
        Sheet("物品台账", ("物品", "制作", "发放", "制作志愿者", "发放日期与数量"), drives, widths=(24, 8, 8, 10, 36)),
        Sheet("各单位共建活动", ("单位", "活动数"),
              [(u["name"], u["count"]) for u in report["activities"]["by_unit"]], widths=(40, 10)),
        Sheet("志愿服务队", ("服务队", "志愿者"), [(t["name"], t["volunteers"]) for t in report["civic"]["teams"]],
              widths=(36, 10)),
        Sheet("当年无活动的阵地", ("阵地", "类型"),
              [(v["name"], "实践站" if v["kind"] == "station" else "益空间")
               for v in report["civic"]["venues_without_event"]], widths=(40, 10)),
    ]


def workbook_bytes(report: dict, previous: dict | None) -> bytes:
    return xlsx_bytes(table_sheets(report, previous))
