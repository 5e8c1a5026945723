"""Links and images in the narrative that MkDocs could not resolve, found before the build.

A strict build stops on them with MkDocs' own English warning, which names no issue.md line;
``weekly check`` and ``weekly build`` report them first, with file and line.
"""
from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..errors import Problem
from ..pages.urls import issue_path
from ..schema.model import Archive
from ..schema.snapshot import ISSUE_FILE

_INLINE = re.compile(r"(!?)\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^\s)>]+)>?(?:\s+[\"'(][^)]*)?\)")
_REFERENCE = re.compile(r"^[ ]{0,3}\[([^\]^][^\]]*)\]:[ \t]*<?(\S+?)>?(?:\s.*)?$")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_CODE = re.compile(r"(`+).+?\1")
_GENERATED = re.compile(r"(issues/\d{4}-\d{2}-\d{2}|entities/[a-z0-9-]+|entities/index|archive/(index|\d{4})|"
                        r"tags/[^/]+|tags/index|latest|data|index)\.md")


def link_problems(archive: Archive, data_dir: Path, docs_dir: Path) -> list[Problem]:
    """Every narrative link or image whose target is neither a web address, a page or file of the
    site, nor an anchor of the issue's own page."""
    pages = {issue_path(i) for i in archive.issues} | {f"entities/{e.id}.md" for e in archive.registry.entities}
    found = []
    for issue in archive.issues:
        path = Path(data_dir) / issue.slug / ISSUE_FILE
        shown = str(Path(Path(data_dir).name) / issue.slug / ISSUE_FILE)
        try:
            text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
        except (OSError, UnicodeDecodeError):
            continue
        found.extend(_problems(text, shown, issue_path(issue), pages, Path(docs_dir)))
    return found


def _problems(text: str, shown: str, here: str, pages: set[str], docs_dir: Path) -> list[Problem]:
    lines = text.split("\n")
    start = _body_start(lines)
    anchors = _anchors(lines[start:])
    out = []
    for number, line in enumerate(lines[start:], start=start + 1):
        line = _CODE.sub("", line)
        targets = [(m.group(1) == "!", m.group(2)) for m in _INLINE.finditer(line)]
        if m := _REFERENCE.match(line):
            targets.append((False, m.group(2)))
        for image, target in targets:
            why = _unresolved(target, image, here, pages, docs_dir, anchors)
            if why:
                out.append(Problem(shown, f"{'图片' if image else '链接'} '{target}' {why}", line=number,
                                   hint="用完整的 https:// 网址，或指向本站页面的相对链接（如 ../about/disclaimer.md）"))
    return out


def _unresolved(target: str, image: bool, here: str, pages: set[str], docs_dir: Path, anchors: set[str]) -> str | None:
    if re.match(r"[a-z][a-z0-9+.-]*:", re.sub(r"[\x00-\x20]", "", html.unescape(target)), re.I):
        return None         # web addresses (any other scheme, encoded or not, is made a dead link by render)
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    if not parts.path:
        fragment = unquote(parts.fragment)
        return None if not fragment or fragment in anchors else f"指向本页不存在的锚点 #{fragment}"
    rel = posixpath.normpath(posixpath.join(posixpath.dirname(here), unquote(parts.path)))
    if rel.startswith("../") or rel == "..":
        return "指向网站之外的文件"
    if (docs_dir / rel).is_file() or rel in pages or (not image and _GENERATED.fullmatch(rel)):
        return None
    return "指向的文件不在网站中" if image else "指向的页面不存在"


def _body_start(lines: list[str]) -> int:
    if not lines or lines[0].strip() != "---":
        return 0
    for number, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            return number + 1
    return 0


def _anchors(lines: list[str]) -> set[str]:
    """The ids MkDocs finds on the issue page that an analyst could link to: its headings (as
    Python-Markdown's toc names them; a heading with no Latin letters becomes _1, _2 …) and
    footnotes. (The charts' ids are not among them: MkDocs checks anchors without the charts.)"""
    from markdown.extensions.toc import slugify

    ids: set[str] = set()
    count = 0
    for line in lines:
        if m := _HEADING.match(line):
            count += 1
            slug = slugify(m.group(1), "-")
            if slug:
                ids.add(slug)
        if m := re.match(r"^\[\^([^\]]+)\]:", line):
            ids.update({f"fn:{m.group(1)}", f"fnref:{m.group(1)}"})
    ids.update(f"_{n}" for n in range(1, count + 10))
    return ids
