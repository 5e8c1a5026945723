"""Builds that run at once never mix: each stages its site in its own folder, what they share
(the generator's cache) is taken under a lock, and the finished site replaces the old one under
a second lock. Folders left by a killed build are removed by the next one.

``weekly serve`` (preview: drafts and embargoed issues included) and ``weekly build --as-of``
share ``.cache/weekly``; without the lock one build published the other's pages.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from filelock import FileLock, Timeout

from ..errors import DataError, Problem

STAGING_PREFIX = ".site-"
LOCK_NAME = "build.lock"


def cache_lock(cache_dir: Path) -> FileLock:
    """The lock on a project's generator cache (pages, written docs, search dictionary).

    Raises DataError when the cache's place is taken by a file (``.cache`` is one, say).
    """
    usable_folder(cache_dir)
    return FileLock(str(cache_dir / LOCK_NAME))


def usable_folder(folder: Path) -> None:
    """Make ``folder`` (and its parents) a folder, or say which file is in the way."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = next((p for p in [folder, *folder.parents] if p.exists() and not p.is_dir()), folder)
        raise DataError([Problem(str(blocker), "应为文件夹，却是一个文件：生成缓存无法写入",
                                 hint=f"删除或改名 {blocker} 后重新构建（缓存会自动重新生成）")]) from None


def acquire(lock: FileLock, say) -> None:
    """Take ``lock``; ``say`` is told when another build holds it and this one waits."""
    try:
        lock.acquire(timeout=0)
    except Timeout:
        say("另一个构建（weekly build 或 weekly serve）正在使用生成缓存，等待它完成 …")
        lock.acquire()


def new_staging(site_dir: Path) -> Path:
    """An empty folder beside ``site_dir`` for one build's output, named after this process."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=site_dir.parent))


def swap_into_place(staging: Path, site_dir: Path) -> None:
    """Replace site_dir by staging with two renames, so readers never see a half-written site.

    Under a lock beside site_dir: two builds finishing at once each publish a whole site, one
    after the other.
    """
    with FileLock(str(site_dir.parent / f".{site_dir.name}.lock")):
        old = None
        if site_dir.exists():
            old = site_dir.with_name(f"{site_dir.name}.old-{os.getpid()}")
            shutil.rmtree(old, ignore_errors=True)
            site_dir.rename(old)
        staging.rename(site_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def clean_leftovers(site_dir: Path) -> list[Path]:
    """Remove the staging and old-site folders of builds that are no longer running (killed
    mid-build); the folders of a build still running are left alone. Returns what was removed."""
    removed = []
    if not site_dir.parent.is_dir():
        return removed
    pattern = re.compile(rf"{re.escape(STAGING_PREFIX)}(\d+)-.*|{re.escape(site_dir.name)}\.old-(\d+)")
    for path in site_dir.parent.iterdir():
        m = pattern.fullmatch(path.name)
        if m and path.is_dir() and not _running(int(m.group(1) or m.group(2))):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return False        # a folder of ours from before (a reused pid): not in use now
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True
