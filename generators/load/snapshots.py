"""data/ folder → validated ``Archive``, or a ``DataError`` listing every problem.

Nothing here trusts the files: every cell is parsed by its column's kind, every path is
checked to stay inside data/, and YAML is read with the safe loader only.
"""
from __future__ import annotations

import calendar
import csv
import hashlib
import itertools
import math
import os
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from ..errors import Problems
from .narrative import contradictions
from ..schema.model import BEIJING, Archive, Issue, Period, Registry, Snapshot, Watchlist
from .registry import check_names, check_watchlist, load_registry, mentions
from .seal import SEALS_FILE, check_seals
from ..schema.declarations import DATASETS_FILE, declarations_for, packaged
from ..schema.snapshot import (ENTITIES_FILE, ISSUE_FIELD_NAMES, ISSUE_FIELDS, ISSUE_FILE, MAX_FILE_BYTES, NOT_DATA,
                               PLACEHOLDER, REQUIRED_FIELDS, Column, Dataset, Declarations, tag_slug)

# re.ASCII: without it \d also matches full-width digits (９０５００), which float() accepts.
FOLDER_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$", re.ASCII)
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
MONTH_RE = re.compile(r"^\d{4}-\d{2}$", re.ASCII)
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$", re.ASCII)
TRUE, FALSE = ("true", "是", "1", "yes"), ("false", "否", "0", "no")
MISSING_MARKS = ("—", "——", "-", "--", "–", "N/A", "n/a", "NA", "#N/A")
PREVIEW = "preview"   # WEEKLY_AS_OF value for a local preview that shows drafts and embargoed issues
FIELD_EXAMPLES = {f.name: f.example for f in ISSUE_FIELDS}
IGNORED_TOP_LEVEL = {"README.md", ENTITIES_FILE, DATASETS_FILE, SEALS_FILE}


def load_archive(data_dir: Path, as_of: datetime | None = None, *, memo: dict | None = None) -> Archive:
    """Read and validate every snapshot under ``data_dir``; raise DataError on any problem.

    With ``as_of``, drafts and issues whose publication time is later are validated and then
    dropped, so no later stage can leak them. ``None`` keeps every snapshot (``weekly check``).
    ``memo``: for a process that loads the same folder again and again (``weekly serve``), each
    snapshot that loaded without a problem, kept under a stamp of its folder's files and of every
    folder and declaration before it; a folder whose stamp is unchanged is not read again.
    """
    archive = _load_all(data_dir, memo)
    return archive if as_of is None else public_archive(archive, as_of, data_dir)


def public_archive(archive: Archive, as_of: datetime, data_dir: Path) -> Archive:
    """The issues readers may see at ``as_of``; DataError when that leaves none."""
    public = archive.public(as_of)
    # Registry entries that only an embargoed issue uses (a company added for next week) must
    # not surface either: no entity page, no search word, before that issue is out.
    public = Archive(public.snapshots, Registry(tuple(
        e for e in archive.registry.entities if any(mentions(s, e, archive.datasets) for s in public.snapshots))), archive.datasets)
    if not public.snapshots:
        problems = Problems(Path(data_dir))
        problems.add(Path(data_dir), f"截至 {as_of:%Y-%m-%d %H:%M}（北京时间）还没有已发布的一期",
                     hint="检查各期的 publish_at 与 draft，或用 --as-of 指定时间")
        problems.raise_if_any()
    return public


def not_data(data_dir: Path) -> list[Path]:
    """Lock files, thumbnails and backups beside the data, which every stage skips (``NOT_DATA``)."""
    found = []
    for path in sorted(Path(data_dir).iterdir()) if Path(data_dir).is_dir() else ():
        if NOT_DATA.match(path.name):
            found.append(path)
        elif path.is_dir() and FOLDER_RE.match(path.name):
            found.extend(p for p in sorted(path.iterdir()) if NOT_DATA.match(p.name))
    return found


def parse_time(text: str) -> datetime:
    """'YYYY-MM-DD HH:MM' in Beijing time → an aware datetime; ValueError when malformed."""
    if not TIME_RE.match(text.strip()):
        raise ValueError(f"应为 YYYY-MM-DD HH:MM，实际为 {text!r}")
    return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M").replace(tzinfo=BEIJING)


ISO_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$", re.ASCII)


def parse_publish_at(value: Any) -> datetime:
    """A publish_at value → an aware Beijing datetime; ValueError when it is not a time.

    A time with a zone (``Z``, ``+00:00``) is converted; one without means Beijing time. YAML
    reads an unquoted ISO time as a datetime (aware when it has a zone), a quoted one as text.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and ISO_TIME_RE.match(value.strip()):
        moment = datetime.fromisoformat(value.strip())
    else:
        raise ValueError(f"应为 YYYY-MM-DD HH:MM，实际为 {value!r}")
    if moment.tzinfo is None:
        return moment.replace(tzinfo=BEIJING)
    return moment.astimezone(BEIJING)


def now_in_beijing() -> datetime:
    return datetime.now(BEIJING)


def _stamp(path: Path) -> tuple[bytes, int]:
    """Name, size, modification and change time of a file, or of each entry of a folder; and the
    newest modification time (ns)."""
    try:
        if path.is_dir():
            stats = [(e.name, e.stat(follow_symlinks=False)) for e in sorted(os.scandir(path), key=lambda e: e.name)]
        else:
            stats = [(path.name, path.stat())]
    except OSError:
        return b"?", time.time_ns()
    newest = max((st.st_mtime_ns for _, st in stats), default=0)
    return repr([(name, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino) for name, st in stats]).encode(), newest


# A folder changed this recently may change again within one tick of a coarse file-system clock
# (2 s on FAT, 1 s on some network shares) and leave the same times behind: its files' bytes are
# compared with what was read before it is reused (git's "racy" rule).
RACY_NS = 2_000_000_000


def _same_bytes(folder: Path, digests: dict[str, str]) -> bool:
    """Whether every file read from ``folder`` (``digests``: ``<folder>/<file>`` → sha256) still has those bytes."""
    try:
        return all(hashlib.sha256((folder / rel.split("/", 1)[1]).read_bytes()).hexdigest() == digest
                   for rel, digest in digests.items())
    except OSError:
        return False


def _remembered(memo: dict, chain, folder: Path, digests: dict[str, str]) -> Snapshot | None:
    """The folder's snapshot as last read, when neither it nor anything before it (``chain``,
    updated here with the folder's stamp) has changed since; its file digests go to ``digests``."""
    stamp, newest = _stamp(folder)
    chain.update(folder.name.encode() + stamp)
    kept = memo.pop(folder.name, None)
    if kept is None or kept["token"] != chain.digest() or (kept["racy"] and not _same_bytes(folder, kept["digests"])):
        return None
    digests.update(kept["digests"])
    _remember(memo, chain, folder, kept["snapshot"], kept["digests"], newest)
    return kept["snapshot"]


def _remember(memo: dict, chain, folder: Path, snapshot: Snapshot, digests: dict[str, str], newest: int | None = None) -> None:
    """Keep a snapshot that loaded without a problem under ``chain``'s current digest (see ``_remembered``)."""
    if newest is None:
        newest = _stamp(folder)[1]
    memo[folder.name] = {"token": chain.digest(), "snapshot": snapshot, "racy": time.time_ns() - newest <= RACY_NS,
                         "digests": {k: v for k, v in digests.items() if k.startswith(folder.name + "/")}}


def _load_all(data_dir: Path, memo: dict | None = None) -> Archive:
    data_dir = Path(data_dir)
    problems = Problems(data_dir)
    if not data_dir.is_dir():
        problems.add(data_dir, "数据文件夹不存在")
        problems.raise_if_any()
    root = data_dir.resolve()
    datasets = declarations_for(data_dir, problems)
    registry = load_registry(data_dir / ENTITIES_FILE, problems)
    snapshots, digests = [], {}     # digests: the sha256 of every file read, for the seals
    published: dict[str, set[tuple]] = {}   # dataset → the keys earlier snapshots hold (a later one may restate them)
    chain = hashlib.sha256(b"".join(_stamp(data_dir / name)[0] for name in (ENTITIES_FILE, DATASETS_FILE))) if memo is not None else None
    for folder in sorted(data_dir.iterdir()):
        if folder.name.startswith(".") or folder.name in IGNORED_TOP_LEVEL or NOT_DATA.match(folder.name):
            continue
        if not _inside(folder, root):
            problems.add(folder, "指向 data/ 之外的链接，已拒绝读取")
            continue
        if not folder.is_dir():
            problems.add(folder, "data/ 下只能放每期一个文件夹", hint="文件夹以发布日期命名，如 2024-11-22")
            continue
        day = _folder_date(folder, problems)
        if day is None:
            continue
        snapshot = _remembered(memo, chain, folder, digests) if chain is not None else None
        if snapshot is None:
            before = len(problems.items)
            snapshot = load_snapshot(folder, day, problems, root, registry, digests, datasets, published)
            if chain is not None and snapshot is not None and len(problems.items) == before:
                _remember(memo, chain, folder, snapshot, digests)
        if snapshot is not None:
            snapshots.append(snapshot)
            for dataset in datasets:
                if dataset.correctable:
                    published.setdefault(dataset.name, set()).update(
                        tuple(r[k] for k in dataset.key) for r in snapshot.rows.get(dataset.name, ()))
    if not snapshots and not problems.items:
        problems.add(data_dir, "没有任何一期数据", hint="用 weekly new 创建第一期")
    _check_tag_slugs(data_dir, snapshots, problems)
    _check_missing_datasets(data_dir, snapshots, problems, datasets)
    check_seals(data_dir, problems, digests)        # published issues are as they were published
    problems.raise_if_any()
    return Archive(tuple(sorted(snapshots, key=lambda s: s.issue.date)), registry, datasets)


def load_snapshot(folder: Path, day: date, problems: Problems, root: Path,
                  registry: Registry | None = None, digests: dict[str, str] | None = None,
                  datasets: Declarations | None = None,
                  published: dict[str, set[tuple]] | None = None) -> Snapshot | None:
    """Read one week's folder; problems are collected, None when the issue file is unusable.

    ``digests``, when given, takes the sha256 of every file read (``<folder>/<file>`` → hex);
    ``datasets``: the declared datasets (the report's own when not given).
    ``published``: each correctable dataset's keys in earlier snapshots; a row restating one is a
    correction and may lie outside this issue's data period.
    """
    datasets = datasets or packaged()
    before = len(problems.items)
    for path in sorted(folder.iterdir()):
        if not _inside(path, root):
            problems.add(path, "指向 data/ 之外的链接，已拒绝读取")
    source: dict[str, str] = {}             # file name → sha256 of the bytes read (seals, cache key)
    issue = _load_issue(folder / ISSUE_FILE, day, problems, root, source, datasets)
    rows: dict[str, tuple[dict[str, Any], ...]] = {}
    for dataset in datasets:
        path = folder / dataset.filename
        if not path.exists():
            if not dataset.optional:
                problems.add(path, f"缺少文件 {dataset.filename}（{dataset.title}）")
            continue
        if not _inside(path, root):
            continue
        # Dates and names are checked row by row as the file is read, so that a file with a
        # million rows is never held whole: the rows are kept only while no problem is found.
        checks = []
        if issue is not None and (dates := _date_checker(path, dataset, issue, problems,
                                                           (published or {}).get(dataset.name, set()))) is not None:
            checks.append(dates)
        if registry is not None:
            checks.append(lambda record, path=path, dataset=dataset: check_names(path, (record,), dataset, registry, problems))
        records = _load_table(path, dataset, problems, source, checks)
        if records is not None and issue is not None:
            columns = [c.name for c in dataset.columns]
            rows[dataset.name] = tuple({**{c: r[c] for c in columns}, "issue": issue.date} for r in records)
    if issue is not None and registry is not None:
        for watchlist in issue.watchlists:
            check_watchlist(folder / ISSUE_FILE, watchlist.companies, registry, problems)
        _check_narrative(folder / ISSUE_FILE, rows, registry, datasets, problems)
    known = {ISSUE_FILE} | {d.filename for d in datasets}
    for path in sorted(folder.iterdir()):
        if path.name not in known and not path.name.startswith(".") and not NOT_DATA.match(path.name):
            problems.add(path, "未知文件，不会被使用", hint="数据文件名见“数据说明”页：" + "、".join(sorted(known)))
    if issue is None or len(problems.items) > before:
        return None
    if digests is not None:
        digests.update({f"{folder.name}/{name}": digest for name, digest in source.items()})
    key = hashlib.sha256("".join(f"{name}\0{digest}\n" for name, digest in source.items()).encode() + folder.name.encode())
    return Snapshot(issue, rows, key.digest())


# --- issue.md ---------------------------------------------------------------------------

FM_KEY_RE = re.compile(r"front matter (?:缺少必填项 |必填项 |有未知项 )?'([A-Za-z_]\w*)")


def _load_issue(path: Path, day: date, problems: Problems, root: Path, source: dict | None = None,
                datasets: Declarations | None = None) -> Issue | None:
    before = len(problems.items)
    issue = _read_issue(path, day, problems, root, source, datasets or packaged())
    if len(problems.items) > before:
        _locate_front_matter(path, problems, before)
    return issue


def _locate_front_matter(path: Path, problems: Problems, start: int) -> None:
    """Give each front-matter problem the line of its key (a missing key: the closing ---)."""
    try:
        lines = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n").split("\n")
    except (OSError, UnicodeDecodeError):
        return
    if not lines or lines[0].strip() != "---":
        return
    keys, closing = {}, None
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            closing = number
            break
        m = re.match(r"^([A-Za-z_]\w*)\s*:", line)
        if m:
            keys.setdefault(m.group(1), number)
    for i in range(start, len(problems.items)):
        problem = problems.items[i]
        m = FM_KEY_RE.search(problem.message) if problem.line is None else None
        if m:
            line = keys.get(m.group(1), closing)
            problems.items[i] = replace(problem, line=line)


def _read_issue(path: Path, day: date, problems: Problems, root: Path, source: dict | None,
                datasets: Declarations) -> Issue | None:
    if not path.exists():
        problems.add(path, "缺少期刊文件 issue.md")
        return None
    if not _inside(path, root):
        return None
    text = _read_text(path, problems, source)
    if text is None:
        return None
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problems.add(path, f"front matter 不是合法的 YAML：{getattr(exc, 'problem', None) or exc}", line=line,
                     hint="检查冒号、引号和缩进；不允许使用 !! 开头的 YAML 标签")
        return None
    except Exception as exc:  # python-frontmatter raises plain errors for odd delimiters
        problems.add(path, f"无法读取 front matter：{exc}")
        return None
    for number, line in enumerate(text.split("\n"), start=1):
        if PLACEHOLDER in line:
            problems.add(path, f"还有“{PLACEHOLDER}”的模板文字：{line.strip()}", line=number,
                         hint="写好这一处，或删去不需要的小节")
    meta = post.metadata
    if not isinstance(meta, dict) or not meta:
        if text.startswith("---"):  # python-frontmatter turns a list or scalar block into {}
            problems.add(path, "front matter 为空，或不是“项: 值”的映射")
        else:
            problems.add(path, "缺少 front matter（文件须以 --- 开头的 YAML 元数据块开始）")
        return None
    ok = True
    for key in REQUIRED_FIELDS:
        if key not in meta or meta[key] in (None, ""):
            state = "缺少必填项" if key not in meta else "必填项"
            problems.add(path, f"front matter {state} '{key}'" + ("" if key not in meta else " 为空"),
                         hint=f"写作 {key}: {FIELD_EXAMPLES[key]}")
            ok = False
    for key in meta:
        if key not in ISSUE_FIELD_NAMES:
            problems.add(path, f"front matter 有未知项 '{key}'", hint="可用的项见“数据说明”页")
            ok = False
    if not ok:
        return None

    def want_date(value: Any, name: str) -> date | None:
        parsed = _as_date(value)
        if parsed is None:
            problems.add(path, f"front matter '{name}' 应为日期 YYYY-MM-DD，实际为 {value!r}")
        return parsed

    def want_period(value: Any, name: str) -> Period | None:
        if not isinstance(value, dict) or set(value) != {"start", "end"}:
            problems.add(path, f"front matter '{name}' 应含 start 与 end 两个日期")
            return None
        start, end = want_date(value["start"], f"{name}.start"), want_date(value["end"], f"{name}.end")
        if start and end and start > end:
            problems.add(path, f"front matter '{name}' 的 start 晚于 end")
            return None
        return Period(start, end) if start and end else None

    def want_str_list(value: Any, name: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
            problems.add(path, f"front matter '{name}' 应为文字列表")
            return ()
        return tuple(str(v) for v in value)

    def want_text(value: Any, name: str) -> str:
        if not isinstance(value, str):
            problems.add(path, f"front matter '{name}' 应为文字，实际为 {type(value).__name__}")
            return ""
        return value.strip()

    issue_date = want_date(meta["date"], "date")
    if issue_date and issue_date != day:
        problems.add(path, f"front matter 'date' 为 {issue_date}，与文件夹名 {day} 不一致")
    period = want_period(meta["period"], "period")
    if period and issue_date and period.end > issue_date:
        problems.add(path, f"front matter 'period' 结束于 {period.end}，晚于发布日期 {issue_date}")
    data_periods: dict[str, Period] = {}
    raw_periods = meta["data_periods"]
    if not isinstance(raw_periods, dict):
        problems.add(path, "front matter 'data_periods' 应为映射，如 {visits: {start: …, end: …}}")
    else:
        for name, value in raw_periods.items():
            if name not in datasets.data_periods:
                problems.add(path, f"front matter 'data_periods' 有未知数据源 '{name}'", hint="可用 " + "、".join(datasets.data_periods))
                continue
            p = want_period(value, f"data_periods.{name}")
            if p:
                data_periods[name] = p
    sample = meta["sample"]
    if not isinstance(sample, bool):
        problems.add(path, f"front matter 'sample' 应为 true 或 false，实际为 {sample!r}")
    watchlists = []
    raw_watchlists = meta.get("watchlists") or []
    if not isinstance(raw_watchlists, list):
        problems.add(path, "front matter 'watchlists' 应为列表，每项含 name 与 companies")
        raw_watchlists = []
    for i, item in enumerate(raw_watchlists):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not isinstance(item.get("companies"), list):
            problems.add(path, f"front matter 'watchlists' 第 {i + 1} 项应含 name 与 companies 列表")
            continue
        watchlists.append(Watchlist(item["name"], want_str_list(item["companies"], "watchlists.companies"), bool(item.get("etc", False))))
    notes: dict[str, tuple[str, ...]] = {}
    raw_notes = meta.get("chart_notes") or {}
    if not isinstance(raw_notes, dict):
        problems.add(path, "front matter 'chart_notes' 应为映射：图表代号 → 注释列表")
    else:
        for key, value in raw_notes.items():
            if key not in datasets.chart_keys:
                problems.add(path, f"front matter 'chart_notes' 有未知图表代号 '{key}'", hint="可用：" + "、".join(datasets.chart_keys))
                continue
            notes[key] = want_str_list(value, f"chart_notes.{key}")
    prices_as_of = want_date(meta["prices_as_of"], "prices_as_of") if meta.get("prices_as_of") else None
    publish_at = None
    if meta.get("publish_at") is not None:
        raw = meta["publish_at"]
        try:
            publish_at = parse_publish_at(raw)
        except ValueError:
            problems.add(path, f"front matter 'publish_at' 应为北京时间 YYYY-MM-DD HH:MM，实际为 {raw!r}",
                         hint='写作 publish_at: "2024-11-22 09:00"；带时区时写作 ISO 8601，如 2024-11-22T01:00:00Z')
    draft = meta.get("draft", False)
    if not isinstance(draft, bool):
        problems.add(path, f"front matter 'draft' 应为 true 或 false，实际为 {draft!r}")
        draft = True   # an unreadable flag must never publish the issue
    issue = Issue(
        date=issue_date or day,
        title=want_text(meta["title"], "title"),
        sector=want_text(meta["sector"], "sector"),
        period=period or Period(day, day),
        data_periods=data_periods,
        lead=want_text(meta["lead"], "lead"),
        body=post.content.strip() + "\n",
        sample=bool(sample),
        prices_as_of=prices_as_of,
        tags=want_str_list(meta.get("tags"), "tags"),
        watchlists=tuple(watchlists),
        risks=want_str_list(meta.get("risks"), "risks"),
        chart_notes=notes,
        publish_at=publish_at,
        draft=draft,
        absent=_absent(meta.get("absent"), path, problems, datasets),
    )
    return issue


def _absent(value: Any, path: Path, problems: Problems, datasets: Declarations) -> tuple[str, ...]:
    """front matter 'absent': the datasets this week has none of."""
    if value is None:
        return ()
    names = {d.name for d in datasets}
    if not isinstance(value, list) or not all(isinstance(v, str) and v in names for v in value):
        problems.add(path, f"front matter 'absent' 应为数据集名称的列表，实际为 {value!r}",
                     line=_line_of(path, "absent:"), hint="可用：" + "、".join(sorted(names)))
        return ()
    return tuple(value)


def _check_missing_datasets(data_dir: Path, snapshots: Sequence[Snapshot], problems: Problems,
                            datasets: Declarations) -> None:
    """A dataset the previous issue had and this one lacks is an error, unless its front matter
    lists it under 'absent' (otherwise the issue would ship with last week's charts unnoticed)."""
    ordered = sorted(snapshots, key=lambda s: s.issue.date)
    for previous, snapshot in zip(ordered, ordered[1:]):
        for dataset in datasets:
            if dataset.name in previous.rows and dataset.name not in snapshot.rows \
                    and dataset.name not in snapshot.issue.absent:
                problems.add(data_dir / snapshot.issue.slug / dataset.filename,
                             f"缺少 {dataset.filename}（{dataset.title}）：上一期 {previous.issue.slug} 有这份数据",
                             hint=f"补上本周的 {dataset.filename}；本周确实没有时，在 issue.md 的 front matter 写 absent: [{dataset.name}]")


# --- CSV tables -------------------------------------------------------------------------

def _load_table(path: Path, dataset: Dataset, problems: Problems, source: dict | None = None,
                checks: Sequence = ()) -> list[dict[str, Any]] | None:
    """The table's rows as parsed records (each with its ``_line``); None on any problem.

    ``checks``: functions of one well-formed record that add its problems (dates, names).
    """
    text = _read_text(path, problems, source)
    if text is None:
        return None
    reader = csv.reader(_lines(text))     # one row at a time, never all at once (a million-row file)
    del text
    try:
        header_row = next((row for row in reader if any(cell.strip() for cell in row)), None)
    except csv.Error as exc:
        problems.add(path, "CSV 格式错误：" + _csv_error(str(exc)), line=reader.line_num,
                     hint="单元格里的引号要成对；含逗号或换行的单元格要用英文双引号括起来")
        return None
    if header_row is None:
        problems.add(path, "文件是空的", hint="至少需要表头一行：" + ",".join(c.name for c in dataset.columns))
        return None
    header = [dataset.canonical(h) for h in header_row]
    header_line = reader.line_num
    expected = [c.name for c in dataset.columns]
    if len(header) == 1 and ("\t" in header[0] or ";" in header[0]):
        problems.add(path, "表头只有一列", line=header_line,
                     hint=f"看起来是用{'制表符' if chr(9) in header[0] else '分号'}分隔的：在 Excel 中另存为“CSV UTF-8（逗号分隔）”，"
                          "或用 weekly import 导入")
        return None
    trailing = len(header) - len(list(itertools.dropwhile(lambda h: h == "", reversed(header))))
    if trailing:       # the file is read a row at a time: an empty header cell is reported as it is
        problems.add(path, f"表头末尾有 {trailing} 个空列", line=header_line,
                     hint="删去每行末尾多余的逗号（在 Excel 里选中右侧的空列删除后重新保存）")
        return None
    missing = [c for c in expected if c not in header]
    extra = [h for h in header if h not in expected]
    for name in missing:
        problems.add(path, f"缺少列 '{name}'", line=header_line, hint="表头应为：" + ",".join(expected))
    for name in extra:
        problems.add(path, f"未知列 '{name}'", line=header_line, hint="表头应为：" + ",".join(expected))
    if len(set(header)) != len(header):
        problems.add(path, "表头有重复的列名", line=header_line)
    if missing or extra or len(set(header)) != len(header):
        return None
    before = len(problems.items)
    columns = [dataset.column(name) for name in header]
    key_index = [header.index(k) for k in dataset.key]
    seen: dict[tuple, int] = {}
    records: list[dict[str, Any]] = []
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                problems.add(path, f"这一行有 {len(row)} 个单元格，表头有 {len(header)} 列", line=line,
                             hint="单元格里的逗号要用英文双引号括起来")
                continue
            record: dict[str, Any] = {"_line": line}
            for column, raw in zip(columns, row):
                record[column.name] = _parse_cell(raw, column, path, line, problems)
            key = tuple(record[header[i]] for i in key_index)
            if key in seen:
                label = "、".join(f"{k}={_fmt(v, dataset.column(k).kind)}" for k, v in zip(dataset.key, key))
                problems.add(path, f"重复的行：{label} 已在第 {seen[key]} 行出现", line=line, column=dataset.key[0])
            elif None not in key:
                seen[key] = line
            for check in checks:
                check(record)
            if len(problems.items) == before:
                records.append(record)      # kept only while the file is valid: a bad file is only counted
            elif records:
                records.clear()
    except csv.Error as exc:
        problems.add(path, f"CSV 格式错误：{exc}", line=reader.line_num)
    if len(problems.items) > before:
        return None
    return records


def _lines(text: str):
    """The lines of ``text`` with their endings, one at a time (csv joins a quoted cell's lines)."""
    start, find = 0, text.find
    while True:
        end = find("\n", start)
        if end < 0:
            if start < len(text):
                yield text[start:]
            return
        yield text[start:end + 1]
        start = end + 1


def _parse_cell(raw: str, column: Column, path: Path, line: int, problems: Problems) -> Any:
    value = raw.strip()
    if value == "":
        if column.required:
            problems.add(path, "不能为空", line=line, column=column.name)
        return None
    kind = column.kind
    if kind == "number":
        if not NUMBER_RE.match(value):
            hint = None
            if any("\uff01" <= ch <= "\uff5e" for ch in value):
                hint = "请改用半角数字和符号，如 3.54"
            elif value in MISSING_MARKS:
                hint = "这一列必填：请填入数值（— 不是数字）" if column.required else "没有数据就让单元格空着，不要写 —"
            elif value[-1] in "万亿":
                hint = "不要带单位：本列的单位见列说明（访问量、下载量以万为单位，9.12亿 写作 91200），或用 weekly import 自动换算"
            elif "," in value:
                hint = "不要使用千位分隔符，如 90500"
            elif value.endswith("%"):
                hint = "不要带百分号，单位见“数据说明”页"
            problems.add(path, f"应为数字，实际为 '{value}'", line=line, column=column.name, hint=hint)
            return None
        number = float(value)
        low, high = column.minimum, column.maximum
        if not math.isfinite(number) or (low is not None and number < low) or (high is not None and number > high):
            shown = value if len(value) <= 24 else f"{value[:20]}…（{len(value)} 位）"
            problems.add(path, f"{shown} 超出有效范围 {_bound(low)}～{_bound(high)}", line=line,
                         column=column.name, hint=f"{column.description}；单位见“数据说明”页")
            return None
        return number
    if kind == "date":
        parsed = _cell_date(value) if DATE_RE.match(value) else None
        if parsed is None:
            problems.add(path, f"应为日期 YYYY-MM-DD，实际为 '{value}'", line=line, column=column.name,
                         hint="例如 2024-11-22；Excel 里的 2024/11/22、2024年11月22日 可用 weekly import 自动转换")
        return parsed
    if kind == "month":
        parsed = _cell_date(value + "-01") if MONTH_RE.match(value) else None
        if parsed is None:
            problems.add(path, f"应为月份 YYYY-MM，实际为 '{value}'", line=line, column=column.name,
                         hint="例如 2024-11；2024/11、2024年11月、Nov-24 可用 weekly import 自动转换")
        return parsed
    if kind == "bool":
        low = value.lower()
        if low in TRUE:
            return True
        if low in FALSE:
            return False
        problems.add(path, f"应为 true 或 false，实际为 '{value}'", line=line, column=column.name)
        return None
    if kind == "choice":
        if value not in column.choices:
            problems.add(path, f"未知类别 '{value}'", line=line, column=column.name,
                         hint="可选：" + "、".join(column.choices))
            return None
        return sys.intern(value)
    # Names, tickers and categories recur in every snapshot: one shared string each, its hash
    # computed once for all the dictionaries generation keys by them.
    return sys.intern(value)


@lru_cache(maxsize=1 << 14)
def _cell_date(text: str) -> date | None:
    """A date cell, parsed once per distinct text: equal dates are one object (hashed once)."""
    return _as_date(text)


def _date_checker(path: Path, dataset: Dataset, issue: Issue, problems: Problems, published: set[tuple] = frozenset()):
    """A function checking one record's date against the issue's period; None when there is
    nothing to check (no date column, or the period is missing, which is reported once)."""
    if dataset.date_column is None:
        return None
    if dataset.within == "period":
        window = Period(issue.period.start - timedelta(days=dataset.lookback_days), issue.period.end)
        where = f"本期区间（{window.start}～{window.end}）"
    else:
        window = issue.data_periods.get(dataset.period)
        if window is None:
            problems.add(path, f"front matter 缺少 data_periods.{dataset.period}，无法核对日期")
            return None
        where = f"data_periods.{dataset.period}（{window.start}～{window.end}）"
    column = dataset.date_column
    kind = dataset.column(column).kind

    def check(record: dict[str, Any]) -> None:
        day, line = record[column], record["_line"]
        if day is None:
            return
        if kind == "month":
            month_end = day.replace(day=calendar.monthrange(day.year, day.month)[1])
            inside = day <= window.end and month_end >= window.start
        else:
            inside = day in window
        shown = ("月份 " if kind == "month" else "日期 ") + _fmt(day, kind)
        if day > issue.date:
            problems.add(path, f"{shown} 晚于本期发布日期 {issue.date}", line=line, column=column)
        elif not inside and not (dataset.correctable and tuple(record[k] for k in dataset.key) in published):
            hint = "更正往期数值时，写同一实体、同一日期的一行（须是往期已有的行）" if dataset.correctable else None
            problems.add(path, f"{shown} 不在 {where}内", line=line, column=column, hint=hint)
    return check


def _check_tag_slugs(data_dir: Path, snapshots: Sequence[Snapshot], problems: Problems) -> None:
    """Two spellings of a tag with one URL (Scaling Law, scaling-law) would be one tag page."""
    first: dict[str, tuple[str, str]] = {}       # tag page path → (tag, issue slug) first written
    for snapshot in sorted(snapshots, key=lambda s: s.issue.date):
        for tag in snapshot.issue.tags:
            path = f"tags/{tag_slug(tag)}"
            seen = first.setdefault(path, (tag, snapshot.issue.slug))
            if seen[0] != tag:
                issue = data_dir / snapshot.issue.slug / ISSUE_FILE
                problems.add(issue, f"主题 '{tag}' 与 {seen[1]} 期的主题 '{seen[0]}' 网址相同（{path}/）",
                             line=_line_of(issue, "tags:"), column=None, hint=f"统一写作 '{seen[0]}'，或改用不同的主题名")


def _line_of(path: Path, prefix: str) -> int | None:
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8-sig").split("\n"), start=1):
            if line.startswith(prefix):
                return number
    except (OSError, UnicodeDecodeError):
        pass
    return None


def _check_narrative(path: Path, rows: dict[str, Sequence[dict[str, Any]]], registry: Registry, datasets: Declarations,
                     problems: Problems) -> None:
    """A figure stated in issue.md (front matter or text) must match the snapshot's CSVs."""
    if not rows:
        return
    text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    for c in contradictions(text, rows, registry, datasets):
        problems.add(path, c.message, line=c.line, hint=f"以数据为准修改正文，或更正 {c.dataset}")


# --- helpers ----------------------------------------------------------------------------

def _read_text(path: Path, problems: Problems, source: dict | None = None) -> str | None:
    """The file's text; ``source``, when given, takes the sha256 of its bytes under its name.

    A file over ``MAX_FILE_BYTES`` is refused before it is read.
    """
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.add(path, f"文件过大（{size / 2**20:.1f} MB），超过上限 {MAX_FILE_BYTES // 2**20} MB，未读取",
                         hint="每期的数据文件只含本周的数据，通常不到 1 MB；请检查是否导出了整张表")
            return None
        raw = path.read_bytes()
    except OSError as exc:
        problems.add(path, f"无法读取：{exc.strerror}")
        return None
    if source is not None:
        source[path.name] = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.add(path, "不是 UTF-8 编码（可能是 Excel 保存的 GBK）", line=line,
                     hint="在 Excel 中选择“另存为 → CSV UTF-8（逗号分隔）”")
        return None
    if "\r" in text:
        problems.add(path, "换行符是单独的 CR（旧版 Mac 的格式），整个文件会被读成一行", line=1,
                     hint="在 Excel 中另存为“CSV UTF-8（逗号分隔）”，或用 weekly import 导入")
        return None
    control = CONTROL_RE.search(text)
    if control:
        # NUL and other control characters come from damaged exports; they would reach the page unseen.
        problems.add(path, "含有 NUL 等控制字符", line=text.count("\n", 0, control.start()) + 1,
                     hint="请从表格软件重新导出为 CSV UTF-8")
        return None
    return text


CSV_ERRORS = {"unexpected end of data": "文件在引号内结束（引号不成对）",
              "new-line character seen in unquoted field": "未加引号的单元格里有换行",
              "field larger than field limit": "单元格过长（引号不成对？）"}


def _csv_error(text: str) -> str:
    """The csv module's English message, in the analyst's words."""
    return next((zh for en, zh in CSV_ERRORS.items() if en in text), "无法按 CSV 读取这一行")


def _folder_date(folder: Path, problems: Problems) -> date | None:
    day = _as_date(folder.name) if FOLDER_RE.match(folder.name) else None
    if day is None:
        problems.add(folder, "文件夹名不是日期", hint="每期文件夹以发布日期命名，如 2024-11-22")
    return day


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
        return True
    except ValueError:
        return False


def _bound(value: float | None) -> str:
    return "不限" if value is None else f"{value:,.0f}" if value == int(value) else f"{value:g}"


def _fmt(value: Any, kind: str = "") -> str:
    if isinstance(value, date):
        return f"{value:%Y-%m}" if kind == "month" else value.isoformat()
    return str(value)
