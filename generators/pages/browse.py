"""The browse pages (archive index, year pages, tag pages, /latest/) as Markdown.

Every list is newest first and shows each issue's date, linked title and lead. The lists are
wrapped in ``data-search-exclude`` so the leads are indexed once, on the issues themselves;
archive and tag pages are still found by their titles.
"""
from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from itertools import groupby


from ..errors import DataError, Problem
from ..schema.model import Issue
from .issue import front_matter, link_text
from .urls import ARCHIVE_INDEX, TAGS_INDEX, issue_path, rel_link, tag_path, year_path
from ..schema.units import MEMO

RECENT = 20


BOOST_EPOCH = date(2024, 1, 1)


def recency_boost(day: date) -> float:
    """Search boost of the issue dated ``day``: 1.0 in 2024, +0.02 a year (1.2 after ten years).

    Small enough to order equally relevant issues newest first without outranking a better
    match, and a function of the issue's own date only, so a published page never changes.
    """
    return round(1.0 + 0.02 * max(0, (day - BOOST_EPOCH).days) / 365.25, 3)


def issue_list(issues: Sequence[Issue], here: str, *, by_month: bool = False) -> str:
    """A newest-first Markdown list of issues (date, linked title, lead), reusable on any page.

    ``here`` is the docs path of the page the list appears on (links are relative to it);
    ``by_month`` adds a heading per month.
    """
    ordered = sorted(issues, key=lambda i: i.date, reverse=True)
    if not ordered:
        return "暂无。\n"
    if not by_month:
        return _items(ordered, here)
    parts = []
    for (year, month), group in groupby(ordered, key=lambda i: (i.date.year, i.date.month)):
        parts.append(f"### {year} 年 {month} 月\n\n{_items(list(group), here)}")
    return "\n".join(parts)


def browse_index_markdown(issues: Sequence[Issue]) -> str:
    """/archive/: the latest issues, then every year with its count, then every tag."""
    years = Counter(i.date.year for i in issues)
    year_lines = "".join(f"- [{y} 年]({rel_link(ARCHIVE_INDEX, year_path(y))})（{n} 期）\n"
                         for y, n in sorted(years.items(), reverse=True))
    recent = sorted(issues, key=lambda i: i.date)[-RECENT:]
    return (_front("往期", "算力周跟踪全部往期：按年份浏览，或按主题浏览。")
            + f"# 往期\n\n共 {len(issues)} 期，"
            + f"按年份或[主题]({rel_link(ARCHIVE_INDEX, TAGS_INDEX)})浏览全部往期。\n\n"
            + "## 按年份\n\n" + year_lines + "\n"
            + f"## 最近 {len(recent)} 期\n\n" + _excluded(issue_list(recent, ARCHIVE_INDEX, by_month=True)))


def year_markdown(year: int, issues: Sequence[Issue]) -> str:
    """/archive/YYYY/: every issue of one year, newest first, grouped by month."""
    mine = [i for i in issues if i.date.year == year]
    here = year_path(year)
    return (_front(f"{year} 年往期", f"算力周跟踪 {year} 年全部 {len(mine)} 期。")
            + f"# {year} 年往期\n\n{year} 年共 {len(mine)} 期。[返回往期]({rel_link(here, ARCHIVE_INDEX)})\n\n"
            + _excluded(issue_list(mine, here, by_month=True)))


def tags_index_markdown(issues: Sequence[Issue]) -> str:
    """/tags/: every tag with its issue count, most used first."""
    counts = Counter(t for i in issues for t in dict.fromkeys(i.tags))
    lines = "".join(f"- [{_md(t)}]({rel_link(TAGS_INDEX, tag_path(t))})（{n} 期）\n"
                    for t, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return (_front("主题", "算力周跟踪各期涉及的主题。")
            + f"# 主题\n\n{lines or '暂无。'}\n")


def tag_markdown(tag: str, issues: Sequence[Issue]) -> str:
    """/tags/<slug>/: the issues carrying one tag, newest first."""
    mine = [i for i in issues if tag in i.tags]
    here = tag_path(tag)
    return (_front(f"主题：{tag}", f"算力周跟踪中涉及“{tag}”的 {len(mine)} 期。")
            + f"# 主题：{_md(tag)}\n\n共 {len(mine)} 期。[全部主题]({rel_link(here, TAGS_INDEX)})\n\n"
            + _excluded(issue_list(mine, here)))


def browse_pages(issues: Sequence[Issue]) -> dict[str, str]:
    """Every browse page: docs path → Markdown."""
    pages = {ARCHIVE_INDEX: browse_index_markdown(issues)}
    for year in sorted({i.date.year for i in issues}):
        pages[year_path(year)] = year_markdown(year, issues)
    pages[TAGS_INDEX] = tags_index_markdown(issues)
    for tag in sorted({t for i in issues for t in i.tags}):
        path = tag_path(tag)
        if path in pages:
            raise DataError([Problem(f"{i.slug}/issue.md", f"主题 “{tag}” 与另一个主题的网址相同（{path}）", hint="请改名")
                             for i in issues if tag in i.tags])
        pages[path] = tag_markdown(tag, issues)
    return pages


def _items(issues: Sequence[Issue], here: str) -> str:
    return "".join(_item(i.date, i.title, i.sample, i.lead, rel_link(here, issue_path(i))) for i in issues) + "\n"


@lru_cache(maxsize=MEMO)    # an issue is listed on its year page and on each of its tags' pages
def _item(day: date, title: str, sample: bool, lead: str, link: str) -> str:
    return f"- **{day:%Y-%m-%d}** · [{_md(title)}]({link})" + ("（示例数据）" if sample else "") + f"  \n  {_md(lead)}\n"


def _excluded(markdown: str) -> str:
    # md_in_html keeps the attribute; Material's search skips the block, so leads are indexed once.
    return f'<div class="wk-issue-list" markdown="1" data-search-exclude>\n\n{markdown}\n</div>\n'


def _front(title: str, description: str) -> str:
    return front_matter(title, description) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")


@lru_cache(maxsize=MEMO)    # an issue's title and lead recur on its year page and each of its tags' pages
def _md(text: str) -> str:
    """Analyst text inside Markdown: HTML escaped, Markdown punctuation backslash-escaped, one line."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False)).replace("\n", " ")


def latest_markdown(issue: Issue) -> str:
    """/latest/ — a URL that never changes and always leads to the newest issue: a page with its
    title, lead and link, which instant navigation follows (a meta refresh reloaded the whole
    site on every click of the 最新一期 tab). The tab keeps pointing here, so publishing an issue
    changes this page, not the header of every page in the archive."""
    return ("---\ntitle: 最新一期\nsearch:\n  exclude: true\n---\n\n"
            f"# 最新一期：{issue.date:%Y-%m-%d}\n\n"
            f"## [{link_text(issue.title)}]({issue_path(issue)})\n\n"
            f"{link_text(issue.lead)}\n\n"
            f"[阅读全文]({issue_path(issue)}){{ .md-button .md-button--primary }} [往期]({ARCHIVE_INDEX}){{ .md-button }}\n")
