"""Entity feeds and sharing meta: what a follower's feed reader and a pasted link show."""
from __future__ import annotations

import re
from datetime import date

import feedparser
import pytest

from conftest import DATA
from generators.exports.entity_feeds import entity_feed_xml
from generators.load.snapshots import load_archive
from generators.schema.model import Entity


@pytest.fixture(scope="module")
def archive():
    return load_archive(DATA)


def head(site, rel: str) -> str:
    text = (site / rel / "index.html").read_text(encoding="utf-8")
    return text[: text.index("</head>")]


@pytest.mark.build
def test_every_entity_page_announces_its_own_feed_and_the_feed_parses(built_site, archive):
    pages = sorted(p.parent.name for p in (built_site / "entities").glob("*/index.html"))
    assert len(pages) >= 30
    for entity_id in pages:
        link = re.search(r'<link rel="alternate feed" type="application/rss\+xml" title="算力周跟踪：[^"]+" href="([^"]+)">',
                         head(built_site, f"entities/{entity_id}"))
        assert link and link.group(1).endswith(f"/entities/{entity_id}/feed.xml"), entity_id
        feed = feedparser.parse((built_site / "entities" / entity_id / "feed.xml").read_bytes())
        assert not feed.bozo, (entity_id, feed.get("bozo_exception"))
        assert feed.feed.link.endswith(f"/entities/{entity_id}/")


@pytest.mark.build
def test_an_entity_feed_has_one_item_per_issue_that_mentions_it_with_its_figures_that_week(built_site):
    feed = feedparser.parse((built_site / "entities" / "supermicro" / "feed.xml").read_bytes())
    assert [e.link.rsplit("/", 2)[-2] for e in feed.entries] == [
        "2024-11-22", "2024-11-15", "2024-11-08", "2024-11-01", "2024-10-25", "2024-10-18", "2024-10-11", "2024-10-04"]
    newest = feed.entries[0]
    assert newest.title == "2024-11-22 · ChatGPT周访问量突破9亿，“精度感知”Scaling Law再引关注"
    assert newest.summary.startswith("超微电脑：周涨跌幅 +52.15%")
    assert newest.published_parsed[:3] == (2024, 11, 22)
    gpu = feedparser.parse((built_site / "entities" / "h100" / "feed.xml").read_bytes()).entries[0]
    assert "新品 $29,461（11-20）" in gpu.summary and "二手 $24,680（11-20）" in gpu.summary


def test_analyst_text_in_an_entity_feed_stays_text(archive):
    issue = archive.issues[-1]
    hostile = Entity(id="x", name="<img src=x onerror=alert(1)>", kind="company", aliases=())
    xml = entity_feed_xml(hostile, [(issue, ["正文提及 <script>alert(1)</script>"])], "https://example.org/s/", "算力周跟踪")
    entry = feedparser.parse(xml.encode()).entries[0]
    assert "<script>" not in entry.summary and "&lt;script&gt;" in entry.summary
    assert "<img" not in xml


@pytest.mark.build
def test_an_issue_page_shares_its_title_lead_and_publication_time(built_site, archive):
    seed = archive.issues[-1]
    text = head(built_site, "issues/2024-11-22")
    meta = dict(re.findall(r'<meta property="([^"]+)" content="([^"]*)">', text))
    assert meta["og:title"] == "2024-11-22 · ChatGPT周访问量突破9亿，“精度感知”Scaling Law再引关注"
    assert meta["og:description"] == seed.lead
    assert meta["og:type"] == "article"
    assert meta["article:published_time"] == "2024-11-22T09:00:00+08:00"
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', text).group(1)
    assert meta["og:url"] == canonical and canonical.endswith("/suanli-weekly/issues/2024-11-22/")
    assert canonical.startswith("http://127.0.0.1:")          # the site's own address, no other host


@pytest.mark.build
@pytest.mark.parametrize("rel, title", [("entities/minimax", "MiniMax"), ("tags/财报", "主题：财报")])
def test_entity_and_tag_pages_share_a_title_description_and_canonical_url(built_site, rel, title):
    text = head(built_site, rel)
    meta = dict(re.findall(r'<meta property="([^"]+)" content="([^"]*)">', text))
    assert meta["og:title"] == title and meta["og:type"] == "website" and meta["og:description"]
    assert meta["og:url"] == re.search(r'<link rel="canonical" href="([^"]+)">', text).group(1)
