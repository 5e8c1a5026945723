"""Printing an issue from the browser: charts redrawn at the printable width with their legends,
tables within the page, nothing to click, the full statements at the end; the screen restored after.

Chromium lays a printed page out at the page's printable width (A4 less print.css's margins:
180 mm = 680 CSS px), so the page is loaded at that width in print media, and the browser's
beforeprint/afterprint events are sent as a print from the menu sends them.
"""
from __future__ import annotations

import pytest

from test_browser import wait_for_charts

pytestmark = pytest.mark.browser

PRINTABLE = 680     # 180 mm at 96 CSS px per inch


@pytest.fixture
def printed(browser, server):
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


def boxes(page, selector: str) -> list[dict]:
    return page.evaluate("""sel => [...document.querySelectorAll(sel)].map(el => {
        const r = el.getBoundingClientRect();
        return {left: r.left, right: r.right, width: r.width, scroll: el.scrollWidth, client: el.clientWidth};
    })""", selector)


def test_every_chart_is_drawn_at_the_printable_width(printed):
    charts = boxes(printed, ".wk-plot .svg-container")
    assert len(charts) == 8
    for box in charts:
        assert box["left"] >= 0 and box["right"] <= PRINTABLE, box
        assert box["width"] >= PRINTABLE * 0.9, box          # the whole width: the newest weeks readable
    for box in boxes(printed, ".wk-chart"):
        assert box["right"] <= PRINTABLE, box
    assert printed.evaluate("document.documentElement.scrollWidth") <= PRINTABLE
    assert printed.errors == []


def test_every_table_fits_the_page_and_is_printed_open(printed):
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


def test_every_chart_of_several_series_prints_its_legend(printed):
    legends = printed.evaluate("""[...document.querySelectorAll('.wk-plot[data-figure]')].map(el => {
        const svg = el.querySelector('.main-svg').getBoundingClientRect();
        const legend = el.querySelector('.legend');
        const box = legend && legend.getBoundingClientRect();
        return {series: el.data.length, items: el.querySelectorAll('.legend .traces').length,
                inside: !!box && box.bottom <= svg.bottom + 1 && box.right <= svg.right + 1 && box.height > 0};
    })""")
    several = [g for g in legends if g["series"] > 1]
    assert len(several) == 7            # every chart but the stock moves (one bar series)
    for legend in several:
        assert legend["items"] == legend["series"] and legend["inside"], legend


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


def test_after_printing_the_screen_layout_comes_back(printed):
    printed.emulate_media(media="screen")
    printed.set_viewport_size({"width": 1280, "height": 900})
    printed.evaluate("window.dispatchEvent(new Event('afterprint'))")
    printed.wait_for_timeout(1500)
    widths = [b["width"] for b in boxes(printed, ".wk-plot .svg-container")]
    assert min(widths) > PRINTABLE, widths          # the charts follow the wide window again
    assert printed.evaluate("[...document.querySelectorAll('details.wk-table')].every(d => !d.open)")
    assert not printed.locator(".wk-statements").is_visible()
    assert printed.errors == []


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
