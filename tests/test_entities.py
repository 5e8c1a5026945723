"""Entity pages: one per registered entity, history drawn from every snapshot, found by any alias."""
from __future__ import annotations

import functools
import http.server
import re
import threading

import pandas as pd
import pytest

from generators.assemble.pipeline import run

from conftest import DATA, _Quiet, free_port, search, weekly

SITE = run(DATA)
ARCHIVE = SITE.archive
REGISTRY = ARCHIVE.registry


def stacked(dataset: str) -> pd.DataFrame:
    """Every snapshot's rows of one dataset as one frame: pandas as an independent check."""
    return pd.DataFrame(ARCHIVE.stacked_rows(dataset))


def names_in_data() -> set[str]:
    return {name for dataset in ARCHIVE.datasets if dataset.entity for name in stacked(dataset.name)[dataset.entity]}


def series(chart, name=None) -> dict:
    """x → y of a chart's traces (one trace, or the one called ``name``)."""
    out = {}
    for trace in chart.figure["data"]:
        if name is None or trace.get("name") == name:
            out.update(zip(trace["x"], trace["y"]))
    return out


@pytest.mark.parametrize("name", sorted(names_in_data()))
def test_every_entity_in_data_has_a_page_whose_history_matches_the_snapshots(name):
    entity = REGISTRY.get(name)
    assert f"entities/{entity.id}.md" in SITE.pages
    charts = {c.key: c for c in SITE.entity_charts[entity.id]}
    ids = lambda frame, column: frame[[REGISTRY.get(n).id == entity.id for n in frame[column]]]
    stocks = ids(stacked("stocks"), "name")
    if not stocks.empty:
        assert series(charts["stocks"]) == {d.isoformat(): round(v, 2) for d, v in zip(stocks["issue"], stocks["change_pct"])}
    visits = ids(stacked("visits"), "product")
    if not visits.empty:
        latest = visits.drop_duplicates("week", keep="last")
        assert series(charts["visits"]) == {d.isoformat(): round(v, 2) for d, v in zip(latest["week"], latest["visits"])}
    downloads = ids(stacked("downloads"), "app")
    if not downloads.empty:
        latest = downloads.drop_duplicates("month", keep="last")
        assert series(charts["downloads"]) == {f"{d:%Y-%m}": round(v, 2) for d, v in zip(latest["month"], latest["downloads"])}
    prices = ids(stacked("gpu_prices"), "model")
    for condition, label in (("new", "新品"), ("used", "二手")):
        part = prices[prices["condition"] == condition].drop_duplicates("date", keep="last")
        if not part.empty:
            assert series(charts["gpu_prices"], label) == {d.isoformat(): round(v, 2) for d, v in zip(part["date"], part["price"])}


def test_entity_page_links_every_issue_that_mentions_it_with_what_it_said():
    page = SITE.pages["entities/nvidia.md"]
    for snapshot in ARCHIVE.snapshots:
        assert f'<a href="../../issues/{snapshot.issue.slug}/">{snapshot.issue.slug}：' in page
    assert '<a href="../../issues/2024-11-22/">2024-11-22：' in page and "</a>：周涨跌幅 +3.54%</li>" in page
    assert "别名：NVIDIA / NVDA" in page
    wenxiaoyan = SITE.pages["entities/wenxiaoyan.md"]
    assert 'title: "文小言（文心一言 / ' in wenxiaoyan


def test_watch_list_company_without_data_gets_a_page_linking_its_issue():
    page = SITE.pages["entities/woer.md"]
    assert '<a href="../../issues/2024-11-22/">' in page and "</a>：建议关注（数据中心硬件）</li>" in page


def test_index_lists_every_entity_by_kind():
    index = SITE.pages["entities/index.md"]
    for entity in REGISTRY.entities:
        assert f"]({entity.id}.md)" in index
    assert index.index("## 公司") < index.index("## AI 产品") < index.index("## GPU 型号")


@pytest.mark.browser
@pytest.mark.parametrize("alias, entity", [("文心一言", "wenxiaoyan"), ("辉达", "nvidia"), ("通义千问", "tongyi"), ("NVDA", "nvidia")])
def test_alias_search_lands_on_the_entity_page(page, server, alias, entity):
    links = search(page, server, alias)
    assert f"{server}/entities/{entity}/" in links, links
    assert page.errors == []


@pytest.mark.browser
def test_entity_page_draws_its_history_chart(page, server):
    page.goto(f"{server}/entities/chatgpt/")
    page.wait_for_function("document.querySelectorAll('.wk-plot[data-rendered] .main-svg').length >= 1", timeout=20000)
    assert page.errors == []


@pytest.fixture(scope="module")
def three_years(tmp_path_factory, browser):
    """A 156-week synthetic archive, built and served (an entity page then holds three years)."""
    root = tmp_path_factory.mktemp("years")
    assert weekly("synth", "--weeks", "156", "--out", str(root / "data")).returncode == 0
    built = weekly("build", "--data", str(root / "data"), "--site-dir", str(root / "site"))
    assert built.returncode == 0, built.stdout + built.stderr
    handler = functools.partial(_Quiet, directory=str(root / "site"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.mark.browser
def test_a_years_long_entity_chart_labels_its_date_axis_by_year_not_day(browser, three_years):
    page = browser.new_page(viewport={"width": 390, "height": 844})      # a phone
    page.goto(f"{three_years}/entities/nvda/")
    page.wait_for_function("document.querySelectorAll('#chart-1 .xtick text').length >= 2", timeout=20000)
    ticks = page.locator("#chart-1 .xtick text").all_text_contents()
    page.close()
    assert len(set(ticks)) == len(ticks), ticks                  # each tick says a different date
    assert all(re.fullmatch(r"\d{4}(-\d{2})?", t) for t in ticks), ticks
