"""The one data-error type: every problem knows its file, line and column."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one place in the data folder."""

    path: str
    message: str
    line: int | None = None
    column: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        col = f"列 '{self.column}'：" if self.column else ""
        hint = f"（提示：{self.hint}）" if self.hint else ""
        return f"{where}: {col}{self.message}{hint}"


def grouped(problems: list[Problem]) -> list[str]:
    """The problems as the analyst reads them: one line per file, column and kind of problem, with
    its rows (「stocks.csv 第 2–40 行 列 'date'：…」); a problem found once keeps its own line."""
    groups: dict[tuple, list[Problem]] = {}
    for p in problems:
        kind = re.sub(r"'[^']*'|\d+(\.\d+)?", "…", p.message) if p.line is not None else p.message + str(id(p))
        groups.setdefault((p.path, p.column, kind, p.hint), []).append(p)
    lines = []
    for items in groups.values():
        first = items[0]
        if len(items) == 1:
            lines.append(str(first))
            continue
        col = f"列 '{first.column}'：" if first.column else ""
        hint = f"；提示：{first.hint}" if first.hint else ""
        first_only = "，以上为第一处" if any(p.message != first.message for p in items) else ""
        lines.append(f"{first.path} {row_ranges(p.line for p in items)} {col}{first.message}"
                     f"（共 {len(items)} 行{first_only}{hint}）")
    return lines


def row_ranges(rows) -> str:
    """'第 2–40 行' / '第 3、7、9–11 行' for a set of row numbers."""
    ordered = sorted(set(rows))
    parts, start = [], None
    for i, n in enumerate(ordered):
        if start is None:
            start = n
        if i + 1 == len(ordered) or ordered[i + 1] != n + 1:
            parts.append(str(start) if start == n else f"{start}–{n}")
            start = None
    return "第 " + "、".join(parts) + " 行"


class DataError(Exception):
    """Raised with every problem found in one run, so the analyst can fix them all at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class Problems:
    """Collects problems during validation; ``raise_if_any`` ends the stage."""

    def __init__(self, root: Path):
        self.root = root
        self.items: list[Problem] = []

    def rel(self, path: Path) -> str:
        try:
            return str(Path(self.root.name) / path.relative_to(self.root))
        except ValueError:
            return str(path)

    def add(self, path: Path, message: str, *, line: int | None = None,
            column: str | None = None, hint: str | None = None) -> None:
        self.items.append(Problem(self.rel(path), message, line, column, hint))

    def raise_if_any(self) -> None:
        if self.items:
            raise DataError(self.items)
