"""The one data-error type: every problem knows its file, line and column."""
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
        return f"{where}: {col}{self.message}{hint}"


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
