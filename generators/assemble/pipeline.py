"""Sequences the stages: load → compute → charts → pages → exports, returning the site's files (nothing else)."""
from __future__ import annotations

import gc
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from ..pages.browse import browse_pages, latest_markdown, recency_boost
from .cache import CachedIssue, IssueOutput, PageCache, page_keys
from .search import issue_words, search_words
from ..charts.figures import Chart, build_charts
from ..compute.history import Correction, History
from ..pages.data_page import schema_markdown
from ..exports.files import (SharedStrings, all_data_files, all_data_markdown, chart_files, dataset_lines, issue_zip,
                        sheet_parts)
from ..pages.entities import entity_pages, mention_items, what_it_said
from ..compute.highlights import week_highlights
from ..load.snapshots import load_archive
from ..load.registry import named_in, registry_markdown
from ..schema.model import Archive, Issue, Registry
from ..pages.issue import issue_markdown
from ..pages.urls import DATA_PAGE, DATA_ZIP, LATEST, entity_folder, entity_path, issue_folder, issue_path, tag_path


class Outputs(MutableMapping):
    """Docs path → generated content (Markdown text or file bytes), where an issue the page cache
    holds is listed by path and read from the cache only if its content is asked for."""

    def __init__(self):
        self._items: dict[str, str | bytes | CachedIssue] = {}

    def hold(self, paths: tuple[str, ...], cached: CachedIssue) -> None:
        """List ``paths`` as ``cached``'s, unread."""
        self._items.update(dict.fromkeys(paths, cached))

    def held(self, rel: str) -> CachedIssue | None:
        """The cached issue whose unread output ``rel`` is, if it is one."""
        value = self._items.get(rel)
        return value if isinstance(value, CachedIssue) else None

    def __getitem__(self, rel: str) -> str | bytes:
        value = self._items[rel]
        return value.content()[rel] if isinstance(value, CachedIssue) else value

    def __setitem__(self, rel: str, value: str | bytes) -> None:
        self._items[rel] = value

    def __delitem__(self, rel: str) -> None:
        del self._items[rel]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __contains__(self, rel: object) -> bool:
        return rel in self._items     # without reading a cached issue's content

    def __len__(self) -> int:
        return len(self._items)

    def update(self, other=(), /, **kwargs) -> None:
        self._items.update(other, **kwargs)     # a plain dict of content: no per-item calls


@dataclass(repr=False)
class Site:
    """What the generator produced: docs-tree path → Markdown, plus values for hand-written pages."""

    archive: Archive
    pages: Outputs = field(default_factory=Outputs)
    charts: dict[str, list[Chart]] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)
    highlights: dict[str, list] = field(default_factory=dict)
    entity_charts: dict[str, list[Chart]] = field(default_factory=dict)
    files: Outputs = field(default_factory=Outputs)   # docs path → static file (downloads)
    corrections: dict[date, list[Correction]] = field(default_factory=dict)   # the 更正 notes by issue
    keys: dict[str, str] = field(default_factory=dict)     # issue slug → its page-cache key, when cached

    @property
    def latest(self) -> Issue:
        return self.archive.issues[-1]

    def issue_after(self, slug: str) -> Issue | None:
        """The issue published after the one of ``slug`` (None for the newest or an unknown slug)."""
        slugs = [i.slug for i in self.archive.issues]
        index = slugs.index(slug) if slug in slugs else len(slugs)
        return self.archive.issues[index + 1] if index + 1 < len(slugs) else None

    def __repr__(self) -> str:
        # mkdocs-macros serialises every `extra` value for its debug log on each build, even
        # with debug off; the default repr would print every data frame of the archive.
        return f"Site({len(self.archive.snapshots)} issues, {len(self.pages)} pages)"



def generate(archive: Archive, cache: PageCache | None = None, *, freeze: bool = False) -> Site:
    """Every generated page of the site, from a validated archive.

    With a cache, an issue whose inputs are unchanged (its snapshot, every earlier one and the
    generator's code) is not drawn again: its pages and files are listed, and read from the
    cache only if asked for; the newest issue is always drawn, because the home page shows its
    charts.

    ``freeze``: for a process that builds once and exits (``weekly build``, ``mkdocs build``),
    see ``_paused_cycle_collector``.
    """
    with _paused_cycle_collector(freeze):
        return _generate(archive, cache)


@contextmanager
def _paused_cycle_collector(freeze: bool):
    """Pause Python's cycle collector while generating.

    Generation makes millions of small objects and no reference cycles; the collector's passes
    over them cost some 15% of the time. Re-enabling it sets off one pass over everything made
    meanwhile (a tenth of a cold generation); with ``freeze`` the objects that exist are moved
    to the permanent generation instead, where the collector never looks again — right for a
    one-shot build, wrong for ``mkdocs serve``, where cyclic garbage among them (the previous
    build's navigation) would never be freed.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if freeze:
                gc.freeze()
            gc.enable()


def _generate(archive: Archive, cache: PageCache | None) -> Site:
    site = Site(archive)
    history = History(archive)
    issues = archive.issues
    keys = page_keys(archive.snapshots, archive.registry, archive.datasets) if cache else []
    mentions, sheets, words, shared = {}, [], [], SharedStrings()
    for i, issue in enumerate(issues):
        cached = cache.get(issue.slug, keys[i]) if cache and i + 1 < len(issues) else None
        if cached is not None:
            site.pages.hold(cached.pages, cached)
            site.files.hold(cached.files, cached)
            output = cached
            for part in cached.sheets.values():
                shared.extend(part.strings)
        else:
            output = _issue_output(site, history, i, shared)
            site.pages.update(output.pages)
            site.files.update(output.files)
            if cache:
                cache.put(issue.slug, keys[i], output)
        mentions[issue.date] = output.mentions
        sheets.append(output.sheets)
        words.append(output.words)
        if cache:
            site.keys[issue.slug] = keys[i]
    site.corrections = history.corrections(issues[-1].date)
    pages, site.entity_charts = entity_pages(archive, mentions)
    site.pages.update(pages)
    for entity_id, charts in site.entity_charts.items():
        site.files.update(chart_files(entity_folder(entity_id), charts)[1])
    whole = all_data_files(sheets, shared, archive.datasets)
    site.files.update(whole)
    site.pages[DATA_PAGE] = "\n".join([schema_markdown(archive.datasets), registry_markdown(archive.datasets),
                                       all_data_markdown(list(whole))])
    site.pages[LATEST] = latest_markdown(issues[-1])
    site.pages.update(browse_pages(issues))
    site.words = search_words(archive.registry, words)
    return site


def _issue_output(site: Site, history: History, i: int, shared: SharedStrings) -> IssueOutput:
    """Draw one issue: its charts, highlights, page and download files (recorded on ``site``);
    ``shared``: the whole-archive workbook's table of texts so far (see ``SharedStrings``)."""
    archive = site.archive
    snapshot, issue = archive.snapshots[i], archive.issues[i]
    datasets = archive.datasets
    # A dated dataset's charts draw its history up to the issue; the others the issue's own rows.
    rows = {d.name: history.visible(d.name, issue.date) if d.dated else snapshot.rows.get(d.name, ()) for d in datasets}
    charts = build_charts(issue, rows, datasets)
    site.charts[issue.slug] = charts
    previous = archive.snapshots[i - 1].rows if i > 0 else None
    points = week_highlights(snapshot.rows, previous, history, issue.date, archive.registry, datasets)
    site.highlights[issue.slug] = points
    links, files = chart_files(issue_folder(issue), charts)
    folder = issue_folder(issue) + "/"
    lines = dataset_lines(snapshot, datasets)
    files[folder + DATA_ZIP] = issue_zip(snapshot, {rel[len(folder):]: blob for rel, blob in files.items()}, lines, datasets)
    prev = archive.issues[i - 1] if i > 0 else None
    sentences = [(h.text, h.quotes_sample) for h in points]
    page = issue_markdown(issue, charts, prev, history.corrected_by(issue.date), sentences,
                          links, DATA_ZIP, boost=recency_boost(issue.date), links=page_links(issue, archive.registry),
                          named=[(e.name, entity_path(e)) for e in
                                 named_in("\n".join((issue.title, issue.lead, issue.body)), archive.registry)])
    return IssueOutput({issue_path(issue): page}, files,
                       mention_items(issue, what_it_said(issue, snapshot.rows, archive.registry, datasets)),
                       sheet_parts(snapshot, shared, lines, datasets), issue_words(snapshot, datasets))


def page_links(issue: Issue, registry: Registry) -> dict[str, str]:
    """An issue's topics and the companies on its watch lists → their tag and entity pages."""
    out = {tag: tag_path(tag) for tag in issue.tags}
    for watchlist in issue.watchlists:
        for name in watchlist.companies:
            if (entity := registry.get(name)) is not None:
                out[name] = entity_path(entity)
    return out


def run(data_dir: Path, as_of: datetime | None = None, cache_dir: Path | None = None, *, freeze: bool = False) -> Site:
    """Load and generate in one call (the CLI and the MkDocs plugin both use this).

    ``as_of`` is the embargo: see ``load_archive``; ``None`` includes drafts (local preview only).
    ``cache_dir`` keeps each issue's generated output, so an unchanged issue is not drawn again.
    """
    return generate(load_archive(data_dir, as_of), PageCache(cache_dir) if cache_dir else None, freeze=freeze)
