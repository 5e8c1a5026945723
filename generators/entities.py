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

from .downloads import chart_csv_name
from .charts import DOWN, UP, Chart, ChartSpec, Table, _compact, _figure, _latest, full_history, iso_day, downloads_chart, gpu_chart, partial_months, visits_chart, without_empty_columns
from .model import Archive, Entity, Issue, Registry, Row
from .registry import KIND_LABELS, NAME_COLUMNS
from .render import _footer, _text, chart_html, finished_html, front_matter
from .units import pct, plain, wan

INDEX = "entities/index.md"
TABLE_ROWS = 52
# An entity's row key within its history (besides the entity itself, whatever name a snapshot used).
KEYS = {"stocks": ("issue",), "visits": ("week",), "downloads": ("month",), "gpu_prices": ("date", "condition")}


def entity_path(entity: Entity) -> str:
    """Where an entity's page lives in the docs tree; its URL is /entities/<id>/."""
    return f"entities/{entity.id}.md"


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
    for dataset, column in NAME_COLUMNS.items():
        key, get_id = itemgetter(*KEYS[dataset]), ids.get
        # A later snapshot's row wins, in the place of the key's first appearance.
        latest = {(get_id(row[column], row[column]), key(row)): row for row in archive.stacked_rows(dataset)}
        tables: dict[str, list[Row]] = {}
        for (entity_id, _), row in latest.items():
            rows = tables.get(entity_id)
            if rows is None:
                rows = tables[entity_id] = []
            rows.append(row)
        for entity_id, rows in tables.items():
            if entity_id in out:
                out[entity_id].tables[dataset] = rows
    lists = {entity_id: data.mentions for entity_id, data in out.items()}
    for snapshot in archive.snapshots:
        items = (mentions or {}).get(snapshot.issue.date)
        if items is None:
            items = mention_items(snapshot.issue, what_it_said(snapshot.issue, snapshot.rows, registry))
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
    link = f'<a href="../../issues/{issue.slug}/">{issue.date:%Y-%m-%d}：{_text(issue.title)}</a>'
    return {entity_id: f"<li>{link}：{_text('；'.join(words))}</li>" for entity_id, words in said.items()}


def what_it_said(issue: Issue, rows: Mapping[str, Sequence[Row]], registry: Registry) -> dict[str, list[str]]:
    """What one issue said about each entity it mentions (entity id → phrases): its figures that
    week, the watch lists it is on, or a mention in the narrative. ``rows``: ``Snapshot.rows``."""
    said: dict[str, list[str]] = {}
    for dataset, column in NAME_COLUMNS.items():
        for row in rows.get(dataset, ()):
            phrases = said.setdefault(_id(registry, row[column]), [])
            if dataset == "stocks":
                phrases.append(f"周涨跌幅 {pct(row['change_pct'])}")
            elif dataset == "visits":
                phrases.append(f"周访问量 {wan(row['visits'], '次')}（{row['week']:%m-%d} 当周）")
            elif dataset == "downloads":
                partial = "" if row["complete"] else "，非完全统计"
                phrases.append(f"{row['month']:%Y-%m} 下载量 {wan(row['downloads'])}{partial}")
            else:
                label = "新品" if row["condition"] == "new" else "二手"
                phrases.append(f"{label} ${plain(row['price'], 0)}（{row['date']:%m-%d}）")
    for watchlist in issue.watchlists:
        for name in watchlist.companies:
            said.setdefault(_id(registry, name), []).append(f"建议关注（{watchlist.name}）")
    text = issue.body + issue.lead
    for entity in registry.entities:
        if entity.id not in said and any(n in text for n in entity.names):
            said[entity.id] = ["正文提及"]
    return said


def entity_charts(data: EntityData) -> list[Chart]:
    """The entity's history charts, numbered from 1 on its page."""
    entity, tables = data.entity, data.tables
    made: list[tuple[str, str, str, dict, Table, Sequence[Row], tuple[str, ...]]] = []
    if "stocks" in tables:
        figure, table, rows = stock_history(tables["stocks"], entity, TABLE_ROWS)
        made.append(("stocks", f"{entity.name} 每期周涨跌幅", "Wind，iFinD，华福证券研究所", figure, table, rows, ()))
    if "visits" in tables:
        rows = _named(tables["visits"], "product", entity.name)
        figure, table, rows = visits_chart(rows, rows[-1]["category"], None, TABLE_ROWS)
        made.append(("visits", f"{entity.name} 网站周访问量（单位：次）", "Similarweb，华福证券研究所", figure, table, rows, ()))
    if "downloads" in tables:
        figure, table, rows = downloads_chart(_named(tables["downloads"], "app", entity.name), TABLE_ROWS)
        partial = partial_months(rows)
        made.append(("downloads", f"{entity.name} App 月度下载量（单位：次）", "七麦数据，华福证券研究所", figure, table, rows,
                     (partial,) if partial else ()))
    if "gpu_prices" in tables:
        figure, table, rows = gpu_chart(_named(tables["gpu_prices"], "model", entity.name), entity.name, TABLE_ROWS)
        made.append(("gpu_prices", f"{entity.name} GPU 价格", "Camelcamelcamel，华福证券研究所", figure, table, rows,
                     ("蓝色代表新品售卖价格，红色代表二手商品价格",)))
    charts = []
    for number, (key, title, source, figure, table, rows, notes) in enumerate(made, start=1):
        spec = ChartSpec(number, key, title, source)
        if figure["data"]:
            full_history(figure, TABLE_ROWS)
        # The chart and its CSV hold the full history; the page's table its latest year or so.
        charts.append(Chart(spec, title, figure, table, notes, any(r["sample"] for r in rows)))
    return charts


def _named(rows: list[Row], column: str, name: str) -> list[Row]:
    """The rows with ``column`` reading ``name`` (the entity's name where a snapshot used an alias)."""
    if set(map(itemgetter(column), rows)) == {name}:
        return rows
    return [{**r, column: name} for r in rows]


def stock_history(rows: Sequence[Row], entity: Entity, table_rows: int | None = None) -> tuple[dict, Table, Sequence[Row]]:
    """Weekly change per issue as vertical bars, red up / green down (``table_rows``: the table
    shows only the latest issues, as ``Table.latest``)."""
    rows = sorted(rows, key=itemgetter("issue"))
    values = list(map(_compact, map(itemgetter("change_pct"), rows)))
    # No label on each bar: years of weekly bars are too narrow to carry one; hovering shows it.
    trace = {"type": "bar", "name": entity.name, "x": list(map(iso_day, map(itemgetter("issue"), rows))), "y": values,
             "marker": {"color": list(map(_bar_color, values))},
             "hovertemplate": "%{x}<br>周涨跌幅 %{y:+.2f}%<extra></extra>"}
    layout = {"xaxis": {"tickformat": "%m-%d", "hoverformat": "%Y-%m-%d"}, "yaxis": {"ticksuffix": "%", "zeroline": True},
              "showlegend": False}
    shown, total = _latest(rows, table_rows)
    table = Table(("期", "代码", "周涨跌幅", "总市值（亿）", "收盘价"),
                  tuple((r["issue"].isoformat(), r["ticker"], pct(r["change_pct"]), plain(r["market_cap"], 0), plain(r["close"]))
                        for r in shown), total)
    return _figure([trace], layout), without_empty_columns(table), rows


def _bar_color(value: float) -> str:
    return UP if value >= 0 else DOWN


def _known(value) -> bool:
    """A cell that holds a value (optional numeric cells are None, or NaN once stacked)."""
    return value is not None and value == value


def latest_figures(data: EntityData) -> list[str]:
    """One line per dataset: the entity's most recent values."""
    lines, tables = [], data.tables
    if "stocks" in tables:
        row = max(tables["stocks"], key=itemgetter("issue"))
        figures = [f"周涨跌幅 {pct(row['change_pct'])}"]
        if _known(row["market_cap"]):
            figures.append(f"总市值 {plain(row['market_cap'], 0)} 亿")
        if _known(row["close"]):
            figures.append(f"收盘价 {plain(row['close'])}")
        lines.append(f"{row['issue']:%Y-%m-%d} 一期：" + "，".join(figures) + f"（{row['ticker']}，{row['market']}，{row['segment']}）")
    if "visits" in tables:
        row = max(tables["visits"], key=itemgetter("week"))
        lines.append(f"周访问量 {wan(row['visits'], '次')}（{row['week']:%Y-%m-%d} 当周）")
    if "downloads" in tables:
        row = max(tables["downloads"], key=itemgetter("month"))
        lines.append(f"月下载量 {wan(row['downloads'])}（{row['month']:%Y-%m}{'' if row['complete'] else '，非完全统计'}）")
    if "gpu_prices" in tables:
        for condition, label in (("new", "新品"), ("used", "二手")):
            part = [r for r in tables["gpu_prices"] if r["condition"] == condition]
            if part:
                row = max(part, key=itemgetter("date"))
                lines.append(f"{label}价格 ${plain(row['price'], 0)}（{row['date']:%Y-%m-%d}）")
    return lines


def entity_markdown(data: EntityData, charts: list[Chart], downloads: dict[int, str] | None = None) -> str:
    """The page of one entity."""
    entity = data.entity
    kind = KIND_LABELS[entity.kind]
    title = entity.name + (f"（{' / '.join(entity.aliases)}）" if entity.aliases else "")
    parts = [front_matter(title), f"# {_text(entity.name)}\n",
             f'<p class="wk-meta"><span>{kind}</span>'
             + (f" · <span>别名：{' / '.join(_text(a) for a in entity.aliases)}</span>" if entity.aliases else "")
             + ' · <a href="../">全部公司与产品</a></p>\n']
    latest = latest_figures(data)
    parts.append("## 最新数据\n\n" + ("\n".join(f"- {_text(line)}" for line in latest) if latest else "暂无数据，仅在正文或建议关注中出现。") + "\n")
    if charts:
        parts.append("## 历史走势\n")
        parts.extend(chart_html(c, (downloads or {}).get(c.number)) for c in charts)
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
        charts[entity_id] = entity_charts(data)
    pages[INDEX] = index_markdown(histories)
    for entity_id, data in histories.items():
        downloads = {c.number: name for c in charts[entity_id] if (name := chart_csv_name(c))}
        pages[entity_path(data.entity)] = entity_markdown(data, charts[entity_id], downloads)
    return pages, charts
