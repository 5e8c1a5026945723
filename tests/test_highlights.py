"""本周数据要点: every number in every highlight is a cell of the data, and the block is on the page."""
from __future__ import annotations

import re

import pytest

from generators.compute.history import History
from generators.compute.highlights import round_threshold
from generators.assemble.pipeline import run
from generators.schema.declarations import packaged

DATASET_BY_NAME = packaged().by_name
from generators.schema.units import pct, plain, wan

from conftest import DATA

SITE = run(DATA)


def shown(source) -> str:
    if source.dataset == "stocks":
        return pct(source.value)
    if source.dataset == "visits":
        return wan(source.value, "次")
    if source.dataset == "downloads":
        return wan(source.value)
    return f"${plain(source.value, 0)}"


def cell(history: History, snapshot, source):
    spec = DATASET_BY_NAME[source.dataset]
    rows = (snapshot.rows[source.dataset] if source.dataset == "stocks"
            else history.visible(source.dataset, snapshot.issue.date, window_days=0))
    found = [row for row in rows if tuple(row[k] for k in spec.key) == source.key]
    assert len(found) == 1, source
    assert found[0]["sample"] == source.sample, source
    return found[0][source.column]


@pytest.mark.parametrize("snapshot", SITE.archive.snapshots, ids=lambda s: s.issue.slug)
def test_each_issue_highlights_numbers_match_the_data(snapshot):
    history = History(SITE.archive)
    highlights = SITE.highlights[snapshot.issue.slug]
    assert highlights
    for highlight in highlights:
        for source in highlight.sources:
            assert cell(history, snapshot, source) == source.value
            assert shown(source) in highlight.text, (shown(source), highlight.text)
        # every percentage change quoted next to two sources is their ratio
        for match in re.finditer(r"([+-]\d+\.\d\d)%（(\S+?) → (\S+?)）", highlight.text):
            olds = [s for s in highlight.sources if shown(s) == match.group(2)]
            news = [s for s in highlight.sources if shown(s) == match.group(3)]
            assert olds and news
            assert pct((news[0].value / olds[0].value - 1) * 100) == match.group(1) + "%"


def test_seed_issue_highlights_state_chatgpt_broke_nine_hundred_million():
    texts = [h.text for h in SITE.highlights["2024-11-22"]]
    assert "GPU/CPU 板块：寒武纪涨幅最大（+9.98%），英特尔跌幅最大（-1.62%）。" in texts
    assert any("ChatGPT 9.05亿次（首次突破 9亿次）" in t for t in texts)
    page = SITE.pages["issues/2024-11-22.md"]
    assert page.index("本周数据要点") < page.index("## 投资要点")


def test_round_threshold_takes_the_leading_digit():
    assert round_threshold(90500) == 90000
    assert round_threshold(8120) == 8000
    assert round_threshold(99) == 90


def test_highlights_quoting_sample_rows_are_badged_and_real_ones_are_not():
    page = SITE.pages["issues/2024-11-22.md"]
    block = page[page.index("wk-highlights"):page.index("</div>", page.index("wk-highlights"))]
    items = {li.split("</li>")[0] for li in block.split("<li>")[1:]}
    real = [li for li in items if li.startswith("数据中心硬件 板块")]      # 超微电脑 +52.15%: from the report
    assert real and "示例数据" not in real[0]
    mixed = [li for li in items if li.startswith("GPU/CPU 板块")]         # quotes 英特尔, a sample row
    assert mixed and "示例数据" in mixed[0]
    assert all("示例数据" in li for li in items if li.startswith(("网站访问量", "H100", "A100")))


def test_record_maxima_follow_a_restated_week_as_a_full_scan_does(tmp_path):
    from generators.load.snapshots import load_archive

    from conftest import copy_data
    from test_immutability import add_next_week, restate_chatgpt_week

    data = copy_data(tmp_path)
    # The new snapshot restates the ChatGPT week that set the record, far lower.
    restate_chatgpt_week(add_next_week(data), 100)
    archive = load_archive(data)
    history = History(archive)
    for issue in archive.issues:
        rows = history.visible("visits", issue.date, window_days=0)
        for week in sorted({r["week"] for r in rows}):
            scan: dict[str, float] = {}
            for r in rows:
                if r["week"] < week:
                    scan[r["product"]] = max(scan.get(r["product"], r["visits"]), r["visits"])
            assert history.best_before("visits", issue.date, week) == scan, (issue.date, week)
    last = history.visible("visits", archive.issues[-1].date, window_days=0)
    assert [r["visits"] for r in last if r["product"] == "ChatGPT" and str(r["week"]) == "2024-11-08"] == [100]
