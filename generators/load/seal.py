"""Sealed issues: each published issue's files, recorded by hash, so that an edit in place is caught.

A published issue never changes by accident. A value it got wrong is corrected in a later
snapshot, where the page announces it (更正); editing the old folder instead would silently
rewrite what readers saw and cited. ``weekly new`` (and ``weekly seal``) record every issue that
is public at that moment in ``data/published.sha256``, in ``sha256sum`` format (so
``sha256sum -c published.sha256`` in data/ checks it too). Loading the archive compares each
sealed folder with its record: a changed, deleted or added file is a data error naming the file.
``weekly unseal DATE`` is the deliberate way to edit a published issue; the next seal records it again.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

from ..errors import Problems
from ..schema.declarations import packaged
from ..schema.snapshot import ISSUE_FILE, NOT_DATA

SEALS_FILE = "published.sha256"
# Files every sealed issue had when it was sealed (it passed validation then).
ALWAYS_SEALED = frozenset({ISSUE_FILE, *(d.filename for d in packaged() if not d.optional)})
KNOWN_FILES = frozenset({ISSUE_FILE, *(d.filename for d in packaged())})
_LINE = re.compile(r"^([0-9a-f]{64})  (\d{4}-\d{2}-\d{2})/([^/]+)$")


def folder_hashes(data_dir: Path, day: date, known: Mapping[str, str] | None = None) -> dict[str, str]:
    """``<date>/<file>`` → sha256 of the file's bytes, for every file of one issue's folder
    (``known``: digests the loader took as it read the files, reused)."""
    folder, known = data_dir / day.isoformat(), known or {}
    out = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and not path.name.startswith(".") and not NOT_DATA.match(path.name):
            rel = f"{day.isoformat()}/{path.name}"
            out[rel] = known.get(rel) or hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def read_seals(data_dir: Path, problems: Problems) -> dict[str, str]:
    """The recorded hashes, ``<date>/<file>`` → sha256 (empty when nothing is sealed yet)."""
    path = data_dir / SEALS_FILE
    if not path.is_file():
        return {}
    seals = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            problems.add(path, "无法识别的一行（应为“sha256  日期/文件名”）", line=number,
                         hint="这个文件由 weekly new / weekly seal 写入，请勿手改")
            continue
        seals[f"{match[2]}/{match[3]}"] = match[1]
    return seals


def check_seals(data_dir: Path, problems: Problems, known: Mapping[str, str] | None = None) -> None:
    """Every sealed issue's folder still holds exactly the files it was sealed with (``known``:
    see ``folder_hashes``)."""
    seals = read_seals(data_dir, problems)
    by_day: dict[str, dict[str, str]] = {}
    for rel, digest in seals.items():
        by_day.setdefault(rel.split("/", 1)[0], {})[rel] = digest
    for day, sealed in sorted(by_day.items()):
        hint = (f"已发布的期不能改动：数值更正请写进最新一期的数据（页面会显示“更正”）；"
                f"确需改动这一期，先运行 weekly unseal {day}，并在提交说明中写明原因")
        folder = data_dir / day
        if not folder.is_dir():
            problems.add(folder, "已发布的一期被删除或改名", hint=hint)
            continue
        current = folder_hashes(data_dir, date.fromisoformat(day), known)
        for rel in sorted(sealed.keys() | current.keys()):
            if rel not in current:
                problems.add(data_dir / rel, "已发布的一期中的文件被删除", hint=hint)
            elif rel not in sealed and rel.split("/", 1)[1] in ALWAYS_SEALED:
                # Sealing needs a valid issue, which has these files: the record lost its line.
                problems.add(data_dir / SEALS_FILE, f"封存记录少了 {rel} 这一行（{SEALS_FILE} 被删改，而不是新增了文件）",
                             hint=f"用 git 恢复 {SEALS_FILE}（git checkout -- data/{SEALS_FILE}），不要手改这个文件")
            elif rel not in sealed:
                problems.add(data_dir / rel, "已发布的一期中新增了文件" + (
                    f"（或 {SEALS_FILE} 少了这一行）" if rel.split("/", 1)[1] in KNOWN_FILES else ""), hint=hint)
            elif current[rel] != sealed[rel]:
                problems.add(data_dir / rel, "已发布的一期被改动：内容与发布时不同", hint=hint)


def seal(data_dir: Path, days: Iterable[date]) -> list[date]:
    """Record the folders of ``days`` (published issues) not recorded yet; the newly sealed days."""
    seals = read_seals(data_dir, Problems(data_dir))
    sealed_days = {rel.split("/", 1)[0] for rel in seals}
    added = [day for day in sorted(days) if day.isoformat() not in sealed_days]
    for day in added:
        seals.update(folder_hashes(data_dir, day))
    if added:
        _write(data_dir, seals)
    return added


def unseal(data_dir: Path, day: date) -> bool:
    """Forget one issue's record, so that its folder may be edited; False if it was not sealed."""
    seals = read_seals(data_dir, Problems(data_dir))
    kept = {rel: digest for rel, digest in seals.items() if not rel.startswith(f"{day.isoformat()}/")}
    if kept == seals:
        return False
    _write(data_dir, kept)
    return True


def _write(data_dir: Path, seals: dict[str, str]) -> None:
    # No comment lines: `sha256sum -c` would call them improperly formatted.
    (data_dir / SEALS_FILE).write_text("".join(f"{digest}  {rel}\n" for rel, digest in sorted(seals.items())),
                                       encoding="utf-8")
