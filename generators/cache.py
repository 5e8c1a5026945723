"""Per-issue page cache, so adding a week re-generates only the pages whose inputs changed.

An issue's page depends on its own snapshot, the history of every earlier snapshot (its
windowed charts), its neighbours (the pager) and the generator's code. Its key is a hash of
all of these: a running hash over the snapshots in date order, the neighbours' records and
the source of this package. Editing an old snapshot therefore re-generates it and every
later issue; adding a week re-generates only the new issue and the one before it.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from .model import Issue, Snapshot


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of this package's source: any code change invalidates every cached page."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def snapshot_digest(snapshot: Snapshot) -> bytes:
    """A hash of one snapshot's issue record and every dataset frame (values and columns)."""
    digest = hashlib.sha256(repr(snapshot.issue).encode())
    for name in sorted(snapshot.tables):
        frame = snapshot.tables[name]
        # repr of the rows as Python values: exact (floats repr round-trip) and, for frames of
        # a few dozen rows, far cheaper than pandas' own hashing of object columns.
        digest.update(repr((name, list(frame.columns), frame.to_numpy(dtype=object).tolist())).encode())
    return digest.digest()


def page_keys(snapshots: tuple[Snapshot, ...]) -> list[str]:
    """One cache key per issue page, in archive order."""
    keys, chain = [], hashlib.sha256(code_fingerprint().encode()).digest()
    issues = [s.issue for s in snapshots]
    for i, snapshot in enumerate(snapshots):
        chain = hashlib.sha256(chain + snapshot_digest(snapshot)).digest()
        neighbours = _neighbour(issues, i - 1) + "\0" + _neighbour(issues, i + 1)
        keys.append(hashlib.sha256(chain + neighbours.encode()).hexdigest()[:32])
    return keys


def _neighbour(issues: list[Issue], i: int) -> str:
    return repr(issues[i]) if 0 <= i < len(issues) else "-"


class PageCache:
    """Generated issue pages on disk, one file per issue, named by slug and key."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)

    def _path(self, slug: str, key: str) -> Path:
        return self.folder / f"{slug}.{key}.md"

    def get(self, slug: str, key: str) -> str | None:
        path = self._path(slug, key)
        return path.read_text(encoding="utf-8") if path.exists() else None

    def put(self, slug: str, key: str, text: str) -> None:
        for stale in self.folder.glob(f"{slug}.*.md"):
            stale.unlink()
        self._path(slug, key).write_text(text, encoding="utf-8")
