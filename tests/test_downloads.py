"""Downloads: every chart's CSV is exactly its data, Excel-safe (BOM, no formulas), at stable URLs."""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook

from generators.charts.figures import Chart, Table
from generators.schema.declarations import packaged

SPECS = packaged().charts
from generators.pages.urls import ALL_DATA_XLSX as ARCHIVE_XLSX
from generators.exports.files import SharedStrings, workbook_xlsx, chart_csv, chart_rows, csv_bytes, xlsx_rows
from generators.assemble.pipeline import run

from conftest import DATA

SITE = run(DATA)
CHARTS = [(f"issues/{slug}", c) for slug, charts in SITE.charts.items() for c in charts] + \
         [(f"entities/{eid}", c) for eid, charts in SITE.entity_charts.items() for c in charts]


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def number(text: str) -> float | None:
    return float(text) if text != "" else None


@pytest.mark.parametrize("folder, chart", [c for c in CHARTS if c[1].figure["data"]],
                         ids=lambda v: v if isinstance(v, str) else f"chart-{v.number}")
def test_every_charts_csv_equals_the_charts_data(folder, chart):
    rows = read_csv(SITE.files[f"{folder}/chart-{chart.number}.csv"])
    header, body = rows[0], rows[1:]
    traces = chart.figure["data"]
    if traces[0].get("orientation") == "h":
        shown = {(y, x) for y, x in zip(traces[0]["y"], traces[0]["x"])}
        assert {(r[0], number(r[2])) for r in body} == shown
        assert len(body) == len(traces[0]["y"])
        return
    assert header[0] == chart.table.columns[0]
    unit = "（万次）" if chart.key.startswith(("visits", "downloads")) else ""
    assert all(h.endswith(unit) for h in header[1:]), header
    in_csv = {(header[i].removesuffix(unit) if unit else header[i], r[0]): number(r[i])
              for r in body for i in range(1, len(header)) if r[i] != ""}
    in_figure = {(t.get("name") or chart.title, x): y for t in traces for x, y in zip(t["x"], t["y"])}
    assert in_csv == in_figure


def test_issue_page_links_each_chart_csv_and_the_issue_zip():
    page = SITE.pages["issues/2024-11-22.md"]
    for n in range(1, 9):
        assert f'href="chart-{n}.csv" download>下载数据</a>' in page
    assert 'href="data.zip" download>下载本期全部数据' in page
    with zipfile.ZipFile(io.BytesIO(SITE.files["issues/2024-11-22/data.zip"])) as bundle:
        names = set(bundle.namelist())
        assert {"2024-11-22/stocks.csv", "2024-11-22/visits.csv", "2024-11-22/chart-1.csv"} <= names
        stocks = read_csv(bundle.read("2024-11-22/stocks.csv"))
    assert ["英伟达", "NVDA.O", "美股", "GPU/CPU", "3.54", "", "", "false"] in stocks


def test_csv_neutralises_text_that_could_run_as_a_formula_but_keeps_negative_numbers_numeric():
    rows = read_csv(csv_bytes(["name", "change_pct"], [["=HYPERLINK(\"http://x\")", -1.62], ["+1", 3.54], ["-cmd", 0.0],
                                                       ["@SUM(A1)", 90500.0], ["英伟达", None]]))
    assert rows == [["name", "change_pct"], ["'=HYPERLINK(\"http://x\")", "-1.62"], ["'+1", "3.54"],
                    ["'-cmd", "0"], ["'@SUM(A1)", "90500"], ["英伟达", ""]]


def test_whole_archive_downloads_at_stable_urls_with_every_row():
    for name in ("stocks", "visits", "downloads", "gpu_prices"):
        rows = read_csv(SITE.files[f"data/downloads/{name}.csv"])
        assert rows[0][0] == "issue"
        assert len(rows) - 1 == len(SITE.archive.stacked_rows(name))
    assert "[suanli-weekly.xlsx](data/downloads/suanli-weekly.xlsx)" in SITE.pages["data.md"]


def test_whole_archive_xlsx_keeps_numbers_numeric():
    book = load_workbook(io.BytesIO(SITE.files[ARCHIVE_XLSX]))
    assert book.sheetnames == ["stocks", "visits", "downloads", "gpu_prices"]
    rows = list(book["stocks"].iter_rows(values_only=True))
    assert rows[0][:3] == ("issue", "name", "ticker")
    assert len(rows) - 1 == len(SITE.archive.stacked_rows("stocks"))
    intel = [r for r in rows if r[1] == "英特尔" and str(r[0]).startswith("2024-11-22")]
    assert intel and intel[0][5] == -1.62


def _as_csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def test_every_cell_of_the_whole_archive_workbook_equals_its_csv():
    # Text cells refer to one shared-string table built issue by issue; a wrong reference shows here
    # (test_cache checks that a cached build's workbook is byte for byte a fresh one's).
    book = load_workbook(io.BytesIO(SITE.files[ARCHIVE_XLSX]))
    for name in book.sheetnames:
        in_book = [[_as_csv_text(v) for v in row] for row in book[name].iter_rows(values_only=True)]
        assert in_book == read_csv(SITE.files[f"data/downloads/{name}.csv"]), name


@pytest.mark.build
def test_built_site_serves_chart_csvs_beside_the_issue_page(built_site):
    issue = built_site / "issues" / "2024-11-22"
    assert (issue / "chart-1.csv").read_bytes() == SITE.files["issues/2024-11-22/chart-1.csv"]
    assert (issue / "data.zip").exists()
    assert 'href="chart-1.csv"' in (issue / "index.html").read_text(encoding="utf-8")
    assert (built_site / "data" / "downloads" / "suanli-weekly.xlsx").exists()
    assert (built_site / "entities" / "nvidia" / "chart-1.csv").exists()


def test_whole_archive_xlsx_neutralises_formulas_and_escapes_markup():
    rows = [["name", "value"], ["=cmd|' /C calc'!A0", 1.5], ["<b>&\"x\"</b>", -2.0], ["英伟达", None]]
    book = load_workbook(io.BytesIO(workbook_xlsx({"t": xlsx_rows(rows)})))
    assert list(book["t"].iter_rows(values_only=True)) == [
        ("name", "value"), ("'=cmd|' /C calc'!A0", 1.5), ("<b>&\"x\"</b>", -2.0), ("英伟达", None)]


def test_whole_archive_xlsx_keeps_the_spaces_around_a_text():
    # SpreadsheetML leaves outer spaces to the reader unless the text says xml:space="preserve"
    # (openpyxl keeps them either way; Excel need not).
    rows = [[" 前后有空格 ", "无空格", "末尾制表\t"]]
    book = workbook_xlsx({"t": xlsx_rows(rows)})
    assert [c.value for c in load_workbook(io.BytesIO(book))["t"][1]] == rows[0]
    sheet = zipfile.ZipFile(io.BytesIO(book)).read("xl/worksheets/sheet1.xml").decode()
    assert '<t xml:space="preserve"> 前后有空格 </t>' in sheet and "<t>无空格</t>" in sheet
    assert '<t xml:space="preserve">末尾制表\t</t>' in sheet


def test_a_charts_csv_leaves_a_blank_where_a_series_has_no_value_for_a_date():
    figure = {"data": [{"name": "甲", "x": ["2024-11-01", "2024-11-08"], "y": [1.5, 2]},
                       {"name": "乙, 新", "x": ["2024-11-08"], "y": [3]}], "layout": {}}
    chart = Chart(SPECS[1], "t", figure, Table(("周",)), (), False, unit="万次")     # a count, read in 次 on the page
    assert chart_csv(chart) == "\ufeff周,甲（万次）,\"乙, 新（万次）\"\r\n2024-11-01,1.5,\r\n2024-11-08,2,3\r\n".encode()
    assert chart_csv(chart) == csv_bytes(*chart_rows(chart))


def test_shared_strings_hold_texts_and_dates_and_leave_numbers_and_blanks_alone():
    shared = SharedStrings()
    rows = [["英伟达", date(2024, 11, 22), 1.5, True, None, "x"],
            ["=1+1", date(2024, 11, 22), -2.0, False, " 空格 ", 3.0],
            ["英伟达", None, None, None, None, None]]
    book = load_workbook(io.BytesIO(workbook_xlsx({"t": xlsx_rows(rows, shared)}, shared)))
    assert list(book["t"].iter_rows(values_only=True)) == [
        ("英伟达", "2024-11-22", 1.5, True, None, "x"),
        ("'=1+1", "2024-11-22", -2.0, False, " 空格 ", 3.0),
        ("英伟达", None, None, None, None, None)]
    assert list(shared.index) == ["英伟达", "'=1+1", "2024-11-22", " 空格 "]   # each text once; the mixed column inline
