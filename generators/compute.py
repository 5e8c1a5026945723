"""Compute stage: the history a chart draws, assembled from every snapshot up to an issue.

The history is the archive itself: a row from a later snapshot supersedes the same key from
an earlier one (a month's downloads are updated weekly; a correction replaces a value).
Each issue's time charts show a fixed window so that page weight and build cost per issue
stay constant as the archive grows.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from .model import Archive
from .schema import DATASET_BY_NAME

WINDOW_DAYS = {"visits": 364, "gpu_prices": 182, "downloads": 366}


class History:
    """Per-dataset stacked rows of the whole archive, sorted once, sliced per issue."""

    def __init__(self, archive: Archive):
        self._stacked = {name: archive.stacked(name) for name in DATASET_BY_NAME}

    def as_of(self, dataset: str, issue_date: date, window_days: int | None = None) -> pd.DataFrame:
        """Rows visible to the issue of ``issue_date``: latest value per key, within the window."""
        frame = self._stacked[dataset]
        if frame.empty:
            return frame
        spec = DATASET_BY_NAME[dataset]
        # Rows are stacked in issue order, so the rows up to an issue are a prefix: slicing
        # keeps each call independent of the archive's length (a mask would make N issues N²).
        rows = frame.iloc[: frame["issue"].searchsorted(issue_date, side="right")]
        days = WINDOW_DAYS.get(dataset) if window_days is None else window_days
        if spec.date_column and days:
            rows = rows[rows[spec.date_column] > issue_date - timedelta(days=days)]
        rows = rows.drop_duplicates(list(spec.key), keep="last")
        return rows.reset_index(drop=True)


# The value a later snapshot may correct, per dataset. Stocks are a new week's moves, not a
# restatement; a month's downloads marked incomplete are expected to change every week.
CORRECTABLE = {"visits": "visits", "gpu_prices": "price", "downloads": "downloads"}


@dataclass(frozen=True)
class Correction:
    """A value of an earlier issue that this issue's snapshot replaces."""

    dataset: str        # the dataset's title, e.g. 网站访问量
    entity: str         # e.g. ChatGPT, or H100 二手
    when: str           # the row's date or month
    old: str
    new: str
    published: date     # the issue that published the old value


def correction_map(archive: Archive) -> dict[date, list[Correction]]:
    """Every restated value in the archive, by the issue that restates it, in one pass.

    A key that appears in several snapshots is compared with its previous appearance; a
    different value is a correction announced by the later issue.
    """
    found: dict[date, list[tuple[int, int, Correction]]] = {}
    for order, (name, value) in enumerate(CORRECTABLE.items()):
        spec = DATASET_BY_NAME[name]
        stacked = archive.stacked(name)
        if stacked.empty:
            continue
        repeated = stacked[stacked.duplicated(list(spec.key), keep=False)]
        for _, rows in repeated.groupby(list(spec.key), sort=False):
            records = list(zip(rows.index, rows.to_dict("records")))
            for (_, old), (position, new) in zip(records, records[1:]):
                if new[value] == old[value] or (name == "downloads" and not old["complete"]):
                    continue
                entity = str(new[spec.key[0]]) + (f" {'新品' if new['condition'] == 'new' else '二手'}" if name == "gpu_prices" else "")
                day = new[spec.date_column]
                when = f"{day:%Y-%m}" if spec.date_column == "month" else f"{day:%Y-%m-%d}"
                found.setdefault(new["issue"], []).append(
                    (order, position, Correction(spec.title, entity, when, _number(old[value]), _number(new[value]), old["issue"])))
    # Within an issue: datasets in a fixed order, rows in the order of its CSV files.
    return {day: [c for _, _, c in sorted(items, key=lambda t: t[:2])] for day, items in found.items()}


def corrections(archive: Archive, issue_date: date) -> list[Correction]:
    """Rows of the issue of ``issue_date`` that restate a different value for an earlier key."""
    return correction_map(archive).get(issue_date, [])


def _number(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e15 else str(value)
