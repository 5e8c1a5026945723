"""The history a chart draws, assembled from every snapshot up to an issue, and the corrections found on the way.

The history is the archive itself: a row from a later snapshot supersedes the same key from
an earlier one (a month's downloads are updated weekly; a correction replaces a value).
Each issue's time charts show a fixed window so that page weight and build cost per issue
stay constant as the archive grows.

Everything here is plain Python over the rows of ``Snapshot.rows``: the history is replayed
snapshot by snapshot, keeping each dataset's visible rows bucketed by date, so the rows an
issue sees cost what its window holds, not what the archive holds.
"""
from __future__ import annotations

import bisect
from operator import itemgetter
from dataclasses import dataclass
from datetime import date, timedelta

from ..schema.model import Archive, Row
from ..schema.snapshot import Dataset


class _Visible:
    """One dataset's rows visible so far: the latest row per key, bucketed by the row's date."""

    def __init__(self, spec: Dataset, record: str | None = None):
        # The row's key, as a tuple (itemgetter of one column gives the bare value).
        self.key = itemgetter(*spec.key) if len(spec.key) > 1 else (lambda row, k=spec.key[0]: (row[k],))
        self.date_column = spec.date_column
        self.buckets: dict[date, dict[tuple, Row]] = {}
        self.dates: list[date] = []                 # the buckets' dates, ascending
        # The running maximum of one column per entity, for the 创历史新高 highlights: (entity, value).
        self.record = (spec.entity, record) if record else None
        self.values: dict[str, dict[date, float]] = {}            # entity → date → value
        self.maxima: dict[str, tuple[list[date], list[float]]] = {}   # entity → dates, running max

    def add(self, rows: tuple[Row, ...], restated: list[tuple[Row, Row]] | None = None) -> None:
        """Take in one snapshot's rows; ``restated`` takes (earlier row, this row) for every key seen before."""
        buckets, key, date_column = self.buckets, self.key, self.date_column
        for row in rows:
            day = row[date_column]
            bucket = buckets.get(day)
            if bucket is None:
                bucket = buckets[day] = {}
                bisect.insort(self.dates, day)
            k = key(row)
            old = bucket.pop(k, None)
            bucket[k] = row                         # a restated row moves to the end, as in its CSV
            if old is not None and restated is not None:
                restated.append((old, row))
        if self.record:
            entity, value = self.record
            for row in rows:
                self._track(row[entity], row[date_column], row[value])

    def _track(self, entity: str, day: date, value: float) -> None:
        values = self.values.get(entity)
        if values is None:
            values = self.values[entity] = {}
            self.maxima[entity] = ([], [])
        values[day] = value
        dates, running = self.maxima[entity]
        if dates and day <= dates[-1]:
            # A restated or back-filled date (rare): rebuild this entity's running maximum.
            dates.clear()
            running.clear()
            for d in sorted(values):
                dates.append(d)
                running.append(values[d] if not running else max(running[-1], values[d]))
        else:
            dates.append(day)
            running.append(value if not running or value > running[-1] else running[-1])

    def since(self, after: date | None) -> list[Row]:
        start = 0 if after is None else bisect.bisect_right(self.dates, after)
        return [row for day in self.dates[start:] for row in self.buckets[day].values()]

    def on(self, day: date) -> list[Row]:
        return list(self.buckets.get(day, {}).values())

    def best_before(self, day: date) -> dict[str, float]:
        out = {}
        for entity, (dates, running) in self.maxima.items():
            i = bisect.bisect_left(dates, day)
            if i:
                out[entity] = running[i - 1]
        return out


class History:
    """The rows visible to each issue: the latest value per key from its snapshot and every earlier one.

    Replays the archive in date order; asking for issues in ascending order (as ``generate``
    does) costs only the rows each new snapshot adds. An earlier date starts the replay over.
    """

    def __init__(self, archive: Archive):
        self._snapshots = archive.snapshots
        self._datasets = archive.datasets
        self._records = {r.dataset: r.value for r in archive.datasets.highlights if r.records}
        self._reset()

    def _reset(self) -> None:
        self._added = 0
        self._corrections: dict[date, list[Correction]] = {}
        # The dated datasets: the others (a week's moves) are read from the issue's own snapshot.
        self._visible = {d.name: _Visible(d, self._records.get(d.name)) for d in self._datasets if d.dated}
        self._correctable = [d for d in self._datasets if d.dated and d.correctable]

    def _advance(self, issue_date: date) -> None:
        if self._added and self._snapshots[self._added - 1].issue.date > issue_date:
            self._reset()
        while self._added < len(self._snapshots) and self._snapshots[self._added].issue.date <= issue_date:
            rows = self._snapshots[self._added].rows
            pairs: dict[str, list[tuple[Row, Row]]] = {d.name: [] for d in self._correctable}
            for name, visible in self._visible.items():
                visible.add(rows.get(name, ()), pairs.get(name))
            if any(pairs.values()):
                self._corrections.update(_corrections(self._correctable, pairs))
            self._added += 1

    def visible(self, dataset: str, issue_date: date, window_days: int | None = None) -> list[Row]:
        """Rows visible to the issue of ``issue_date``: latest value per key, dated within the
        dataset's window (``window_days=0``: no window), oldest date first."""
        self._advance(issue_date)
        days = self._datasets.by_name[dataset].history_days if window_days is None else window_days
        return self._visible[dataset].since(issue_date - timedelta(days=days) if days else None)

    def on(self, dataset: str, issue_date: date, day: date) -> list[Row]:
        """Rows visible to the issue of ``issue_date`` whose date is ``day``."""
        self._advance(issue_date)
        return self._visible[dataset].on(day)

    def dates(self, dataset: str, issue_date: date) -> list[date]:
        """The dates of the rows visible to the issue of ``issue_date``, ascending."""
        self._advance(issue_date)
        return list(self._visible[dataset].dates)

    def corrections(self, issue_date: date) -> dict[date, list[Correction]]:
        """Every value restated by the issues up to ``issue_date``, by the issue that restates it.

        A key that appears in several snapshots is compared with its previous appearance (the
        row the replay replaces); a different value is a correction announced by the later
        issue. Within an issue the corrections follow a fixed order of datasets, then the rows
        of its CSV files.
        """
        self._advance(issue_date)
        return {day: found for day, found in self._corrections.items() if day <= issue_date}

    def corrected_by(self, issue_date: date) -> list[Correction]:
        """The corrections the issue of ``issue_date`` announces (see ``corrections``)."""
        self._advance(issue_date)
        return self._corrections.get(issue_date, [])

    def best_before(self, dataset: str, issue_date: date, day: date) -> dict[str, float]:
        """Per entity, the highest value visible to the issue among rows dated before ``day``
        (the datasets a highlight rule tracks ``records`` of only)."""
        self._advance(issue_date)
        return self._visible[dataset].best_before(day)


@dataclass(frozen=True)
class Correction:
    """A value of an earlier issue that this issue's snapshot replaces."""

    dataset: str        # the dataset's title, e.g. 网站访问量
    entity: str         # e.g. ChatGPT, or H100 二手
    when: str           # the row's date or month
    old: str
    new: str
    published: date     # the issue that published the old value


def _corrections(datasets: list[Dataset], pairs: dict[str, list[tuple[Row, Row]]]) -> dict[date, list[Correction]]:
    """The corrections among (earlier row, later row with the same key) pairs, per dataset (its
    ``correctable`` value; a row of a period still being counted, ``complete`` false, is expected
    to change and corrects nothing)."""
    found: dict[date, list[Correction]] = {}
    for spec in datasets:
        value, complete, series = spec.correctable, spec.complete, spec.series
        monthly = spec.column(spec.date_column).kind == "month"
        for old, new in pairs.get(spec.name, ()):
            if new[value] == old[value] or (complete and not old[complete]):
                continue
            entity = str(new[spec.key[0]]) + (f" {spec.column(series).label_of(new[series])}" if series else "")
            day = new[spec.date_column]
            when = f"{day:%Y-%m}" if monthly else f"{day:%Y-%m-%d}"
            found.setdefault(new["issue"], []).append(
                Correction(spec.title, entity, when, _number(old[value]), _number(new[value]), old["issue"]))
    return found


def _number(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e15 else str(value)
