"""Search: the words jieba must keep whole (``search_words``), and the search index kept to what a reader searches for, in as few bytes as possible,
and able to find every word a reader may type.

Material segments each run of Han characters with jieba, and jieba glues some words to their
neighbours (「先前受安永辞职影响」 gives 受安永), so a word inside a longer run cannot be found by
its own tokens. Each entry therefore also carries a ``grams`` field, never shown: the overlapping
two-character pieces of its Han runs that its own words do not already start with, and its figures
with their unit (9亿, 52.15%). The search worker (docs/assets/javascripts/workers/weekly-search.js)
cuts the reader's query by the same rules (``HAN``, ``FIGURE`` below are mirrored there).
"""
from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter

import jieba

from ..schema.model import Issue, Registry, Snapshot
from ..schema.snapshot import Declarations

GRAMS = "grams"
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# A number with its unit, not part of a name or a longer number (H100, 1118-1120 are not figures);
# "7.75 亿次" is the figure 7.75亿.
FIGURE = re.compile(r"(?<![0-9A-Za-z.])(\d+(?:\.\d+)?)[ \u00a0]?(%|万亿|亿|万|倍)")
TAG = re.compile(r"<[^>]*>")
ZWSP = "\u200b"
# A section outside the issues that is one long list (companies, tags, recent issues) is still
# searchable, but its text moves to ``grams`` so a result shows a line, not the whole list.
SNIPPET = 80


@dataclass(frozen=True)
class PageExtras:
    """What an issue page shows but Material does not index: its chart titles and notes (the
    charts are kept out of the page's Markdown for search, see render.py). The computed
    本周数据要点 stay out: at 520 issues their figures alone would add ~100 KB gzip to the index."""
    charts: Sequence[str] = ()


def compact_index(raw: str, extras: Mapping[str, PageExtras] | None = None,
                  aliases: Sequence[Sequence[str]] = ()) -> str:
    """Material's search_index.json, smaller and complete: UTF-8 instead of \\uXXXX escapes, no
    empty sections, each issue's chart titles, and a ``grams`` field per entry.

    Material writes every Chinese character (and each zero-width space jieba inserts between words)
    as a six-byte escape; as UTF-8 they take three. Sections with no text (the chart heading,
    headings of excluded lists) only add noise to results. ``extras``: page location → what to add;
    ``aliases``: every name of each entity with a page, so the worker finds MiniMax for 海螺AI.
    """
    index = json.loads(raw)
    separator = re.compile(index["config"]["separator"])
    docs = _with_extras(index["docs"], extras or {})
    docs = [d for d in docs if "#" not in d["location"] or d.get("text", "").strip()]
    for doc in docs:
        listed = _shorten_list(doc) if _is_list(doc) else ""
        grams = index_grams(" ".join((doc["title"], doc["text"], listed)), separator)
        if listed:
            grams = " ".join(dict.fromkeys([*_words(listed, separator), *grams.split()]))
        if grams:
            doc[GRAMS] = grams
    index["config"]["fields"][GRAMS] = {"boost": 1.0}
    if aliases:
        index["config"]["aliases"] = [list(names) for names in aliases if len(names) > 1]
    index["docs"] = docs
    return json.dumps(index, ensure_ascii=False, separators=(",", ":"))


def index_grams(text: str, separator: re.Pattern) -> str:
    """The ``grams`` of an entry's (jieba-segmented) title and text, sorted and space-separated:
    the two-character pieces inside its longer Han words that no word of it starts with (安永 of
    受安永, 飞星 and 星火 of 讯飞星火), and its figures with their unit that are not words already.

    Pieces across jieba's word boundaries are left out: they would double the index, and a query
    that spans two words still finds the page by the pieces each word holds.
    """
    words = {w.lower() for w in separator.split(TAG.sub(" ", text)) if w}
    starts = {w[:2] for w in words}
    grams = {run[i:i + 2] for w in words for run in HAN.findall(w) for i in range(1, len(run) - 1)} - starts
    plain = html.unescape(TAG.sub(" ", text).replace(ZWSP, ""))
    grams |= {number + unit for number, unit in FIGURE.findall(plain)} - words
    return " ".join(sorted(grams))


def segment(text: str) -> str:
    """Han runs cut by jieba with zero-width spaces between words, as Material's indexer does."""
    return HAN.sub(lambda m: ZWSP + ZWSP.join(jieba.cut(m.group())) + ZWSP, text).strip(ZWSP)


def chart_lines(issue: Issue, datasets: Declarations) -> tuple[str, ...]:
    """An issue's chart titles and notes as its page shows them, for its 图表 section in the index.

    Read from the declarations and the issue, not from drawn charts: a build draws only the issues
    the page cache lacks, and a cached issue must index the same lines as a freshly drawn one.
    """
    period, out = issue.period.label(), []
    for spec in datasets.charts:
        title = spec.title.format(period=period) if "{period}" in spec.title else spec.title
        out.append(f"图表 {spec.number}：{title}")
        out.extend(f"注：{note}" for note in spec.notes + issue.chart_notes.get(spec.key, ()))
    return tuple(out)


def _with_extras(docs: list[dict], extras: Mapping[str, PageExtras]) -> list[dict]:
    """Each issue's chart titles and notes as the text of its 图表 section."""
    if not extras:
        return docs
    for doc in docs:
        page, _, anchor = doc["location"].partition("#")
        extra = extras.get(page)
        if extra is None:
            continue
        if anchor and doc["title"] == "图表" and extra.charts:
            doc["text"] = "".join(f"<p>{segment(html.escape(t))}</p>" for t in extra.charts)
    return docs


def _is_list(doc: dict) -> bool:
    text = doc["text"].strip()
    return not doc["location"].startswith("issues/") and text.startswith("<ul>") and len(text) > SNIPPET


def _shorten_list(doc: dict) -> str:
    """A list section's text becomes its first item; returns the whole text (searchable through ``grams``)."""
    whole = doc["text"]
    items = [item for item in (TAG.sub("", i).strip() for i in whole.split("</li>")) if item]
    doc["text"] = f"<p>{items[0]} …</p>" if items else ""
    return whole


def _words(text: str, separator: re.Pattern) -> list[str]:
    return [w.lower() for w in separator.split(TAG.sub(" ", text)) if w]


def issue_words(snapshot: Snapshot, datasets: Declarations) -> tuple[str, ...]:
    """The names one issue uses (in its data, its watch lists) and its tags, each once."""
    words: dict[str, None] = {}
    for dataset in datasets:
        if dataset.entity:
            words.update(dict.fromkeys(map(str, map(itemgetter(dataset.entity), snapshot.rows.get(dataset.name, ())))))
    for watchlist in snapshot.issue.watchlists:
        words.update(dict.fromkeys(watchlist.companies))
    words.update(dict.fromkeys(snapshot.issue.tags))
    return tuple(words)


def search_words(registry: Registry, used: Iterable[tuple[str, ...]]) -> list[str]:
    """Names that jieba must keep whole: every entity in the registry (aliases too) and every
    name and tag the issues use (``issue_words`` of each)."""
    words: set[str] = {n for e in registry.entities for n in e.names}
    for issue in used:
        words.update(issue)
    return sorted(w for w in words if w.strip())


def jieba_dictionary(words: list[str]) -> str:
    """A jieba user dictionary: one word per line with a high frequency so it stays whole."""
    # jieba entries cannot hold spaces, and it already splits Latin words by itself.
    return "".join(f"{w} 100000 nz\n" for w in words if " " not in w and not w.isascii())
