"""Charts stage: data frames → compact Plotly figure dicts plus the table each chart shows.

Figures are plain dicts (no per-figure template: theme, fonts and colorway are applied once
in the browser by ``charts.js``), which keeps chart JSON small and generation well under a
millisecond per figure. ``validate`` checks a figure against plotly's schema (used by tests).
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from .model import Issue
from .units import pct, plain, wan, wan_ticks

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
    ChartSpec(2, "visits_text_overseas", "文本大模型网站访问量周度数据（单位：万次）", "Similarweb，华福证券研究所"),
    ChartSpec(3, "visits_text_domestic", "文本大模型网站访问量周度数据（单位：万次）", "Similarweb，华福证券研究所"),
    ChartSpec(4, "visits_image", "图片大模型网站访问量周度数据（单位：万次）", "Similarweb，华福证券研究所"),
    ChartSpec(5, "visits_video", "视频大模型网站访问量周度数据（单位：万次）", "Similarweb，华福证券研究所"),
    ChartSpec(6, "downloads", "国内头部大模型 App 下载量月度数据（单位：万次）", "七麦数据，华福证券研究所"),
    ChartSpec(7, "gpu_h100", "NVIDIA H100 GPU价格图", "Camelcamelcamel，华福证券研究所",
              ("蓝色代表新品售卖价格，红色代表二手商品价格",)),
    ChartSpec(8, "gpu_a100", "NVIDIA A100 GPU价格图", "Camelcamelcamel，华福证券研究所",
              ("蓝色代表新品售卖价格，红色代表二手商品价格",)),
)
CHART_KEYS = tuple(s.key for s in SPECS)
VISIT_FILTERS = {
    "visits_text_overseas": ("text", "海外"),
    "visits_text_domestic": ("text", "国内"),
    "visits_image": ("image", None),
    "visits_video": ("video", None),
}
GPU_MODELS = {"gpu_h100": "H100", "gpu_a100": "A100"}


@dataclass(frozen=True)
class Chart:
    """One numbered chart of an issue: figure, the table it shows, and its caption parts."""

    spec: ChartSpec
    title: str
    figure: dict
    table: pd.DataFrame
    notes: tuple[str, ...]
    sample: bool

    @property
    def number(self) -> int:
        return self.spec.number

    @property
    def key(self) -> str:
        return self.spec.key


def build_charts(issue: Issue, frames: dict[str, pd.DataFrame]) -> list[Chart]:
    """All eight charts of an issue from the frames visible to it (see compute.History)."""
    charts = []
    for spec in SPECS:
        if spec.key == "stocks":
            figure, table, frame = stocks_chart(frames.get("stocks", pd.DataFrame()))
        elif spec.key in VISIT_FILTERS:
            figure, table, frame = visits_chart(frames.get("visits", pd.DataFrame()), *VISIT_FILTERS[spec.key])
        elif spec.key == "downloads":
            figure, table, frame = downloads_chart(frames.get("downloads", pd.DataFrame()))
        else:
            figure, table, frame = gpu_chart(frames.get("gpu_prices", pd.DataFrame()), GPU_MODELS[spec.key])
        notes = spec.notes + issue.chart_notes.get(spec.key, ())
        if spec.key == "downloads" and not frame.empty and not frame["complete"].all():
            partial = "、".join(f"{d:%Y年%-m月}" for d in sorted(set(frame.loc[~frame["complete"], "month"])))
            auto = f"{partial}数据为非完全统计"
            if not any("非完全统计" in n for n in notes):
                notes = notes + (auto,)
        sample = bool(not frame.empty and frame["sample"].any())
        title = spec.title.format(period=issue.period.label())
        charts.append(Chart(spec, title, figure, table, notes, sample))
    return charts


def _empty_table(*columns: str) -> pd.DataFrame:
    return pd.DataFrame(columns=list(columns))


def stocks_chart(frame: pd.DataFrame) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """Horizontal bars of weekly change, red up / green down, grouped by segment."""
    if frame.empty:
        return _figure([]), _empty_table("公司", "代码"), frame
    frame = frame.sort_values(["segment", "change_pct"], ascending=[True, True], kind="stable")
    labels = [f"{n}" for n in frame["name"]]
    trace = {
        "type": "bar", "orientation": "h",
        "x": [round(v, 2) for v in frame["change_pct"]], "y": labels,
        "marker": {"color": [UP if v >= 0 else DOWN for v in frame["change_pct"]]},
        "text": [pct(v) for v in frame["change_pct"]], "textposition": "outside", "cliponaxis": False,
        "customdata": list(frame["segment"]),
        "hovertemplate": "%{y}（%{customdata}）<br>周涨跌幅 %{text}<extra></extra>",
    }
    # Room on both sides for the labels drawn outside the bars (+52.15% on a phone, -1.62% by its name).
    values = [float(v) for v in frame["change_pct"]]
    low, high = min(0.0, *values), max(0.0, *values)
    pad = 0.22 * ((high - low) or 1.0)
    layout = {"xaxis": {"ticksuffix": "%", "zeroline": True,
                        "range": [round(low - (pad if low < 0 else 0), 2), round(high + (pad if high > 0 else 0), 2)]}, "yaxis": {"automargin": True},
              "height": max(260, 28 * len(labels) + 80), "showlegend": False}
    ordered = frame.sort_values(["segment", "change_pct"], ascending=[True, False], kind="stable")
    table = pd.DataFrame({
        "公司": ordered["name"], "代码": ordered["ticker"], "上市地": ordered["market"], "板块": ordered["segment"],
        "周涨跌幅": [pct(v) for v in ordered["change_pct"]],
        "总市值（亿）": [plain(v, 0) for v in ordered["market_cap"]],
        "收盘价": [plain(v) for v in ordered["close"]],
    })
    return _figure([trace], layout), table, frame


def _series_chart(frame: pd.DataFrame, entity: str, x: str, y: str, x_label: str,
                  x_format, x_tick: str, mode: str = "lines+markers") -> tuple[dict, pd.DataFrame]:
    # Plain Python over the rows: pandas' per-call overhead (groupby, pivot_table) was most of
    # the generation time, and an issue's windowed frame holds only a few hundred rows.
    rows = sorted(zip(frame[x].tolist(), frame[entity].tolist(), frame[y].tolist()), key=lambda r: (r[0], r[1]))
    series: dict[str, dict] = {}
    for xv, name, yv in rows:
        series.setdefault(name, {})[xv] = yv        # sorted by x, so the last value wins
    order = _descending_by_last(series)
    traces = [{"type": "scatter", "mode": mode, "name": name,
               "x": [x_format(v) for v in series[name]], "y": [round(v, 2) for v in series[name].values()],
               "hovertemplate": "%{x}<br>" + _attr(name) + "：%{y:,.0f}万次<extra></extra>"} for name in order]
    top = float(max(r[2] for r in rows)) if rows else 0.0
    tickvals, ticktext = wan_ticks(top)
    layout = {"xaxis": {"tickformat": x_tick, "hoverformat": x_tick if x_tick == "%Y-%m" else "%Y-%m-%d"},
              "yaxis": {"tickvals": tickvals, "ticktext": ticktext, "rangemode": "tozero"}}
    xs = sorted({r[0] for r in rows})
    table = pd.DataFrame({x_label: [x_format(v) for v in xs],
                          **{name: [wan(series[name].get(v)) for v in xs] for name in order}})
    return _figure(traces, layout), table


def _descending_by_last(series: dict[str, dict]) -> list[str]:
    """Entity names by their latest value, largest first (pandas' sort, so ties keep its order)."""
    lasts = pd.Series([next(reversed(values.values())) for values in series.values()], index=list(series), dtype=float)
    return list(lasts.sort_values(ascending=False).index)


def visits_chart(frame: pd.DataFrame, category: str, region: str | None) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """Weekly visits per product, one line each, y axis in 万/亿."""
    if frame.empty:
        return _figure([]), _empty_table("周"), frame
    rows = frame[frame["category"] == category]
    if region:
        rows = rows[rows["region"] == region]
    if rows.empty:
        return _figure([]), _empty_table("周"), rows
    figure, table = _series_chart(rows, "product", "week", "visits", "周（起始日）", lambda d: d.isoformat(), "%m-%d")
    return figure, table, rows


def downloads_chart(frame: pd.DataFrame) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """Monthly downloads per app as grouped bars."""
    if frame.empty:
        return _figure([]), _empty_table("月份"), frame
    figure, table = _series_chart(frame, "app", "month", "downloads", "月份", lambda d: f"{d:%Y-%m}", "%Y-%m")
    for trace in figure["data"]:
        trace["type"] = "bar"
        trace.pop("mode", None)
    figure["layout"]["barmode"] = "group"
    return figure, table, frame


def gpu_chart(frame: pd.DataFrame, model: str) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """New (blue) and used (red) Amazon prices of one GPU model, in US dollars."""
    if frame.empty:
        return _figure([]), _empty_table("日期"), frame
    rows = frame[frame["model"] == model]
    prices: dict[str, dict] = {}
    for day, condition, price in sorted(zip(rows["date"].tolist(), rows["condition"].tolist(), rows["price"].tolist()),
                                        key=lambda r: r[0]):
        prices.setdefault(condition, {})[day] = price
    traces = []
    for condition, label, color in (("new", "新品", NEW), ("used", "二手", USED)):
        part = prices.get(condition)
        if not part:
            continue
        traces.append({"type": "scatter", "mode": "lines", "line": {"color": color, "shape": "hv"}, "name": label,
                       "x": [d.isoformat() for d in part], "y": [round(v, 2) for v in part.values()],
                       "hovertemplate": "%{x}<br>" + label + "：$%{y:,.0f}<extra></extra>"})
    layout = {"xaxis": {"tickformat": "%m-%d", "hoverformat": "%Y-%m-%d"}, "yaxis": {"tickprefix": "$", "tickformat": ",.0f"}}
    days = sorted({d for part in prices.values() for d in part})
    table = pd.DataFrame({"日期": [d.isoformat() for d in days],
                          **{label: [plain(prices[condition].get(d)) for d in days]
                             for condition, label in (("new", "新品（美元）"), ("used", "二手（美元）")) if condition in prices}})
    return _figure(traces, layout), table, rows


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
