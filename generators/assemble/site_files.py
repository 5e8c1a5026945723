"""Writing the generated pages and files to a folder (``weekly render``, and the plugin's docs folder)."""
from __future__ import annotations

import json
from pathlib import Path

from .cache import atomic_write
from .pipeline import Site

WRITTEN = ".weekly-issues.json"     # in a written folder: issue slug → the cache key its files are from


def write(site: Site, out: Path, *, held_only: bool = False) -> tuple[int, int]:
    """Write the generated pages and download files under ``out`` (plain Markdown, portable to
    other builders); a file whose content is unchanged is not touched. Returns (files, changed).

    An issue left unread in the page cache is not read at all when ``out`` already holds its
    files from the same cache key, each still as written (size and modification time, recorded
    in ``out/.weekly-issues.json``): a weekly rebuild neither loads nor compares the hundreds of
    published issues, and a file edited, emptied or deleted by hand is written again.
    ``held_only``: write only what the page cache holds (the MkDocs plugin hands MkDocs everything
    drawn in this run in memory).
    """
    stamps_path = out / WRITTEN
    keys, stats = _read_stamps(stamps_path)
    held_files: dict[str, list[str]] = {}
    for outputs in (site.pages, site.files):
        for rel in outputs:
            held = outputs.held(rel)
            if held is not None:
                held_files.setdefault(held.slug, []).append(rel)
    current = {slug: key for slug, key in site.keys.items()
               if keys.get(slug) == key and slug in held_files and all(_intact(out / rel, stats.get(rel)) for rel in held_files[slug])}
    if current != keys:   # forget what is about to be rewritten, so an interrupted write is redone
        out.mkdir(parents=True, exist_ok=True)
        atomic_write(stamps_path, json.dumps({"keys": current, "files": stats}, sort_keys=True).encode())
    written: dict[str, list[int]] = {}
    total = changed = 0
    for outputs in (site.pages, site.files):
        for rel in outputs:
            total += 1
            held = outputs.held(rel)
            if held is not None and held.slug in current:
                written[rel] = stats[rel]
                continue
            if held_only and held is None:
                continue
            data = outputs[rel]
            data = data.encode("utf-8") if isinstance(data, str) else data
            path = out / rel
            try:
                same = path.read_bytes() == data
            except OSError:
                same = False
                path.parent.mkdir(parents=True, exist_ok=True)
            if not same:
                info = atomic_write(path, data)
                changed += 1
                written[rel] = [info.st_size, info.st_mtime_ns]
            else:
                written[rel] = _stat(path)
    done = site.keys if not held_only else {slug: key for slug, key in site.keys.items() if slug in held_files}
    if done or keys:       # only a cached build has anything to remember
        atomic_write(stamps_path, json.dumps({"keys": done, "files": written}, sort_keys=True).encode())
    return total, changed


def _read_stamps(path: Path) -> tuple[dict[str, str], dict[str, list[int]]]:
    """What a written folder says it holds: issue slug → cache key, file → [size, mtime_ns]."""
    try:
        stamps = json.loads(path.read_text(encoding="utf-8"))
        keys, files = stamps["keys"], stamps["files"]
        if isinstance(keys, dict) and isinstance(files, dict):
            return keys, files
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return {}, {}


def _stat(path: Path) -> list[int]:
    info = path.stat()
    return [info.st_size, info.st_mtime_ns]


def _intact(path: Path, recorded: list[int] | None) -> bool:
    """The file is still as this code wrote it (same size and modification time)."""
    try:
        return recorded is not None and _stat(path) == list(recorded)
    except OSError:
        return False
