"""A chart's text alternative: what it shows, its unit, its period and its latest values or extremes.

Pure: a Chart in, one Chinese sentence out, written from the table the chart shows (its cells are
already in the page's units, so the sentence reads as the table does). Screen readers get it in
place of the plot; the table itself follows the chart.
"""
from __future__ import annotations

from .charts import Chart

MISSING = "—"


def describe(chart: Chart, caption: str) -> str:
    """``caption`` (图表 N：title, with its unit) then the period and what the latest row says."""
    table = chart.table
    if table.empty:
        return f"{caption}。本期无此项数据。"
    columns, rows = table.columns, table.rows
    if "周涨跌幅" in columns and columns[0] == "公司":          # one row a company: the extremes
        at = columns.index("周涨跌幅")
        ranked = sorted(rows, key=lambda r: _number(r[at]))
        top, bottom = ranked[-1], ranked[0]
        return (f"{caption}。{len(rows)} 家公司的周涨跌幅，涨幅最大：{top[0]} {top[at]}，"
                f"跌幅最大（或涨幅最小）：{bottom[0]} {bottom[at]}。")
    first, last = rows[0], rows[-1]
    values = "，".join(f"{name} {value}" for name, value in zip(columns[1:], last[1:]) if value != MISSING)
    span = f"{first[0]} 至 {last[0]}" if len(rows) > 1 else str(first[0])
    shown = f"（表中为最近 {len(rows)} 行，共 {table.total} 行）" if table.total else ""
    return f"{caption}。{columns[0]}：{span}{shown}。最新（{last[0]}）：{values or '无数据'}。"


def _number(text: str) -> float:
    try:
        return float(str(text).rstrip("%").replace(",", ""))
    except ValueError:
        return 0.0
