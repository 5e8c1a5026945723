"""Datasets are declarations: a ninth dataset needs a datasets.yaml entry and its CSV files, no code."""
from __future__ import annotations

import ast
import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, copy_data, weekly
from generators.charts import figures as charts
from generators.compute import highlights
from generators.tools import synth
from generators.schema.declarations import CHART_KINDS, HIGHLIGHT_RULES, packaged
from generators.load.snapshots import load_archive

HBM = """\
datasets:
  hbm_prices:
    title: HBM 价格
    description: HBM 颗粒现货价格（来源 DRAMeXchange，示例数据）。每个产品每个报价日一行。
    key: [product, date]
    entity: product
    period: {rule: window, within: period, lookback_days: 7, column: date, history_days: 182}
    correctable: price
    columns:
      product: {type: text, label: 产品, description: HBM 产品, example: HBM3E, aliases: [产品]}
      date: {type: date, label: 日期, description: 报价日期（YYYY-MM-DD）, example: 2024-11-20}
      price: {type: number, label: 现货价, unit: 美元, format: usd, range: {min: 0}, description: 现货价格（美元/GB）,
              example: "15.5", aliases: [现货价]}
      sample: {type: bool, description: 是否为示例数据, example: "true"}
    charts:
      - key: hbm_spot
        kind: lines
        title: HBM 现货价格（单位：美元/GB）
        source: DRAMeXchange，华福证券研究所
        value: price
        notes: [HBM3E 为 24GB 颗粒报价]
    entity_page:
      chart: {kind: lines, title: "{entity} 现货价格（单位：美元/GB）", value: price}
      latest: "现货价 ${price}（{date:%Y-%m-%d}）"
      said: "现货价 ${price}（{date:%m-%d}）"
"""
WEEKS = {"2024-11-15": ("2024-11-13", "15.2", "9.8"), "2024-11-22": ("2024-11-20", "15.5", "9.6")}


def hbm_project(tmp_path: Path, *, price_2024_11_22: str | None = None) -> Path:
    """A copy of data/ declaring hbm_prices (in data/datasets.yaml) with two weeks of its data."""
    data = copy_data(tmp_path)
    (data / "datasets.yaml").write_text(HBM, encoding="utf-8")
    registry = (data / "entities.yaml").read_text(encoding="utf-8")
    (data / "entities.yaml").write_text(registry.replace("products:\n", "products:\n  - {id: hbm3e, name: HBM3E, aliases: [HBM3e]}\n"
                                                         "  - {id: hbm3, name: HBM3}\n", 1), encoding="utf-8")
    for folder, (day, hbm3e, hbm3) in WEEKS.items():
        if folder == "2024-11-22" and price_2024_11_22 is not None:
            hbm3e = price_2024_11_22
        (data / folder / "hbm_prices.csv").write_text(
            f"product,date,price,sample\nHBM3E,{day},{hbm3e},true\nHBM3,{day},{hbm3},true\n", encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def hbm_site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("hbm")
    data = hbm_project(tmp)
    site = tmp / "site"
    result = weekly("build", "--data", str(data), "--site-dir", str(site), "--as-of", "2024-11-22 09:00")
    assert result.returncode == 0, result.stdout + result.stderr
    return site


def _figure(page: str, chart_id: str) -> dict:
    match = re.search(rf'<figure class="wk-chart" id="{chart_id}".*?data-figure=\'([^\']*)\'', page, re.S)
    assert match, f"no {chart_id} with a figure"
    return json.loads(match.group(1).replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))


def test_a_ninth_dataset_is_charted_on_the_issue_page_with_title_unit_source_and_notes(hbm_site):
    page = (hbm_site / "issues" / "2024-11-22" / "index.html").read_text(encoding="utf-8")
    block = page[page.index('<figure class="wk-chart" id="chart-9"'):]
    block = block[:block.index("</figure>")]
    assert 'data-chart="hbm_spot"' in block
    assert "<figcaption>图表 9：HBM 现货价格（单位：美元/GB）" in block
    assert "来源：DRAMeXchange，华福证券研究所" in block
    assert '<p class="wk-note">注：HBM3E 为 24GB 颗粒报价</p>' in block
    figure = _figure(page, "chart-9")
    assert [t["name"] for t in figure["data"]] == ["HBM3E", "HBM3"]
    assert figure["data"][0]["x"] == ["2024-11-13", "2024-11-20"] and figure["data"][0]["y"] == [15.2, 15.5]
    assert figure["layout"]["yaxis"]["tickprefix"] == "$"
    assert figure["data"][0]["hovertemplate"] == "%{x}<br>HBM3E：$%{y:,.0f}<extra></extra>"
    # The eight charts of the seed keep their numbers.
    assert page.count('<figure class="wk-chart"') == 9


def test_a_ninth_dataset_has_its_csv_downloads(hbm_site):
    issue = hbm_site / "issues" / "2024-11-22"
    assert (issue / "chart-9.csv").read_text(encoding="utf-8-sig").splitlines() == [
        "日期,HBM3E,HBM3", "2024-11-13,15.2,9.8", "2024-11-20,15.5,9.6"]
    with zipfile.ZipFile(issue / "data.zip") as bundle:
        assert bundle.read("2024-11-22/hbm_prices.csv").decode("utf-8-sig").splitlines() == [
            "product,date,price,sample", "HBM3E,2024-11-20,15.5,true", "HBM3,2024-11-20,9.6,true"]
    whole = (hbm_site / "data" / "downloads" / "hbm_prices.csv").read_text(encoding="utf-8-sig")
    assert list(csv.reader(io.StringIO(whole)))[:2] == [["issue", "product", "date", "price", "sample"],
                                                        ["2024-11-15", "HBM3E", "2024-11-13", "15.2", "true"]]


def test_a_ninth_dataset_is_described_on_the_data_page(hbm_site):
    page = (hbm_site / "data" / "index.html").read_text(encoding="utf-8")
    assert "<code>hbm_prices.csv</code>：HBM 价格" in page
    assert "现货价格（美元/GB）" in page
    assert "<code>现货价</code> → <code>price</code>" in page and "<code>price</code> 不小于 0（美元）" in page
    assert "<code>hbm_spot</code>" in page and "hbm_prices.csv" in page.split("下载全部数据")[-1]


def test_a_ninth_dataset_draws_each_entitys_history_on_its_page(hbm_site):
    page = (hbm_site / "entities" / "hbm3e" / "index.html").read_text(encoding="utf-8")
    assert "现货价 $15.50（2024-11-20）" in page
    assert "<figcaption>图表 1：HBM3E 现货价格（单位：美元/GB）" in page
    assert _figure(page, "chart-1")["data"][0]["y"] == [15.2, 15.5]
    assert "现货价 $15.50（11-20）" in page      # what the 2024-11-22 issue said about it
    assert (hbm_site / "entities" / "hbm3e" / "chart-1.csv").is_file()


def test_a_bad_value_in_a_ninth_dataset_is_reported_by_file_row_and_column(tmp_path):
    data = hbm_project(tmp_path, price_2024_11_22="n/a")
    result = weekly("check", "--data", str(data))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0].startswith("data/2024-11-22/hbm_prices.csv:2: 列 'price'：应为数字，实际为 'n/a'")


def test_a_value_outside_its_declared_range_is_reported_with_its_unit(tmp_path):
    data = hbm_project(tmp_path, price_2024_11_22="-3")
    result = weekly("check", "--data", str(data))
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith("data/2024-11-22/hbm_prices.csv:2: 列 'price'：-3 超出有效范围 0～"), first
    assert "单位" in first


def test_an_unknown_chart_kind_is_a_located_error_not_a_fallback(tmp_path):
    data = hbm_project(tmp_path)
    text = (data / "datasets.yaml").read_text(encoding="utf-8")
    (data / "datasets.yaml").write_text(text.replace("kind: lines\n", "kind: pie\n", 1), encoding="utf-8")
    line = text.splitlines().index("        kind: lines") + 1
    result = weekly("check", "--data", str(data))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        f"data/datasets.yaml:{line}: 未知的图表类型 'pie'（提示：可用：{'、'.join(CHART_KINDS)}）")


def test_a_declaration_naming_a_column_it_does_not_have_is_a_located_error(tmp_path):
    data = hbm_project(tmp_path)
    text = (data / "datasets.yaml").read_text(encoding="utf-8")
    (data / "datasets.yaml").write_text(text.replace("key: [product, date]", "key: [product, day]"), encoding="utf-8")
    line = text.splitlines().index("    key: [product, date]") + 1
    result = weekly("check", "--data", str(data))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (f"data/datasets.yaml:{line}: 数据集 'hbm_prices' 的 key 'day' 不是它的列"
                                             "（提示：可用：product、date、price、sample）")


def test_a_spreadsheets_chinese_headers_are_read_as_the_declared_columns(tmp_path):
    data = copy_data(tmp_path)
    path = data / "2024-11-22" / "stocks.csv"
    before = load_archive(data).snapshots[-1].rows
    text = path.read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    path.write_text(header.replace("change_pct", "涨跌幅").replace("market_cap", "总市值").replace("name", "公司") + "\n" + rest,
                    encoding="utf-8")
    assert load_archive(data).snapshots[-1].rows == before


def test_every_declared_kind_has_its_implementation_and_no_other():
    assert set(CHART_KINDS) == set(charts.KINDS)
    assert set(HIGHLIGHT_RULES) == set(highlights.RULES)
    assert {d.synth for d in packaged() if d.synth} <= set(synth.GENERATORS)


def test_no_dataset_is_named_in_the_code_outside_its_declaration():
    """No dataset name or file name as a string in generators/ (a column that shares a dataset's
    name, such as visits, may still be read from a row: row["visits"])."""
    names = {d.name for d in packaged()} | {d.filename for d in packaged()}
    columns = {c.name for d in packaged() for c in d.columns}
    found = []
    for path in sorted((ROOT / "generators").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        as_column = {id(n.slice) for n in ast.walk(tree) if isinstance(n, ast.Subscript)}
        as_column |= {id(k) for n in ast.walk(tree) if isinstance(n, ast.Dict) for k in n.keys if k is not None}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in names:
                if node.value in columns and id(node) in as_column:
                    continue
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    assert found == []
