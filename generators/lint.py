"""Warnings: things in data/ that are allowed but probably not what the analyst meant.

``weekly check`` prints them after the data has passed; they never stop a build.
"""
from __future__ import annotations

from pathlib import Path

from .errors import Problem
from .model import Archive
from .render import raw_html_lines
from .schema import ISSUE_FILE


def warnings(archive: Archive, data_dir: Path) -> list[Problem]:
    """Every warning for a validated archive, in issue order."""
    found: list[Problem] = []
    for issue in archive.issues:
        path = Path(data_dir) / issue.slug / ISSUE_FILE
        found.extend(raw_html_warnings(path, Path(Path(data_dir).name) / issue.slug / ISSUE_FILE))
    return found


def raw_html_warnings(path: Path, shown: Path) -> list[Problem]:
    """Raw HTML in an issue's narrative: it is shown as text on the page, never run."""
    try:
        text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError):
        return []
    offset = _body_offset(text)
    return [Problem(str(shown), "正文含有 HTML 标签，网站上会原样显示为文字，不会生效", line=offset + n,
                    hint="请用 Markdown 书写格式：**加粗**、- 列表、| 表格 |、[文字](https://…)、脚注 [^1]")
            for n in raw_html_lines(text.split("\n", offset)[-1] if offset else text)]


def _body_offset(text: str) -> int:
    """How many lines the front matter takes (0 when there is none)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return 0
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() in ("---", "..."):
            return number
    return 0
