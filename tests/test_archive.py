"""Browsing and following the archive: archive, year and tag pages, the feed, dated titles."""
from __future__ import annotations

import html as html_lib
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date, timedelta
from urllib.parse import unquote, urljoin

import pytest

from generators.pages.browse import (RECENT, browse_index_markdown, browse_pages, issue_list, recency_boost,
                                year_markdown)
from generators.pages.urls import tag_slug
from generators.exports.feed import feed_xml
from generators.load.snapshots import load_archive

from conftest import DATA


@pytest.fixture(scope="module")
def issues():
    return load_archive(DATA).issues


def ten_years(issues):
    """520 weekly issues made from the sample ones (dates one week apart, ending on the latest)."""
    last = issues[-1]
    return tuple(replace(issues[k % len(issues)], date=last.date - timedelta(weeks=519 - k)) for k in range(520))


def linked_dates(html: str) -> list[str]:
    return re.findall(r'href="(?:\.\./)+issues/(\d{4}-\d{2}-\d{2})/"', html)


def text_of(html: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", "", html))


def test_archive_pages_list_every_issue_with_its_lead_newest_first(built_site, issues):
    index = (built_site / "archive" / "index.html").read_text(encoding="utf-8")
    years = sorted({i.date.year for i in issues})
    found = []
    for year in years:
        assert f'href="{year}/"' in index
        page = (built_site / "archive" / str(year) / "index.html").read_text(encoding="utf-8")
        dates = linked_dates(page)
        assert dates == sorted(dates, reverse=True)
        found += dates
        for issue in issues:
            if issue.date.year == year:
                assert issue.lead in text_of(page), issue.slug
    assert sorted(found) == [i.slug for i in issues]
    assert linked_dates(index)[:1] == [issues[-1].slug]


def test_archive_index_at_ten_years_lists_years_and_only_the_latest_issues(issues):
    many = ten_years(issues)
    index = browse_index_markdown(many)
    assert index.count("](../issues/") == RECENT
    for year in {i.date.year for i in many}:
        count = sum(1 for i in many if i.date.year == year)
        assert f"[{year} 年]({year}.md)（{count} 期）" in index.replace("../archive/", "")
    pages = browse_pages(many)
    listed = sum(pages[f"archive/{y}.md"].count("](../issues/") for y in {i.date.year for i in many})
    assert listed == 520


def test_year_page_groups_its_issues_by_month(issues):
    year = issues[-1].date.year
    page = year_markdown(year, issues)
    months = re.findall(rf"### {year} 年 (\d+) 月", page)
    assert months == sorted({str(i.date.month) for i in issues if i.date.year == year}, key=int, reverse=True)


def test_a_tag_page_lists_exactly_the_issues_with_that_tag(built_site, issues):
    tags = sorted({t for i in issues for t in i.tags})
    assert tags
    tags_index = (built_site / "tags" / "index.html").read_text(encoding="utf-8")
    for tag in tags:
        page = (built_site / "tags" / tag_slug(tag) / "index.html").read_text(encoding="utf-8")
        expected = sorted((i.slug for i in issues if tag in i.tags), reverse=True)
        assert linked_dates(page) == expected, tag
        assert f'href="{tag_slug(tag)}/"' in unquote(tags_index)


def test_tag_slugs_keep_chinese_and_make_latin_url_safe():
    assert tag_slug("Scaling Law") == "scaling-law"
    assert tag_slug("超算集群") == "超算集群"
    assert tag_slug("GPU价格") == "gpu价格"


def test_issue_list_escapes_markdown_and_html_in_titles(issues):
    tricky = replace(issues[0], title="a*b*[c]<script>", lead="x_y_z")
    md = issue_list([tricky], "tags/x.md")
    assert r"a\*b\*\[c\]&lt;script&gt;" in md and r"x\_y\_z" in md


def test_newer_issues_get_a_higher_search_boost_within_a_small_range():
    fridays = [date(2024, 1, 5) + timedelta(weeks=k) for k in range(520)]
    boosts = [recency_boost(day) for day in fridays]
    assert boosts == sorted(boosts) and boosts[0] == 1.0 and 1.19 <= boosts[-1] <= 1.2


def test_a_long_tag_gets_a_short_unique_slug():
    long_a, long_b = "超长名称" * 40 + "A", "超长名称" * 40 + "B"
    assert len(tag_slug(long_a).encode("utf-8")) < 200
    assert tag_slug(long_a) != tag_slug(long_b)


def test_issue_pages_carry_the_date_in_their_title_and_heading(built_site, issues):
    for issue in issues:
        page = (built_site / "issues" / issue.slug / "index.html").read_text(encoding="utf-8")
        assert re.search(rf"<h1[^>]*>{issue.slug} · ", page), issue.slug
        assert f"<title>{issue.slug} · " in page


def test_feed_is_valid_rss_with_every_issue_and_chinese_intact(built_site, issues):
    raw = (built_site / "feed.xml").read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(raw)
    assert root.tag == "rss" and root.get("version") == "2.0"
    items = root.findall("./channel/item")
    assert [i.findtext("link") for i in items] == [
        f"http://127.0.0.1:{built_site_port(built_site)}/suanli-weekly/issues/{x.slug}/" for x in reversed(issues)]
    for item, issue in zip(items, reversed(issues)):
        assert item.findtext("title") == f"{issue.slug} · {issue.title}"
        assert item.findtext("description") == html_lib.escape(issue.lead, quote=False)
        assert re.fullmatch(rf"\w{{3}}, {issue.date.day:02d} \w{{3}} {issue.date.year} 09:00:00 \+0800",
                            item.findtext("pubDate"))
    assert "超微电脑涨势一骑绝尘".encode() in raw          # Chinese as UTF-8, not numeric entities


def built_site_port(built_site) -> str:
    feed = (built_site / "feed.xml").read_text(encoding="utf-8")
    return re.search(r"http://127\.0\.0\.1:(\d+)/", feed).group(1)


def test_feed_escapes_markup_in_titles_and_leads(issues):
    tricky = replace(issues[0], title="A&B <b>", lead="1 < 2 & 3")
    root = ET.fromstring(feed_xml([tricky], "https://example.org/w", "算力周跟踪", "说明").encode())
    item = root.find("./channel/item")
    # A reader decodes the description as HTML: it carries the lead as escaped text.
    assert item.findtext("title").endswith("A&B <b>") and item.findtext("description") == "1 &lt; 2 &amp; 3"
    assert item.findtext("link") == f"https://example.org/w/issues/{tricky.slug}/"


def test_every_page_announces_the_feed_in_its_head(built_site):
    pages = list(built_site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        html = page.read_text(encoding="utf-8")
        head = html[: html.index("</head>")]
        link = re.search(r'<link rel="alternate" type="application/rss\+xml" title="算力周跟踪" href="([^"]+)"', head)
        assert link, page
        url = urljoin(f"http://host/suanli-weekly/{page.relative_to(built_site).as_posix()}", link.group(1))
        assert url == "http://host/suanli-weekly/feed.xml", page


def test_archive_is_in_the_navigation_and_issues_are_not(built_site):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    tabs = html[html.index('<nav class="md-tabs"'):]
    tabs = tabs[: tabs.index("</nav>")]
    assert re.search(r'href="archive/" class="md-tabs__link">\s*往期', tabs)
    assert "issues/" not in tabs


def test_search_index_is_utf8_and_has_no_empty_sections(built_site):
    raw = (built_site / "search" / "search_index.json").read_text(encoding="utf-8")
    docs_part = raw[raw.index('"docs"'):]
    assert "\\u" not in docs_part and "超微电脑" in docs_part
    docs = json.loads(raw)["docs"]
    assert all(d["text"].strip() for d in docs if "#" in d["location"])
    assert any(d["location"] == "issues/2024-11-22/" for d in docs)
