"""What only a browser shows: charts drawn, instant navigation, dark mode, Chinese search."""
from __future__ import annotations

import pytest

from conftest import scroll_through_charts, search

pytestmark = pytest.mark.browser


def wait_for_charts(page, count: int = 8) -> None:
    page.wait_for_function(f"document.querySelectorAll('.wk-plot').length >= {count}", timeout=20000)
    scroll_through_charts(page)
    page.wait_for_function(f"document.querySelectorAll('.wk-plot[data-rendered] .main-svg').length >= {count}",
                           timeout=20000)


def test_seed_issue_draws_all_eight_charts_without_console_errors(page, server):
    page.goto(f"{server}/issues/2024-11-22/")
    wait_for_charts(page)
    assert page.locator(".wk-plot").count() == 8
    assert page.locator(".wk-plot .main-svg").count() >= 8
    assert page.errors == []
    assert page.outside == []


def test_charts_draw_again_after_instant_navigation(page, server):
    page.goto(f"{server}/issues/2024-11-22/")
    wait_for_charts(page)
    page.evaluate("window.__marker = 1")               # survives only if no full reload happens
    page.click("a[rel=prev]")
    page.wait_for_url("**/issues/2024-11-15/")
    # The URL changes before Material swaps the content in: wait for the new heading.
    page.wait_for_function("document.querySelector('h1').textContent.includes('2024-11-15')")
    wait_for_charts(page)
    assert page.evaluate("window.__marker") == 1
    assert page.locator("h1").inner_text().startswith(page.locator("h1").inner_text()[:4])
    assert "2024-11-15" in page.locator(".wk-meta").inner_text()
    assert page.errors == []


def test_dark_mode_recolours_the_charts(page, server):
    page.goto(f"{server}/issues/2024-11-22/")
    wait_for_charts(page)
    before = page.evaluate("document.querySelector('.wk-plot')._fullLayout.font.color")
    page.click("label.md-header__button[for^='__palette']")
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    page.wait_for_function(f"document.querySelector('.wk-plot')._fullLayout.font.color !== '{before}'")
    assert page.errors == []


def test_charts_fit_a_phone_screen(browser, server):
    context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.goto(f"{server}/issues/2024-11-22/")
    wait_for_charts(page)
    widths = page.evaluate("[...document.querySelectorAll('.wk-plot .main-svg')].map(s => s.getBoundingClientRect().right)")
    assert max(widths) <= 375
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


@pytest.mark.parametrize("query", ["超微电脑", "寒武纪", "精度感知"])
def test_typing_a_chinese_name_into_search_finds_the_seed_issue(page, server, query):
    links = search(page, server, query)
    assert f"{server}/issues/2024-11-22/" in links, links
    assert page.errors == []
