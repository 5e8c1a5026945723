"""Shared fixtures: a real MkDocs build of the sample archive, a local HTTP server, Chromium."""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from generators.load.seal import SEALS_FILE

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Flags that work on closed-network machines: without the background-networking ones
# Chromium keeps trying (and failing) to reach Google's hosts.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def weekly(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the `weekly` command as a user would."""
    return subprocess.run([sys.executable, "-m", "generators.cli", *args], cwd=cwd, env={**os.environ, **(env or {})},
                          capture_output=True, text=True, timeout=600)


def copy_data(tmp_path: Path, *, sealed: bool = False) -> Path:
    """A copy of data/ to edit. Without its seals (data/published.sha256) unless asked: most tests
    edit published issues on purpose to see what the pipeline makes of it; test_seal checks that a
    sealed copy refuses the same edits."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target, ignore=None if sealed else shutil.ignore_patterns(SEALS_FILE))
    return target


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SITE_PATH = "suanli-weekly"   # served under a path, as a GitHub Pages project site is


@pytest.fixture(scope="session")
def port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, port) -> Path:
    """The sample archive built once by `weekly build` (strict), for the test server's URL.

    Material's instant navigation only follows links found in sitemap.xml, matched by host,
    port and path, so the site is built for the exact URL the browser tests load it from.
    """
    site = tmp_path_factory.mktemp("build") / SITE_PATH
    result = weekly("build", "--site-dir", str(site), env={"SITE_URL": f"http://127.0.0.1:{port}/{SITE_PATH}/"})
    assert result.returncode == 0, result.stdout + result.stderr
    return site


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server(built_site, port) -> str:
    handler = functools.partial(_Quiet, directory=str(built_site.parent))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}/{SITE_PATH}"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run the README's test command, which installs it")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A fresh page that records console errors and every request to another host."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    pg.errors = []
    pg.outside = []
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("request", lambda r: pg.outside.append(r.url) if not r.url.startswith((server, "data:", "blob:")) else None)
    yield pg
    context.close()


def type_like_a_person(page, box, text: str) -> None:
    """Key by key; CJK characters arrive as IME input, so the commit key's keyup ends the word."""
    box.click()
    box.press_sequentially(text, delay=60)
    box.press("End")


def search(page, server: str, query: str) -> list[str]:
    """Type a query into Material's search on the home page as a person would; the result pages'
    URLs in order, one per page (Material lists a page, then its matching sections)."""
    page.goto(f"{server}/")
    type_like_a_person(page, page.locator("input.md-search__input"), query)
    page.wait_for_selector(".md-search-result__item", timeout=20000)
    links = page.locator(".md-search-result__item > a").evaluate_all("els => els.map(e => e.href.split(/[?#]/)[0])")
    return list(dict.fromkeys(links))


def scroll_through_charts(page) -> None:
    """Scroll past every chart as a reader would: charts are drawn as they near the viewport."""
    page.wait_for_selector(".wk-plot", state="attached", timeout=20000)
    for i in range(page.locator(".wk-plot").count()):
        page.locator(".wk-plot").nth(i).scroll_into_view_if_needed()
