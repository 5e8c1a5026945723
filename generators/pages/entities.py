"""Entity pages: one page per company, AI product and GPU model, drawn from every snapshot.

Pure: archive in, Markdown out. A page shows the entity's full history as charts (the same
figure conventions as the issue charts: red up / green down, 万/亿 units), its latest figures,
its aliases (so that searching any alias lands here), and every issue that mentions it, each
link labelled with what that issue said about it.
"""
from __future__ import annotations


from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from datetime import date

import dataclasses
import string
from functools import lru_cache

from ..charts.figures import Chart, csv_unit, draw, full_history, with_partial
from ..schema.model import Archive, Entity, Issue, Registry, Row
from ..load.registry import KIND_LABELS
from .issue import _footer, _text, chart_html, finished_html, front_matter
from ..schema.snapshot import Dataset, Declarations
from ..schema.units import CELL, cell
from .urls import ENTITIES_INDEX, chart_csv_name, entity_path, issue_url, up

TABLE_ROWS = 52


def history_key(dataset: Dataset) -> tuple[str, ...]:
    """An entity's row key within its history (besides the entity itself, whatever name a
    snapshot used): the dataset's key without the entity, or the issue for undated rows."""
    rest = tuple(k for k in dataset.key if k != dataset.entity)
    return rest if dataset.dated and rest else ("issue",)


@dataclass
class EntityData:
    """One entity's rows of every dataset across the archive (latest value per key), and one
    finished list item per issue that mentions it (``mention_items``), oldest first."""

    entity: Entity
    tables: dict[str, list[Row]] = field(default_factory=dict)
    mentions: list[str] = field(default_factory=list)


def entity_histories(archive: Archive, mentions: Mapping[date, dict[str, str]] | None = None) -> dict[str, EntityData]:
    """Every registered entity's history: its rows, a later snapshot winning (in the order of
    their first appearance: every chart sorts them by date).

    ``mentions``: ``mention_items`` per issue date where already known (the per-issue cache keeps them).
    """
    registry = archive.registry
    out = {e.id: EntityData(e) for e in registry.entities}
    ids = {name: e.id for e in registry.entities for name in e.names}
    for dataset in archive.datasets:
        if not dataset.entity:
            continue
        column, key, get_id = dataset.entity, itemgetter(*history_key(dataset)), ids.get
        # A later snapshot's row wins, in the place of the key's first appearance.
        latest = {(get_id(row[column], row[column]), key(row)): row for row in archive.stacked_rows(dataset.name)}
        tables: dict[str, list[Row]] = {}
        for (entity_id, _), row in latest.items():
            rows = tables.get(entity_id)
            if rows is None:
                rows = tables[entity_id] = []
            rows.append(row)
        for entity_id, rows in tables.items():
            if entity_id in out:
                out[entity_id].tables[dataset.name] = rows
    lists = {entity_id: data.mentions for entity_id, data in out.items()}
    for snapshot in archive.snapshots:
        items = (mentions or {}).get(snapshot.issue.date)
        if items is None:
            items = mention_items(snapshot.issue, what_it_said(snapshot.issue, snapshot.rows, registry, archive.datasets))
        for entity_id, item in items.items():
            mentioned = lists.get(entity_id)
            if mentioned is not None:
                mentioned.append(item)
    return out


def _id(registry: Registry, name: str) -> str:
    entity = registry.get(name)
    return entity.id if entity else name


def mention_items(issue: Issue, said: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Each mentioned entity's list item linking this issue, labelled with what it said
    (``what_it_said``), as finished HTML for the entity pages (at /entities/<id>/)."""
    link = f'<a href="{up(2)}{issue_url(issue)}">{issue.date:%Y-%m-%d}：{_text(issue.title)}</a>'
    return {entity_id: f"<li>{link}：{_text('；'.join(words))}</li>" for entity_id, words in said.items()}


def what_it_said(issue: Issue, rows: Mapping[str, Sequence[Row]], registry: Registry,
                 datasets: Declarations) -> dict[str, list[str]]:
    """What one issue said about each entity it mentions (entity id → phrases): its figures that
    week (each dataset's ``said`` template), the watch lists it is on, or a mention in the
    narrative. ``rows``: ``Snapshot.rows``."""
    said: dict[str, list[str]] = {}
    for dataset in datasets:
        if not dataset.entity:
            continue
        column, template = dataset.entity, dataset.entity_page.said
        for row in rows.get(dataset.name, ()):
            phrases = said.setdefault(_id(registry, row[column]), [])
            if template:
                phrases.append(fill(template, row, dataset))
    for watchlist in issue.watchlists:
        for name in watchlist.companies:
            said.setdefault(_id(registry, name), []).append(f"建议关注（{watchlist.name}）")
    text = issue.body + issue.lead
    for entity in registry.entities:
        if entity.id not in said and any(n in text for n in entity.names):
            said[entity.id] = ["正文提及"]
    return said


def entity_charts(data: EntityData, datasets: Declarations) -> list[Chart]:
    """The entity's history charts, one per dataset that declares one, numbered from 1 on its page."""
    entity, tables, charts = data.entity, data.tables, []
    for dataset in datasets:
        spec = dataset.entity_page.chart
        if spec is None or dataset.name not in tables:
            continue
        figure, table, rows = draw(spec, dataset, _named(tables[dataset.name], dataset.entity, entity.name), TABLE_ROWS)
        title = spec.title.replace("{entity}", entity.name)
        spec = dataclasses.replace(spec, number=len(charts) + 1, title=title)
        if figure["data"]:
            full_history(figure, TABLE_ROWS)
        # The chart and its CSV hold the full history; the page's table its latest year or so.
        charts.append(Chart(spec, title, figure, table, with_partial(dataset, rows, spec.notes),
                            any(r.get("sample") for r in rows), unit=csv_unit(dataset.column(spec.value))))
    return charts


def _named(rows: list[Row], column: str, name: str) -> list[Row]:
    """The rows with ``column`` reading ``name`` (the entity's name where a snapshot used an alias)."""
    if set(map(itemgetter(column), rows)) == {name}:
        return rows
    return [{**r, column: name} for r in rows]


def _known(value) -> bool:
    """A cell that holds a value (optional numeric cells are None, or NaN once stacked)."""
    return value is not None and value == value


@lru_cache(maxsize=256)
def _template(text: str) -> tuple[tuple[bool, tuple[tuple[str, str | None, str | None], ...]], ...]:
    """A text template split into parts, each (optional, its (literal, field, spec) pieces)."""
    parts, rest = [], text
    while rest:
        start = rest.find("[")
        end = rest.find("]", start) if start >= 0 else -1
        if start < 0 or end < 0:
            parts.append((False, rest))
            break
        parts += [(False, rest[:start]), (True, rest[start + 1:end])]
        rest = rest[end + 1:]
    return tuple((optional, tuple((literal, name, spec) for literal, name, spec, _ in string.Formatter().parse(piece)))
                 for optional, piece in parts if piece)


def fill(template: str, row: Row, dataset: Dataset) -> str:
    """A declared text template filled from one row (see datasets.yaml): ``{column}`` in its
    format, ``{column:%m-%d}`` a date, ``{column:plain0}`` another format, ``{partial}``, and
    ``[ … ]`` left out when a value inside is empty."""
    out = []
    for optional, pieces in _template(template):
        text, known = [], True
        for literal, name, spec in pieces:
            text.append(literal)
            if name is None:
                continue
            if name == "partial":
                text.append("，非完全统计" if dataset.complete and not row[dataset.complete] else "")
                continue
            value = row[name]
            known = known and _known(value)
            text.append(_shown(dataset, name, value, spec))
        if known or not optional:
            out.append("".join(text))
    return "".join(out)


def _shown(dataset: Dataset, name: str, value, spec: str | None) -> str:
    if name == "issue" or isinstance(value, date):
        kind = "date" if name == "issue" else dataset.column(name).kind
        return format(value, spec or ("%Y-%m" if kind == "month" else "%Y-%m-%d"))
    column = dataset.column(name)
    if spec:
        return CELL[spec](value)
    if column.kind == "choice":
        return column.label_of(value)
    return str(cell(column, value))


def latest_figures(data: EntityData, datasets: Declarations) -> list[str]:
    """One line per dataset (per series, where it has one): the entity's most recent values."""
    lines, tables = [], data.tables
    for dataset in datasets:
        template = dataset.entity_page.latest
        if not template or dataset.name not in tables:
            continue
        rows, when = tables[dataset.name], itemgetter(dataset.date_column or "issue")
        if dataset.series:
            for kind in dataset.column(dataset.series).choices:
                part = [r for r in rows if r[dataset.series] == kind]
                if part:
                    lines.append(fill(template, max(part, key=when), dataset))
        else:
            lines.append(fill(template, max(rows, key=when), dataset))
    return lines


def entity_markdown(data: EntityData, charts: list[Chart], chart_csvs: dict[int, str] | None,
                    datasets: Declarations) -> str:
    """The page of one entity."""
    entity = data.entity
    kind = KIND_LABELS[entity.kind]
    title = entity.name + (f"（{' / '.join(entity.aliases)}）" if entity.aliases else "")
    parts = [front_matter(title), f"# {_text(entity.name)}\n",
             f'<p class="wk-meta"><span>{kind}</span>'
             + (f" · <span>别名：{' / '.join(_text(a) for a in entity.aliases)}</span>" if entity.aliases else "")
             + ' · <a href="../">全部公司与产品</a></p>\n']
    latest = latest_figures(data, datasets)
    parts.append("## 最新数据\n\n" + ("\n".join(f"- {_text(line)}" for line in latest) if latest else "暂无数据，仅在正文或建议关注中出现。") + "\n")
    if charts:
        parts.append("## 历史走势\n")
        parts.extend(chart_html(c, (chart_csvs or {}).get(c.number)) for c in charts)
    items = data.mentions[::-1]
    # Every issue that mentions the entity, as finished HTML: kept out of Python-Markdown (hundreds
    # of links per page were most of the entity pages' build time) and out of search (the issues
    # themselves are indexed), so the entity's entry stays its name, aliases and latest figures.
    listing = (finished_html('<div class="wk-issue-list" data-search-exclude><ul>\n' + "\n".join(items) + "\n</ul></div>\n")
               if items else "暂无。\n")
    parts.append(f"## 提及{_text(entity.name)}的各期（{len(items)}）\n\n{listing}")
    parts.append(_footer(entity_path(entity)))
    return "\n".join(parts)


def index_markdown(histories: dict[str, EntityData]) -> str:
    """/entities/ — every entity by kind, with aliases and how many issues mention it."""
    parts = ["---\ntitle: 公司与产品\n---\n", "# 公司与产品\n",
             "每家公司、每个 AI 产品和每个 GPU 型号一页：完整历史走势、最新数据与提及它的各期。搜索任一别名都能找到对应页面。\n"]
    for kind, label in KIND_LABELS.items():
        items = [d for d in histories.values() if d.entity.kind == kind]
        if not items:
            continue
        parts.append(f"## {label}\n")
        rows = []
        for d in items:
            alias = f"（{' / '.join(_text(a) for a in d.entity.aliases)}）" if d.entity.aliases else ""
            rows.append(f"- [{_link_text(d.entity.name)}]({d.entity.id}.md){alias} · {len(d.mentions)} 期")
        parts.append("\n".join(rows) + "\n")
    return "\n".join(parts)


def _link_text(text: str) -> str:
    return _text(text).replace("[", "［").replace("]", "］")




def entity_pages(archive: Archive, mentions: Mapping[date, dict[str, str]] | None = None
                 ) -> tuple[dict[str, str], dict[str, list[Chart]]]:
    """Every entity page and the index: docs path → Markdown, and entity id → charts."""
    histories = entity_histories(archive, mentions)
    pages, charts = {}, {}
    for entity_id, data in histories.items():
        charts[entity_id] = entity_charts(data, archive.datasets)
    pages[ENTITIES_INDEX] = index_markdown(histories)
    for entity_id, data in histories.items():
        chart_csvs = {c.number: name for c in charts[entity_id] if (name := chart_csv_name(c))}
        pages[entity_path(data.entity)] = entity_markdown(data, charts[entity_id], chart_csvs, archive.datasets)
    return pages, charts
