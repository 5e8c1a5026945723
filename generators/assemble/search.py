"""Search: the words jieba must keep whole, and the search index kept to what a reader searches for, in as few bytes as possible."""
from __future__ import annotations

import json
from collections.abc import Iterable
from operator import itemgetter

from ..schema.model import Registry, Snapshot
from ..schema.snapshot import Declarations


def compact_index(raw: str) -> str:
    """Material's search_index.json, smaller: UTF-8 instead of \\uXXXX escapes, no empty sections.

    Material writes every Chinese character (and each zero-width space jieba inserts between words)
    as a six-byte escape; as UTF-8 they take three. Sections with no text (the chart heading,
    headings of excluded lists) only add noise to results.
    """
    index = json.loads(raw)
    index["docs"] = [d for d in index["docs"] if "#" not in d["location"] or d.get("text", "").strip()]
    return json.dumps(index, ensure_ascii=False, separators=(",", ":"))


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
