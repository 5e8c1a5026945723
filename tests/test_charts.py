"""Charts and render stage: pure functions from frames to figures and Markdown."""
from __future__ import annotations

import json
from html import unescape

import pytest

import plotly.graph_objects as go

from generators.charts.figures import DOWN, UP, Chart, Table, build_charts, draw, figure_json
from generators.schema.declarations import packaged

SPECS = packaged().charts
from generators.compute.history import History
from generators.load.snapshots import load_archive
from generators.pages.issue import chart_html, _escape_html
from generators.schema.units import pct, wan, wan_ticks

from conftest import DATA


@pytest.fixture(scope="module")
def archive():
    return load_archive(DATA)


def seed_charts(archive):
    history = History(archive)
    issue = archive.issues[-1]
    frames = {n: history.visible(n, issue.date) for n in ("visits", "downloads", "gpu_prices")}
    frames["stocks"] = archive.snapshots[-1].rows["stocks"]
    return build_charts(issue, frames)


def test_every_chart_of_every_issue_is_a_valid_plotly_figure_without_template(archive):
    history = History(archive)
    for snapshot in archive.snapshots:
        frames = {n: history.visible(n, snapshot.issue.date) for n in ("visits", "downloads", "gpu_prices")}
        frames["stocks"] = snapshot.rows["stocks"]
        charts = build_charts(snapshot.issue, frames)
        assert [c.number for c in charts] == list(range(1, 9))
        for chart in charts:
            go.Figure(chart.figure)      # plotly rejects a figure its schema does not allow
            assert "template" not in chart.figure["layout"]
            assert chart.figure["data"], f"{snapshot.issue.date} chart {chart.number} is empty"


def test_stock_bars_are_red_for_up_and_green_for_down():
    rows = [{"name": name, "ticker": ticker, "market": "A股", "segment": "GPU/CPU", "change_pct": change,
             "market_cap": None, "close": None, "sample": False} for name, ticker, change in (("甲", "1", 2.5), ("乙", "2", -1.25))]
    stocks = packaged().by_name["stocks"]
    figure, table, _ = draw(stocks.charts[0], stocks, rows)
    colors = dict(zip(figure["data"][0]["y"], figure["data"][0]["marker"]["color"]))
    assert colors == {"甲": UP, "乙": DOWN}
    column = table.columns.index("周涨跌幅")
    assert [row[column] for row in table.rows] == ["+2.50%", "-1.25%"]


def test_time_charts_draw_the_history_of_every_snapshot_up_to_the_issue(archive):
    charts = seed_charts(archive)
    overseas = next(c for c in charts if c.key == "visits_text_overseas")
    chatgpt = next(t for t in overseas.figure["data"] if t["name"] == "ChatGPT")
    weeks = [s.issue.data_periods["visits"].start.isoformat() for s in archive.snapshots]
    assert chatgpt["x"] == weeks
    assert chatgpt["y"][-1] == 90500


def test_an_issue_never_sees_rows_from_a_later_snapshot(archive):
    history = History(archive)
    first = archive.issues[0]
    visits = history.visible("visits", first.date)
    assert visits and {row["issue"] for row in visits} == {first.date}
    assert history.visible("visits", archive.issues[-1].date)    # later issues see more...
    assert {row["issue"] for row in history.visible("visits", first.date)} == {first.date}   # ...and replaying back is exact


def test_charts_with_sample_rows_are_badged_and_real_ones_are_not(archive):
    charts = seed_charts(archive)
    flags = {c.key: c.sample for c in charts}
    assert flags["visits_text_overseas"] is True
    html = chart_html(charts[1])
    assert "示例数据" in html


def test_seed_chart_notes_and_sources_follow_the_report(archive):
    charts = {c.number: c for c in seed_charts(archive)}
    assert charts[1].title == "算力股价本周复盘（1118-1120）"
    assert charts[1].spec.source == "Wind，iFinD，华福证券研究所"
    assert charts[4].notes == ("ideogram访问量数据从 2024 年 7 月 11 日开始统计",)
    assert charts[6].notes == ("文小言即为原文心一言", "11月数据为非完全统计")
    assert charts[7].notes == ("蓝色代表新品售卖价格，红色代表二手商品价格",)


def test_chinese_units_use_wan_and_yi():
    assert wan(90500) == "9.05亿"
    assert wan(764) == "764万"
    assert pct(3.54) == "+3.54%" and pct(-1.2) == "-1.20%"
    vals, texts = wan_ticks(90500)
    assert texts[:3] == ("0", "2亿", "4亿")


def test_figure_json_is_compact_and_attribute_safe(archive):
    chart = seed_charts(archive)[0]
    text = figure_json(chart.figure)
    assert ", " not in text and ": " not in text
    html = chart_html(chart)
    assert "</script" not in html.lower()
    start = html.index("data-figure='") + len("data-figure='")
    attribute = html[start:html.index("'", start)]
    assert "<" not in attribute and ">" not in attribute
    assert json.loads(unescape(attribute)) == chart.figure


def test_figure_attribute_escapes_quotes_and_markup_in_names():
    figure = {"data": [{"name": "O'Neil <b>&amp;</b>", "x": [1], "y": [2]}], "layout": {}}
    html = chart_html(Chart(SPECS[1], "t", figure, Table(("x",)), (), False))
    attribute = html[html.index("data-figure='") + len("data-figure='"):]
    attribute = attribute[:attribute.index("'")]
    assert "<" not in attribute and "&amp;amp;" in attribute
    # Plotly reads the name as pseudo-HTML and decodes entities: escaped, it draws as written.
    assert json.loads(unescape(attribute))["data"][0]["name"] == "O'Neil &lt;b&gt;&amp;amp;&lt;/b&gt;"


def test_figure_json_escapes_data_text_for_plotly_but_keeps_its_own_templates():
    name = '<a href="https://evil.example/">x</a>'
    figure = {"data": [{"name": name, "x": ["2024-11-22"], "y": [name], "customdata": [name],
                        "hovertemplate": "%{x}<br>%{y}<extra></extra>"}],
              "layout": {"yaxis": {"ticktext": [name], "tickvals": [1]}}}
    shown = json.loads(figure_json(figure))
    escaped = "&lt;a href=\"https://evil.example/\"&gt;x&lt;/a&gt;"
    assert shown["data"][0]["name"] == escaped and shown["data"][0]["y"] == [escaped]
    assert shown["data"][0]["customdata"] == [escaped] and shown["layout"]["yaxis"]["ticktext"] == [escaped]
    assert shown["data"][0]["hovertemplate"] == "%{x}<br>%{y}<extra></extra>"
    assert figure["data"][0]["name"] == name      # the figure itself (and the CSV read from it) keeps the text


def test_raw_html_in_the_narrative_is_shown_as_text():
    assert _escape_html("a <script>alert(1)</script> `<b>`") == "a &lt;script>alert(1)&lt;/script> `<b>`"


def test_a_long_table_shows_its_latest_rows_and_says_the_csv_has_them_all():
    rows = tuple((f"2024-{i // 28 + 1:02d}-{i % 28 + 1:02d}", f"{i}万") for i in range(60))
    chart = Chart(SPECS[1], "t", {"data": [{"x": [1], "y": [1]}], "layout": {}}, Table(("周", "甲"), rows).latest(52), (), False)
    html = chart_html(chart)
    assert html.count("<tr><th scope=\"row\">") == 52
    assert "2024-01-08" not in html and rows[-1][0] in html          # the oldest eight are left to the CSV
    assert "最近 52 行，共 60 行" in html
    assert Table(("周",), rows[:10]).latest(52).total is None          # a short table is shown whole


def test_counts_read_by_one_rule_in_title_axis_tooltip_table_and_csv(archive):
    from generators.exports.files import chart_rows

    chart = seed_charts(archive)[1]                  # 图表 2: ChatGPT at 90500 万次 a week
    assert "单位：次" in chart.title and "万次" not in chart.title
    chatgpt = next(t for t in chart.figure["data"] if t["name"] == "ChatGPT")
    assert chatgpt["y"][-1] == 90500
    assert chatgpt["customdata"][-1] == "9.05亿次"            # the tooltip
    assert "%{customdata}" in chatgpt["hovertemplate"] and "万次" not in chatgpt["hovertemplate"]
    assert "8亿" in chart.figure["layout"]["yaxis"]["ticktext"]
    at = chart.table.columns.index("ChatGPT")
    assert chart.table.rows[-1][at] == "9.05亿"
    header, rows = chart_rows(chart)
    assert header[at] == "ChatGPT（万次）" and rows[-1][at] == 90500


def test_monthly_downloads_are_labelled_one_month_a_group(archive):
    chart = seed_charts(archive)[5]
    assert chart.figure["layout"]["xaxis"]["type"] == "category"
    assert chart.figure["data"][0]["x"] == ["2024-09", "2024-10", "2024-11"]


def test_chart_1_table_leaves_out_columns_the_snapshot_has_no_figures_for(archive):
    table = seed_charts(archive)[0].table
    assert "总市值（亿）" not in table.columns and "收盘价" not in table.columns   # the seed gives neither
    assert table.columns[:5] == ("公司", "代码", "上市地", "板块", "周涨跌幅")
    assert all("—" not in row for row in table.rows)
