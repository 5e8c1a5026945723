"""Narrative against data: a move the analyst states in issue.md must match the data (a dataset's ``narrative`` column).

The narrative stays the analyst's own; this only reads it. A figure such as ``英伟达+3.54%``
(a registered name or alias directly followed by a signed percentage) is compared with the
snapshot's ``change_pct`` for that entity, rounded to the two decimals the report writes.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..schema.model import Registry
from ..schema.snapshot import Dataset
from ..schema.units import pct

SIGNED_PCT = r"\s*([+\-−－＋])\s*(\d+(?:\.\d+)?)\s*[%％]"


@dataclass(frozen=True)
class Contradiction:
    """A figure in the text that the data does not support."""

    line: int
    figure: str
    name: str
    stated: float
    data: float
    file: str = ""
    column: str = ""

    @property
    def message(self) -> str:
        return f"正文写 '{self.figure}'，但 {self.file} 中 {self.name} 的 {self.column} 为 {self.data:g}（{pct(self.data)}）"


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


def contradictions(text: str, rows: Sequence[dict] | None, registry: Registry, dataset: Dataset) -> list[Contradiction]:
    """Stated moves that differ from the snapshot's rows of ``dataset`` (its ``narrative`` column);
    names without a row are skipped."""
    if not rows or dataset.narrative is None or dataset.entity is None:
        return []
    moves = {}
    for row in rows:
        entity = registry.get(row[dataset.entity])
        moves[entity.id if entity else row[dataset.entity]] = row[dataset.narrative]
    out = []
    for line, figure, name, stated in stated_moves(text, registry):
        entity = registry.get(name)
        value = moves.get(entity.id if entity else name)
        if value is None or value != value:
            continue
        if round(stated, 2) != round(float(value), 2):
            out.append(Contradiction(line, figure, name, stated, float(value), dataset.filename, dataset.narrative))
    return out
