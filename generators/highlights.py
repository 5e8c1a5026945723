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

from .compute import History
from .model import Registry, Row
from .schema import DATASET_BY_NAME, SEGMENTS
from .units import pct, plain, wan


@dataclass(frozen=True)
class Source:
    """One data cell a highlight quotes, and whether its row is sample data."""

    dataset: str
    key: tuple
    column: str
    value: float
    sample: bool = True

    @classmethod
    def of(cls, dataset: str, row: Row, column: str) -> Source:
        return cls(dataset, tuple(row[k] for k in DATASET_BY_NAME[dataset].key), column, row[column], bool(row["sample"]))


@dataclass(frozen=True)
class Highlight:
    text: str
    sources: tuple[Source, ...]

    @property
    def quotes_sample(self) -> bool:
        """True when any cell the highlight quotes is sample data."""
        return any(s.sample for s in self.sources)


def week_highlights(this: dict[str, Sequence[Row]], prev: dict[str, Sequence[Row]] | None,
                    history: History, issue_date: date, registry: Registry) -> list[Highlight]:
    """All highlights of one issue.

    ``this``: the snapshot's own rows (``Snapshot.rows``); ``prev``: the previous snapshot's
    rows (None for the first issue); ``history``: the rows visible to the issue of ``issue_date``.
    """
    out: list[Highlight] = []
    out += stock_movers(this.get("stocks", ()))
    out += visit_changes(this.get("visits", ()), history, issue_date)
    out += download_changes(history, issue_date)
    out += entrants(this, prev, registry)
    out += gpu_moves(this.get("gpu_prices", ()), history.as_of("gpu_prices", issue_date))
    return out


def _change(new: float, old: float) -> float:
    return (new / old - 1) * 100 if old else math.nan


def stock_movers(stocks: Sequence[Row]) -> list[Highlight]:
    """Per segment: the biggest rise and the biggest fall of the week."""
    out = []
    for segment in SEGMENTS:
        rows = sorted((r for r in stocks if r["segment"] == segment), key=lambda r: r["change_pct"])
        if not rows:
            continue
        top, bottom = rows[-1], rows[0]
        parts, sources = [], []
        if top["change_pct"] > 0:
            parts.append(f"{top['name']}涨幅最大（{pct(top['change_pct'])}）")
            sources.append(Source.of("stocks", top, "change_pct"))
        if bottom["change_pct"] < 0:
            parts.append(f"{bottom['name']}跌幅最大（{pct(bottom['change_pct'])}）")
            sources.append(Source.of("stocks", bottom, "change_pct"))
        if not parts:
            continue
        if top["change_pct"] <= 0:
            parts.insert(0, "全部下跌或持平")
        elif bottom["change_pct"] >= 0:
            parts.insert(0, "全部上涨或持平")
        out.append(Highlight(f"{segment} 板块：" + "，".join(parts) + "。", tuple(sources)))
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


def visit_changes(visits: Sequence[Row], history: History, issue_date: date) -> list[Highlight]:
    """The leader and the biggest 环比 moves of the week's visits, and records broken."""
    if not visits:
        return []
    week = max(r["week"] for r in visits)
    current = sorted((r for r in visits if r["week"] == week), key=lambda r: -r["visits"])
    before = {r["product"]: r for r in history.on("visits", issue_date, week - timedelta(days=7))}
    label = f"{week:%m-%d} 当周"
    out = []
    leader = current[0]
    sources = [Source.of("visits", leader, "visits")]
    text = f"网站访问量（{label}）：{leader['product']} {wan(leader['visits'], '次')}居首"
    if leader["product"] in before:
        old = before[leader["product"]]
        text += f"，环比 {pct(_change(leader['visits'], old['visits']))}（上周 {wan(old['visits'], '次')}）"
        sources.append(Source.of("visits", old, "visits"))
    out.append(Highlight(text + "。", tuple(sources)))

    changes = [(row, before[row["product"]]) for row in visits if row["week"] == week
               and row["product"] in before and before[row["product"]]["visits"]]
    if changes:
        changes.sort(key=lambda c: _change(c[0]["visits"], c[1]["visits"]))
        parts, sources = [], []
        for (new, old), word in ((changes[-1], "增幅"), (changes[0], "降幅")):
            change = _change(new["visits"], old["visits"])
            if (word == "增幅") != (change > 0) or change == 0:
                continue
            parts.append(f"环比{word}最大为 {new['product']} {pct(change)}"
                         f"（{wan(old['visits'], '次')} → {wan(new['visits'], '次')}）")
            sources += [Source.of("visits", old, "visits"), Source.of("visits", new, "visits")]
        if parts:
            out.append(Highlight("网站访问量" + "；".join(parts) + "。", tuple(sources)))

    best = history.best_before("visits", issue_date, week)
    records, sources = [], []
    for row in current:
        if row["product"] not in best or row["visits"] <= best[row["product"]]:
            continue
        text = f"{row['product']} {wan(row['visits'], '次')}"
        threshold = round_threshold(row["visits"])
        if best[row["product"]] < threshold:
            text += f"（首次突破 {round_label(threshold)}次）"
        records.append(text)
        sources.append(Source.of("visits", row, "visits"))
    if records:
        out.append(Highlight("访问量创历史新高：" + "、".join(records) + "。", tuple(sources)))
    return out


def download_changes(history: History, issue_date: date) -> list[Highlight]:
    """Month-over-month (环比) downloads of the latest complete month visible to the issue."""
    current: list[Row] = []
    for month in reversed(history.dates("downloads", issue_date)):
        current = [r for r in history.on("downloads", issue_date, month) if r["complete"]]
        if current:
            break
    if not current:
        return []
    month = current[0]["month"]
    previous = (month.replace(day=1) - timedelta(days=1)).replace(day=1)
    current.sort(key=lambda r: -r["downloads"])
    before = {r["app"]: r for r in history.on("downloads", issue_date, previous)}
    leader = current[0]
    label = f"{month:%Y年%-m月}"
    text = f"App 下载量（{label}，完整月）：{leader['app']} {wan(leader['downloads'])}居首"
    sources = [Source.of("downloads", leader, "downloads")]
    if leader["app"] in before and before[leader["app"]]["downloads"]:
        old = before[leader["app"]]
        text += f"，环比 {pct(_change(leader['downloads'], old['downloads']))}（上月 {wan(old['downloads'])}）"
        sources.append(Source.of("downloads", old, "downloads"))
    out = [Highlight(text + "。", tuple(sources))]
    changes = [(r, before[r["app"]]) for r in current if r["app"] in before and before[r["app"]]["downloads"]]
    if len(changes) > 1:
        new, old = max(changes, key=lambda c: _change(c[0]["downloads"], c[1]["downloads"]))
        if new["app"] != leader["app"] and new["downloads"] > old["downloads"]:
            out.append(Highlight(f"{label} App 下载量环比增幅最大为 {new['app']} {pct(_change(new['downloads'], old['downloads']))}"
                                 f"（{wan(old['downloads'])} → {wan(new['downloads'])}）。",
                                 (Source.of("downloads", old, "downloads"), Source.of("downloads", new, "downloads"))))
    return out


DATASET_LABELS = {"stocks": ("name", "股价复盘"), "visits": ("product", "网站访问量"), "downloads": ("app", "App 下载量")}


def entrants(this: dict[str, Sequence[Row]], prev: dict[str, Sequence[Row]] | None, registry: Registry) -> list[Highlight]:
    """Entities that appear for the first time this week, or no longer appear, per dataset."""
    if prev is None:
        return []
    out = []
    for dataset, (column, label) in DATASET_LABELS.items():
        now, was = this.get(dataset), prev.get(dataset)
        if not now or not was:
            continue

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
        if parts:
            out.append(Highlight(f"{label}{'；'.join(parts)}。", ()))
    return out


def gpu_moves(prices: Sequence[Row], history: Sequence[Row]) -> list[Highlight]:
    """Each GPU model's latest new and used price against the previous quote (within the chart's window)."""
    out = []
    for model in dict.fromkeys(r["model"] for r in prices):
        parts, sources = [], []
        for condition, label in (("new", "新品"), ("used", "二手")):
            rows = [r for r in prices if r["model"] == model and r["condition"] == condition]
            if not rows:
                continue
            last = max(rows, key=lambda r: r["date"])
            text = f"{label} ${plain(last['price'], 0)}"
            sources.append(Source.of("gpu_prices", last, "price"))
            earlier = [r for r in history if r["model"] == model and r["condition"] == condition and r["date"] < last["date"]]
            if earlier:
                old = max(earlier, key=lambda r: r["date"])
                text += f"（较 {old['date']:%m-%d} 的 ${plain(old['price'], 0)} {pct(_change(last['price'], old['price']))}）"
                sources.append(Source.of("gpu_prices", old, "price"))
            parts.append(text)
        if parts:
            out.append(Highlight(f"{model} 价格：" + "，".join(parts) + "。", tuple(sources)))
    return out
