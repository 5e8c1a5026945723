"""Per-issue output cache, so adding a week re-generates only the issues whose inputs changed.

An issue's output (its page and its download files) depends on its own snapshot, the history
of every earlier snapshot (charts, highlights, corrections), the entity registry and the
generator's code — never on later issues: the "next issue" link is added at build time. Its key
is a running hash over the snapshots in date order (each hashed from the bytes of its files),
seeded with the source of this package. Editing an old snapshot therefore re-generates it and
every later issue; adding a week re-generates only the new one.

Each entry is two files: a small head (the paths of the issue's pages and files, its items on
the entity pages, its rows of the whole-archive downloads) that every build reads, and a body
(the pages and files) read only when the folder being written lacks them (``site_files.write``).
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..errors import BuildError, Problem
from ..exports.files import SheetPart
from ..schema.model import Registry, Snapshot
from ..schema.snapshot import Declarations


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of this package's source: any code change invalidates every cached page."""
    digest = hashlib.sha256()
    # The declarations (datasets.yaml) are part of the code: they say what every page draws.
    package = Path(__file__).resolve().parent.parent
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.yaml")]):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def snapshot_digest(snapshot: Snapshot) -> bytes:
    """A hash of one snapshot's inputs: the bytes of the files it was loaded from (hashed as the
    loader read them), else its issue record and every dataset's rows, pickled.

    Equal inputs give equal bytes, and a difference anywhere gives different bytes, so a stale
    page is never reused (the code that parses the files is part of every key).
    """
    if snapshot.source_digest is not None:
        return snapshot.source_digest
    return hashlib.sha256(pickle.dumps((snapshot.issue, snapshot.rows), protocol=5)).digest()


def page_keys(snapshots: tuple[Snapshot, ...], registry: Registry, datasets: Declarations | None = None) -> list[str]:
    """One cache key per issue, in archive order (the entity registry names what pages say, and a
    data folder's own declared datasets what they draw)."""
    seed = code_fingerprint().encode() + repr(registry.entities).encode() + repr(datasets).encode()
    keys, chain = [], hashlib.sha256(seed).digest()
    for snapshot in snapshots:
        chain = hashlib.sha256(chain + snapshot_digest(snapshot)).digest()
        keys.append(chain.hex()[:32])
    return keys


@dataclass(frozen=True)
class IssueOutput:
    """What one issue contributes to the site: docs path → Markdown, docs path → file bytes, its
    item in each mentioned entity's list of issues (entity id → ``mention_items`` HTML), and its
    rows of the whole-archive downloads (dataset → ``SheetPart``), and the names and tags it uses
    (for the search dictionary)."""

    pages: dict[str, str]
    files: dict[str, bytes]
    mentions: dict[str, str] = field(default_factory=dict)
    sheets: dict[str, SheetPart] = field(default_factory=dict)
    words: tuple[str, ...] = ()


class CachedIssue:
    """An issue's output as the cache holds it. What the rest of the site draws from (its
    entity-page items and whole-archive rows) and the paths of its pages and files are read at
    once; the pages and files themselves only when asked for (``content``), since the folder they
    were written to usually holds them already (see ``site_files.write``)."""

    def __init__(self, cache: PageCache, slug: str, key: str, head: dict):
        self.cache, self.slug, self.key = cache, slug, key
        self.digest: str = head["body"][2]
        self.pages: tuple[str, ...] = head["pages"]
        self.files: tuple[str, ...] = head["files"]
        self.mentions: dict[str, str] = head["mentions"]
        self.sheets: dict[str, SheetPart] = head["sheets"]
        self.words: tuple[str, ...] = head["words"]
        self._content: dict[str, str | bytes] | None = None

    def content(self) -> dict[str, str | bytes]:
        """Every page and file of the issue: docs path → Markdown or bytes (read once)."""
        if self._content is None:
            path = self.cache.body_path(self.slug, self.key)
            try:
                raw = path.read_bytes()
                if hashlib.sha256(raw).hexdigest() != self.digest:
                    raise ValueError("内容与写入时的哈希不符")
                pages, files = pickle.loads(raw)
            except (OSError, pickle.PickleError, EOFError, ValueError) as exc:
                raise BuildError([Problem(str(path), f"生成缓存已损坏：{exc}",
                                          hint=f"删除 {self.cache.folder.parent} 后重新构建即可")]) from None
            self._content = {**pages, **files}
        return self._content


def atomic_write(path: Path, data: bytes) -> os.stat_result:
    """Write ``path`` whole or not at all: a temporary file of this writer's own, then a rename
    (two writers never share a temporary name, and a reader never sees half a file)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            info = os.fstat(f.fileno())     # the rename keeps size and time: this is the file's stat
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return info


class PageCache:
    """Each issue's generated output on disk, named by slug and key: a small head pickle (paths,
    entity-page items, whole-archive rows) and a body pickle (the pages and files).

    The folder is the build's own cache (.cache/weekly/pages), written only by this code.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        # The folder is listed once: globbing it for each issue made a cold run quadratic.
        self._held: dict[str, list[Path]] = {}
        for path in self.folder.iterdir():
            self._held.setdefault(path.name.split(".", 1)[0], []).append(path)

    def _path(self, slug: str, key: str, part: str) -> Path:
        return self.folder / f"{slug}.{key}.{part}.pickle"

    def body_path(self, slug: str, key: str) -> Path:
        return self._path(slug, key, "body")

    def get(self, slug: str, key: str) -> CachedIssue | None:
        """The issue's cached output, or None when there is none for this key (or it is unreadable)."""
        body = self.body_path(slug, key)
        if body not in self._held.get(slug, ()):
            return None
        try:
            head = pickle.loads(self._path(slug, key, "head").read_bytes())
            info = body.stat()
        except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError):
            return None     # missing or unreadable: draw the issue again
        if not isinstance(head, dict) or head.get("body", [None])[:2] != [info.st_size, info.st_mtime_ns]:
            return None     # the body is not the one this head was written with: draw again
        return CachedIssue(self, slug, key, head)

    def put(self, slug: str, key: str, output: IssueOutput) -> None:
        body_path, head_path = self.body_path(slug, key), self._path(slug, key, "head")
        for stale in self._held.pop(slug, []):
            if stale not in (body_path, head_path):     # another writer may be putting this very entry
                stale.unlink(missing_ok=True)
        head = {"pages": tuple(output.pages), "files": tuple(output.files), "mentions": output.mentions,
                "sheets": output.sheets, "words": output.words}
        # The body first, the head last: a head on disk means its body is complete, and it
        # records the body's size, time and hash, so a damaged body is never served.
        body = pickle.dumps((output.pages, output.files), protocol=pickle.HIGHEST_PROTOCOL)
        info = atomic_write(body_path, body)
        head["body"] = [info.st_size, info.st_mtime_ns, hashlib.sha256(body).hexdigest()]
        atomic_write(head_path, pickle.dumps(head, protocol=pickle.HIGHEST_PROTOCOL))
        self._held[slug] = [body_path, head_path]
