"""Structural guards for performance at scale (issue 6), on a 30-week synthetic archive.

Not timed: these check the shape that keeps pages light however long the archive grows —
no issue list in the sidebar, one self-hosted plotly.js, template-free chart JSON, and no
chart JSON in the search index. bench/run.py measures the figures themselves.
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from conftest import weekly

WEEKS = 30
ISSUE_LINK = re.compile(r'href="[^"]*\d{4}-\d{2}-\d{2}/')   # relative: ../2024-11-15/
FIGURE = re.compile(r"data-figure='([^']*)'")
SCRIPT = re.compile(r'<script[^>]*\ssrc="([^"]+)"')


@pytest.fixture(scope="module")
def synth_site(tmp_path_factory) -> Path:
    """`weekly synth` then `weekly build` of a 30-week archive."""
    root = tmp_path_factory.mktemp("synth")
    made = weekly("synth", "--weeks", str(WEEKS), "--out", str(root / "data"))
    assert made.returncode == 0, made.stdout + made.stderr
    built = weekly("build", "--data", str(root / "data"), "--site-dir", str(root / "site"))
    assert built.returncode == 0, built.stdout + built.stderr
    return root / "site"


def pages(site: Path) -> list[Path]:
    found = sorted(site.rglob("*.html"))
    assert len([p for p in found if p.parent.parent.name == "issues"]) == WEEKS
    return found


def test_no_page_lists_issues_outside_its_content(synth_site):
    # Header, tabs and both sidebars come between <body> and the content; the pager and the
    # home page's link to the latest issue are inside the content (<head> holds rel=prev/next).
    for page in pages(synth_site):
        text = page.read_text(encoding="utf-8")
        chrome = text[text.index("<body"): text.index('<div class="md-content"')]
        assert not ISSUE_LINK.search(chrome), page


def test_every_page_leaves_plotly_to_the_self_hosted_chart_script(synth_site):
    for page in pages(synth_site):
        text = page.read_text(encoding="utf-8")
        scripts = SCRIPT.findall(text)
        assert not [s for s in scripts if "plotly" in s.lower()], page      # fetched by charts.js, on demand
        charts = [s for s in scripts if s.endswith("assets/javascripts/charts.js")]
        assert len(charts) == 1 and not charts[0].startswith(("http:", "https:", "//")), (page, charts)
        assert "Plotly.newPlot" not in text, page


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_no_chart_json_carries_a_template(synth_site):
    figures = 0
    for page in pages(synth_site):
        for attribute in FIGURE.findall(page.read_text(encoding="utf-8")):
            figure = json.loads(html.unescape(attribute))
            assert set(figure) == {"data", "layout"}, page
            assert "template" not in _keys(figure), page
            figures += 1
    assert figures >= WEEKS * 7


def test_search_index_of_a_long_archive_holds_no_chart_json(synth_site):
    index = json.loads((synth_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    issues = [d for d in index["docs"] if d["location"].startswith("issues/")]
    assert len({d["location"].split("/")[1] for d in issues}) == WEEKS
    for doc in index["docs"]:
        text = doc["text"]
        assert "data-figure" not in text and "hovertemplate" not in text, doc["location"]
        assert '"layout"' not in text and "&quot;layout&quot;" not in text, doc["location"]


def test_chart_blocks_reach_the_built_page_whole_though_lifted_out_of_the_markdown(built_site):
    # The plugin lifts chart blocks out before Python-Markdown and puts them back after search
    # indexing: every placeholder is replaced and every chart arrives with its data table.
    html = (built_site / "issues" / "2024-11-22" / "index.html").read_text(encoding="utf-8")
    assert "data-wk-slot" not in html
    assert html.count('class="wk-chart"') == 8 and html.count('class="wk-table"') == 8
    assert html.count("data-figure=") == 8
