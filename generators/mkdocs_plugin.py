"""The thin MkDocs layer: generate pages from data/ on every build and watch data/ in serve.

``on_config`` loads and validates the archive (a data error stops the build with one line
per problem), generates every page, and hands jieba the names found in the data.
``on_files`` adds the generated pages, written to real files under ``.cache/weekly/docs``.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from .errors import DataError
from .pipeline import Site, jieba_dictionary, run, write

log = logging.getLogger("mkdocs.plugins.weekly")


class WeeklyConfig(Config):
    data_dir = opt.Type(str, default="data")
    cache_dir = opt.Type(str, default=".cache/weekly")


class WeeklyPlugin(BasePlugin[WeeklyConfig]):
    site: Site | None = None

    def on_config(self, config):
        root = Path(config.config_file_path or ".").resolve().parent
        # `weekly build/serve --data DIR` point the plugin elsewhere through the environment.
        self.data_dir = (root / os.environ.get("WEEKLY_DATA_DIR", self.config.data_dir)).resolve()
        self.cache_dir = (root / self.config.cache_dir).resolve()
        try:
            self.site = run(self.data_dir, self.cache_dir / "pages")
        except DataError as exc:
            raise PluginError("数据校验未通过：\n" + str(exc)) from None
        self.pages_dir = self.cache_dir / "docs"
        write(self.site, self.pages_dir)
        self._use_dictionary(config)
        config.extra["weekly"] = self.site
        log.info("weekly: %d issues generated from %s", len(self.site.archive.issues), self.data_dir)
        return config

    def _use_dictionary(self, config) -> None:
        """Point Material's search at a jieba dictionary built from the names in data/."""
        path = self.cache_dir / "jieba_user.dict"
        path.write_text(jieba_dictionary(self.site.words), encoding="utf-8")
        for name, plugin in config.plugins.items():
            if name.endswith("search") and hasattr(plugin.config, "jieba_dict_user"):
                plugin.config.jieba_dict_user = str(path)

    def on_files(self, files: Files, *, config) -> Files:
        for rel in self.site.pages:
            existing = files.get_file_from_path(rel)
            if existing is not None:
                raise PluginError(f"docs/{rel} 与生成的页面同名，请删除或改名")
            files.append(File(rel, str(self.pages_dir), config.site_dir, config.use_directory_urls))
        return files

    def on_serve(self, server, *, config, builder):
        server.watch(str(self.data_dir))
        return server
