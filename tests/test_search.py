"""Search in headless Chromium with terms picked from the data: Chinese, English and mixed queries.

Terms are chosen from the issues' narratives (data/*/issue.md), kept only if the built search index
holds them as whole words, so the queries follow the data rather than a fixed handful.
"""
from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from generators.load.snapshots import load_archive

from conftest import DATA, type_like_a_person

pytestmark = pytest.mark.browser

SPLIT = re.compile(r"[\s\u200b\-_,:!=\[\]()\"`/，。；、“”‘’：（）！？%+*#.]+")
HAN = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
LATIN = re.compile(r"^[A-Za-z][A-Za-z0-9]{2,}$")


@pytest.fixture(scope="module")
def issues():
    return load_archive(DATA).issues


@pytest.fixture(scope="module")
def index_words(built_site) -> dict[str, set[str]]:
    """Page location → the words the search index holds for it."""
    docs = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    words: dict[str, set[str]] = {}
    for d in docs:
        words.setdefault(d["location"].split("#")[0], set()).update(
            w for w in SPLIT.split(d["title"] + " " + d["text"]) if w)
    return words


def mentions(issues, term: str) -> list[str]:
    return [i.slug for i in issues if term.lower() in i.body.lower()]


def rare_chinese_terms(issues, index_words, count: int = 3) -> list[tuple[str, str]]:
    """(term, issue) pairs: a Chinese word that one issue's narrative mentions and no other page holds."""
    df = Counter(w for words in index_words.values() for w in words)
    picked = []
    for issue in reversed(issues):                      # newest first, one word per issue
        mine = index_words[f"issues/{issue.slug}/"]
        rare = sorted((w for w in mine if HAN.match(w) and df[w] == 1 and w in issue.body
                       and mentions(issues, w) == [issue.slug]), key=lambda w: (-len(w), w))
        if rare:
            picked.append((rare[0], issue.slug))
        if len(picked) == count:
            break
    return picked


def rare_english_terms(issues, index_words, count: int = 3) -> list[tuple[str, str]]:
    """(term, issue) pairs: a Latin word (product or company name) only one issue's narrative mentions."""
    words = Counter(w for i in issues for w in set(re.findall(r"[A-Za-z][A-Za-z0-9]+", i.body)))
    picked = []
    for word in sorted((w for w, n in words.items() if LATIN.match(w)), key=lambda w: (words[w], -len(w), w)):
        hits = mentions(issues, word)
        if len(hits) == 1 and word in index_words[f"issues/{hits[0]}/"]:
            picked.append((word, hits[0]))
        if len(picked) == count:
            break
    return picked


def mixed_terms(issues, index_words, count: int = 2) -> list[tuple[str, str]]:
    """(query, issue) pairs like 'H100 价格': a Latin name several issues mention plus a Chinese word
    that, among those issues, only one mentions."""
    words = Counter(w for i in issues for w in set(re.findall(r"[A-Za-z][A-Za-z0-9]+", i.body)))
    picked = []
    for word in sorted((w for w, n in words.items() if LATIN.match(w) and n >= 2), key=lambda w: (words[w], w)):
        hits = mentions(issues, word)
        for slug in hits:
            others = [i for i in issues if i.slug in hits and i.slug != slug]
            mine = index_words[f"issues/{slug}/"]
            body = next(i.body for i in issues if i.slug == slug)
            han = sorted(w for w in mine if HAN.match(w) and w in body and not any(w in o.body for o in others))
            if han and word in mine:
                picked.append((f"{word} {han[0]}", slug))
                break
        if len(picked) == count:
            break
    return picked


def top_three(page, server, query: str, slug: str) -> list[str]:
    """Type the query on a fresh page; wait until the issue is among the first three results (or time out)."""
    page.goto(f"{server}/")
    box = page.locator("input.md-search__input")
    type_like_a_person(page, box, query)
    page.wait_for_selector(".md-search-result__item", timeout=20000)
    wanted = f"{server}/issues/{slug}/"
    # Material lists a page and then its matching sections; a result is a page.
    pages = ("[...new Set([...document.querySelectorAll('.md-search-result__item > a')]"
             ".map(a => a.href.split(/[?#]/)[0]))].slice(0, 3)")
    js = f"wanted => {pages}.includes(wanted)"
    try:
        page.wait_for_function(js, arg=wanted, timeout=8000)
    except Exception:
        pass
    return page.evaluate(pages)


def check(page, server, picked):
    assert picked, "no term could be picked from the data"
    for query, slug in picked:
        links = top_three(page, server, query, slug)
        assert f"{server}/issues/{slug}/" in links, (query, slug, links)
        title = page.locator(f".md-search-result__item > a[href^='{server}/issues/{slug}/']").first.inner_text()
        assert slug in title, (query, title)                      # the result shows the issue's date
    assert page.errors == []


def test_search_finds_the_issue_that_mentions_a_rare_chinese_word(page, server, issues, index_words):
    check(page, server, rare_chinese_terms(issues, index_words))


def test_search_finds_the_issue_that_mentions_an_english_name(page, server, issues, index_words):
    check(page, server, rare_english_terms(issues, index_words))


def test_search_finds_the_issue_for_a_mixed_english_and_chinese_query(page, server, issues, index_words):
    check(page, server, mixed_terms(issues, index_words))


def test_search_index_is_not_requested_until_the_reader_turns_to_search(page, server):
    requested = []
    page.on("request", lambda r: requested.append(r.url) if "search_index.json" in r.url else None)
    page.goto(f"{server}/issues/2024-11-22/")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    assert requested == []
    page.locator("input.md-search__input").focus()
    page.wait_for_function("true")
    page.wait_for_timeout(1000)
    assert len(requested) == 1
