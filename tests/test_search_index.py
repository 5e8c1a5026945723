"""The search index's hidden `grams` field: what lets a query find a word jieba glued to another."""
from __future__ import annotations

import json
import re

from generators.assemble.search import compact_index, index_grams

SEPARATOR = re.compile(r"[\s\u200b\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]+")


def test_grams_hold_the_pieces_inside_a_longer_word_that_no_word_starts_with():
    grams = index_grams("<p>\u200b先前\u200b受安永\u200b辞职\u200b影响\u200b，\u200b讯飞星火\u200b</p>", SEPARATOR).split()
    assert "安永" in grams and "飞星" in grams and "星火" in grams
    assert "受安" not in grams and "讯飞" not in grams         # words start with them: a prefix query finds those
    assert "永辞" not in grams                                  # across jieba's words: left out to keep the index small


def test_grams_hold_figures_with_their_unit_and_nothing_of_names_or_ranges():
    grams = index_grams("ChatGPT\u200b突破\u200b9\u200b亿\u200b，\u200b超微电脑\u200b+52.15%，约 7.75 亿次，H100，1118-1120",
                        SEPARATOR).split()
    assert {"9亿", "52.15%", "7.75亿"} <= set(grams)
    assert not [g for g in grams if g.startswith(("100", "1118", "1120"))]


def test_a_long_list_section_shows_its_first_line_and_stays_searchable():
    raw = json.dumps({"config": {"separator": SEPARATOR.pattern, "fields": {"title": {}, "text": {}}},
                      "docs": [{"location": "entities/", "title": "公司与产品", "text": "<p>全部</p>"},
                               {"location": "entities/#_2", "title": "公司",
                                "text": "<ul> " + " ".join(f"<li>\u200b公司{i}\u200b（别名{i}）</li>" for i in range(30)) + " </ul>"}]})
    docs = json.loads(compact_index(raw, aliases=[("MiniMax", "海螺AI")]))
    section = docs["docs"][1]
    assert section["text"] == "<p>\u200b公司0\u200b（别名0） …</p>"
    assert "别名29" in section["grams"].split()
    assert docs["config"]["fields"]["grams"] == {"boost": 1.0}
    assert docs["config"]["aliases"] == [["MiniMax", "海螺AI"]]
