"""The thin MkDocs layer: generate pages from data/ on every build and watch data/ in serve.

``on_config`` loads and validates the archive (a data error stops the build with one line
per problem), leaves out drafts and embargoed issues (``WEEKLY_AS_OF``, default now),
generates every page, and hands jieba the names found in the data.
``on_files`` adds the generated pages, written to real files under ``.cache/weekly/docs``,
feed.xml, and the vendored third-party assets (``vendor/``, e.g. the plotly.js bundle). ``on_post_build`` compacts the search index Material wrote.
"""
from __future__ import annotations

import logging
import os
import re
from datetime import datetime
from pathlib import Path

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from .cache import CacheError
from .errors import DataError
from .feed import FEED_PATH, feed_xml
from .load import PREVIEW, now_in_beijing, parse_time
from .pipeline import Site, jieba_dictionary, run, write
from .render import HTML_BEGIN, HTML_END, link_next
from .search import compact_index

log = logging.getLogger("mkdocs.plugins.weekly")


# Third-party files served by the site, kept outside docs/ (see vendor/plotly/README.md):
# site path → path under the project's vendor/ folder.
VENDORED = {"assets/vendor/plotly-basic-3.7.0.min.js": "plotly/plotly-basic-3.7.0.min.js"}


class WeeklyConfig(Config):
    data_dir = opt.Type(str, default="data")
    cache_dir = opt.Type(str, default=".cache/weekly")
    vendor_dir = opt.Type(str, default="vendor")      # relative to mkdocs.yml, like the others


HTML_BLOCK = re.compile(re.escape(HTML_BEGIN) + r"\n(.*?)" + re.escape(HTML_END) + r"\n", re.S)
SLOT = re.compile(r'<div data-wk-slot="(\d+)"></div>')


class WeeklyPlugin(BasePlugin[WeeklyConfig]):
    site: Site | None = None

    def __init__(self):
        super().__init__()
        self._lifted: dict[str, list[str]] = {}
        self._one_shot = False

    def on_startup(self, *, command, dirty):
        # `mkdocs build` builds once and exits; `serve` rebuilds in one process (see pipeline.generate's freeze).
        self._one_shot = command in ("build", "gh-deploy")

    def on_config(self, config):
        root = Path(config.config_file_path or ".").resolve().parent
        # `weekly build/serve --data DIR` point the plugin elsewhere through the environment.
        self.data_dir = (root / os.environ.get("WEEKLY_DATA_DIR", self.config.data_dir)).resolve()
        self.cache_dir = (root / self.config.cache_dir).resolve()
        try:
            self.site = run(self.data_dir, self._as_of(), self.cache_dir / "pages", freeze=self._one_shot)
        except DataError as exc:
            raise PluginError("数据校验未通过：\n" + str(exc)) from None
        self.pages_dir = self.cache_dir / "docs"
        try:
            write(self.site, self.pages_dir)
        except CacheError as exc:
            raise PluginError(str(exc)) from None
        self._use_dictionary(config)
        config.extra["weekly"] = self.site
        log.info("weekly: %d issues generated from %s", len(self.site.archive.issues), self.data_dir)
        return config

    def _as_of(self) -> datetime | None:
        """The embargo moment: WEEKLY_AS_OF ('YYYY-MM-DD HH:MM' Beijing time, or 'preview'), else now."""
        value = os.environ.get("WEEKLY_AS_OF", "").strip()
        if not value:
            return now_in_beijing()
        if value == PREVIEW:
            return None
        try:
            return parse_time(value)
        except ValueError as exc:
            raise PluginError(f"WEEKLY_AS_OF：{exc}") from None

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
        for rel in [*self.site.pages, *self.site.files]:
            existing = files.get_file_from_path(rel)
            if existing is not None:
                raise PluginError(f"docs/{rel} 与生成的页面同名，请删除或改名")
            files.append(File(rel, str(self.pages_dir), config.site_dir, config.use_directory_urls))
        files.append(self._feed_file(config))
        return files

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
        if not blocks:
            return output
        return SLOT.sub(lambda m: blocks[int(m.group(1))], output)

    def on_page_content(self, html, *, page, config, files):
        # The issue Markdown never changes once published; its "next issue" link is added here.
        rel = page.file.src_uri
        if rel.startswith("issues/") and rel.endswith(".md"):
            return link_next(html, self.site.issue_after(rel[len("issues/"):-len(".md")]))
        return html

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
            path.write_text(compact_index(path.read_text(encoding="utf-8")), encoding="utf-8")

    def on_serve(self, server, *, config, builder):
        server.watch(str(self.data_dir))
        return server
