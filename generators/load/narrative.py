"""Narrative against data: a figure the analyst states in issue.md must match the snapshot's rows.

The narrative stays the analyst's own; this only reads it. After a registered name or alias
(nothing but a few words between, no other name, no sentence break) it recognises:

- a move: ``英伟达+3.54%`` / ``股价下跌3.15%`` / ``寒武纪涨12.00%`` → the dataset whose declared
  ``narrative`` column is a percentage (stocks.csv ``change_pct``), compared at two decimals;
- visits: ``ChatGPT本周访问量9.99亿`` / ``周访问量突破9亿`` / ``约 7.75 亿次`` → the weekly count
  (visits.csv);
- downloads: ``本月下载量1692万`` → the monthly count (downloads.csv); ``单日下载量近300万`` /
  ``本周下载量…`` (part of a month) must not exceed the month's figure;
- prices: ``H100新品价格29,461美元`` / ``二手价格约$24,680`` → the dataset whose narrative column is in
  US dollars (gpu_prices.csv).

Which dataset plays which part is read from the declarations (``narrative`` and the column's
format), never from a dataset's name.

A stated value is compared at its own precision (``9.99亿`` against the data rounded to 0.01亿);
``突破/超过`` mean at least, ``近`` within a tenth, ``约`` within 5% where the text is rounder
than the data. Each contradiction gives both values.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter

from ..schema.model import Registry
from ..schema.snapshot import Dataset, Declarations
from ..schema.units import pct, plain, wan

SIGNED_PCT = r"\s*([+\-−－＋])\s*(\d+(?:\.\d+)?)\s*[%％]"
GAP = r"[^，。；;,、：:！？!?\n（）()%％+\-−－＋]{0,10}?"    # a few words (a date) between the name and the figure
NUMBER = r"(\d[\d,，]*(?:\.\d+)?)"
MOVE_RE = re.compile(GAP + r"(?:股价|股票|周)?(上涨|下跌|大涨|大跌|收涨|收跌|涨幅为|跌幅为|涨幅|跌幅|涨|跌)(?:了|达|为)?\s*"
                     r"(\d+(?:\.\d+)?)\s*[%％]")
VISITS_RE = re.compile(GAP + r"访问量\s*(约|近|达到|达|突破|超过|超|为)?\s*" + NUMBER + r"\s*(万|亿)次?")
DOWNLOADS_RE = re.compile(GAP + r"(单日|日均|当日|本周|周|本月|月)?下载量\s*(约|近|达到|达|突破|超过|超|为)?\s*" + NUMBER
                          + r"\s*(万|亿)次?")
PRICE_RE = re.compile(GAP + r"(新品|全新|二手)?" + GAP + r"(?:价格|售价|报价)\s*(?:约|为|降至|涨至|达|在)?\s*"
                      r"(?:US\$|\$|＄)\s*" + NUMBER + r"|" + GAP + r"(新品|全新|二手)?" + GAP
                      + r"(?:价格|售价|报价)\s*(?:约|为|降至|涨至|达|在)?\s*" + NUMBER + r"\s*美元")
PART_OF_MONTH = {"单日", "日均", "当日", "本周", "周"}
UNITS = {"万": Decimal(1), "亿": Decimal(10000)}       # visits and downloads are counted in 万
CONDITIONS = {"新品": "new", "全新": "new", "二手": "used"}


@dataclass(frozen=True)
class Contradiction:
    """A figure in the text that the data does not support."""

    line: int
    figure: str
    message: str
    dataset: str = ""     # the file the figure is checked against


def stated_moves(text: str, registry: Registry) -> list[tuple[int, str, str, float]]:
    """(line, figure, name, value) for every 'name±x.xx%' in the text; line counts from 1."""
    names = sorted(registry.by_name, key=len, reverse=True)
    if not names:
        return []
    pattern = re.compile("(" + "|".join(re.escape(n) for n in names) + ")" + SIGNED_PCT)
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for m in pattern.finditer(line):
            sign = -1 if m.group(2) in "-−－" else 1
            found.append((number, m.group(0), m.group(1), sign * float(m.group(3))))
    return found


def roles(datasets: Declarations) -> dict[str, Dataset]:
    """The datasets a narrative figure is checked against, by the part they play: "move" (a
    percentage), "price" (US dollars), "monthly" and "weekly" (counts by month / by week)."""
    out: dict[str, Dataset] = {}
    for d in datasets:
        if not d.narrative or not d.entity:
            continue
        column = d.column(d.narrative)
        if column.format == "pct":
            out.setdefault("move", d)
        elif column.format == "usd":
            out.setdefault("price", d)
        elif d.date_column and d.column(d.date_column).kind == "month":
            out.setdefault("monthly", d)
        elif d.date_column:
            out.setdefault("weekly", d)
    return out


def contradictions(text: str, rows: Mapping[str, Sequence[dict]], registry: Registry,
                   datasets: Declarations) -> list[Contradiction]:
    """Stated figures that differ from the snapshot's rows (``Snapshot.rows``); names without a row are skipped."""
    names = sorted(registry.by_name, key=len, reverse=True)
    if not names:
        return []
    part = roles(datasets)
    out = []
    move = part.get("move")
    moves = _latest(rows.get(move.name, ()), move.entity, registry, None) if move else {}
    if move:
        for line, figure, name, stated in stated_moves(text, registry):
            _check_move(out, line, figure, name, stated, moves, registry, move)
    name_re = re.compile("|".join(re.escape(n) for n in names))
    weekly, monthly, price = part.get("weekly"), part.get("monthly"), part.get("price")
    visits = _latest(rows.get(weekly.name, ()), weekly.entity, registry, weekly.date_column) if weekly else {}
    downloads = _latest(rows.get(monthly.name, ()), monthly.entity, registry, monthly.date_column) if monthly else {}
    prices = rows.get(price.name, ()) if price else ()
    for number, line in enumerate(text.splitlines(), start=1):
        for m in name_re.finditer(line):
            name, at = m.group(0), m.end()
            if move and (found := MOVE_RE.match(line, at)) and _alone(found.group(0), name_re):
                sign = -1 if "跌" in found.group(1) else 1
                _check_move(out, number, name + found.group(0), name, sign * float(found.group(2)), moves, registry, move)
            if weekly and (v := VISITS_RE.match(line, at)) and _alone(v.group(0), name_re):
                row = visits.get(_key(registry, name))
                if row is not None:
                    _check_count(out, number, name + v.group(0), name, v.group(1), v.group(2), v.group(3), row, weekly,
                                 f"{row[weekly.date_column]:%Y-%m-%d} 当周", "次")
            if monthly and (d := DOWNLOADS_RE.match(line, at)) and _alone(d.group(0), name_re):
                row = downloads.get(_key(registry, name))
                if row is not None:
                    _check_downloads(out, number, name + d.group(0), name, d, row, monthly)
            if price and (p := PRICE_RE.match(line, at)) and _alone(p.group(0), name_re):
                _check_price(out, number, name + p.group(0), name, p, prices, registry, price)
    return sorted(set(out), key=lambda c: (c.line, c.figure))


def _alone(span: str, name_re: re.Pattern) -> bool:
    """No other registered name between the name and its figure (英伟达与AMD涨3% is about AMD)."""
    return name_re.search(span) is None


def _key(registry: Registry, name: str) -> str:
    entity = registry.get(name)
    return entity.id if entity else name


def _latest(rows: Sequence[dict], column: str, registry: Registry, date_column: str | None) -> dict[str, dict]:
    """Each entity's row (its latest by ``date_column``) in this snapshot."""
    out: dict[str, dict] = {}
    ordered = sorted(rows, key=itemgetter(date_column)) if date_column else rows
    for row in ordered:
        out[_key(registry, row[column])] = row
    return out


def _check_move(out: list, line: int, figure: str, name: str, stated: float, moves: dict, registry: Registry,
                dataset: Dataset) -> None:
    row = moves.get(_key(registry, name))
    value = None if row is None else row[dataset.narrative]
    if value is None or value != value:
        return
    if round(stated, 2) != round(float(value), 2):
        out.append(Contradiction(line, figure, f"正文写 '{figure}'，但 {dataset.filename} 中 {name} 的 {dataset.narrative} 为 "
                                               f"{float(value):g}（{pct(float(value))}）", dataset.filename))


def _amount(number: str, unit: str) -> tuple[Decimal, Decimal]:
    """A stated count in 万 and the precision it was stated at (in 万)."""
    text = number.replace(",", "").replace("，", "")
    value = Decimal(text)
    step = Decimal(1).scaleb(value.as_tuple().exponent) if "." in text else Decimal(1)
    return value * UNITS[unit], step * UNITS[unit]


def _agrees(data: float, stated: Decimal, step: Decimal, qualifier: str | None) -> bool:
    value = Decimal(repr(float(data)))
    if qualifier in ("突破", "超过", "超"):
        return value >= stated
    if qualifier == "近":
        return abs(value - stated) <= stated / 10
    if abs(value - stated) <= step / 2:
        return True
    return qualifier == "约" and abs(value - stated) <= stated / 20


def _check_count(out: list, line: int, figure: str, name: str, qualifier: str | None, number: str, unit: str,
                 row: dict, dataset: Dataset, when: str, suffix: str) -> None:
    column = dataset.narrative
    data = row[column]
    if data is None or data != data:
        return
    stated, step = _amount(number, unit)
    if not _agrees(data, stated, step, qualifier):
        out.append(Contradiction(line, figure, f"正文写 '{figure}'，但 {dataset.filename} 中 {name} {when}的 {column} 为 "
                                               f"{float(data):g}（{wan(float(data), suffix)}）", dataset.filename))


def _check_downloads(out: list, line: int, figure: str, name: str, m: re.Match, row: dict, dataset: Dataset) -> None:
    span, qualifier, number, unit = m.group(1), m.group(2), m.group(3), m.group(4)
    when = f"{row[dataset.date_column]:%Y-%m} "
    data = row[dataset.narrative]
    if data is None or data != data:
        return
    if span in PART_OF_MONTH:
        stated, _ = _amount(number, unit)
        floor = stated * Decimal("0.9") if qualifier == "近" else stated
        if floor > Decimal(repr(float(data))):
            out.append(Contradiction(line, figure, f"正文写 '{figure}'，比 {dataset.filename} 中 {name} {when}整月的 {dataset.narrative} "
                                                   f"{float(data):g}（{wan(float(data))}）还多", dataset.filename))
        return
    _check_count(out, line, figure, name, qualifier, number, unit, row, dataset, when, "")


def _check_price(out: list, line: int, figure: str, name: str, m: re.Match, prices: Sequence[dict],
                 registry: Registry, dataset: Dataset) -> None:
    condition = CONDITIONS.get(m.group(1) or m.group(3) or "")
    number = m.group(2) or m.group(4)
    key = _key(registry, name)
    series, day, column = dataset.series, dataset.date_column, dataset.narrative
    rows = [r for r in prices if _key(registry, r[dataset.entity]) == key
            and (condition is None or series is None or r[series] == condition)]
    if not rows:
        return
    latest = max(r[day] for r in rows)
    rows = [r for r in rows if r[day] == latest]
    stated, step = _amount(number, "万")
    stated, step = stated / UNITS["万"], step / UNITS["万"]
    if any(_agrees(r[column], stated, step, "约" if "约" in figure else None) for r in rows):
        return
    label = dataset.column(series).label_of if series else (lambda value: "")
    data = "、".join(f"{label(r[series]) if series else ''} ${plain(float(r[column]), 0)}".strip() for r in rows)
    out.append(Contradiction(line, figure, f"正文写 '{figure}'，但 {dataset.filename} 中 {name} {latest:%Y-%m-%d} 的 {column} 为 {data}",
                             dataset.filename))
