"""Sequences the stages: load → compute → charts → render, returning files to write."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .cache import PageCache, page_keys
from .charts import Chart, build_charts
from .compute import History
from .docs_pages import schema_markdown
from .load import load_archive
from .model import Archive, Issue
from .render import issue_markdown, issue_path


@dataclass(repr=False)
class Site:
    """What the generator produced: docs-tree path → Markdown, plus values for hand-written pages."""

    archive: Archive
    pages: dict[str, str] = field(default_factory=dict)
    charts: dict[str, list[Chart]] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)

    @property
    def latest(self) -> Issue:
        return self.archive.issues[-1]

    def __repr__(self) -> str:
        # mkdocs-macros serialises every `extra` value for its debug log on each build, even
        # with debug off; the default repr would print every data frame of the archive.
        return f"Site({len(self.archive.snapshots)} issues, {len(self.pages)} pages)"


def generate(archive: Archive, cache: PageCache | None = None) -> Site:
    """Every generated page of the site, from a validated archive.

    With a cache, an issue page whose inputs are unchanged is read back instead of drawn
    again; the newest issue is always drawn, because the home page shows its charts.
    """
    site = Site(archive)
    history = History(archive)
    issues = archive.issues
    keys = page_keys(archive.snapshots) if cache else []
    for i, issue in enumerate(issues):
        if cache and i + 1 < len(issues):
            cached = cache.get(issue.slug, keys[i])
            if cached is not None:
                site.pages[issue_path(issue)] = cached
                continue
        frames = {name: history.as_of(name, issue.date) for name in ("visits", "downloads", "gpu_prices")}
        snapshot = archive.snapshots[i]
        frames["stocks"] = snapshot.tables.get("stocks")
        charts = build_charts(issue, {k: v for k, v in frames.items() if v is not None})
        site.charts[issue.slug] = charts
        prev = issues[i - 1] if i > 0 else None
        next_ = issues[i + 1] if i + 1 < len(issues) else None
        site.pages[issue_path(issue)] = issue_markdown(issue, charts, prev, next_)
        if cache:
            cache.put(issue.slug, keys[i], site.pages[issue_path(issue)])
    site.pages["data.md"] = schema_markdown()
    site.pages["latest.md"] = latest_markdown(issues[-1])
    site.words = search_words(archive)
    return site


def latest_markdown(issue: Issue) -> str:
    """/latest/ — a URL that never changes and always leads to the newest issue."""
    target = f"../issues/{issue.slug}/"
    return ("---\ntitle: 最新一期\nsearch:\n  exclude: true\n---\n\n# 最新一期\n\n"
            f'<meta http-equiv="refresh" content="0; url={target}">\n\n'
            f"最新一期是 [{issue.date:%Y-%m-%d}：{issue.title.replace('[', '［').replace(']', '］')}](issues/{issue.slug}.md)。\n")


def search_words(archive: Archive) -> list[str]:
    """Names that jieba must keep whole: every entity in the data and every watch-list company."""
    words: set[str] = set()
    for snapshot in archive.snapshots:
        for name, column in (("stocks", "name"), ("visits", "product"), ("downloads", "app"), ("gpu_prices", "model")):
            frame = snapshot.tables.get(name)
            if frame is not None and not frame.empty:
                words.update(str(v) for v in frame[column])
        for w in snapshot.issue.watchlists:
            words.update(w.companies)
        words.update(snapshot.issue.tags)
    return sorted(w for w in words if w.strip())


def write(site: Site, out: Path) -> list[Path]:
    """Write the generated pages under ``out`` (plain Markdown, portable to other builders)."""
    written = []
    for rel, text in site.pages.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def jieba_dictionary(words: list[str]) -> str:
    """A jieba user dictionary: one word per line with a high frequency so it stays whole."""
    # jieba entries cannot hold spaces, and it already splits Latin words by itself.
    return "".join(f"{w} 100000 nz\n" for w in words if " " not in w and not w.isascii())


def run(data_dir: Path, cache_dir: Path | None = None) -> Site:
    """Load and generate in one call (the CLI and the MkDocs plugin both use this)."""
    return generate(load_archive(data_dir), PageCache(cache_dir) if cache_dir else None)
