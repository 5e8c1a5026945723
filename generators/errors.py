"""The one error family: every problem knows its file, line and column (where it has one).

``WeeklyError`` is the base; the CLI and the MkDocs plugin turn any of them into one clean line
per problem (and the CLI into its exit code): ``DataError`` for bad data (1), ``UsageError`` for a
command given wrongly (2), ``BuildError`` for the build's own state, such as a damaged cache (1).
"""
from __future__ import annotations

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
