"""Search stage: keep the search index to what a reader searches for, in as few bytes as possible."""
from __future__ import annotations

import json


def compact_index(raw: str) -> str:
    """Material's search_index.json, smaller: UTF-8 instead of \\uXXXX escapes, no empty sections.

    Material writes every Chinese character (and each zero-width space jieba inserts between words)
    as a six-byte escape; as UTF-8 they take three. Sections with no text (the chart heading,
    headings of excluded lists) only add noise to results.
    """
    index = json.loads(raw)
    index["docs"] = [d for d in index["docs"] if "#" not in d["location"] or d.get("text", "").strip()]
    return json.dumps(index, ensure_ascii=False, separators=(",", ":"))
