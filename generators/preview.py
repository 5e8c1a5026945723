"""`weekly serve`: MkDocs' live-reload server, with a rebuild that redraws only what an edit to
data/ changed.

MkDocs' own `serve` answers every edit with a new build: it reloads mkdocs.yml, compiles the
theme's templates again, lists every file, renders the theme's own pages and has the weekly
plugin load the whole archive — seconds at 520 issues, whatever the edit. Here the first build is
MkDocs' own, and its configuration, files, navigation and template environment are kept. An edit
under data/ then goes through ``WeeklyPlugin.refresh``: the archive is loaded and generated again
(the page cache gives back every unchanged issue), and only the pages and files whose content
changed are rendered and written, through the same plugin events as a build.

A full MkDocs rebuild still follows an edit outside data/ (docs/, mkdocs.yml, overrides/) and an
edit that changes which pages exist (a new issue folder, a newly registered company). The search
index is the one the last full build wrote.
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer, _serve_url

log = logging.getLogger("mkdocs.commands.serve")


def _sources_outside_data(config) -> tuple:
    """What a full rebuild depends on besides data/: every file under docs/ and the theme's
    override folder, and mkdocs.yml (path, size, modification time)."""
    roots = [Path(config.docs_dir)]
    custom = getattr(config.theme, "custom_dir", None)
    if custom:
        roots.append(Path(custom))
    seen = []
    for root in roots:
        for folder, _, names in os.walk(root):
            for name in names:
                path = os.path.join(folder, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                seen.append((path, st.st_size, st.st_mtime_ns))
    if config.config_file_path:
        try:
            st = os.stat(config.config_file_path)
        except OSError:
            return (object(),)      # equal to nothing: a full rebuild follows (and says what is wrong)
        seen.append((config.config_file_path, st.st_size, st.st_mtime_ns))
    return tuple(sorted(seen))


def serve(config_file: str, dev_addr: str) -> None:
    """Serve the site on ``dev_addr`` and rebuild it on every edit (see the module docstring)."""
    site_dir = tempfile.mkdtemp(prefix="weekly-serve-")

    def get_config():
        # Not strict: MkDocs warns about every dirty build.
        return load_config(config_file=config_file, site_dir=site_dir, dev_addr=dev_addr, strict=False)

    config = get_config()
    config.plugins.on_startup(command="serve", dirty=True)
    host, port = config.dev_addr
    mount_path = urlsplit(config.site_url or "/").path
    serve_url = _serve_url(host, port, mount_path)
    last = {"config": config, "stamp": None}

    def builder(config=None) -> None:
        if config is None:
            current = last["config"]
            weekly = current.plugins.get("weekly")
            try:
                if weekly is not None and last["stamp"] == _sources_outside_data(current) and weekly.refresh():
                    return
            except Exception as exc:     # the full build below redraws everything (and reports what is wrong)
                log.warning("weekly: 局部重绘失败（%s），改为完整重建", exc)
            config = get_config()
        config.site_url = serve_url
        stamp = _sources_outside_data(config)      # before the build: an edit saved while it runs is seen by the next one
        build(config, serve_url=serve_url, dirty=True)
        last["config"], last["stamp"] = config, stamp

    server = LiveReloadServer(builder=builder, host=host, port=port, root=site_dir, mount_path=mount_path)

    def error_page(code):
        path = os.path.join(site_dir, f"{code}.html")
        if code in (404, 500) and os.path.isfile(path):
            with open(path, "rb") as f:
                return f.read()
        return None

    server.error_handler = error_page
    try:
        builder(config)
        server.watch(config.docs_dir)
        if config.config_file_path:
            server.watch(config.config_file_path)
        custom = getattr(config.theme, "custom_dir", None)
        if custom:
            server.watch(custom)          # overrides/: the theme's templates, redrawn by a full rebuild
        server = config.plugins.on_serve(server, config=config, builder=builder)
        for item in config.watch:
            server.watch(item)
        try:
            server.serve()
        except KeyboardInterrupt:
            log.info("Shutting down...")
        finally:
            server.shutdown()
    finally:
        config.plugins.on_shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)
