"""What changed this week: the 本周数据要点 block, computed from the data alone.

Pure: rows in, Chinese sentences out. Every number in a sentence comes from a row the
highlight names in ``sources`` (dataset, key, column, value), so each one can be traced back to
a CSV cell, and tests check that it was. The analyst's narrative is never touched.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from .history import History
from ..schema.declarations import packaged
from ..schema.model import Registry, Row
from ..schema.snapshot import Column, Dataset, Declarations, HighlightRule
from ..schema.units import cell, pct, plain, wan


@dataclass(frozen=True)
class Source:
    """One data cell a highlight quotes, and whether its row is sample data."""

    dataset: str
    key: tuple
    column: str
    value: float
    sample: bool = True

    @classmethod
    def of(cls, dataset: Dataset, row: Row, column: str) -> Source:
        return cls(dataset.name, tuple(row[k] for k in dataset.key), column, row[column], bool(row.get("sample")))


@dataclass(frozen=True)
class Highlight:
    text: str
    sources: tuple[Source, ...]

    @property
    def quotes_sample(self) -> bool:
        """True when any cell the highlight quotes is sample data."""
        return any(s.sample for s in self.sources)


@dataclass(frozen=True)
class Week:
    """What every rule reads: this snapshot's rows, the previous snapshot's (None for the first
    issue), the history visible to the issue of ``date``, and the entity registry."""

    this: dict[str, Sequence[Row]]
    prev: dict[str, Sequence[Row]] | None
    history: History
    date: date
    registry: Registry


def week_highlights(this: dict[str, Sequence[Row]], prev: dict[str, Sequence[Row]] | None,
                    history: History, issue_date: date, registry: Registry,
                    datasets: Declarations | None = None) -> list[Highlight]:
    """All highlights of one issue, rule by rule in the declared order.

    ``this``: the snapshot's own rows (``Snapshot.rows``); ``prev``: the previous snapshot's
    rows (None for the first issue); ``history``: the rows visible to the issue of ``issue_date``.
    """
    datasets = datasets or packaged()
    week = Week(this, prev, history, issue_date, registry)
    out: list[Highlight] = []
    for rule in datasets.highlights:
        out += RULES[rule.rule](rule, datasets.by_name[rule.dataset], week)
    return out


def _change(new: float, old: float) -> float:
    return (new / old - 1) * 100 if old else math.nan


def _amount(column: Column, value: float) -> str:
    """A quoted value with its unit: 9.05亿次 for a count in 万次."""
    if column.format == "wan":
        return wan(value, column.unit.removeprefix("万"))
    return cell(column, value) + column.unit


def movers(rule: HighlightRule, dataset: Dataset, week: Week) -> list[Highlight]:
    """Per group (segment): the biggest rise and the biggest fall of the week."""
    out = []
    rows_of_week, value, group, name = week.this.get(dataset.name, ()), rule.value, dataset.column(rule.group), dataset.entity
    shown = dataset.column(value)
    for segment in group.choices:
        rows = sorted((r for r in rows_of_week if r[group.name] == segment), key=lambda r: r[value])
        if not rows:
            continue
        top, bottom = rows[-1], rows[0]
        parts, sources = [], []
        if top[value] > 0:
            parts.append(f"{top[name]}涨幅最大（{cell(shown, top[value])}）")
            sources.append(Source.of(dataset, top, value))
        if bottom[value] < 0:
            parts.append(f"{bottom[name]}跌幅最大（{cell(shown, bottom[value])}）")
            sources.append(Source.of(dataset, bottom, value))
        if not parts:
            continue
        if top[value] <= 0:
            parts.insert(0, "全部下跌或持平")
        elif bottom[value] >= 0:
            parts.insert(0, "全部上涨或持平")
        out.append(Highlight(f"{segment} {group.header}：" + "，".join(parts) + "。", tuple(sources)))
    return out


def round_threshold(value: float) -> float:
    """The round number just below a value: 90500 → 90000 (9亿), 8120 → 8000 (8000万)."""
    if value <= 0:
        return 0.0
    magnitude = 10 ** math.floor(math.log10(value))
    return math.floor(value / magnitude) * magnitude


def round_label(value: float) -> str:
    """A round threshold as the report writes it: 9亿, 8000万."""
    return f"{value / 10000:g}亿" if value >= 10000 else f"{value:g}万"


def weekly_leader(rule: HighlightRule, dataset: Dataset, week: Week) -> list[Highlight]:
    """The leader and the biggest 环比 moves of the week's values, and (``records``) records broken."""
    rows = week.this.get(dataset.name, ())
    if not rows:
        return []
    history, issue_date = week.history, week.date
    day_of, name, value = dataset.date_column, dataset.entity, rule.value
    column = dataset.column(value)
    latest = max(r[day_of] for r in rows)
    current = sorted((r for r in rows if r[day_of] == latest), key=lambda r: -r[value])
    before = {r[name]: r for r in history.on(dataset.name, issue_date, latest - timedelta(days=7))}
    label = f"{latest:%m-%d} 当周"
    out = []
    leader = current[0]
    sources = [Source.of(dataset, leader, value)]
    text = f"{dataset.title}（{label}）：{leader[name]} {_amount(column, leader[value])}居首"
    if leader[name] in before:
        old = before[leader[name]]
        text += f"，环比 {pct(_change(leader[value], old[value]))}（上周 {_amount(column, old[value])}）"
        sources.append(Source.of(dataset, old, value))
    out.append(Highlight(text + "。", tuple(sources)))

    changes = [(row, before[row[name]]) for row in rows if row[day_of] == latest
               and row[name] in before and before[row[name]][value]]
    if changes:
        changes.sort(key=lambda c: _change(c[0][value], c[1][value]))
        parts, sources = [], []
        for (new, old), word in ((changes[-1], "增幅"), (changes[0], "降幅")):
            change = _change(new[value], old[value])
            if (word == "增幅") != (change > 0) or change == 0:
                continue
            parts.append(f"环比{word}最大为 {new[name]} {pct(change)}"
                         f"（{_amount(column, old[value])} → {_amount(column, new[value])}）")
            sources += [Source.of(dataset, old, value), Source.of(dataset, new, value)]
        if parts:
            out.append(Highlight(dataset.title + "；".join(parts) + "。", tuple(sources)))

    if not rule.records:
        return out
    best = history.best_before(dataset.name, issue_date, latest)
    records, sources = [], []
    unit = column.unit.removeprefix("万")
    for row in current:
        if row[name] not in best or row[value] <= best[row[name]]:
            continue
        text = f"{row[name]} {_amount(column, row[value])}"
        threshold = round_threshold(row[value])
        if best[row[name]] < threshold:
            text += f"（首次突破 {round_label(threshold)}{unit}）"
        records.append(text)
        sources.append(Source.of(dataset, row, value))
    if records:
        out.append(Highlight(f"{column.header}创历史新高：" + "、".join(records) + "。", tuple(sources)))
    return out


def monthly_leader(rule: HighlightRule, dataset: Dataset, week: Week) -> list[Highlight]:
    """Month-over-month (环比) values of the latest complete month visible to the issue."""
    history, issue_date = week.history, week.date
    day_of, name, value, complete = dataset.date_column, dataset.entity, rule.value, dataset.complete
    column = dataset.column(value)
    current: list[Row] = []
    for month in reversed(history.dates(dataset.name, issue_date)):
        current = [r for r in history.on(dataset.name, issue_date, month) if not complete or r[complete]]
        if current:
            break
    if not current:
        return []
    month = current[0][day_of]
    previous = (month.replace(day=1) - timedelta(days=1)).replace(day=1)
    current.sort(key=lambda r: -r[value])
    before = {r[name]: r for r in history.on(dataset.name, issue_date, previous)}
    leader = current[0]
    label = f"{month:%Y年%-m月}"
    text = f"{dataset.title}（{label}，完整月）：{leader[name]} {cell(column, leader[value])}居首"
    sources = [Source.of(dataset, leader, value)]
    if leader[name] in before and before[leader[name]][value]:
        old = before[leader[name]]
        text += f"，环比 {pct(_change(leader[value], old[value]))}（上月 {cell(column, old[value])}）"
        sources.append(Source.of(dataset, old, value))
    out = [Highlight(text + "。", tuple(sources))]
    changes = [(r, before[r[name]]) for r in current if r[name] in before and before[r[name]][value]]
    if len(changes) > 1:
        new, old = max(changes, key=lambda c: _change(c[0][value], c[1][value]))
        if new[name] != leader[name] and new[value] > old[value]:
            out.append(Highlight(f"{label} {dataset.title}环比增幅最大为 {new[name]} {pct(_change(new[value], old[value]))}"
                                 f"（{cell(column, old[value])} → {cell(column, new[value])}）。",
                                 (Source.of(dataset, old, value), Source.of(dataset, new, value))))
    return out


def entrants(rule: HighlightRule, dataset: Dataset, week: Week) -> list[Highlight]:
    """Entities that appear for the first time this week, or no longer appear."""
    if week.prev is None:
        return []
    now, was = week.this.get(dataset.name), week.prev.get(dataset.name)
    if not now or not was:
        return []
    column, registry = dataset.entity, week.registry

    def ids(rows):
        return {(registry.get(r[column]).id if registry.get(r[column]) else r[column]): r[column] for r in rows}
    new_ids, old_ids = ids(now), ids(was)
    added = [new_ids[i] for i in new_ids if i not in old_ids]
    dropped = [old_ids[i] for i in old_ids if i not in new_ids]
    parts = []
    if added:
        parts.append("新进入：" + "、".join(added))
    if dropped:
        parts.append("不再列出：" + "、".join(dropped))
    return [Highlight(f"{dataset.title}{'；'.join(parts)}。", ())] if parts else []


def price_moves(rule: HighlightRule, dataset: Dataset, week: Week) -> list[Highlight]:
    """Each entity's latest value per series (new and used price) against the previous quote
    (within the chart's window)."""
    prices = week.this.get(dataset.name, ())
    history = week.history.visible(dataset.name, week.date)
    name, day_of, value = dataset.entity, dataset.date_column, rule.value
    column = dataset.column(value)
    series = dataset.column(dataset.series) if dataset.series else None
    kinds = series.choices if series else (None,)
    sign = "$" if column.format == "usd" else ""

    def of(row: Row, kind) -> bool:
        return series is None or row[series.name] == kind
    out = []
    for model in dict.fromkeys(r[name] for r in prices):
        parts, sources = [], []
        for kind in kinds:
            rows = [r for r in prices if r[name] == model and of(r, kind)]
            if not rows:
                continue
            last = max(rows, key=lambda r: r[day_of])
            label = series.label_of(kind) if series else column.header
            text = f"{label} {sign}{plain(last[value], 0)}"
            sources.append(Source.of(dataset, last, value))
            earlier = [r for r in history if r[name] == model and of(r, kind) and r[day_of] < last[day_of]]
            if earlier:
                old = max(earlier, key=lambda r: r[day_of])
                text += f"（较 {old[day_of]:%m-%d} 的 {sign}{plain(old[value], 0)} {pct(_change(last[value], old[value]))}）"
                sources.append(Source.of(dataset, old, value))
            parts.append(text)
        if parts:
            out.append(Highlight(f"{model} {column.header}：" + "，".join(parts) + "。", tuple(sources)))
    return out


RULES = {"movers": movers, "weekly_leader": weekly_leader, "monthly_leader": monthly_leader, "entrants": entrants,
         "price_moves": price_moves}
