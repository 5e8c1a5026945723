"""Charts stage: rows → compact Plotly figure dicts plus the table each chart shows.

Figures are plain dicts (no per-figure template: theme, fonts and colorway are applied once
in the browser by ``charts.js``), which keeps chart JSON small and generation well under a
millisecond per figure. ``validate`` checks a figure against plotly's schema (used by tests).
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from operator import itemgetter

from .model import Issue, Row
from .units import MEMO, pct, plain, wan, wan_ticks

UP, DOWN = "#e03131", "#2f9e44"          # Chinese convention: red up, green down
NEW, USED = "#1c7ed6", "#e03131"          # the seed's GPU charts: blue new, red used


@dataclass(frozen=True)
class ChartSpec:
    number: int
    key: str
    title: str
    source: str
    notes: tuple[str, ...] = ()


SPECS: tuple[ChartSpec, ...] = (
    ChartSpec(1, "stocks", "算力股价本周复盘（{period}）", "Wind，iFinD，华福证券研究所"),
    ChartSpec(2, "visits_text_overseas", "文本大模型网站访问量周度数据（单位：次）", "Similarweb，华福证券研究所"),
    ChartSpec(3, "visits_text_domestic", "文本大模型网站访问量周度数据（单位：次）", "Similarweb，华福证券研究所"),
    ChartSpec(4, "visits_image", "图片大模型网站访问量周度数据（单位：次）", "Similarweb，华福证券研究所"),
    ChartSpec(5, "visits_video", "视频大模型网站访问量周度数据（单位：次）", "Similarweb，华福证券研究所"),
    ChartSpec(6, "downloads", "国内头部大模型 App 下载量月度数据（单位：次）", "七麦数据，华福证券研究所"),
    ChartSpec(7, "gpu_h100", "NVIDIA H100 GPU价格图", "Camelcamelcamel，华福证券研究所",
              ("蓝色代表新品售卖价格，红色代表二手商品价格",)),
    ChartSpec(8, "gpu_a100", "NVIDIA A100 GPU价格图", "Camelcamelcamel，华福证券研究所",
              ("蓝色代表新品售卖价格，红色代表二手商品价格",)),
)
CHART_KEYS = tuple(s.key for s in SPECS)
# One reading rule for counts (visits, downloads): the data holds them in 万次; the page reads
# them in 次, written as 万 under 1亿 and as 亿 from there (units.wan): title "单位：次", axis
# 2亿, tooltip 9.05亿次, table 9.05亿. A chart's CSV holds the numbers as the data does, and
# its header says so. Keyed by the dataset a chart draws (a chart key's first word).
CSV_UNITS = {"visits": "万次", "downloads": "万次"}
VISIT_FILTERS = {
    "visits_text_overseas": ("text", "海外"),
    "visits_text_domestic": ("text", "国内"),
    "visits_image": ("image", None),
    "visits_video": ("video", None),
}
GPU_MODELS = {"gpu_h100": "H100", "gpu_a100": "A100"}


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

    @property
    def number(self) -> int:
        return self.spec.number

    @property
    def key(self) -> str:
        return self.spec.key


def build_charts(issue: Issue, rows: dict[str, Sequence[Row]]) -> list[Chart]:
    """All eight charts of an issue from the rows visible to it (see compute.History)."""
    charts, period = [], issue.period.label()
    for spec in SPECS:
        if spec.key == "stocks":
            figure, table, drawn = stocks_chart(rows.get("stocks", ()))
        elif spec.key in VISIT_FILTERS:
            figure, table, drawn = visits_chart(rows.get("visits", ()), *VISIT_FILTERS[spec.key])
        elif spec.key == "downloads":
            figure, table, drawn = downloads_chart(rows.get("downloads", ()))
        else:
            figure, table, drawn = gpu_chart(rows.get("gpu_prices", ()), GPU_MODELS[spec.key])
        notes = spec.notes + issue.chart_notes.get(spec.key, ())
        if spec.key == "downloads" and (partial := partial_months(drawn)):
            if not any("非完全统计" in n for n in notes):
                notes = notes + (partial,)
        sample = any(r["sample"] for r in drawn)
        title = spec.title.format(period=period) if "{period}" in spec.title else spec.title
        charts.append(Chart(spec, title, figure, table, notes, sample))
    return charts


def partial_months(downloads: Sequence[Row]) -> str | None:
    """The note under a downloads chart whose months are not all complete, e.g. 2024年11月数据为非完全统计."""
    months = sorted({r["month"] for r in downloads if not r["complete"]})
    return "、".join(f"{d:%Y年%-m月}" for d in months) + "数据为非完全统计" if months else None


def stocks_chart(rows: Sequence[Row]) -> tuple[dict, Table, Sequence[Row]]:
    """Horizontal bars of weekly change, red up / green down, grouped by segment."""
    if not rows:
        return _figure([]), Table(("公司", "代码")), rows
    drawn = sorted(rows, key=lambda r: (r["segment"], r["change_pct"]))
    values = [r["change_pct"] for r in drawn]
    trace = {
        "type": "bar", "orientation": "h",
        "x": [round(v, 2) for v in values], "y": [r["name"] for r in drawn],
        "marker": {"color": [UP if v >= 0 else DOWN for v in values]},
        "text": [pct(v) for v in values], "textposition": "outside", "cliponaxis": False,
        "customdata": [r["segment"] for r in drawn],
        "hovertemplate": "%{y}（%{customdata}）<br>周涨跌幅 %{text}<extra></extra>",
    }
    # Room on both sides for the labels drawn outside the bars (+52.15% on a phone, -1.62% by its name).
    low, high = min(0.0, *values), max(0.0, *values)
    pad = 0.22 * ((high - low) or 1.0)
    layout = {"xaxis": {"ticksuffix": "%", "zeroline": True,
                        "range": [round(low - (pad if low < 0 else 0), 2), round(high + (pad if high > 0 else 0), 2)]}, "yaxis": {"automargin": True},
              "height": max(260, 28 * len(drawn) + 80), "showlegend": False}
    # The table: segments in order, the biggest rise first within each.
    ordered = sorted(rows, key=lambda r: (r["segment"], -r["change_pct"]))
    table = Table(("公司", "代码", "上市地", "板块", "周涨跌幅", "总市值（亿）", "收盘价"),
                  tuple((r["name"], r["ticker"], r["market"], r["segment"], pct(r["change_pct"]),
                         plain(r["market_cap"], 0), plain(r["close"])) for r in ordered))
    return _figure([trace], layout), without_empty_columns(table), rows


def without_empty_columns(table: Table) -> Table:
    """The table without the columns that read 「—」 in every row (optional figures a snapshot
    left out: two such columns made chart 1's table scroll sideways on a phone)."""
    keep = [i for i in range(len(table.columns)) if i == 0 or any(row[i] != "—" for row in table.rows)]
    if len(keep) == len(table.columns) or not table.rows:
        return table
    return Table(tuple(table.columns[i] for i in keep), tuple(tuple(row[i] for i in keep) for row in table.rows), table.total)


@lru_cache(maxsize=MEMO)
def iso_day(day: date) -> str:
    return day.isoformat()


@lru_cache(maxsize=MEMO)
def iso_month(day: date) -> str:
    return f"{day:%Y-%m}"


def _series_chart(rows: Sequence[Row], entity: str, x: str, y: str, x_label: str,
                  x_format, x_tick: str, mode: str = "lines+markers", table_rows: int | None = None) -> tuple[dict, Table]:
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
    traces = [{"type": "scatter", "mode": mode, "name": name,
               "x": list(map(x_format, series[name])), "y": list(map(_compact, series[name].values())),
               "customdata": [wan(v, "次") for v in series[name].values()],
               "hovertemplate": "%{x}<br>" + _attr(name) + "：%{customdata}<extra></extra>"} for name in order]
    top = float(max(max(values.values()) for values in series.values())) if series else 0.0
    tickvals, ticktext = wan_ticks(top)
    layout = {"xaxis": {"tickformat": x_tick, "hoverformat": x_tick if x_tick == "%Y-%m" else "%Y-%m-%d"},
              "yaxis": {"tickvals": tickvals, "ticktext": ticktext, "rangemode": "tozero"}}
    xs, total = _latest(sorted({v for values in series.values() for v in values}), table_rows)
    columns = [list(map(wan, map(series[name].get, xs))) for name in order]
    table = Table((x_label, *order), tuple(zip(map(x_format, xs), *columns)), total)
    return _figure(traces, layout), table


def _descending_by_last(series: dict[str, dict]) -> list[str]:
    """Entity names by their latest value, largest first (ties keep their order)."""
    return sorted(series, key=lambda name: -next(reversed(series[name].values())))


def visits_chart(rows: Sequence[Row], category: str, region: str | None, table_rows: int | None = None
                 ) -> tuple[dict, Table, Sequence[Row]]:
    """Weekly visits per product, one line each, y axis in 万/亿 (``table_rows``: the table shows
    only the latest weeks, as ``Table.latest``)."""
    drawn = [r for r in rows if r["category"] == category and (not region or r["region"] == region)]
    if not drawn:
        return _figure([]), Table(("周",)), drawn
    figure, table = _series_chart(drawn, "product", "week", "visits", "周（起始日）", iso_day, "%m-%d", table_rows=table_rows)
    return figure, table, drawn


def downloads_chart(rows: Sequence[Row], table_rows: int | None = None) -> tuple[dict, Table, Sequence[Row]]:
    """Monthly downloads per app as grouped bars."""
    if not rows:
        return _figure([]), Table(("月份",)), rows
    figure, table = _series_chart(rows, "app", "month", "downloads", "月份", iso_month, "%Y-%m", table_rows=table_rows)
    for trace in figure["data"]:
        trace["type"] = "bar"
        trace.pop("mode", None)
    figure["layout"]["barmode"] = "group"
    # Months as categories: on a date axis Plotly put its ticks between the month bars and
    # labelled three months 2024-09, 2024-10, 2024-10.
    figure["layout"]["xaxis"] = {"type": "category"}
    return figure, table, rows


def gpu_chart(rows: Sequence[Row], model: str, table_rows: int | None = None) -> tuple[dict, Table, Sequence[Row]]:
    """New (blue) and used (red) Amazon prices of one GPU model, in US dollars."""
    drawn = [r for r in rows if r["model"] == model]
    if not drawn:
        return _figure([]), Table(("日期",)), drawn
    prices: dict[str, dict] = {}
    for r in sorted(drawn, key=lambda r: r["date"]):
        prices.setdefault(r["condition"], {})[r["date"]] = r["price"]
    traces = []
    for condition, label, color in (("new", "新品", NEW), ("used", "二手", USED)):
        part = prices.get(condition)
        if not part:
            continue
        traces.append({"type": "scatter", "mode": "lines", "line": {"color": color, "shape": "hv"}, "name": label,
                       "x": [iso_day(d) for d in part], "y": [_compact(v) for v in part.values()],
                       "hovertemplate": "%{x}<br>" + label + "：$%{y:,.0f}<extra></extra>"})
    layout = {"xaxis": {"tickformat": "%m-%d", "hoverformat": "%Y-%m-%d"}, "yaxis": {"tickprefix": "$", "tickformat": ",.0f"}}
    days, total = _latest(sorted({d for part in prices.values() for d in part}), table_rows)
    shown = [(condition, label) for condition, label in (("new", "新品（美元）"), ("used", "二手（美元）")) if condition in prices]
    table = Table(("日期", *(label for _, label in shown)),
                  tuple((iso_day(d), *(plain(prices[condition].get(d)) for condition, _ in shown)) for d in days), total)
    return _figure(traces, layout), table, drawn


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
    """Plotly hovertemplates treat %{…} specially; keep a name from being read as one."""
    return text.replace("%", "%%")


def figure_json(figure: dict) -> str:
    """Compact JSON for a data attribute."""
    return json.dumps(figure, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def validate(figure: dict) -> None:
    """Raise ValueError if plotly rejects the figure (tests use this on every chart)."""
    import plotly.graph_objects as go

    go.Figure(figure)
