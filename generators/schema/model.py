"""The domain model: frozen records built once by ``load`` and read by every later stage."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo


from .declarations import packaged
from .snapshot import PUBLISH_HOUR, PUBLISH_WEEKDAY, TIMEZONE, Declarations

BEIJING = ZoneInfo(TIMEZONE)


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    def label(self) -> str:
        """The seed's compact form, e.g. 1118-1120."""
        return f"{self.start:%m%d}-{self.end:%m%d}"


@dataclass(frozen=True)
class Watchlist:
    name: str
    companies: tuple[str, ...]
    etc: bool = False


@dataclass(frozen=True)
class Issue:
    """One weekly issue's metadata and narrative (the issue.md file)."""

    date: date
    title: str
    sector: str
    period: Period
    data_periods: dict[str, Period]
    lead: str
    body: str
    sample: bool
    prices_as_of: date | None = None
    tags: tuple[str, ...] = ()
    watchlists: tuple[Watchlist, ...] = ()
    risks: tuple[str, ...] = ()
    chart_notes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    publish_at: datetime | None = None   # front-matter override, timezone-aware
    draft: bool = False
    absent: tuple[str, ...] = ()     # datasets the analyst says this week has none of (front matter)

    @property
    def publication_time(self) -> datetime:
        """When the issue may be public: the override, or Friday 09:00 Beijing time of its week."""
        if self.publish_at is not None:
            return self.publish_at
        friday = self.date + timedelta(days=PUBLISH_WEEKDAY - self.date.weekday())
        return datetime.combine(friday, time(PUBLISH_HOUR), tzinfo=BEIJING)

    def is_public(self, as_of: datetime) -> bool:
        """True when the issue is no draft and its publication time has come by ``as_of``."""
        return not self.draft and self.publication_time <= as_of

    @property
    def slug(self) -> str:
        return self.date.isoformat()

    @property
    def full_title(self) -> str:
        return f"{self.title}-算力周跟踪"


Row = dict[str, Any]


@dataclass(frozen=True)
class Snapshot:
    """One folder under data/: an issue and its datasets' rows (typed, validated)."""

    issue: Issue
    rows: dict[str, tuple[Row, ...]] = field(default_factory=dict, repr=False)
    """Each dataset's rows as the loader parsed them: plain dicts in CSV column order, each also
    holding ``issue`` (this issue's date); an empty cell is None. Generation works on these, not
    on the frames: an issue reads a few hundred rows, and pandas' per-call cost was most of the
    time spent drawing it. Callers must not modify the rows."""
    source_digest: bytes | None = field(default=None, compare=False, repr=False)
    """A hash of every file the loader read for it (names and bytes), when loaded from a folder:
    the page cache's key for it (see ``cache.snapshot_digest``)."""


@dataclass(frozen=True)
class Entity:
    """One company, AI product or GPU model: one page, whatever name a snapshot uses for it."""

    id: str                      # ASCII slug, the page's URL: entities/<id>/
    name: str
    kind: str                    # company | product | gpu
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Registry:
    """The entity registry (data/entities.yaml): every name and alias → its entity."""

    entities: tuple[Entity, ...] = ()

    @cached_property
    def by_name(self) -> dict[str, Entity]:
        return {n: e for e in self.entities for n in e.names}

    def get(self, name: str) -> Entity | None:
        return self.by_name.get(name)


@dataclass(frozen=True)
class Archive:
    """Every snapshot, oldest first, the entity registry their names refer to, and the declared
    datasets their rows follow (the report's own when not given)."""

    snapshots: tuple[Snapshot, ...]
    registry: Registry = field(default_factory=Registry)
    datasets: Declarations = field(default=None, compare=False, repr=False)   # type: ignore[assignment]

    def __post_init__(self):
        if self.datasets is None:
            object.__setattr__(self, "datasets", packaged())

    def public(self, as_of: datetime) -> Archive:
        """The archive as readers may see it at ``as_of``: no drafts, nothing under embargo."""
        return Archive(tuple(s for s in self.snapshots if s.issue.is_public(as_of)), datasets=self.datasets)

    @cached_property
    def issues(self) -> tuple[Issue, ...]:
        return tuple(s.issue for s in self.snapshots)

    def stacked_rows(self, dataset: str) -> list[Row]:
        """All snapshots' rows of one dataset as dicts (see ``Snapshot.rows``), oldest issue first."""
        return [row for s in self.snapshots for row in s.rows.get(dataset, ())]
