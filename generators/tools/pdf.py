"""The PDF edition: each published issue's page, printed by Chromium to an A4 PDF laid out like
the report (``weekly pdf``).

Chromium prints the built page with the site's own print stylesheet and script (print.css,
print.js): Plotly's charts stay vector, the fonts (Noto CJK from fonts-noto-cjk) are embedded,
and what the reader prints from the browser and the PDF are one layout. Nothing is downloaded:
the system's Chromium is driven through Playwright (the ``pdf`` extra).

A PDF is generated once per issue and kept in a cache folder under a key: for a sealed issue
(``data/published.sha256``) the digests of its and every earlier issue's sealed files, so a
published PDF is never redrawn by a code or style change (only by a deliberate unseal, or a new
``EDITION``); otherwise the issue's page-cache key and the print assets. Its
metadata is fixed (creation date = the issue's publication time), so the same inputs give the
same bytes. Only issues public at ``as_of`` are printed: an embargoed issue has no PDF.
"""
from __future__ import annotations

import functools
import hashlib
import http.server
import os
import re
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..assemble.cache import page_keys
from ..errors import BuildError, Problem
from ..pages.urls import pdf_path
from ..schema.model import Archive, Issue

CHROMIUM = "/usr/bin/chromium"
# Flags for closed networks and containers (as the browser tests use): no sandbox, no background traffic.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Bump to print every cached PDF again (a deliberate change of the edition's layout).
EDITION = "1"
PRINT_ASSETS = ("docs/assets/stylesheets/print.css", "docs/assets/javascripts/print.js",
                "docs/assets/javascripts/charts.js", "docs/assets/stylesheets/weekly.css")
FONT_PACKAGE = "fonts-noto-cjk"
PAGE_TIMEOUT_MS = 60_000


class PdfError(BuildError):
    """A PDF cannot be made; the message is one line saying what to do (the CLI prints it, exit 1)."""

    def __init__(self, message: str):
        super().__init__([Problem("", message)])


@dataclass(frozen=True)
class Job:
    """One issue to print: where its page is in the site and where its PDF goes."""

    issue: Issue
    key: str

    @property
    def page(self) -> str:
        return f"issues/{self.issue.slug}/"

    @property
    def target(self) -> str:
        return pdf_path(self.issue)


def pdf_keys(archive: Archive, seals: dict[str, str], root: Path) -> dict[str, str]:
    """Issue slug → the cache key of its PDF (see the module docstring)."""
    assets = hashlib.sha256(EDITION.encode())
    for rel in PRINT_ASSETS:
        path = root / rel
        assets.update(rel.encode() + b"\0" + (path.read_bytes() if path.is_file() else b""))
    assets.update(Path(__file__).read_bytes())
    keys, chain, all_sealed = {}, hashlib.sha256(EDITION.encode()), True
    for issue, page_key in zip(archive.issues, page_keys(archive.snapshots, archive.registry)):
        # An issue's charts draw on every earlier issue: sealed keys run over the seals so far.
        sealed = sorted((rel, digest) for rel, digest in seals.items() if rel.startswith(issue.slug + "/"))
        all_sealed = all_sealed and bool(sealed)
        chain.update("".join(f"{digest}  {rel}\n" for rel, digest in sealed).encode())
        if all_sealed:
            keys[issue.slug] = "s" + chain.hexdigest()[:31]
        else:
            keys[issue.slug] = "p" + hashlib.sha256(page_key.encode() + assets.digest()).hexdigest()[:31]
    return keys


def select(archive: Archive, days: Sequence[date], site_dir: Path) -> list[Issue]:
    """The public issues asked for (all when ``days`` is empty), each with its page in the site."""
    by_day = {i.date: i for i in archive.issues}
    chosen = []
    for day in days or list(by_day):
        issue = by_day.get(day)
        if issue is None:
            raise PdfError(f"{day} 不是已发布的一期（未到发布时间、草稿或不存在），没有 PDF")
        chosen.append(issue)
    for issue in chosen:
        page = site_dir / "issues" / issue.slug / "index.html"
        if not page.is_file():
            raise PdfError(f"{page} 不存在：先运行 weekly build --site-dir {site_dir}，再运行 weekly pdf")
    return chosen


def chromium_path() -> str:
    """The system's Chromium (env CHROMIUM overrides), or a PdfError saying what to install."""
    path = os.environ.get("CHROMIUM", CHROMIUM)
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise PdfError(f"未找到 Chromium（{path}）：weekly pdf 用它排版 PDF。请安装 Debian 的 chromium 包"
                       "（apt-get install chromium），或用环境变量 CHROMIUM 指向它；weekly build 不需要它。")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        raise PdfError("缺少 Playwright：weekly pdf 通过它驱动 Chromium，请运行 pip install -e '.[pdf]'") from None
    return path


def check_cjk_font() -> None:
    """A CJK font must be installed, or Chinese text would print as empty boxes."""
    try:
        found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        found = ""
    if not found.strip():
        raise PdfError(f"未找到中文字体：PDF 须嵌入中文字体，请安装 {FONT_PACKAGE}（apt-get install {FONT_PACKAGE}）")


def generate(jobs: Sequence[Job], site_dir: Path, cache_dir: Path, echo: Callable[[str], None] = print) -> tuple[int, int]:
    """Copy each issue's PDF into the site, printing the ones the cache lacks. Returns (printed, reused).

    Every file is written beside its target and renamed into place, so an interrupted run leaves
    no half-written PDF in the site or the cache.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    missing = [job for job in jobs if not _cached(cache_dir, job).is_file()]
    if missing:
        executable = chromium_path()
        check_cjk_font()
        with _printer(site_dir, executable) as print_page:
            for job in missing:
                echo(f"   {job.issue.slug}：排版 PDF …")
                _write_atomically(_cached(cache_dir, job), finish(print_page(job.page), job.issue))
    for job in jobs:
        target = site_dir / job.target
        _write_atomically(target, _cached(cache_dir, job).read_bytes())
    return len(missing), len(jobs) - len(missing)


def _cached(cache_dir: Path, job: Job) -> Path:
    return cache_dir / f"{job.issue.slug}.{job.key}.pdf"


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".pdf-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)     # served by the site: mkstemp's owner-only mode would not do
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def _printer(site_dir: Path, executable: str) -> Iterator[Callable[[str], bytes]]:
    """A function printing a page of the site (a path under it) to PDF bytes, with Chromium
    loading the site from a local server (as a reader's browser would) and nothing from outside."""
    from playwright.sync_api import Error as PlaywrightError, sync_playwright

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site_dir)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    try:
        with sync_playwright() as p:
            try:
                browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            except PlaywrightError as exc:
                raise PdfError(f"Chromium（{executable}）无法启动：{str(exc).splitlines()[0]}") from None
            context = browser.new_context(viewport={"width": 1024, "height": 1400}, locale="zh-CN",
                                          color_scheme="light", reduced_motion="reduce")
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())

            def print_page(path: str) -> bytes:
                page = context.new_page()
                try:
                    page.goto(base + path, wait_until="load", timeout=PAGE_TIMEOUT_MS)
                    page.emulate_media(media="print")
                    page.wait_for_function("window.wkPrint !== undefined", timeout=PAGE_TIMEOUT_MS)
                    page.evaluate("window.wkPrint.prepare()")
                    page.evaluate("document.fonts.ready.then(() => true)")
                    raw = page.pdf(prefer_css_page_size=True, print_background=True, outline=True, tagged=True)
                    # Links in the PDF lead to the published site, not to this local server (whose
                    # port changes every run, which would also change a published PDF's bytes).
                    canonical = page.evaluate("(document.querySelector('link[rel=canonical]') || {}).href || ''")
                    here = (base + path).removesuffix("index.html")
                    root = canonical[: len(canonical) - len(here) + len(base)] if canonical.endswith(here[len(base):]) else ""
                    return public_links(raw, base, root) if root else raw
                except PlaywrightError as exc:
                    raise PdfError(f"{path}：Chromium 排版失败：{str(exc).splitlines()[0]}") from None
                finally:
                    page.close()

            try:
                yield print_page
            finally:
                browser.close()
    finally:
        httpd.shutdown()


def public_links(raw: bytes, local: str, public: str) -> bytes:
    """The PDF with every link into ``local`` (the server it was printed from) pointing into ``public``."""
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(raw)))
    for obj in writer._objects:
        action = obj.get("/A") if isinstance(obj, DictionaryObject) and obj.get("/Subtype") == "/Link" else None
        if action is not None:
            action = action.get_object()
            uri = str(action.get("/URI", ""))
            if uri.startswith(local):
                action[NameObject("/URI")] = TextStringObject(public + uri[len(local):])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def finish(raw: bytes, issue: Issue, radicals: dict[int, int] | None = None) -> bytes:
    """Chromium's PDF with fixed metadata (creation date = the issue's publication time), its
    fonts checked to be embedded and its text mapped to the characters the page has."""
    import io

    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(raw))
    _check_fonts_embedded(reader, issue)
    writer = PdfWriter(clone_from=reader)
    _unify_radicals(writer, radical_table() if radicals is None else radicals)
    _renumber_node_ids(writer)
    moment = issue.publication_time.strftime("D:%Y%m%d%H%M%S+08'00'")
    writer.metadata = None
    writer.add_metadata({
        "/Title": f"算力周跟踪 {issue.slug} · {issue.title}",
        "/Subject": issue.lead,
        "/Keywords": "、".join(issue.tags),
        "/Creator": "算力周跟踪 weekly pdf",
        "/Producer": "Chromium (Skia/PDF), pypdf",
        "/CreationDate": moment,
        "/ModDate": moment,
    })
    writer._ID = None   # pypdf would otherwise keep or invent a file identifier; the bytes must repeat
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# Noto CJK draws 力 and the Kangxi radical ⼒ (U+2F12) with one glyph, and Skia's text map
# (ToUnicode) names the lowest code point of a glyph: without this the PDF's text would say
# 算⼒周跟踪 and 末⻚, and a reader searching it for 力 or 页 would not find them.
_RADICALS = range(0x2E80, 0x2FE0)      # CJK Radicals Supplement and Kangxi Radicals
_UNIFIED = (range(0x4E00, 0xA000), range(0x3400, 0x4DC0))


@functools.lru_cache(maxsize=1)
def radical_table() -> dict[int, int]:
    """Radical code point → the unified ideograph the system's CJK font draws with the same glyph
    (Kangxi radicals by their compatibility mapping where the font says nothing)."""
    import unicodedata

    table = {}
    for cp in _RADICALS:
        unified = unicodedata.normalize("NFKC", chr(cp))
        if unified != chr(cp) and len(unified) == 1:
            table[cp] = ord(unified)
    try:
        from fontTools.ttLib import TTFont

        found = subprocess.run(["fc-match", "-f", "%{file}:%{index}", "sans-serif:lang=zh-cn"],
                               capture_output=True, text=True, timeout=60).stdout
        path, _, index = found.rpartition(":")
        cmap = TTFont(path, fontNumber=int(index or 0), lazy=True).getBestCmap()
    except Exception:       # no fontTools, no fontconfig or an unreadable font: the compatibility mapping only
        return table
    glyph_of = {}
    for cp, glyph in sorted(cmap.items()):
        if any(cp in block for block in _UNIFIED):
            glyph_of.setdefault(glyph, cp)
    table.update({cp: glyph_of[glyph] for cp, glyph in cmap.items() if cp in _RADICALS and glyph in glyph_of})
    return table


_BFCHAR = re.compile(rb"^(<[0-9A-Fa-f]+>\s+)<([0-9A-Fa-f]{4})>", re.M)
_BFRANGE = re.compile(rb"^(<([0-9A-Fa-f]+)>\s+<([0-9A-Fa-f]+)>\s+)<([0-9A-Fa-f]{4})>", re.M)


def unify_cmap(cmap: bytes, table: dict[int, int]) -> bytes:
    """A ToUnicode CMap with every radical destination replaced by its unified ideograph; a range
    that runs through one is written out as an array (valid in a bfrange), so no count changes."""
    def char(m: re.Match) -> bytes:
        cp = int(m.group(2), 16)
        return m.group(1) + b"<%04X>" % table.get(cp, cp)

    def span(m: re.Match) -> bytes:
        lo, hi, first = int(m.group(2), 16), int(m.group(3), 16), int(m.group(4), 16)
        targets = [first + i for i in range(hi - lo + 1)]
        if not any(cp in table for cp in targets):
            return m.group(0)
        return m.group(1) + b"[" + b" ".join(b"<%04X>" % table.get(cp, cp) for cp in targets) + b"]"

    blocks = re.split(rb"(beginbfchar|endbfchar|beginbfrange|endbfrange)", cmap)
    out, mode = [], None
    for part in blocks:
        if part in (b"beginbfchar", b"beginbfrange"):
            mode = part
        elif part in (b"endbfchar", b"endbfrange"):
            mode = None
        elif mode == b"beginbfchar":
            part = _BFCHAR.sub(char, part)
        elif mode == b"beginbfrange":
            part = _BFRANGE.sub(span, part)
        out.append(part)
    return b"".join(out)


def _unify_radicals(writer, table: dict[int, int]) -> None:
    done = set()
    for page in writer.pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            stream = font.get("/ToUnicode")
            if stream is None:
                continue
            stream = stream.get_object()
            if id(stream) in done:
                continue
            done.add(id(stream))
            data = stream.get_data()
            fixed = unify_cmap(data, table)
            if fixed != data:
                stream.set_data(fixed)


def _renumber_node_ids(writer) -> None:
    """Chromium names each tagged element by its DOM node number (/ID (node00000463)), and a table
    cell names its header cells by those numbers (/Headers). The numbers follow the order the page's
    nodes were created in, which a change anywhere in the page shifts (the next-issue link, hidden
    in print, filled in a week later) and so does the order the charts happened to be drawn in.
    Each element is renamed by its place in the structure tree (what is printed, in reading order),
    its cells' /Headers with it, and the ID tree rebuilt, so the bytes follow what is printed."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    root = writer.root_object.get("/StructTreeRoot")
    if root is None:
        return
    root = root.get_object()
    renamed: dict[str, str] = {}
    elements: list = []

    pending = [root.get("/K", ArrayObject())]      # depth first, in reading order (a stack, not recursion)
    while pending:
        node = pending.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, ArrayObject):
            pending.extend(reversed(node))
        elif isinstance(node, DictionaryObject) and node.get("/Type", "/StructElem") == "/StructElem" and "/S" in node:
            elements.append(node)
            if "/ID" in node:
                renamed.setdefault(str(node["/ID"]), f"wk{len(renamed):08d}")
            if "/K" in node:
                pending.append(node["/K"])
    names = ArrayObject()
    for element in elements:
        if "/ID" in element:
            new_id = TextStringObject(renamed[str(element["/ID"])])
            element[NameObject("/ID")] = new_id
            names.extend([new_id, element.indirect_reference or element])
        attributes = element.get("/A")
        attributes = attributes.get_object() if attributes is not None else None
        for attribute in attributes if isinstance(attributes, ArrayObject) else [attributes]:
            attribute = attribute.get_object() if attribute is not None else None
            if isinstance(attribute, DictionaryObject) and "/Headers" in attribute:
                attribute[NameObject("/Headers")] = ArrayObject(
                    TextStringObject(renamed[str(h)]) for h in attribute["/Headers"] if str(h) in renamed)
    # The ID tree again, as one sorted leaf in the old root's object; its old nodes (which spell
    # the node numbers) emptied, so no object of the file keeps a number.
    tree = root.get("/IDTree")
    if tree is None:
        return
    tree = tree.get_object()
    stale, pending = [], [tree]
    while pending:
        node = pending.pop()
        stale.append(node)
        pending.extend(kid.get_object() for kid in node.get("/Kids", ()))
    for node in stale:
        node.clear()
    tree[NameObject("/Names")] = names


def _check_fonts_embedded(reader, issue: Issue) -> None:
    # Skia embeds TrueType fonts as CID fonts and others (Noto CJK's CFF outlines in a .ttc) as
    # Type 3 fonts, which carry each glyph's outline and a ToUnicode map (the text stays searchable).
    for font in _fonts(reader):
        if font.get("/Subtype") == "/Type3":
            if "/CharProcs" not in font:
                raise PdfError(f"{issue.slug}：PDF 中有未嵌入字形的字体；请安装 {FONT_PACKAGE}")
            continue
        descriptor = font.get("/FontDescriptor")
        descriptor = descriptor.get_object() if descriptor is not None else None
        if descriptor is not None and not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            raise PdfError(f"{issue.slug}：字体 {font.get('/BaseFont')} 未嵌入 PDF；请安装 {FONT_PACKAGE}")


def _fonts(reader) -> Iterable:
    seen = set()
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        fonts = resources.get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            for part in [font, *[d.get_object() for d in font.get("/DescendantFonts", [])]]:
                if id(part) not in seen:
                    seen.add(id(part))
                    yield part


def pdf_jobs(archive: Archive, issues: Sequence[Issue], seals: dict[str, str], root: Path) -> list[Job]:
    """The jobs for ``issues`` of ``archive``, each with its cache key."""
    keys = pdf_keys(archive, seals, root)
    return [Job(issue, keys[issue.slug]) for issue in issues]


def remove_stale(cache_dir: Path, jobs: Sequence[Job]) -> None:
    """Drop an issue's cached PDFs under other keys (superseded) once its current one exists."""
    current = {f"{job.issue.slug}.{job.key}.pdf" for job in jobs}
    slugs = {job.issue.slug for job in jobs}
    for path in cache_dir.glob("*.pdf"):
        if path.name.split(".", 1)[0] in slugs and path.name not in current:
            path.unlink(missing_ok=True)

