"""Accessibility as axe-core sees it: no serious or critical violation on any kind of page.

axe-core is vendored from npm (package.json, package-lock.json: `npm ci`) and injected into
each page through Playwright; every page kind is checked in the light and the dark palette,
charts drawn (a reader scrolls past them), and the search overlay open.
"""
from __future__ import annotations

import pytest

from conftest import ROOT, scroll_through_charts, type_like_a_person

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PAGES = {
    "home": "",
    "issue": "issues/2024-11-22/",
    "archive": "archive/",
    "entity": "entities/chatgpt/",
    "tags": "tags/",
    "tag": "tags/多模态/",
    "404": "404.html",
}


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` at the repository root (scripts/test.sh does)")
    return AXE.read_text(encoding="utf-8")


def serious(page, axe_source: str) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each."""
    page.add_script_tag(content=axe_source)
    result = page.evaluate("axe.run(document, { resultTypes: ['violations'] })")
    return [f"{v['id']} ({v['impact']}): {v['help']} — " + " | ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"]) for n in v["nodes"][:4])
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.fixture(params=["light", "dark"])
def scheme_page(request, browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", color_scheme=request.param)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("kind", PAGES)
def test_no_serious_accessibility_violation(scheme_page, server, axe_source, kind):
    page = scheme_page
    page.goto(f"{server}/{PAGES[kind]}")
    page.wait_for_load_state("load")
    charts = page.locator(".wk-plot").count()
    if charts:
        scroll_through_charts(page)
        # Checked with every chart drawn: Plotly's controls inside a chart are what axe must see.
        page.wait_for_function(f"document.querySelectorAll('.wk-plot[data-rendered] .main-svg').length >= {charts}",
                               timeout=30000)
    page.wait_for_timeout(300)
    assert serious(page, axe_source) == []


def test_no_serious_accessibility_violation_in_the_search_overlay(scheme_page, server, axe_source):
    page = scheme_page
    page.goto(f"{server}/")
    type_like_a_person(page, page.locator("input.md-search__input"), "英伟达")
    page.wait_for_selector(".md-search-result__item", timeout=20000)
    assert serious(page, axe_source) == []
