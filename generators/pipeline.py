"""Sequences the stages: load → compute → charts → render, returning files to write."""
from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Iterator, MutableMapping
from contextlib import contextmanager
from operator import itemgetter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from .archive import archive_pages, recency_boost, tag_path
from .cache import CachedIssue, IssueOutput, PageCache, page_keys
from .charts import Chart, build_charts
from .compute import Correction, History
from .docs_pages import schema_markdown
from .downloads import (SharedStrings, archive_files, archive_markdown, chart_csv, chart_csv_name, dataset_lines, issue_zip,
                        sheet_parts)
from .entities import entity_path, entity_pages, mention_items, what_it_said
from .highlights import week_highlights
from .load import load_archive
from .registry import NAME_COLUMNS, registry_markdown
from .model import Archive, Issue, Registry, Snapshot
from .render import issue_markdown, issue_path, link_text


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
    keys = page_keys(archive.snapshots, archive.registry) if cache else []
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
        site.files.update(_chart_files(f"entities/{entity_id}", charts)[1])
    whole = archive_files(sheets, shared)
    site.files.update(whole)
    site.pages["data.md"] = "\n".join([schema_markdown(), registry_markdown(), archive_markdown(list(whole))])
    site.pages["latest.md"] = latest_markdown(issues[-1])
    site.pages.update(archive_pages(issues))
    site.words = search_words(archive.registry, words)
    return site


def _issue_output(site: Site, history: History, i: int, shared: SharedStrings) -> IssueOutput:
    """Draw one issue: its charts, highlights, page and download files (recorded on ``site``);
    ``shared``: the whole-archive workbook's table of texts so far (see ``SharedStrings``)."""
    archive = site.archive
    snapshot, issue = archive.snapshots[i], archive.issues[i]
    rows = {name: history.as_of(name, issue.date) for name in ("visits", "downloads", "gpu_prices")}
    rows["stocks"] = snapshot.rows.get("stocks", ())
    charts = build_charts(issue, rows)
    site.charts[issue.slug] = charts
    previous = archive.snapshots[i - 1].rows if i > 0 else None
    points = week_highlights(snapshot.rows, previous, history, issue.date, archive.registry)
    site.highlights[issue.slug] = points
    links, files = _chart_files(f"issues/{issue.slug}", charts)
    folder = f"issues/{issue.slug}/"
    lines = dataset_lines(snapshot)
    files[f"{folder}data.zip"] = issue_zip(snapshot, {rel[len(folder):]: blob for rel, blob in files.items()}, lines)
    prev = archive.issues[i - 1] if i > 0 else None
    sentences = [(h.text, h.quotes_sample) for h in points]
    page = issue_markdown(issue, charts, prev, history.corrected_by(issue.date), sentences,
                          links, "data.zip", boost=recency_boost(issue.date), links=page_links(issue, archive.registry))
    return IssueOutput({issue_path(issue): page}, files, mention_items(issue, what_it_said(issue, snapshot.rows, archive.registry)),
                       sheet_parts(snapshot, shared, lines), issue_words(snapshot))


def page_links(issue: Issue, registry: Registry) -> dict[str, str]:
    """An issue's topics and the companies on its watch lists → their tag and entity pages."""
    out = {tag: tag_path(tag) for tag in issue.tags}
    for watchlist in issue.watchlists:
        for name in watchlist.companies:
            if (entity := registry.get(name)) is not None:
                out[name] = entity_path(entity)
    return out


def _chart_files(folder: str, charts: list[Chart]) -> tuple[dict[int, str], dict[str, bytes]]:
    """Each chart's CSV beside its page (folder/chart-N.csv): chart number → URL relative to the
    page, and docs path → file bytes."""
    links, files = {}, {}
    for chart in charts:
        name = chart_csv_name(chart)
        if name:
            files[f"{folder}/{name}"] = chart_csv(chart)
            links[chart.number] = name
    return links, files


def latest_markdown(issue: Issue) -> str:
    """/latest/ — a URL that never changes and always leads to the newest issue: a page with its
    title, lead and link, which instant navigation follows (a meta refresh reloaded the whole
    site on every click of the 最新一期 tab). The tab keeps pointing here, so publishing an issue
    changes this page, not the header of every page in the archive."""
    return ("---\ntitle: 最新一期\nsearch:\n  exclude: true\n---\n\n"
            f"# 最新一期：{issue.date:%Y-%m-%d}\n\n"
            f"## [{link_text(issue.title)}](issues/{issue.slug}.md)\n\n"
            f"{link_text(issue.lead)}\n\n"
            f"[阅读全文](issues/{issue.slug}.md){{ .md-button .md-button--primary }} [往期](archive/index.md){{ .md-button }}\n")


def issue_words(snapshot: Snapshot) -> tuple[str, ...]:
    """The names one issue uses (in its data, its watch lists) and its tags, each once."""
    words: dict[str, None] = {}
    for name, column in NAME_COLUMNS.items():
        words.update(dict.fromkeys(map(str, map(itemgetter(column), snapshot.rows.get(name, ())))))
    for watchlist in snapshot.issue.watchlists:
        words.update(dict.fromkeys(watchlist.companies))
    words.update(dict.fromkeys(snapshot.issue.tags))
    return tuple(words)


def search_words(registry: Registry, used: Iterable[tuple[str, ...]]) -> list[str]:
    """Names that jieba must keep whole: every entity in the registry (aliases too) and every
    name and tag the issues use (``issue_words`` of each)."""
    words: set[str] = {n for e in registry.entities for n in e.names}
    for issue in used:
        words.update(issue)
    return sorted(w for w in words if w.strip())


WRITTEN = ".weekly-issues.json"     # in a written folder: issue slug → the cache key its files are from


def write(site: Site, out: Path) -> tuple[int, int]:
    """Write the generated pages and download files under ``out`` (plain Markdown, portable to
    other builders); a file whose content is unchanged is not touched. Returns (files, changed).

    An issue left unread in the page cache is not read at all when ``out`` already holds its
    files from the same cache key (recorded in ``out/.weekly-issues.json``): a weekly rebuild
    neither loads nor compares the hundreds of published issues.
    """
    stamps_path = out / WRITTEN
    try:
        stamps = json.loads(stamps_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stamps = {}
    pages = {issue.slug: issue_path(issue) for issue in site.archive.issues}
    current = {slug: key for slug, key in site.keys.items() if stamps.get(slug) == key and (out / pages[slug]).exists()}
    if current != stamps:   # forget what is about to be rewritten, so an interrupted write is redone
        out.mkdir(parents=True, exist_ok=True)
        stamps_path.write_text(json.dumps(current, sort_keys=True), encoding="utf-8")
    total = changed = 0
    for outputs in (site.pages, site.files):
        for rel in outputs:
            total += 1
            held = outputs.held(rel)
            if held is not None and held.slug in current:
                continue
            data = outputs[rel]
            data = data.encode("utf-8") if isinstance(data, str) else data
            path = out / rel
            try:
                if path.read_bytes() == data:
                    continue
            except OSError:
                path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            changed += 1
    if site.keys != current:
        stamps_path.write_text(json.dumps(site.keys, sort_keys=True), encoding="utf-8")
    return total, changed


def jieba_dictionary(words: list[str]) -> str:
    """A jieba user dictionary: one word per line with a high frequency so it stays whole."""
    # jieba entries cannot hold spaces, and it already splits Latin words by itself.
    return "".join(f"{w} 100000 nz\n" for w in words if " " not in w and not w.isascii())


def run(data_dir: Path, as_of: datetime | None = None, cache_dir: Path | None = None, *, freeze: bool = False) -> Site:
    """Load and generate in one call (the CLI and the MkDocs plugin both use this).

    ``as_of`` is the embargo: see ``load_archive``; ``None`` includes drafts (local preview only).
    ``cache_dir`` keeps each issue's generated output, so an unchanged issue is not drawn again.
    """
    return generate(load_archive(data_dir, as_of), PageCache(cache_dir) if cache_dir else None, freeze=freeze)
