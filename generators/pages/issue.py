"""An issue and its charts → the Markdown of its page.

Everything the analyst wrote is treated as text, never as HTML: ``<`` is escaped in the
narrative and every attribute value is HTML-escaped, so a snapshot cannot inject script.
"""
from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from functools import lru_cache

import yaml

from ..charts.figures import Chart, figure_json
from ..compute.history import Correction
from ..charts.describe import describe
from ..schema.model import Issue
from ..schema.units import MEMO
from .urls import DISCLAIMER, RATINGS, issue_path, page_url, pdf_name, rel_link, sibling_issue_url, up

WEEKDAYS = "一二三四五六日"
# Finished HTML (a chart block, an entity page's list of issues): the MkDocs plugin lifts it out
# between these markers so that Python-Markdown and the search indexer do not walk its tags,
# figure JSON and hundreds of links (see mkdocs_plugin.on_page_markdown). In plain Markdown
# output the markers are invisible comments.
HTML_BEGIN, HTML_END = "<!-- wk-html -->", "<!-- /wk-html -->"
SAMPLE_BADGE = '<span class="wk-sample" title="非真实数据，仅用于演示">示例数据</span>'


def issue_markdown(issue: Issue, charts: Sequence[Chart], prev: Issue | None,
                   corrections: Sequence[Correction] = (), highlights: Sequence[tuple[str, bool]] = (),
                   chart_csvs: dict[int, str] | None = None, bundle: str | None = None,
                   boost: float | None = None, links: dict[str, str] | None = None,
                   named: Sequence[tuple[str, str]] = ()) -> str:
    """The complete Markdown page of one issue, as it stood when published.

    It depends only on this issue and earlier ones, so adding next week's snapshot leaves it
    byte-for-byte the same: the "next issue" link is filled in at build time (``link_next``).
    ``chart_csvs``: chart number → its CSV's URL relative to the page; ``bundle``: the issue's data ZIP;
    ``boost``: its weight in search (newer is higher); ``links``: a topic's or a company's
    name → the docs path of its tag or entity page, where it has one; ``named``: the companies,
    products and GPUs the text names, each with its entity page's docs path, in the order named.
    """
    here = issue_path(issue)
    parts = [
        _front_matter(issue, boost),
        f"# {dated_title(issue)}\n",
        _meta_line(issue, links or {}),
        _edition_link(issue),
        _pager(prev, "top"),
        _corrections(corrections),
    ]
    if issue.sample:
        parts.append('!!! warning "示例数据"\n    本期正文为演示用的示例文字，并非真实研报内容；数据与图表中标注“示例数据”的部分同样为示例。\n')
    parts.append(highlights_block(highlights))
    parts.append(_narrative(issue.body))
    parts.append(_named(named))
    parts.append(_watchlists(issue, here, links or {}))
    parts.append(_risks(issue))
    parts.append("## 图表\n")
    if bundle:
        parts.append(f'<p class="wk-bundle" data-search-exclude><a href="{html.escape(bundle)}" download>下载本期全部数据（ZIP：各数据文件与每张图表的 CSV）</a></p>\n')
    parts.extend(chart_html(c, (chart_csvs or {}).get(c.number)) for c in charts)
    parts.append(_footer(here))
    parts.append(_pager(prev, "bottom"))
    return "\n".join(p for p in parts if p)


def dated_title(issue: Issue) -> str:
    """The page heading: the date first, so every search result shows which week it is."""
    return f"{issue.date:%Y-%m-%d} · {_text(issue.title)}"


def front_matter(title: str, description: str | None = None, **extra) -> str:
    """A generated page's YAML front matter.

    Material puts page.meta.title and .description into <title>, the header and a <meta>
    attribute without escaping them, so every generated page stores them escaped.
    """
    meta = {"title": html.escape(title, quote=True)}
    if description is not None:
        meta["description"] = html.escape(description, quote=True)
    meta.update(extra)
    return "---\n" + "".join(_yaml_lines(meta, "")) + "---\n"


# Outside what YAML may hold unescaped in a double-quoted scalar, or read there as a line break.
_YAML_ESCAPE = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029]")
_YAML_FLOAT = re.compile(r"-?\d+\.\d+")


def _yaml_lines(mapping: dict, indent: str):
    """A mapping of text, numbers and mappings as block YAML, every text double-quoted.

    JSON's string syntax is a subset of YAML's double-quoted style, so no value can be read
    as anything but the text it is. A fifth of what yaml.safe_dump cost on every issue page.
    """
    for key, value in mapping.items():
        if isinstance(value, dict):
            yield f"{indent}{key}:\n"
            yield from _yaml_lines(value, indent + "  ")
        elif isinstance(value, str):
            text = json.dumps(value, ensure_ascii=False)
            yield f"{indent}{key}: {_YAML_ESCAPE.sub(_yaml_escape, text)}\n"
        elif isinstance(value, float) and _YAML_FLOAT.fullmatch(repr(value)):
            yield f"{indent}{key}: {value!r}\n"
        else:
            yield f"{indent}{key}: {yaml.safe_dump(value).removesuffix(chr(10) + '...' + chr(10)).strip()}\n"


def _yaml_escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _front_matter(issue: Issue, boost: float | None = None) -> str:
    extra = {"search": {"boost": boost}} if boost is not None else {}
    return front_matter(f"{issue.date:%Y-%m-%d} · {issue.title}", issue.lead, issue_date=issue.slug, **extra)


def _meta_line(issue: Issue, links: dict[str, str]) -> str:
    items = [
        f"<span>{_text(issue.sector)}</span>",
        f"<span>发布：<time datetime=\"{issue.slug}\">{issue.date:%Y-%m-%d}（周{WEEKDAYS[issue.date.weekday()]}）</time></span>",
        f"<span>复盘区间：{issue.period.start:%Y-%m-%d} 至 {issue.period.end:%Y-%m-%d}</span>",
    ]
    if issue.prices_as_of:
        items.append(f"<span>价格截至：{issue.prices_as_of:%Y-%m-%d}</span>")
    if issue.tags:
        items.append("<span>主题：" + "、".join(_html_link(t, links.get(t)) for t in issue.tags) + "</span>")
    return '<p class="wk-meta">' + " · ".join(items) + "</p>\n"


def _edition_link(issue: Issue) -> str:
    # The PDF sits beside the page (issues/<date>/), so the link is its bare name.
    return (f'<p class="wk-edition" data-search-exclude><a href="{html.escape(pdf_name(issue))}" download>下载 PDF</a>'
            f"（A4 研报版式，含图表与声明）</p>\n")


NEXT_PLACEHOLDER = '<span class="wk-pager-next wk-pager-none">下一期 →：尚未发布</span>'


def _pager(prev: Issue | None, where: str) -> str:
    label = "上一期与下一期" + ("（页首）" if where == "top" else "（页尾）")
    return (f'<nav class="wk-pager wk-pager--{where}" aria-label="{label}" data-search-exclude>'
            f"{_pager_link(prev, 'prev', '← 上一期')}{NEXT_PLACEHOLDER}</nav>\n")


def _pager_link(issue: Issue | None, rel: str, label: str) -> str:
    if issue is None:
        return f'<span class="wk-pager-{rel} wk-pager-none">{label}：无</span>'
    href = html.escape(sibling_issue_url(issue))
    return (f'<a class="wk-pager-{rel}" rel="{rel}" href="{href}">{label}：{issue.date:%Y-%m-%d} '
            f"{_text(issue.title)}</a>")


def link_next(page_html: str, next_: Issue | None) -> str:
    """Fill in an issue page's "next issue" link at build time (the Markdown says 尚未发布)."""
    if next_ is None:
        return page_html
    return page_html.replace(NEXT_PLACEHOLDER, _pager_link(next_, "next", "下一期 →"))


def _corrections(corrections: Sequence[Correction]) -> str:
    """A visible 更正 note: which earlier value this issue's data replaces, and when it was published."""
    if not corrections:
        return ""
    lines = ['!!! note "更正"', "    本期数据更正了往期已发布的数值：", ""]
    for c in corrections:
        lines.append(f"    - {c.published:%Y-%m-%d} 期{_text(c.dataset)}，{_text(c.entity)}（{_text(c.when)}）："
                     f"{_text(c.old)} 更正为 {_text(c.new)}")
    return "\n".join(lines) + "\n"


def _narrative(body: str) -> str:
    return _escape_html(body).strip() + "\n"


def highlights_block(sentences: Sequence[tuple[str, bool]]) -> str:
    """本周数据要点: computed sentences (text, quotes sample data) in a box above the narrative."""
    if not sentences:
        return ""
    items = "".join(f"    <li>{_text(text)}{' ' + SAMPLE_BADGE if sample else ''}</li>\n" for text, sample in sentences)
    # Excluded from search: computed from the data (which the entity pages index), so a name would
    # otherwise match every issue whose numbers mention it, burying the issues that discuss it.
    return (f'<div class="admonition abstract wk-highlights" data-search-exclude>\n'
            f'<p class="admonition-title">本周数据要点（由数据自动计算）</p>\n<ul>\n{items}</ul>\n</div>\n')


def _html_link(name: str, path: str | None) -> str:
    """A name in raw HTML on an issue page (/issues/<date>/), linked to a page's URL when it has one."""
    if path is None:
        return _text(name)
    url = up(2) + page_url(path)            # an issue's URL is two folders down: issues/<date>/
    return f'<a href="{html.escape(url)}">{_text(name)}</a>'


def _named(named: Sequence[tuple[str, str]]) -> str:
    """Every company, product and GPU the text names, linked to its page (left out of search: the
    names are in the text above)."""
    if not named:
        return ""
    return ('<p class="wk-named" data-search-exclude>文中提及：'
            + "、".join(_html_link(name, path) for name, path in named) + "</p>\n")


def _watchlists(issue: Issue, here: str, links: dict[str, str]) -> str:
    if not issue.watchlists:
        return ""
    lines = ["## 建议关注\n"]
    for w in issue.watchlists:
        names = "、".join(f"[{link_text(c)}]({rel_link(here, links[c])})" if c in links else _text(c)
                         for c in w.companies) + ("等" if w.etc else "")
        lines.append(f"- {_text(w.name)}：{names}。")
    return "\n".join(lines) + "\n"


def _risks(issue: Issue) -> str:
    if not issue.risks:
        return ""
    return "## 风险提示\n\n" + "；".join(_text(r) for r in issue.risks) + "。\n"


def _footer(here: str) -> str:
    # markdown="span": the links are Markdown, so MkDocs checks and rewrites them (raw HTML
    # links are left as written, and "../about/disclaimer.md" does not exist in the built site).
    return (f'<p class="wk-legal" data-search-exclude markdown="span">本页内容仅供参考，不构成投资建议。'
            f'[分析师声明与免责声明]({rel_link(here, DISCLAIMER)}) · '
            f'[投资评级说明]({rel_link(here, RATINGS)})</p>\n')


def chart_html(chart: Chart, download: str | None = None) -> str:
    """A chart block: caption, plot container (figure JSON in a data attribute), source, notes, table.

    ``download``: the URL, relative to the page, of the CSV of what the chart shows.
    """
    badge = f" {SAMPLE_BADGE}" if chart.sample else ""
    cid = f"chart-{chart.number}"
    caption = f"图表 {chart.number}：{_cell(chart.title)}"
    if chart.figure["data"]:
        # A figure with its own height (chart 1: one bar a company) reserves it before it is drawn.
        height = chart.figure["layout"].get("height")
        style = f' style="height:{int(height)}px"' if height else ""
        # No role="img": the plot holds Plotly's toolbar buttons, which an image may not. Screen
        # readers get the figure's caption and its text alternative (wk-alt) instead of the SVG.
        plot = (f'<div class="wk-plot"{style} '
                f"data-figure='{figure_attribute(chart.figure)}'></div>"
                f'<p class="wk-alt" id="{cid}-alt">{_text(describe(chart, caption))}</p>')
    else:
        plot = '<p class="wk-empty">本期无此项数据。</p>'
    notes = "".join(f'<p class="wk-note">注：{_cell(n)}</p>' for n in chart.notes)
    sample_note = ('<p class="wk-note wk-note-sample">标注“示例数据”的图表含示例数值（数据文件中 sample=true 的行），仅用于演示。</p>'
                   if chart.sample else "")
    # The separator in its own span, so print (which leaves the link out) can leave it out too.
    link = (f'<span class="wk-download-sep"> · </span><a class="wk-download" href="{html.escape(download)}" download>下载数据</a>'
            if download else "")
    described = f' aria-describedby="{cid}-alt"' if chart.figure["data"] else ""
    block = (f'<figure class="wk-chart" id="{cid}" data-chart="{chart.key}"{described} data-search-exclude>\n'
             f'<figcaption>{caption}{badge}</figcaption>\n{plot}\n'
             f'<p class="wk-source">来源：{_cell(chart.spec.source)}{link}</p>{notes}{sample_note}\n</figure>\n')
    return finished_html(f"{block}\n{table_html(chart, caption)}")


def finished_html(block: str) -> str:
    """HTML the MkDocs plugin keeps out of Markdown and search (see ``HTML_BEGIN``)."""
    return f"{HTML_BEGIN}\n{block}{HTML_END}\n"


def figure_attribute(figure: dict) -> str:
    """Figure JSON for a single-quoted attribute: JSON quotes with " so only ' needs escaping, and
    the attribute is about a third smaller than with every " written as &quot;."""
    return figure_json(figure).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;")


def table_html(chart: Chart, caption: str) -> str:
    """The chart's data as an accessible table, collapsed by default."""
    if chart.table.empty:
        return ""
    table = chart.table
    head = _table_head(table.columns)
    label = "数据表" if table.total is None else f"数据表（最近 {len(table.rows)} 行，共 {table.total} 行，完整数据见“下载数据”）"
    rows = "".join(map(_table_row, table.rows))
    return (f'<details class="wk-table" data-search-exclude><summary>{caption} · {label}</summary>\n'
            # Focusable and named: a wide table scrolls sideways from the keyboard too.
            f'<div class="md-typeset__scrollwrap" tabindex="0" role="region" aria-label="{caption} · 数据表">'
            f'<div class="md-typeset__table"><table>'
            f"<caption>{caption}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table></div></div>\n</details>\n")


@lru_cache(maxsize=MEMO)
def _table_head(columns: tuple) -> str:
    return "".join(f'<th scope="col">{_cell(c)}</th>' for c in columns)


@lru_cache(maxsize=MEMO)
def _table_row(record: tuple) -> str:
    """A table row (its first cell heads it), memoised: a week's row recurs in every issue whose
    window holds it."""
    return f'<tr><th scope="row">{_cell(record[0])}</th><td>' + "</td><td>".join(map(_cell, record[1:])) + "</td></tr>"


@lru_cache(maxsize=MEMO)
def _cell(value) -> str:
    """A table cell: the same few thousand values recur in every issue's tables, so memoised."""
    return _text(str(value))


def _text(value: str) -> str:
    """Analyst text placed inside HTML: escaped, one line."""
    return html.escape(value, quote=True).replace("\n", " ")


def link_text(value: str) -> str:
    """Analyst text as the text of a Markdown link: escaped HTML, no brackets or Markdown syntax."""
    return re.sub(r"([\\`*_{}\[\]])", r"\\\1", _text(value))


_LINK_TARGET = re.compile(r"(\]\(\s*|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*)([^\s)]+)", re.M)
_SAFE_SCHEMES = ("http", "https", "mailto")


def _safe_links(markdown: str) -> str:
    """Turn a link to javascript:, data: or any other non-web scheme into a dead '#' link."""
    def fix(m: re.Match) -> str:
        target = re.sub(r"[\x00-\x20]", "", html.unescape(m.group(2))).lower()
        scheme = re.match(r"([a-z][a-z0-9+.-]*):", target)
        if scheme and scheme.group(1) not in _SAFE_SCHEMES:
            return m.group(1) + "#"
        return m.group(0)
    return _LINK_TARGET.sub(fix, markdown)


_CODE = re.compile(r"(`+)(.+?)\1", re.S)


def _escape_html(markdown: str) -> str:
    """Escape raw HTML in Markdown (outside code spans) so it shows as text, never runs.

    ``{`` is escaped too: attr_list would otherwise turn ``{: onclick=…}`` into an attribute.
    """
    def plain(text: str) -> str:
        return _safe_links(text.replace("<", "&lt;").replace("{", "&#123;"))

    out = []
    # A code span never crosses a blank line: pairing backticks across paragraphs would leave
    # whatever lies between them unescaped (the page's sanitiser removes it anyway).
    for block in _BLOCKS.split(markdown):
        last = 0
        for m in _CODE.finditer(block):
            out.append(plain(block[last:m.start()]))
            out.append(m.group(0))
            last = m.end()
        out.append(plain(block[last:]))
    return "".join(out)


_BLOCKS = re.compile(r"(\n[ \t]*\n)")


def raw_html_lines(markdown: str) -> list[int]:
    """Lines (from 1) of the narrative where the analyst wrote raw HTML, which shows as text."""
    lines = []
    for number, line in enumerate(markdown.split("\n"), start=1):
        if _RAW_HTML.search(_CODE.sub("", line)):
            lines.append(number)
    return lines


_RAW_HTML = re.compile(r"<(/?[A-Za-z][\w-]*[\s>/]|!--)")

