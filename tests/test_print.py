"""Printing an issue from the browser: charts redrawn at the printable width with their legends,
tables within the page, nothing to click, the full statements at the end; the screen restored after.

Chromium lays a printed page out at the page's printable width (A4 less print.css's margins:
180 mm = 680 CSS px), so the page is loaded at that width in print media, and the browser's
beforeprint/afterprint events are sent as a print from the menu sends them.
"""
from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest

from conftest import DATA
from generators.assemble.pipeline import run
from test_browser import wait_for_charts

pytestmark = pytest.mark.browser

PRINTABLE = 680     # 180 mm at 96 CSS px per inch


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def printed(browser, server):
    """The seed issue as Chromium lays it out for print: at the printable width, in print media."""
    context = browser.new_context(viewport={"width": PRINTABLE, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(f"{server}/issues/2024-11-22/")
    wait_for_charts(page)
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.wait_for_timeout(1500)       # Plotly relayouts are asynchronous
    yield page
    context.close()


@pytest.fixture(scope="module")
def wide_print(browser, server, tmp_path_factory) -> Path:
    """The seed issue read in a desktop window (1280 px), then printed by Chromium to A4 (its
    print fires beforeprint/afterprint as the print menu does)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server}/issues/2024-11-22/")
    wait_for_charts(page)
    path = tmp_path_factory.mktemp("print") / "printed.pdf"
    page.pdf(path=str(path), prefer_css_page_size=True, print_background=True)
    context.close()
    return path


def boxes(page, selector: str) -> list[dict]:
    return page.evaluate("""sel => [...document.querySelectorAll(sel)].map(el => {
        const r = el.getBoundingClientRect();
        return {left: r.left, right: r.right, width: r.width, scroll: el.scrollWidth, client: el.clientWidth};
    })""", selector)


def words(pdf: Path) -> list[list[tuple[float, str]]]:
    """Each page's words with their right edge (pt), from poppler's pdftotext."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [[(float(x), html.unescape(w)) for x, w in re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', page)]
            for page in out.split("<page ")[1:]]


def poppler_pages(pdf: Path) -> list[str]:
    """Each page's text in reading order (poppler keeps a chart's labels between its title and source)."""
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [squeeze(page) for page in out.split("\f")]


A4_RIGHT = 595.28 - 15 / 25.4 * 72     # the printable area's right edge in pt (print.css: 15 mm margins)


def test_a_chart_printed_from_a_wide_window_keeps_its_newest_week_on_the_page(wide_print):
    pages = words(wide_print)
    assert max(x for page in pages for x, _ in page) <= A4_RIGHT + 1
    weekly = [c for c in run(DATA).charts["2024-11-22"] if c.figure["layout"].get("xaxis", {}).get("tickformat") == "%m-%d"]
    assert len(weekly) == 6
    # every weekly chart's x axis runs to the week of 11-10 (the issue: chart 2 stopped at 10-27)
    assert sum(w == "11-10" for page in pages for _, w in page) == len(weekly)
    # 超微电脑's bar label, at the far right of chart 1, beside the same figure in the chart's table
    chart_1 = next(page for page, text in zip(pages, poppler_pages(wide_print)) if "图表1：" in text)
    assert sum(w == "+52.15%" for _, w in chart_1) == 2


def test_every_printed_chart_of_several_series_shows_its_legend(wide_print):
    pages = poppler_pages(wide_print)
    several = [c for c in run(DATA).charts["2024-11-22"] if len(c.figure["data"]) > 1]
    assert len(several) == 7
    for chart in several:
        caption = squeeze(f"图表 {chart.number}：{chart.title}")
        page = next(p for p in pages if caption in p)
        plot = page[page.index(caption):page.index("来源", page.index(caption))]   # the chart, before its source
        for trace in chart.figure["data"]:
            assert squeeze(trace["name"]) in plot, (chart.number, trace["name"])


def test_every_chart_is_redrawn_at_the_printable_width(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server}/issues/2024-11-22/")
    wait_for_charts(page)
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.wait_for_timeout(1500)
    charts = boxes(page, ".wk-plot .svg-container")
    assert len(charts) == 8
    for box in charts:
        assert PRINTABLE * 0.9 <= box["width"] <= PRINTABLE, box     # the whole printable width, no more
    context.close()


def test_every_chart_and_table_fits_the_page_and_tables_print_open(printed):
    for box in boxes(printed, ".wk-plot .svg-container") + boxes(printed, ".wk-chart"):
        assert box["left"] >= 0 and box["right"] <= PRINTABLE, box
    assert printed.evaluate("document.documentElement.scrollWidth") <= PRINTABLE
    tables = boxes(printed, ".wk-table table")
    assert len(tables) == 8
    for box in tables:
        assert box["left"] >= 0 and box["right"] <= PRINTABLE, box
        assert box["scroll"] <= box["client"] + 1, box      # no column cut off or scrolled away
    assert printed.evaluate("[...document.querySelectorAll('details.wk-table')].every(d => d.open)")
    # chart 1's last columns (总市值, 收盘价) are on the page
    last = printed.evaluate("""[...document.querySelectorAll('#chart-1 ~ details.wk-table th[scope=col]')]
        .map(th => th.getBoundingClientRect().right)""")
    assert last and max(last) <= PRINTABLE


def test_navigation_pager_and_download_links_are_left_out_of_the_print(printed):
    shown = printed.evaluate("""sel => [...document.querySelectorAll(sel)]
        .filter(el => getComputedStyle(el).display !== 'none' && el.getClientRects().length).map(el => el.outerHTML.slice(0, 80))""",
                             ".wk-pager, .wk-download, .wk-download-sep, .wk-bundle, .wk-edition, .md-header, .md-sidebar, .md-footer, .wk-legal")
    assert shown == []


def test_the_full_statements_and_rating_definitions_print_at_the_end(printed):
    statements = printed.locator(".wk-statements")
    assert statements.is_visible()
    text = statements.inner_text()
    for heading in ("分析师声明", "一般声明", "特别声明", "投资评级声明"):
        assert heading in text
    assert "本报告版权归“华福证券有限责任公司”所有" in text and "弱于大市" in text
    # last in the issue: nothing of the article follows it
    assert printed.evaluate("document.querySelector('.md-content article').lastElementChild.matches('.wk-statements')")


def test_after_printing_the_screen_layout_comes_back(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    printed = context.new_page()
    printed.errors = []
    printed.on("pageerror", lambda e: printed.errors.append(str(e)))
    printed.goto(f"{server}/issues/2024-11-22/")
    wait_for_charts(printed)
    printed.emulate_media(media="print")
    printed.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    printed.wait_for_timeout(1500)
    assert max(b["width"] for b in boxes(printed, ".wk-plot .svg-container")) <= PRINTABLE
    assert printed.locator(".wk-statements").is_visible()
    printed.emulate_media(media="screen")
    printed.set_viewport_size({"width": 1280, "height": 900})
    printed.evaluate("window.dispatchEvent(new Event('afterprint'))")
    printed.wait_for_timeout(1500)
    widths = [b["width"] for b in boxes(printed, ".wk-plot .svg-container")]
    assert min(widths) > PRINTABLE, widths          # the charts follow the wide window again
    assert printed.evaluate("[...document.querySelectorAll('details.wk-table')].every(d => !d.open)")
    assert not printed.locator(".wk-statements").is_visible()
    assert printed.errors == []
    context.close()


def test_a_reader_in_dark_mode_prints_dark_text_on_white(browser, server):
    context = browser.new_context(viewport={"width": PRINTABLE, "height": 1000}, locale="zh-CN", color_scheme="dark")
    page = context.new_page()
    page.goto(f"{server}/issues/2024-11-22/")
    wait_for_charts(page)
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    screen = page.evaluate("document.querySelector('.wk-plot')._fullLayout.font.color")
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.wait_for_timeout(1500)
    assert page.evaluate("document.querySelector('.wk-plot')._fullLayout.font.color") == "#1f2328" != screen
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    context.close()

