"""What changed this week: the 本周数据要点 block, computed from the data alone.

Pure: frames in, Chinese sentences out. Every number in a sentence comes from a row the
highlight names in ``sources`` (dataset, key, column, value), so each one can be traced back to
a CSV cell, and tests check that it was. The analyst's narrative is never touched.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

import pandas as pd

from .model import Registry
from .schema import DATASET_BY_NAME, SEGMENTS
from .units import pct, plain, wan


@dataclass(frozen=True)
class Source:
    """One data cell a highlight quotes."""

    dataset: str
    key: tuple
    column: str
    value: float


@dataclass(frozen=True)
class Highlight:
    text: str
    sources: tuple[Source, ...]


def week_highlights(this: dict[str, pd.DataFrame], prev: dict[str, pd.DataFrame] | None,
                    history: dict[str, pd.DataFrame], registry: Registry) -> list[Highlight]:
    """All highlights of one issue.

    ``this``: the snapshot's own tables; ``prev``: the previous snapshot's tables (None for the
    first issue); ``history``: every dataset's rows visible to the issue, latest value per key.
    """
    out: list[Highlight] = []
    out += stock_movers(this.get("stocks"))
    out += visit_changes(this.get("visits"), history.get("visits"))
    out += download_changes(history.get("downloads"))
    out += entrants(this, prev, registry)
    out += gpu_moves(this.get("gpu_prices"), history.get("gpu_prices"))
    return out


def sample_lookup(*table_sets: dict[str, pd.DataFrame] | None) -> dict[tuple[str, tuple], bool]:
    """(dataset, key) → whether that row is sample data, over the frames an issue's highlights quote.

    The first table set holding a key decides (pass the issue's own snapshot first: last week's
    row for the same stock may be sample while this week's is real)."""
    lookup: dict[tuple[str, tuple], bool] = {}
    for tables in table_sets:
        for name, frame in (tables or {}).items():
            if frame is None or frame.empty or name not in DATASET_BY_NAME:
                continue
            columns = [frame[k] for k in DATASET_BY_NAME[name].key]
            for *key, sample in zip(*columns, frame["sample"]):
                lookup.setdefault((name, tuple(key)), bool(sample))
    return lookup


def quotes_sample(highlight: Highlight, lookup: dict[tuple[str, tuple], bool]) -> bool:
    """True when any cell the highlight quotes is sample data (or cannot be traced)."""
    return any(lookup.get((s.dataset, s.key), True) for s in highlight.sources)


def _empty(frame: pd.DataFrame | None) -> bool:
    return frame is None or frame.empty


def _change(new: float, old: float) -> float:
    return (new / old - 1) * 100 if old else math.nan


def stock_movers(stocks: pd.DataFrame | None) -> list[Highlight]:
    """Per segment: the biggest rise and the biggest fall of the week."""
    if _empty(stocks):
        return []
    out = []
    for segment in SEGMENTS:
        rows = stocks[stocks["segment"] == segment].sort_values("change_pct", kind="stable")
        if rows.empty:
            continue
        top, bottom = rows.iloc[-1], rows.iloc[0]
        parts, sources = [], []
        if top["change_pct"] > 0:
            parts.append(f"{top['name']}涨幅最大（{pct(top['change_pct'])}）")
            sources.append(Source("stocks", (top["name"],), "change_pct", top["change_pct"]))
        if bottom["change_pct"] < 0:
            parts.append(f"{bottom['name']}跌幅最大（{pct(bottom['change_pct'])}）")
            sources.append(Source("stocks", (bottom["name"],), "change_pct", bottom["change_pct"]))
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


def visit_changes(visits: pd.DataFrame | None, history: pd.DataFrame | None) -> list[Highlight]:
    """The leader and the biggest 环比 moves of the week's visits, and records broken."""
    if _empty(visits) or _empty(history):
        return []
    week = max(visits["week"])
    current = visits[visits["week"] == week]
    before = history[history["week"] == week - timedelta(days=7)].set_index("product")["visits"]
    label = f"{week:%m-%d} 当周"
    out = []
    leader = current.sort_values("visits", ascending=False, kind="stable").iloc[0]
    sources = [Source("visits", (leader["product"], week), "visits", leader["visits"])]
    text = f"网站访问量（{label}）：{leader['product']} {wan(leader['visits'], '次')}居首"
    if leader["product"] in before.index:
        old = before[leader["product"]]
        text += f"，环比 {pct(_change(leader['visits'], old))}（上周 {wan(old, '次')}）"
        sources.append(Source("visits", (leader["product"], week - timedelta(days=7)), "visits", old))
    out.append(Highlight(text + "。", tuple(sources)))

    changes = [(row["product"], row["visits"], before[row["product"]]) for _, row in current.iterrows()
               if row["product"] in before.index and before[row["product"]]]
    if changes:
        changes.sort(key=lambda c: _change(c[1], c[2]))
        parts, sources = [], []
        for (name, new, old), word in ((changes[-1], "增幅"), (changes[0], "降幅")):
            change = _change(new, old)
            if (word == "增幅") != (change > 0) or change == 0:
                continue
            parts.append(f"环比{word}最大为 {name} {pct(change)}（{wan(old, '次')} → {wan(new, '次')}）")
            sources += [Source("visits", (name, week - timedelta(days=7)), "visits", old),
                        Source("visits", (name, week), "visits", new)]
        if parts:
            out.append(Highlight("网站访问量" + "；".join(parts) + "。", tuple(sources)))

    earlier = history[history["week"] < week]
    records, sources = [], []
    best = earlier.groupby("product")["visits"].max()     # one pass, not one filter per product
    for _, row in current.sort_values("visits", ascending=False, kind="stable").iterrows():
        if row["product"] not in best.index or row["visits"] <= best[row["product"]]:
            continue
        text = f"{row['product']} {wan(row['visits'], '次')}"
        threshold = round_threshold(row["visits"])
        if best[row["product"]] < threshold:
            text += f"（首次突破 {round_label(threshold)}次）"
        records.append(text)
        sources.append(Source("visits", (row["product"], week), "visits", row["visits"]))
    if records:
        out.append(Highlight("访问量创历史新高：" + "、".join(records) + "。", tuple(sources)))
    return out


def download_changes(history: pd.DataFrame | None) -> list[Highlight]:
    """Month-over-month (环比) downloads of the latest complete month visible to the issue."""
    if _empty(history):
        return []
    complete = history[history["complete"]]
    if complete.empty:
        return []
    month = max(complete["month"])
    previous = (pd.Timestamp(month) - pd.offsets.MonthBegin(1)).date()
    current = complete[complete["month"] == month].sort_values("downloads", ascending=False, kind="stable")
    before = history[history["month"] == previous].set_index("app")["downloads"]
    leader = current.iloc[0]
    label = f"{month:%Y年%-m月}"
    text = f"App 下载量（{label}，完整月）：{leader['app']} {wan(leader['downloads'])}居首"
    sources = [Source("downloads", (leader["app"], month), "downloads", leader["downloads"])]
    if leader["app"] in before.index and before[leader["app"]]:
        old = before[leader["app"]]
        text += f"，环比 {pct(_change(leader['downloads'], old))}（上月 {wan(old)}）"
        sources.append(Source("downloads", (leader["app"], previous), "downloads", old))
    out = [Highlight(text + "。", tuple(sources))]
    changes = [(r["app"], r["downloads"], before[r["app"]]) for _, r in current.iterrows()
               if r["app"] in before.index and before[r["app"]]]
    if len(changes) > 1:
        name, new, old = max(changes, key=lambda c: _change(c[1], c[2]))
        if name != leader["app"] and new > old:
            out.append(Highlight(f"{label} App 下载量环比增幅最大为 {name} {pct(_change(new, old))}（{wan(old)} → {wan(new)}）。",
                                 (Source("downloads", (name, previous), "downloads", old),
                                  Source("downloads", (name, month), "downloads", new))))
    return out


DATASET_LABELS = {"stocks": ("name", "股价复盘"), "visits": ("product", "网站访问量"), "downloads": ("app", "App 下载量")}


def entrants(this: dict[str, pd.DataFrame], prev: dict[str, pd.DataFrame] | None, registry: Registry) -> list[Highlight]:
    """Entities that appear for the first time this week, or no longer appear, per dataset."""
    if prev is None:
        return []
    out = []
    for dataset, (column, label) in DATASET_LABELS.items():
        now, was = this.get(dataset), prev.get(dataset)
        if _empty(now) or _empty(was):
            continue

        def ids(frame):
            return {(registry.get(n).id if registry.get(n) else n): n for n in frame[column]}
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


def gpu_moves(prices: pd.DataFrame | None, history: pd.DataFrame | None) -> list[Highlight]:
    """Each GPU model's latest new and used price against the previous quote."""
    if _empty(prices) or _empty(history):
        return []
    out = []
    for model in dict.fromkeys(prices["model"]):
        parts, sources = [], []
        for condition, label in (("new", "新品"), ("used", "二手")):
            rows = prices[(prices["model"] == model) & (prices["condition"] == condition)].sort_values("date")
            if rows.empty:
                continue
            last = rows.iloc[-1]
            text = f"{label} ${plain(last['price'], 0)}"
            sources.append(Source("gpu_prices", (model, last["date"], condition), "price", last["price"]))
            earlier = history[(history["model"] == model) & (history["condition"] == condition)
                              & (history["date"] < last["date"])].sort_values("date")
            if not earlier.empty:
                old = earlier.iloc[-1]
                text += f"（较 {old['date']:%m-%d} 的 ${plain(old['price'], 0)} {pct(_change(last['price'], old['price']))}）"
                sources.append(Source("gpu_prices", (model, old["date"], condition), "price", old["price"]))
            parts.append(text)
        if parts:
            out.append(Highlight(f"{model} 价格：" + "，".join(parts) + "。", tuple(sources)))
    return out
