"""The one error family: every problem knows its file, line and column (where it has one).

``WeeklyError`` is the base; the CLI and the MkDocs plugin turn any of them into one clean line
per problem (and the CLI into its exit code): ``DataError`` for bad data (1), ``UsageError`` for a
command given wrongly (2), ``BuildError`` for the build's own state, such as a damaged cache (1).
"""
from __future__ import annotations

import re
from collections.abc import Callable
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
        return f"{where}: {col}{self.message}{hint}" if where else f"{col}{self.message}{hint}"


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


class WeeklyError(Exception):
    """Every error the project raises on purpose: its problems, one line each, and an exit code."""

    exit_code = 1

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def say(cls, message: str, hint: str | None = None) -> WeeklyError:
        """An error of one problem that belongs to no file."""
        return cls([Problem("", message, hint=hint)])

    def summary(self) -> str | None:
        """The closing line under the problems, if any."""
        return None


class DataError(WeeklyError):
    """Raised with every problem found in one run, so the analyst can fix them all at once."""

    def summary(self) -> str | None:
        return f"共 {len(self.problems)} 处问题，请修正后重试。"


class UsageError(WeeklyError):
    """A command given wrongly: a date that is no date, a folder that already exists."""

    exit_code = 2


class BuildError(WeeklyError):
    """The build's own state is broken (a damaged page cache), not the data."""


# At most this many messages of one kind per file (a million bad rows would print a million
# lines); the rest are counted in one closing line.
MAX_PER_KIND = 20
_VARYING = re.compile(r"'[^']*'|“[^”]*”|\d[\d.,:\-]*")


class Problems:
    """Collects problems during validation; ``raise_if_any`` ends the stage."""

    def __init__(self, root: Path):
        self.root = root
        self.items: list[Problem] = []
        self._kinds: dict[tuple, int] = {}       # (file, column, message less its values) → how many
        self._rels: dict[Path, str] = {}

    def rel(self, path: Path) -> str:
        shown = self._rels.get(path)
        if shown is None:       # memoised: a bad file adds a problem per row
            try:
                shown = str(Path(self.root.name) / path.relative_to(self.root))
            except ValueError:
                shown = str(path)
            self._rels[path] = shown
        return shown

    def add(self, path: Path, message: str, *, line: int | None = None,
            column: str | None = None, hint: str | Callable[[], str] | None = None) -> None:
        """Record a problem; past ``MAX_PER_KIND`` of its kind in its file, only count it.

        ``hint`` may be a function, called only for a problem that is listed (a costly suggestion).
        """
        rel = self.rel(path)
        kind = (rel, column, _VARYING.sub("…", message))
        seen = self._kinds[kind] = self._kinds.get(kind, 0) + 1
        if seen > MAX_PER_KIND:
            if seen == MAX_PER_KIND + 1:    # keeps ``len(items)`` growing for callers that compare it
                self.items.append(Problem(rel, "", None, column, kind[2]))   # placeholder: see finished()
            return
        self.items.append(Problem(rel, message, line, column, hint() if callable(hint) else hint))

    def finished(self) -> list[Problem]:
        """The problems as listed: each capped kind ends with how many more there are."""
        out = []
        for problem in self.items:
            if problem.message:
                out.append(problem)
                continue
            count = self._kinds[(problem.path, problem.column, problem.hint)] - MAX_PER_KIND
            out.append(Problem(problem.path, f"同类问题另有 {count} 处未逐条列出（每类只列前 {MAX_PER_KIND} 处）",
                               None, problem.column, "修正上面列出的问题后再运行 weekly check"))
        return out

    def raise_if_any(self) -> None:
        if self.items:
            raise DataError(self.finished())
