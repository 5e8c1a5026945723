"""The built site holds together: every internal link, anchor and asset resolves inside the build."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from conftest import SITE_PATH

LINK_ATTRS = {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("source", "src"), ("iframe", "src")}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)
            if (tag, name) in LINK_ATTRS and value is not None:
                self.links.append(value)


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def broken_links(site: Path, base_url: str) -> list[str]:
    """Every internal href/src (and #anchor) of every page that does not resolve to a file/id in ``site``."""
    pages = {p: parse(p) for p in site.rglob("*.html")}
    broken = []
    for path, page in pages.items():
        page_url = urljoin(base_url, path.relative_to(site).as_posix())
        for link in page.links:
            url = urlsplit(urljoin(page_url, link))
            if url.scheme not in ("http", "https") or not (url.scheme + "://" + url.netloc + url.path).startswith(base_url):
                if url.scheme in ("http", "https", "mailto", "data", "blob"):
                    continue                      # outside links are checked elsewhere (none may load assets)
                broken.append(f"{path.relative_to(site)}: {link} (scheme)")
                continue
            rel = unquote(url.path[len(urlsplit(base_url).path):])
            target = site / rel
            if rel == "" or rel.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{path.relative_to(site)}: {link} (no file {rel or '/'})")
                continue
            if url.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else parse(target).ids
                if unquote(url.fragment) not in ids:
                    broken.append(f"{path.relative_to(site)}: {link} (no id {unquote(url.fragment)!r})")
    return broken


def test_every_internal_link_anchor_and_asset_of_the_built_site_resolves(built_site, port):
    base_url = f"http://127.0.0.1:{port}/{SITE_PATH}/"
    assert len(list(built_site.rglob("*.html"))) >= 12
    # Each issue's PDF edition is written by `weekly pdf` after the build (test_pdf checks those links).
    edition = re.compile(r"^issues/([\d-]+)/index\.html: 算力周跟踪-\1\.pdf \(no file ")
    assert [b for b in broken_links(built_site, base_url) if not edition.match(b)] == []


def test_the_link_checker_notices_a_missing_page_and_a_missing_anchor(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<a href="a/">ok</a><a href="a/#here">ok</a><a href="b/">no</a>'
                                         '<a href="a/#gone">no</a><a href="#top">no</a><a href="https://x.org/">out</a>',
                                         encoding="utf-8")
    (tmp_path / "a" / "index.html").write_text('<h2 id="here">x</h2>', encoding="utf-8")
    assert broken_links(tmp_path, "http://h/s/") == [
        "index.html: b/ (no file b/)", "index.html: a/#gone (no id 'gone')", "index.html: #top (no id 'top')"]
