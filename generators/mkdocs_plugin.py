"""The thin MkDocs layer: generate pages from data/ on every build and watch data/ in serve.

``on_config`` loads and validates the archive from its ``data_dir`` option (a data error stops
the build with one line per problem), leaves out drafts and embargoed issues (its ``as_of``
option, default now), generates every page, and hands jieba the names found in the data.
``weekly build`` has loaded and checked the archive already and hands it over (``use_archive``).
``on_files`` adds the generated pages (in memory; those the page cache holds from ``.cache/weekly/docs``),
feed.xml, and the vendored third-party assets (``vendor/``, e.g. the plotly.js bundle). ``on_post_build`` compacts the search index Material wrote.
"""
from __future__ import annotations

import html
import logging
import os
import re
import sys
import time
from datetime import datetime
from pathlib import Path

from mkdocs.commands.build import _build_page, _populate_page
from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.utils.meta import get_data

from .assemble.cache import PageCache
from .errors import DataError, WeeklyError, grouped
from .exports.entity_feeds import entity_feeds
from .exports.feed import feed_xml
from .pages.sharing import share_meta
from .load.snapshots import PREVIEW, load_archive, now_in_beijing, parse_time
from .assemble.pipeline import Site, generate
from .assemble.site_files import write
from .pages.issue import HTML_BEGIN, HTML_END, link_next
from .pages.statements import statements_html
from .pages.urls import DISCLAIMER, FEED_PATH, ISSUES, RATINGS, issue_path, issue_slug
from .assemble.search import PageExtras, chart_lines, compact_index, jieba_dictionary
from .sanitize import clean_html
from .assemble.staging import acquire, cache_lock

log = logging.getLogger("mkdocs.plugins.weekly")


# Third-party files served by the site, kept outside docs/ (see vendor/plotly/README.md):
# site path → path under the project's vendor/ folder.
VENDORED = {"assets/vendor/plotly-basic-3.7.0.min.js": "plotly/plotly-basic-3.7.0.min.js"}


class WeeklyConfig(Config):
    data_dir = opt.Type(str, default="data")
    # The embargo moment, Beijing time: 'YYYY-MM-DD HH:MM', or 'preview' (drafts and embargoed
    # issues too: `weekly serve` only); empty means now.
    as_of = opt.Type(str, default="")
    cache_dir = opt.Type(str, default=".cache/weekly")
    vendor_dir = opt.Type(str, default="vendor")      # relative to mkdocs.yml, like the others


HTML_BLOCK = re.compile(re.escape(HTML_BEGIN) + r"\n(.*?)" + re.escape(HTML_END) + r"\n", re.S)
SLOT = re.compile(r'<div data-wk-slot="(\d+)"></div>')
BODY = re.compile(r"<body[^>]*>")
LAST_GOOD: dict[Path, Site] = {}
LOADED: dict[Path, dict] = {}     # serve: data folder → its snapshots as last read (load_archive's memo)
BANNERED: dict[Path, set[str]] = {}  # serve: the pages drawn with the problems notice, to redraw once fixed
ISSUE_DAY = re.compile(r"(?:^|/)(\d{4}-\d{2}-\d{2})(?:/|$)")
PROGRESS = "WEEKLY_PROGRESS"


def _pages_of(problems, site: Site) -> set[str]:
    """The pages where the analyst looks after a bad edit: each affected issue's page (serve's dirty
    rebuild redraws only these; every page redrawn for another reason carries the notice too)."""
    pages = set()
    for problem in problems:
        m = ISSUE_DAY.search(problem.path)
        if m and f"issues/{m.group(1)}.md" in site.pages:
            pages.add(f"issues/{m.group(1)}.md")
    if not pages and site.archive.issues:       # entities.yaml, the seals: shown on the newest issue
        pages.add(f"issues/{site.archive.issues[-1].slug}.md")
    return pages          # set by `weekly build`: report the page rendering as it goes


def _differs(before, after, rel: str) -> bool:
    """Whether ``rel`` has other content in ``after`` than in ``before`` (two sites' outputs). Two
    issues the page cache holds are compared by key, unread; a cached output this run replaced
    (an earlier issue edited: every later one drawn again) can no longer be read, and counts as changed."""
    a, b = before.held(rel), after.held(rel)
    if a is not None and b is not None:
        return a.key != b.key
    try:
        return before[rel] != after[rel]
    except WeeklyError:
        return True


def _put(files: Files, rel: str, content: str | bytes) -> File:
    """The served file ``rel`` with new content (in memory, as on_files hands generated pages over)."""
    file = files.get_file_from_path(rel)
    if isinstance(content, str):
        file.content_string = content
    else:
        file.content_bytes = content
    return file


class Progress:
    """'   渲染页面 1040/5200（20%）' on stderr at every tenth of the pages (a 520-week build renders thousands)."""

    def __init__(self, total: int):
        self.total, self.done, self.shown, self.started = total, 0, 0, time.perf_counter()

    def step(self) -> None:
        self.done += 1
        tenth = self.done * 10 // max(self.total, 1)
        if tenth > self.shown:
            self.shown = tenth
            print(f"   渲染页面 {self.done}/{self.total}（{tenth * 10}%，{time.perf_counter() - self.started:.0f} 秒）",
                  file=sys.stderr, flush=True)     # serve: data folder → its last site that passed the checks


def problems_banner(lines: list[str]) -> str:
    """The preview's notice after a bad edit: every located problem, above the last good page."""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return ('<div class="wk-preview-problems" role="alert" style="position:relative;z-index:10;margin:0;padding:.8em 1.2em;'
            'background:#fff3cd;color:#5c3c00;border-bottom:2px solid #d4a017;font-size:.8rem;line-height:1.5">'
            f"<strong>数据校验未通过（{len(lines)} 项）：下面是上一次成功构建的页面。改好这些问题后页面会自动刷新。</strong>"
            f'<ul style="margin:.4em 0 0 1.2em">{items}</ul></div>')


class WeeklyPlugin(BasePlugin[WeeklyConfig]):
    site: Site | None = None

    def __init__(self):
        super().__init__()
        self._lifted: dict[str, list[str]] = {}
        self._one_shot = False
        self._progress: Progress | None = None
        self._problems: list[str] = []     # serve: the located problems of a bad edit, shown on every page
        self._archive = None
        self._nav = None
        self._built = None     # serve: (config, files, nav, env) of the last full build, for refresh()
        self._drawn_with_problems = False    # serve: this build drew every page with the problems notice

    def use_archive(self, archive) -> None:
        """Generate from ``archive`` (loaded, validated and embargoed already, by `weekly build`)
        instead of loading ``data_dir`` again."""
        self._archive = archive

    def on_startup(self, *, command, dirty):
        # `mkdocs build` builds once and exits; `serve` rebuilds in one process (see pipeline.generate's freeze).
        self._one_shot = command in ("build", "gh-deploy")

    def on_config(self, config):
        root = Path(config.config_file_path or ".").resolve().parent
        self.data_dir = (root / self.config.data_dir).resolve()
        self.cache_dir = (root / self.config.cache_dir).resolve()
        self._hold_cache()
        self.pages_dir = self.cache_dir / "docs"
        started = time.perf_counter()
        try:
            archive = self._archive if self._archive is not None else \
                load_archive(self.data_dir, self._as_of(), memo=None if self._one_shot else LOADED.setdefault(self.data_dir, {}))
            self.site = generate(archive, PageCache(self.cache_dir / "pages"), freeze=self._one_shot)
            self._problems = []
        except DataError as exc:
            # serve loads the config (and so this plugin) anew for every rebuild: the last good site is kept here.
            self.site = None if self._one_shot else LAST_GOOD.get(self.data_dir)
            if self.site is None:
                raise PluginError("数据校验未通过：\n" + str(exc)) from None
            # serve, after a bad edit: keep the last good pages and show what to fix on every page
            # (the request would otherwise wait until the file is fixed).
            self._problems = grouped(exc.problems)
            self._drawn_with_problems = True
            # Printed, not logged: a strict build counts every warning logged during it and would abort.
            for line in self._problems:
                print(line, file=sys.stderr)
            print("数据校验未通过：预览保留上一次成功构建的页面，页面顶部列出问题；改好后自动刷新。", file=sys.stderr)
            config.extra["weekly"] = self.site
            self._use_dictionary(config)
            self._touch(_pages_of(exc.problems, self.site))
            return config
        try:
            write(self.site, self.pages_dir, held_only=True)
        except WeeklyError as exc:
            raise PluginError(str(exc)) from None
        if not self._one_shot:
            LAST_GOOD[self.data_dir] = self.site
            self._touch(BANNERED.pop(self.data_dir, set()), remember=False)   # redrawn without the notice
        self._use_dictionary(config)
        docs = Path(config.docs_dir)
        self.statements = statements_html(*((docs / page).read_text(encoding="utf-8") for page in (DISCLAIMER, RATINGS)))
        config.extra["weekly"] = self.site
        log.info("weekly: %d issues generated from %s", len(self.site.archive.issues), self.data_dir)
        if os.environ.get(PROGRESS):
            print(f"   已生成 {len(self.site.archive.issues)} 期的页面与图表（{time.perf_counter() - started:.1f} 秒），开始渲染网站 …",
                  file=sys.stderr, flush=True)
        return config

    def _hold_cache(self) -> None:
        """Take the lock on the cache folder for this build, until it ends (on_post_build,
        on_build_error): a serve rebuild and a `weekly build` never write it at once."""
        try:
            self._lock = cache_lock(self.cache_dir)
        except DataError as exc:
            raise PluginError(str(exc)) from None
        acquire(self._lock, lambda message: sys.stderr.write(message + "\n"))

    def _release_cache(self) -> None:
        lock = getattr(self, "_lock", None)
        if lock is not None and lock.is_locked:
            lock.release(force=True)

    def on_build_error(self, *, error) -> None:
        self._release_cache()

    def on_shutdown(self) -> None:
        self._release_cache()

    def _touch(self, pages: set[str], remember: bool = True) -> None:
        """Mark generated pages as changed, so that serve's dirty rebuild redraws them (with or without the notice)."""
        now = time.time()
        for rel in pages:
            path = self.pages_dir / rel
            if path.is_file():
                os.utime(path, (now, now))
        if remember:
            BANNERED.setdefault(self.data_dir, set()).update(pages)

    def _as_of(self) -> datetime | None:
        """The embargo moment: the ``as_of`` option ('YYYY-MM-DD HH:MM' Beijing time, or 'preview'), else now."""
        value = self.config.as_of.strip()
        if not value:
            return now_in_beijing()
        if value == PREVIEW:
            return None
        try:
            return parse_time(value)
        except ValueError as exc:
            raise PluginError(f"weekly 插件的 as_of：{exc}") from None

    def _use_dictionary(self, config) -> None:
        """Point Material's search at a jieba dictionary built from the names in data/."""
        path = self.cache_dir / "jieba_user.dict"
        path.write_text(jieba_dictionary(self.site.words), encoding="utf-8")
        for name, plugin in config.plugins.items():
            if name.endswith("search") and hasattr(plugin.config, "jieba_dict_user"):
                plugin.config.jieba_dict_user = str(path)

    def on_files(self, files: Files, *, config) -> Files:
        vendor = Path(config.config_file_path or ".").resolve().parent / self.config.vendor_dir
        for site_path, source in VENDORED.items():
            files.append(File.generated(config, site_path, abs_src_path=str(vendor / source)))
        # What this run drew goes to MkDocs in memory; what the page cache holds, unread, from
        # the files written for it once (see site_files.write), so a weekly rebuild reads neither.
        for outputs in (self.site.pages, self.site.files):
            for rel in outputs:
                if files.get_file_from_path(rel) is not None:
                    raise PluginError(f"docs/{rel} 与生成的页面同名，请删除或改名")
                if outputs.held(rel) is not None:
                    files.append(File(rel, str(self.pages_dir), config.site_dir, config.use_directory_urls))
                else:
                    files.append(File.generated(config, rel, content=outputs[rel]))
        files.append(self._feed_file(config))
        self._progress = Progress(sum(1 for f in files if f.is_documentation_page())) if os.environ.get(PROGRESS) else None
        for path, xml in entity_feeds(self.site.archive, self.site.entity_charts, config.site_url, config.site_name).items():
            files.append(File.generated(config, path, content=xml))
        return files

    def on_page_context(self, context, *, page, config, nav):
        """What a shared link shows (og: and article: meta, overrides/partials/sharing.html)."""
        page.meta["wk_share"] = share_meta(self.site.archive, page.file.src_uri, page.meta, page.canonical_url,
                                           config.site_name, config.site_description or "")
        if self._progress is not None:
            self._progress.step()
        return context

    def on_page_markdown(self, markdown, *, page, config, files):
        """Lift finished HTML blocks (charts, issue lists) out of the Markdown; ``on_post_page`` puts them back.

        They are HTML already and excluded from search, yet Python-Markdown and the search
        plugin would otherwise parse every tag of their tables, figure JSON and links.
        """
        blocks: list[str] = []

        def lift(match: re.Match) -> str:
            blocks.append(match.group(1))
            return f'<div data-wk-slot="{len(blocks) - 1}"></div>\n'

        markdown = HTML_BLOCK.sub(lift, markdown)
        if blocks:
            self._lifted[page.file.src_uri] = blocks
        return markdown

    def on_post_page(self, output, *, page, config):
        blocks = self._lifted.pop(page.file.src_uri, None)
        if blocks:
            output = SLOT.sub(lambda m: blocks[int(m.group(1))], output)
        if self._problems:
            output = BODY.sub(lambda m: m.group(0) + problems_banner(self._problems), output, count=1)
        return output

    def on_page_content(self, html, *, page, config, files):
        # The issue Markdown never changes once published; its "next issue" link is added here,
        # and the full statements a printed issue ends with (print.css shows them in print only).
        rel = page.file.src_uri
        if rel in self.site.pages:
            # Generated pages carry analyst text: nothing but the allow-list reaches the reader
            # (the lifted chart blocks are put back after this, in on_post_page).
            html = clean_html(html)
        slug = issue_slug(rel)
        # An issue ends with the full statements, as the printed report does (print.css shows them in print only).
        return html if slug is None else link_next(html, self.site.issue_after(slug)) + self.statements

    def _feed_file(self, config) -> File:
        """feed.xml at the site root, with absolute links built from site_url."""
        if not config.site_url:
            raise PluginError("mkdocs.yml 未设置 site_url：RSS 订阅需要绝对链接（或设置环境变量 SITE_URL）")
        xml = feed_xml(self.site.archive.issues, config.site_url, config.site_name, config.site_description or "",
                       self.site.corrections)
        return File.generated(config, FEED_PATH, content=xml)

    @event_priority(-100)   # after the search plugin has written the index
    def on_post_build(self, *, config) -> None:
        """Rewrite Material's search index in compact form (see ``search.compact_index``)."""
        path = Path(config.site_dir) / "search" / "search_index.json"
        if path.is_file():
            path.write_text(compact_index(path.read_text(encoding="utf-8"), self._search_extras(),
                                          [e.names for e in self.site.archive.registry.entities if e.id in self.site.entity_charts]), encoding="utf-8")
        self._release_cache()

    def _search_extras(self) -> dict[str, PageExtras]:
        """Each issue's chart titles and notes, by page location, for the search index."""
        archive = self.site.archive
        return {f"{ISSUES}/{issue.slug}/": PageExtras(chart_lines(issue, archive.datasets)) for issue in archive.issues}

    @event_priority(-100)     # what MkDocs renders with, after every other plugin has had its say
    def on_nav(self, nav, *, config, files):
        self._nav = nav
        return nav

    @event_priority(-100)
    def on_env(self, env, *, config, files):
        self._built = (config, files, self._nav, env)
        return env

    def refresh(self) -> bool:
        """`weekly serve` after an edit under data/ (see generators/preview.py): generate again and
        render only the pages, and write only the files, whose content changed (the feeds and the
        search index stay as the last full build wrote them: they are for readers of the published
        site, and redrawing them would cost more than the rest). False when MkDocs must rebuild in
        full instead: no build to start from, a build drawn with the problems notice on every page,
        or an edit that changes which pages exist. An error on the way leaves the next edit to a full build."""
        if self._one_shot or self.site is None or self._built is None or self._drawn_with_problems:
            return False
        config, files, nav, env = self._built
        self._hold_cache()
        try:
            try:
                archive = load_archive(self.data_dir, self._as_of(), memo=LOADED.setdefault(self.data_dir, {}))
                site = generate(archive, PageCache(self.cache_dir / "pages"))
            except DataError as exc:
                # Keep the last good pages; the edited issue's page shows the problems above them.
                self._problems = grouped(exc.problems)
                for line in self._problems:
                    print(line, file=sys.stderr)
                print("数据校验未通过：预览保留上一次成功构建的页面，页面顶部列出问题；改好后自动刷新。", file=sys.stderr)
                shown = _pages_of(exc.problems, self.site)
                BANNERED.setdefault(self.data_dir, set()).update(shown)
                self._render(config, files, nav, env, shown)
                return True
            if set(site.pages) != set(self.site.pages) or set(site.files) != set(self.site.files):
                return False
            old = self.site
            new_files = [rel for rel in site.files if _differs(old.files, site.files, rel)]
            changed = {rel for rel in site.pages if _differs(old.pages, site.pages, rel)}
            # An issue page's 下一期 link shows the next issue's title (filled in at render time).
            order = [issue_path(issue) for issue in site.archive.issues]
            changed |= {order[i - 1] for i, rel in enumerate(order) if i and rel in changed}
            changed |= BANNERED.get(self.data_dir, set())
            # Hand-written pages that draw on the data through macros (the home page's latest charts).
            # (Read from the source: a dirty build leaves an unchanged page's meta unread.)
            changed |= {f.src_uri for f in files.documentation_pages()
                        if f.src_uri not in site.pages and get_data(f.content_string)[1].get("render_macros")}
            self.site, config.extra["weekly"], self._problems = site, site, []
            write(site, self.pages_dir, held_only=True)
            for rel in new_files:
                _put(files, rel, site.files[rel]).copy_file()
            for rel in changed & set(site.pages):
                _put(files, rel, site.pages[rel])
            self._render(config, files, nav, env, changed)
            LAST_GOOD[self.data_dir] = site
            BANNERED.pop(self.data_dir, None)
            log.info("weekly: 只重绘了改动涉及的 %d 个页面", len(changed))
            return True
        except Exception:
            self._built = None      # the served pages may be part old, part new: the next edit rebuilds in full
            raise
        finally:
            self._release_cache()

    def _render(self, config, files: Files, nav, env, pages: set[str]) -> None:
        """Render ``pages`` (docs paths) as a build would, and write them into the served site."""
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        for rel in sorted(pages):
            file = files.get_file_from_path(rel)
            if file is None or file.page is None:
                continue
            _populate_page(file.page, config, files)
            _build_page(file.page, config, doc_files, nav, env)

    def on_serve(self, server, *, config, builder):
        server.watch(str(self.data_dir))
        return server
