"""Rows → compact Plotly figure dicts plus the table each chart shows, one function per declared chart kind.

Figures are plain dicts (no per-figure template: theme, fonts and colorway are applied once
in the browser by ``charts.js``), which keeps chart JSON small and generation well under a
millisecond per figure.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from operator import itemgetter

from ..schema.declarations import packaged
from ..schema.model import Issue, Row
from ..schema.snapshot import ChartSpec, Column, Dataset, Declarations
from ..schema.units import CELL, MEMO, cell, wan, wan_ticks
from ..sanitize import inert_figure, plotly_text

UP, DOWN = "#e03131", "#2f9e44"          # Chinese convention: red up, green down


@dataclass(frozen=True)
class Table:
    """The table under a chart: column headers and the rows of display text the page shows;
    ``total``: how many rows the whole table has when only the latest are shown (None: all are)."""

    columns: tuple[str, ...]
    rows: tuple[tuple, ...] = ()
    total: int | None = None

    @property
    def empty(self) -> bool:
        return not self.rows

    def latest(self, count: int | None) -> Table:
        """The same table showing only its latest ``count`` rows (the CSV keeps them all)."""
        return Table(self.columns, self.rows[-count:], len(self.rows)) if count and len(self.rows) > count else self


def _latest(items: Sequence, count: int | None) -> tuple[Sequence, int | None]:
    """The latest ``count`` items (all when None) and, when some are left out, how many there are."""
    return (items[-count:], len(items)) if count and len(items) > count else (items, None)


@dataclass(frozen=True)
class Chart:
    """One numbered chart of an issue: figure, the table it shows, and its caption parts."""

    spec: ChartSpec
    title: str
    figure: dict
    table: Table
    notes: tuple[str, ...]
    sample: bool
    labels: tuple[str, ...] = ()    # a ranked chart's CSV headers besides the first (see exports.files.chart_columns)
    unit: str = ""                  # the unit its CSV holds the values in, when the page reads them otherwise (万次)

    @property
    def number(self) -> int:
        return self.spec.number

    @property
    def key(self) -> str:
        return self.spec.key


def build_charts(issue: Issue, rows: dict[str, Sequence[Row]], datasets: Declarations | None = None) -> list[Chart]:
    """Every declared chart of an issue from the rows visible to it (see compute.History)."""
    datasets = datasets or packaged()
    charts, period = [], issue.period.label()
    for spec in datasets.charts:
        dataset = datasets.by_name[spec.dataset]
        figure, table, drawn = draw(spec, dataset, rows.get(dataset.name, ()))
        notes = with_partial(dataset, drawn, spec.notes + issue.chart_notes.get(spec.key, ()))
        title = spec.title.format(period=period) if "{period}" in spec.title else spec.title
        charts.append(Chart(spec, title, figure, table, notes, any(r.get("sample") for r in drawn), _labels(spec, dataset),
                            csv_unit(dataset.column(spec.value))))
    return charts


# One reading rule for counts (visits, downloads): the data holds them in 万次; the page reads them
# in 次, written as 万 under 1亿 and as 亿 from there (units.wan): title "单位：次", axis 2亿, tooltip
# 9.05亿次, table 9.05亿. A chart's CSV holds the numbers as the data does, and its header says so.
def csv_unit(column: Column) -> str:
    """The unit a chart's CSV names in its header: a count's 万次 (the page reads it in 次)."""
    return column.unit if column.format == "wan" and column.unit else ""


def _count_unit(column: Column) -> str:
    """What a 万-counted value is a count of, as the page reads it: 万次 → 次."""
    return column.unit.removeprefix("万")


def without_empty_columns(table: Table) -> Table:
    """The table without the columns that read 「—」 in every row (optional figures a snapshot
    left out: two such columns made chart 1's table scroll sideways on a phone)."""
    keep = [i for i in range(len(table.columns)) if i == 0 or any(row[i] != "—" for row in table.rows)]
    if len(keep) == len(table.columns) or not table.rows:
        return table
    return Table(tuple(table.columns[i] for i in keep), tuple(tuple(row[i] for i in keep) for row in table.rows), table.total)


def draw(spec: ChartSpec, dataset: Dataset, rows: Sequence[Row], table_rows: int | None = None
         ) -> tuple[dict, Table, Sequence[Row]]:
    """One chart of the declared kind: its figure, its table (``table_rows``: only the latest rows
    shown, as ``Table.latest``) and the rows it drew."""
    if spec.filter:
        # One C-level itemgetter per row, not a generator: this runs over every windowed row of every chart.
        columns, values = zip(*spec.filter)
        get, wanted = itemgetter(*columns), values if len(values) > 1 else values[0]
        rows = [r for r in rows if get(r) == wanted]
    return KINDS[spec.kind](spec, dataset, rows, table_rows)


def with_partial(dataset: Dataset, drawn: Sequence[Row], notes: tuple[str, ...]) -> tuple[str, ...]:
    """The notes under a chart, with the 非完全统计 note when it draws periods still being counted."""
    partial = partial_months(drawn, dataset)
    if partial and not any("非完全统计" in n for n in notes):
        return notes + (partial,)
    return notes


def partial_months(rows: Sequence[Row], dataset: Dataset) -> str | None:
    """The note under a chart whose periods are not all complete, e.g. 2024年11月数据为非完全统计."""
    if not dataset.complete or not dataset.date_column:
        return None
    shown = "%Y年%-m月" if dataset.column(dataset.date_column).kind == "month" else "%Y年%-m月%-d日"
    months = sorted({r[dataset.date_column] for r in rows if not r[dataset.complete]})
    return "、".join(f"{d:{shown}}" for d in months) + "数据为非完全统计" if months else None


def _labels(spec: ChartSpec, dataset: Dataset) -> tuple[str, ...]:
    """The headers of a ranked chart's CSV besides its first: the group and the value (with its unit)."""
    if spec.kind != "ranked_bars":
        return ()
    value = dataset.column(spec.value)
    return dataset.column(spec.group).header, value.header + (f"（{value.unit}）" if value.unit else "")


# How a number is shown in a hover label, by its column's format (see units.CELL for tables).
HOVER = {"pct": "%{y:+.2f}%", "wan": "%{y:,.0f}", "plain": "%{y:,.2f}", "plain0": "%{y:,.0f}", "usd": "$%{y:,.0f}"}


def _hover(column: Column) -> str:
    return HOVER[column.format] + (column.unit if column.format in ("wan", "plain", "plain0") else "")


def _axis(column: Column) -> dict:
    """The value axis of a chart, by the value column's format."""
    if column.format == "pct":
        return {"ticksuffix": "%"}
    if column.format == "usd":
        return {"tickprefix": "$", "tickformat": ",.0f"}
    return {}


def _dates(column: Column):
    """How dates of a date column are written in a figure: (formatter, tick format)."""
    return (iso_month, "%Y-%m") if column.kind == "month" else (iso_day, "%m-%d")


def ranked_bars(spec: ChartSpec, dataset: Dataset, rows: Sequence[Row], table_rows: int | None = None
                ) -> tuple[dict, Table, Sequence[Row]]:
    """Horizontal bars of one week's change, red up / green down, grouped (``spec.group``)."""
    value, group, shown = dataset.column(spec.value), spec.group, [dataset.column(c) for c in spec.table]
    if not rows:
        return _figure([]), Table(tuple(c.header for c in shown[:2])), rows
    drawn = sorted(rows, key=lambda r: (r[group], r[value.name]))
    values = [r[value.name] for r in drawn]
    trace = {
        "type": "bar", "orientation": "h",
        "x": [round(v, 2) for v in values], "y": [r[dataset.entity] for r in drawn],
        "marker": {"color": [UP if v >= 0 else DOWN for v in values]},
        "text": [cell(value, v) for v in values], "textposition": "outside", "cliponaxis": False,
        "customdata": [r[group] for r in drawn],
        "hovertemplate": f"%{{y}}（%{{customdata}}）<br>{_attr(value.header)} %{{text}}<extra></extra>",
    }
    # Room on both sides for the labels drawn outside the bars (+52.15% on a phone, -1.62% by its name).
    low, high = min(0.0, *values), max(0.0, *values)
    pad = 0.22 * ((high - low) or 1.0)
    layout = {"xaxis": {**_axis(value), "zeroline": True,
                        "range": [round(low - (pad if low < 0 else 0), 2), round(high + (pad if high > 0 else 0), 2)]}, "yaxis": {"automargin": True},
              "height": max(260, 28 * len(drawn) + 80), "showlegend": False}
    # The table: groups in order, the biggest rise first within each.
    ordered = sorted(rows, key=lambda r: (r[group], -r[value.name]))
    table = Table(tuple(c.header for c in shown), tuple(tuple(cell(c, r[c.name]) for c in shown) for r in ordered))
    return _figure([trace], layout), without_empty_columns(table), rows


def issue_bars(spec: ChartSpec, dataset: Dataset, rows: Sequence[Row], table_rows: int | None = None
               ) -> tuple[dict, Table, Sequence[Row]]:
    """One entity's value in each issue as vertical bars, red up / green down (an entity page's
    history of a dataset without dates of its own)."""
    value, shown = dataset.column(spec.value), [dataset.column(c) for c in spec.table]
    rows = sorted(rows, key=itemgetter("issue"))
    values = list(map(_compact, map(itemgetter(value.name), rows)))
    # No label on each bar: years of weekly bars are too narrow to carry one; hovering shows it.
    trace = {"type": "bar", "name": rows[0][dataset.entity] if rows else "", "x": list(map(iso_day, map(itemgetter("issue"), rows))),
             "y": values, "marker": {"color": list(map(_bar_color, values))},
             "hovertemplate": f"%{{x}}<br>{_attr(value.header)} {_hover(value)}<extra></extra>"}
    layout = {"xaxis": {"tickformat": "%m-%d", "hoverformat": "%Y-%m-%d"}, "yaxis": {**_axis(value), "zeroline": True},
              "showlegend": False}
    latest, total = _latest(rows, table_rows)
    table = Table(("期", *(c.header for c in shown)),
                  tuple((r["issue"].isoformat(), *(cell(c, r[c.name]) for c in shown)) for r in latest), total)
    return _figure([trace], layout), without_empty_columns(table), rows


def _bar_color(value: float) -> str:
    return UP if value >= 0 else DOWN


@lru_cache(maxsize=MEMO)
def iso_day(day: date) -> str:
    return day.isoformat()


@lru_cache(maxsize=MEMO)
def iso_month(day: date) -> str:
    return f"{day:%Y-%m}"


def lines(spec: ChartSpec, dataset: Dataset, rows: Sequence[Row], table_rows: int | None = None,
          mode: str = "lines+markers") -> tuple[dict, Table, Sequence[Row]]:
    """One line per entity over the dataset's dates, the y axis in the value's unit (万/亿 for counts)."""
    x_column, value = dataset.column(dataset.date_column), dataset.column(spec.value)
    if not rows:
        return _figure([]), Table((x_column.header,)), rows
    entity, x, y = dataset.entity, x_column.name, value.name
    x_format, x_tick = _dates(x_column)
    # Plain Python, and C-level map() over the memoised formatters: an issue's windowed rows are
    # a few hundred, and this runs for five charts of every issue.
    series: dict[str, dict] = {}
    for row in sorted(rows, key=itemgetter(x)):      # stable: within one date, the rows' order
        name = row[entity]
        values = series.get(name)
        if values is None:
            values = series[name] = {}
        values[row[x]] = row[y]
    order = _descending_by_last(series)
    hover = _hover(value)
    traces = [{"type": "scatter", "mode": mode, "name": name,
               "x": list(map(x_format, series[name])), "y": list(map(_compact, series[name].values())),
               "hovertemplate": "%{x}<br>" + _attr(name) + "：" + hover + "<extra></extra>"} for name in order]
    if value.format == "wan":       # the tooltip reads as the axis and the table do: 9.05亿次, 200万次
        unit = _count_unit(value)
        for trace, name in zip(traces, order):
            trace["customdata"] = [wan(v, unit) for v in series[name].values()]
            trace["hovertemplate"] = "%{x}<br>" + _attr(name) + "：%{customdata}<extra></extra>"
    if value.format == "wan":
        top = float(max(max(values.values()) for values in series.values())) if series else 0.0
        tickvals, ticktext = wan_ticks(top)
        y_axis = {"tickvals": tickvals, "ticktext": ticktext}
    else:
        y_axis = _axis(value)
    layout = {"xaxis": {"tickformat": x_tick, "hoverformat": x_tick if x_tick == "%Y-%m" else "%Y-%m-%d"},
              "yaxis": {**y_axis, "rangemode": "tozero"}}
    xs, total = _latest(sorted({v for values in series.values() for v in values}), table_rows)
    show = CELL[value.format]
    columns = [list(map(show, map(series[name].get, xs))) for name in order]
    table = Table((x_column.header, *order), tuple(zip(map(x_format, xs), *columns)), total)
    return _figure(traces, layout), table, rows


def _descending_by_last(series: dict[str, dict]) -> list[str]:
    """Entity names by their latest value, largest first (ties keep their order)."""
    return sorted(series, key=lambda name: -next(reversed(series[name].values())))


def grouped_bars(spec: ChartSpec, dataset: Dataset, rows: Sequence[Row], table_rows: int | None = None
                 ) -> tuple[dict, Table, Sequence[Row]]:
    """One bar per entity in each period, side by side (monthly counts)."""
    figure, table, rows = lines(spec, dataset, rows, table_rows)
    for trace in figure["data"]:
        trace["type"] = "bar"
        trace.pop("mode", None)
    if figure["data"]:
        figure["layout"]["barmode"] = "group"
        # Periods as categories: on a date axis Plotly put its ticks between the month bars and
        # labelled three months 2024-09, 2024-10, 2024-10.
        figure["layout"]["xaxis"] = {"type": "category"}
    return figure, table, rows


def step_lines(spec: ChartSpec, dataset: Dataset, rows: Sequence[Row], table_rows: int | None = None
               ) -> tuple[dict, Table, Sequence[Row]]:
    """A step line per value of the dataset's series column (new and used prices), each in its colour."""
    x_column, value = dataset.column(dataset.date_column), dataset.column(spec.value)
    if not rows:
        return _figure([]), Table((x_column.header,)), rows
    x, y = x_column.name, value.name
    x_format, x_tick = _dates(x_column)
    series = dataset.column(dataset.series) if dataset.series else None
    kinds = series.choices if series else (None,)
    points: dict[str | None, dict] = {}
    for r in sorted(rows, key=itemgetter(x)):
        points.setdefault(r[series.name] if series else None, {})[r[x]] = r[y]
    hover, colors = _hover(value), dict(series.colors) if series else {}
    traces = []
    for kind in kinds:
        part = points.get(kind)
        if not part:
            continue
        label = series.label_of(kind) if series else value.header
        line = {"color": colors[kind], "shape": "hv"} if kind in colors else {"shape": "hv"}
        traces.append({"type": "scatter", "mode": "lines", "line": line, "name": label,
                       "x": [x_format(d) for d in part], "y": [_compact(v) for v in part.values()],
                       "hovertemplate": "%{x}<br>" + _attr(label) + "：" + hover + "<extra></extra>"})
    layout = {"xaxis": {"tickformat": x_tick, "hoverformat": x_tick if x_tick == "%Y-%m" else "%Y-%m-%d"}, "yaxis": _axis(value)}
    days, total = _latest(sorted({d for part in points.values() for d in part}), table_rows)
    unit = f"（{value.unit}）" if value.unit else ""
    shown = [(kind, (series.label_of(kind) if series else value.header) + unit) for kind in kinds if kind in points]
    show = CELL[value.format]
    table = Table((x_column.header, *(label for _, label in shown)),
                  tuple((x_format(d), *(show(points[kind].get(d)) for kind, _ in shown)) for d in days), total)
    return _figure(traces, layout), table, rows


KINDS = {"ranked_bars": ranked_bars, "lines": lines, "grouped_bars": grouped_bars, "step_lines": step_lines,
         "issue_bars": issue_bars}


# Date labels by how far apart the ticks are: days or weeks, months, years.
DATE_TICKS = [{"dtickrange": [None, "M1"], "value": "%m-%d"},
              {"dtickrange": ["M1", "M12"], "value": "%Y-%m"},
              {"dtickrange": ["M12", None], "value": "%Y"}]


def full_history(figure: dict, dense: int) -> None:
    """Make a time chart fit for a whole history (an entity page's years of weeks), in place.

    The date axis labels by tick spacing, also as the reader zooms (a fixed %m-%d read "01-01"
    under every yearly tick), and a series of more than ``dense`` points is a line without a
    marker per point (a smear at that density, and heavy on a phone).
    """
    xaxis = figure["layout"].setdefault("xaxis", {})
    if xaxis.get("type") != "category":       # months are categories: a label each, thinned by Plotly
        xaxis.pop("tickformat", None)
        xaxis["tickformatstops"] = DATE_TICKS
    for trace in figure["data"]:
        if trace.get("mode") == "lines+markers" and len(trace["x"]) > dense:
            trace["mode"] = "lines"


@lru_cache(maxsize=MEMO)
def _compact(value: float) -> float | int:
    """A plotted value: two decimals, and an integer when whole (77529, not 77529.0, in the JSON)."""
    value = round(value, 2)
    return int(value) if value.is_integer() else value


def _figure(traces: list[dict], layout: dict | None = None) -> dict:
    return {"data": traces, "layout": layout or {}}


def _attr(text: str) -> str:
    """A name inside a hovertemplate: Plotly-escaped, and %{…} kept from being read as a field."""
    return plotly_text(text).replace("%", "%%")


def figure_json(figure: dict) -> str:
    """Compact JSON for a data attribute; data-derived text escaped for Plotly (``sanitize.inert_figure``)."""
    return json.dumps(inert_figure(figure), ensure_ascii=False, separators=(",", ":"), allow_nan=False)

