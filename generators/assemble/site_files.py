"""Writing the generated pages and files to a folder (``weekly render``, and the plugin's docs folder)."""
from __future__ import annotations

import json
from pathlib import Path

from ..pages.urls import issue_path
from .pipeline import Site

WRITTEN = ".weekly-issues.json"     # in a written folder: issue slug → the cache key its files are from


def write(site: Site, out: Path, *, held_only: bool = False) -> tuple[int, int]:
    """Write the generated pages and download files under ``out`` (plain Markdown, portable to
    other builders); a file whose content is unchanged is not touched. Returns (files, changed).

    An issue left unread in the page cache is not read at all when ``out`` already holds its
    files from the same cache key (recorded in ``out/.weekly-issues.json``): a weekly rebuild
    neither loads nor compares the hundreds of published issues. ``held_only``: write only what
    the page cache holds (the MkDocs plugin hands MkDocs everything drawn in this run in memory).
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
            if (held is not None and held.slug in current) or (held_only and held is None):
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
    done = site.keys if not held_only else {
        slug: key for slug, key in site.keys.items() if site.pages.held(pages[slug]) is not None}
    if done != current:
        stamps_path.write_text(json.dumps(done, sort_keys=True), encoding="utf-8")
    return total, changed
