"""Render stage: an issue and its charts → the Markdown of its page.

Everything the analyst wrote is treated as text, never as HTML: ``<`` is escaped in the
narrative and every attribute value is HTML-escaped, so a snapshot cannot inject script.
"""
from __future__ import annotations

import html
import re
from collections.abc import Sequence

import pandas as pd
import yaml

from .charts import Chart, figure_json
from .model import Issue
from .units import pct

WEEKDAYS = "一二三四五六日"
DISCLAIMER = "about/disclaimer.md"
RATINGS = "about/ratings.md"
SAMPLE_BADGE = '<span class="wk-sample" title="非真实数据，仅用于演示">示例数据</span>'


def issue_path(issue: Issue) -> str:
    """Where an issue's page lives in the docs tree; its URL is /issues/YYYY-MM-DD/."""
    return f"issues/{issue.slug}.md"


def rel_link(from_path: str, to_path: str) -> str:
    """A relative Markdown link between two docs-tree paths."""
    up = from_path.count("/")
    return "../" * up + to_path


def issue_markdown(issue: Issue, charts: Sequence[Chart], prev: Issue | None, next_: Issue | None) -> str:
    """The complete Markdown page of one issue."""
    here = issue_path(issue)
    parts = [
        _front_matter(issue),
        f"# {_text(issue.title)}\n",
        _meta_line(issue),
        _pager(here, prev, next_, "top"),
    ]
    if issue.sample:
        parts.append('!!! warning "示例数据"\n    本期正文为演示用的示例文字，并非真实研报内容；数据与图表中标注“示例数据”的部分同样为示例。\n')
    parts.append(_narrative(issue.body))
    parts.append(_watchlists(issue))
    parts.append(_risks(issue))
    parts.append("## 图表\n")
    parts.extend(chart_html(c) for c in charts)
    parts.append(_footer(here))
    parts.append(_pager(here, prev, next_, "bottom"))
    return "\n".join(p for p in parts if p)


def _front_matter(issue: Issue) -> str:
    meta = {
        "title": issue.full_title,
        "description": issue.lead,
        "issue_date": issue.slug,
    }
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000) + "---\n"


def _meta_line(issue: Issue) -> str:
    items = [
        f"<span>{_text(issue.sector)}</span>",
        f"<span>发布：<time datetime=\"{issue.slug}\">{issue.date:%Y-%m-%d}（周{WEEKDAYS[issue.date.weekday()]}）</time></span>",
        f"<span>复盘区间：{issue.period.start:%Y-%m-%d} 至 {issue.period.end:%Y-%m-%d}</span>",
    ]
    if issue.prices_as_of:
        items.append(f"<span>价格截至：{issue.prices_as_of:%Y-%m-%d}</span>")
    if issue.tags:
        items.append("<span>主题：" + "、".join(_text(t) for t in issue.tags) + "</span>")
    return '<p class="wk-meta">' + " · ".join(items) + "</p>\n"


def _pager(here: str, prev: Issue | None, next_: Issue | None, where: str) -> str:
    def link(issue: Issue | None, rel: str, label: str) -> str:
        if issue is None:
            return f'<span class="wk-pager-{rel} wk-pager-none">{label}：无</span>'
        href = html.escape(_url_of(here, issue))
        return (f'<a class="wk-pager-{rel}" rel="{rel}" href="{href}">{label}：{issue.date:%Y-%m-%d} '
                f"{_text(issue.title)}</a>")
    return (f'<nav class="wk-pager wk-pager--{where}" aria-label="上一期与下一期" data-search-exclude>'
            f"{link(prev, 'prev', '← 上一期')}{link(next_, 'next', '下一期 →')}</nav>\n")


def _url_of(here: str, issue: Issue) -> str:
    # Pages render at /issues/<date>/, so a sibling issue is one level up.
    return f"../{issue.slug}/"


def _narrative(body: str) -> str:
    return _escape_html(body).strip() + "\n"


def _watchlists(issue: Issue) -> str:
    if not issue.watchlists:
        return ""
    lines = ["## 建议关注\n"]
    for w in issue.watchlists:
        names = "、".join(_text(c) for c in w.companies) + ("等" if w.etc else "")
        lines.append(f"- {_text(w.name)}：{names}。")
    return "\n".join(lines) + "\n"


def _risks(issue: Issue) -> str:
    if not issue.risks:
        return ""
    return "## 风险提示\n\n" + "；".join(_text(r) for r in issue.risks) + "。\n"


def _footer(here: str) -> str:
    return (f'<p class="wk-legal" data-search-exclude>本页内容仅供参考，不构成投资建议。'
            f'<a href="{rel_link(here, DISCLAIMER)}">分析师声明与免责声明</a> · '
            f'<a href="{rel_link(here, RATINGS)}">投资评级说明</a></p>\n')


def chart_html(chart: Chart) -> str:
    """A chart block: caption, plot container (figure JSON in a data attribute), source, notes, table."""
    badge = f" {SAMPLE_BADGE}" if chart.sample else ""
    cid = f"chart-{chart.number}"
    caption = f"图表 {chart.number}：{_text(chart.title)}"
    if chart.figure["data"]:
        plot = (f'<div class="wk-plot" role="img" aria-label="{html.escape(caption)}" '
                f'data-figure="{html.escape(figure_json(chart.figure), quote=True)}"></div>')
    else:
        plot = '<p class="wk-empty">本期无此项数据。</p>'
    notes = "".join(f'<p class="wk-note">注：{_text(n)}</p>' for n in chart.notes)
    sample_note = ('<p class="wk-note wk-note-sample">标注“示例数据”的图表含示例数值（数据文件中 sample=true 的行），仅用于演示。</p>'
                   if chart.sample else "")
    block = (f'<figure class="wk-chart" id="{cid}" data-chart="{chart.key}" data-search-exclude>\n'
             f'<figcaption>{caption}{badge}</figcaption>\n{plot}\n'
             f'<p class="wk-source">来源：{_text(chart.spec.source)}</p>{notes}{sample_note}\n</figure>\n')
    return block + "\n" + table_html(chart, caption) + "\n"


def table_html(chart: Chart, caption: str) -> str:
    """The chart's data as an accessible table, collapsed by default."""
    if chart.table.empty:
        return ""
    head = "".join(f"<th scope=\"col\">{_text(str(c))}</th>" for c in chart.table.columns)
    rows = []
    for record in chart.table.to_numpy(dtype=object).tolist():   # itertuples is ~10x slower
        cells = [f"<th scope=\"row\">{_text(str(record[0]))}</th>"]
        cells += [f"<td>{_text(str(v))}</td>" for v in record[1:]]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<details class="wk-table" data-search-exclude><summary>{caption} · 数据表</summary>\n'
            f'<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table>'
            f"<caption>{caption}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div></div>\n</details>\n")


def _text(value: str) -> str:
    """Analyst text placed inside HTML: escaped, one line."""
    return html.escape(value, quote=True).replace("\n", " ")


_CODE = re.compile(r"(`+)(.+?)\1", re.S)


def _escape_html(markdown: str) -> str:
    """Escape raw HTML in Markdown (outside code spans) so it shows as text, never runs."""
    out, last = [], 0
    for m in _CODE.finditer(markdown):
        out.append(markdown[last:m.start()].replace("<", "&lt;"))
        out.append(m.group(0))
        last = m.end()
    out.append(markdown[last:].replace("<", "&lt;"))
    return "".join(out)


def stock_mentions(frame: pd.DataFrame) -> list[str]:
    """'英伟达 +3.54%' strings, used by the home page summary."""
    return [f"{n} {pct(v)}" for n, v in zip(frame["name"], frame["change_pct"])]
