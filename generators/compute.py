"""Compute stage: the history a chart draws, assembled from every snapshot up to an issue.

The history is the archive itself: a row from a later snapshot supersedes the same key from
an earlier one (a month's downloads are updated weekly; a correction replaces a value).
Each issue's time charts show a fixed window so that page weight and build cost per issue
stay constant as the archive grows.
"""
from __future__ import annotations

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
