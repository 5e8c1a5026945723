"""Warnings: things in data/ that are allowed but probably not what the analyst meant.

``weekly check`` prints them after the data has passed; they never stop a build.
"""
from __future__ import annotations

import bisect
import csv
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import Problem
from ..pages.issue import raw_html_lines
from ..schema.model import Archive
from ..schema.snapshot import ISSUE_FILE, Dataset


def warnings(archive: Archive, data_dir: Path) -> list[Problem]:
    """Every warning for a validated archive, in issue order."""
    found: list[Problem] = []
    for issue in archive.issues:
        path = Path(data_dir) / issue.slug / ISSUE_FILE
        found.extend(raw_html_warnings(path, Path(Path(data_dir).name) / issue.slug / ISSUE_FILE))
    found.extend(plausibility_warnings(archive, Path(data_dir)))
    return found


def plausibility_warnings(archive: Archive, data_dir: Path) -> list[Problem]:
    """Values that are valid but unlikely: a jump of more than ``Column.jump`` times (or to less
    than 1/jump) from the same series' previous value, or a move beyond ±``Column.usual``."""
    found: list[Problem] = []
    for dataset in archive.datasets:
        columns = [c for c in dataset.columns if c.jump or c.usual]
        if not columns:
            continue
        series_key = [k for k in dataset.key if k != dataset.date_column]
        # series → column → (sorted dates, values), as known from the snapshots read so far
        known: dict[tuple, dict[str, tuple[list[date], list[float]]]] = {}
        for snapshot in archive.snapshots:
            rows = snapshot.rows.get(dataset.name, ())
            warned: list[tuple[dict[str, Any], str, str]] = []
            for row in rows:
                series, when = tuple(row[k] for k in series_key), row[dataset.date_column] if dataset.date_column else row["issue"]
                for column in columns:
                    value = row[column.name]
                    if value is None:
                        continue
                    dates, values = known.get(series, {}).get(column.name, ([], []))
                    at = bisect.bisect_left(dates, when)
                    before = (dates[at - 1], values[at - 1]) if at else None
                    message = _implausible(value, before, column.jump, column.usual, dataset)
                    if message:
                        warned.append((row, column.name, message))
            for row in rows:
                series, when = tuple(row[k] for k in series_key), row[dataset.date_column] if dataset.date_column else row["issue"]
                for column in columns:
                    if row[column.name] is None:
                        continue
                    dates, values = known.setdefault(series, {}).setdefault(column.name, ([], []))
                    at = bisect.bisect_left(dates, when)
                    if at < len(dates) and dates[at] == when:
                        values[at] = row[column.name]
                    else:
                        dates.insert(at, when)
                        values.insert(at, row[column.name])
            if warned:
                path = data_dir / snapshot.issue.slug / dataset.filename
                lines = _row_lines(path, dataset)
                shown = str(Path(data_dir.name) / snapshot.issue.slug / dataset.filename)
                for row, column, message in warned:
                    found.append(Problem(shown, message, line=lines.get(_row_key(row, dataset)), column=column,
                                         hint="数值无误可忽略本提醒；若是单位或位数写错，请更正"))
    return found


def _implausible(value: float, before: tuple[date, float] | None, jump: float | None, usual: float | None,
                 dataset: Dataset) -> str | None:
    earlier = f"上一期（{_day(before[0])}）为 {before[1]:g}" if before else "无上一期数值"
    if usual is not None and abs(value) > usual:
        return f"{value:g} 超出通常范围 ±{usual:g}（{earlier}）"
    if jump is not None and before is not None and before[1] > 0:
        ratio = value / before[1]
        if ratio > jump or (ratio < 1 / jump):
            return f"{value:g} 是{earlier}的 {ratio:.3g} 倍，可能填错了单位或位数"
    return None


def _day(value: date) -> str:
    return value.isoformat()


def _row_key(row: dict[str, Any], dataset: Dataset) -> tuple[str, ...]:
    out = []
    for name in dataset.key:
        value = row[name]
        kind = dataset.column(name).kind
        out.append(f"{value:%Y-%m}" if kind == "month" else value.isoformat() if isinstance(value, date) else str(value))
    return tuple(out)


def _row_lines(path: Path, dataset: Dataset) -> dict[tuple[str, ...], int]:
    """Row key (as written) → line in the CSV file, for the warnings' locations."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = [h.strip() for h in next(reader, [])]
            index = [header.index(k) for k in dataset.key]
            lines = {}
            for row in reader:
                if len(row) == len(header):
                    lines.setdefault(tuple(row[i].strip() for i in index), reader.line_num)
            return lines
    except (OSError, ValueError, csv.Error):
        return {}


def raw_html_warnings(path: Path, shown: Path) -> list[Problem]:
    """Raw HTML in an issue's narrative: it is shown as text on the page, never run."""
    try:
        text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError):
        return []
    offset = _body_offset(text)
    return [Problem(str(shown), "正文含有 HTML 标签，网站上会原样显示为文字，不会生效", line=offset + n,
                    hint="请用 Markdown 书写格式：**加粗**、- 列表、| 表格 |、[文字](https://…)、脚注 [^1]")
            for n in raw_html_lines(text.split("\n", offset)[-1] if offset else text)]


def _body_offset(text: str) -> int:
    """How many lines the front matter takes (0 when there is none)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return 0
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() in ("---", "..."):
            return number
    return 0
