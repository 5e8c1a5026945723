"""`weekly new`: next week's snapshot files, derived from the latest one.

Pure functions: they take the seed folder's file texts and return the new folder's file texts;
the CLI reads and writes the files. The result deliberately fails ``weekly check`` until the
analyst has filled it in: the title, the lead, every emptied value and every placeholder in the
narrative are reported with file, line and column, so an unedited scaffold can never be built.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from typing import Any

import frontmatter
import yaml

from ..schema.declarations import packaged
from ..schema.snapshot import ISSUE_FILE, PLACEHOLDER, PUBLISH_WEEKDAY, Dataset, Declarations

HEADING_RE = re.compile(r"^(#{2,3})\s+(.*\S)\s*$")
# Standing content an analyst usually keeps from week to week; everything else starts empty.
CARRIED_FIELDS = ("sector", "watchlists", "risks")


def coming_friday(after: date) -> date:
    """The first Friday strictly after ``after`` (the default date of the next issue)."""
    return after + timedelta(days=(PUBLISH_WEEKDAY - after.weekday() - 1) % 7 + 1)


def scaffold_files(seed: dict[str, str], seed_day: date, day: date, carry: bool,
                   datasets: Declarations | None = None) -> dict[str, str]:
    """The new folder's files (name → text) from the seed folder's files (name → text)."""
    datasets = datasets or packaged()
    shift = day - seed_day
    files = {ISSUE_FILE: scaffold_issue(seed[ISSUE_FILE], day, shift)}
    for dataset in datasets:
        if dataset.filename in seed:
            files[dataset.filename] = scaffold_table(dataset, seed[dataset.filename], shift, carry)
    return files


def scaffold_issue(seed_text: str, day: date, shift: timedelta) -> str:
    """issue.md: periods shifted by ``shift``, title and lead empty, the seed's headings as a template."""
    post = frontmatter.loads(seed_text)
    old = post.metadata
    meta: dict[str, Any] = {"title": "", "date": day}
    meta["sector"] = old.get("sector", "")
    meta["period"] = _shift_period(old.get("period"), shift)
    if old.get("prices_as_of"):
        meta["prices_as_of"] = _shift_date(old["prices_as_of"], shift)
    meta["data_periods"] = {k: _shift_period(v, shift) for k, v in (old.get("data_periods") or {}).items()}
    meta["sample"] = False
    meta["lead"] = ""
    meta["tags"] = []
    for key in CARRIED_FIELDS[1:]:
        if old.get(key):
            meta[key] = old[key]
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000)
    return f"---\n{front}---\n\n{narrative_template(post.content)}"


def narrative_template(seed_body: str) -> str:
    """The seed's section headings: ``##`` kept as they are, each ``###`` news topic a placeholder."""
    out: list[str] = []
    topic = 0
    for line in seed_body.splitlines():
        match = HEADING_RE.match(line)
        if not match:
            continue
        level, text = match.groups()
        if level == "###":
            topic += 1
            text = f"{PLACEHOLDER}：新闻主题 {topic} 的标题"
        out += [f"{level} {text}", "", f"（{PLACEHOLDER}）", ""]
    if not out:
        out = ["## 投资要点", "", f"（{PLACEHOLDER}）", ""]
    return "\n".join(out)


def scaffold_table(dataset: Dataset, seed_text: str, shift: timedelta, carry: bool) -> str:
    """One CSV: same entities, dates shifted; numbers emptied (or kept with ``carry``)."""
    rows = list(csv.reader(io.StringIO(seed_text.lstrip("\ufeff"))))
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        return seed_text
    header = [h.strip() for h in rows[0]]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    seen: set[tuple[str, ...]] = set()
    for row in rows[1:]:
        cells = dict(zip(header, (c.strip() for c in row)))
        for name, value in cells.items():
            kind = _kind(dataset, name)
            if kind == "date" and value:
                cells[name] = _shift_date(value, shift).isoformat()
            elif kind == "month" and value:
                cells[name] = f"{_shift_date(value + '-01', shift):%Y-%m}"
            elif kind == "number" and not carry:
                cells[name] = ""
            elif name == "sample" and not carry:
                cells[name] = "false"   # the analyst types this week's real figures
        key = tuple(cells.get(k, "") for k in dataset.key)
        if key in seen:   # two months can shift into one; keep the first row
            continue
        seen.add(key)
        writer.writerow([cells.get(h, "") for h in header])
    return out.getvalue()


def _kind(dataset: Dataset, name: str) -> str | None:
    return next((c.kind for c in dataset.columns if c.name == name), None)


def _shift_date(value: Any, shift: timedelta) -> date:
    day = value if isinstance(value, date) else date.fromisoformat(str(value))
    return day + shift


def _shift_period(value: Any, shift: timedelta) -> Any:
    if not isinstance(value, dict) or set(value) != {"start", "end"}:
        return value
    return {"start": _shift_date(value["start"], shift), "end": _shift_date(value["end"], shift)}
