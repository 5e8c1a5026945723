"""What search costs a reader: index bytes, first-view bytes and typing-to-results time.

Builds a synthetic archive (``weekly synth``) and the site for a local server, then loads it in
headless Chromium. Run from the repository root:

    PYTHONPATH=$PWD python3 bench/search_cost.py --weeks 520
    PYTHONPATH=$PWD python3 bench/search_cost.py --weeks 520 --project /tmp/old-checkout   # compare

Prints one JSON object (and writes it to bench/results/search_cost-<weeks>.json).
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SEARCH_FILES = ("search/search_index.json", "javascripts/workers/", "javascripts/lunr/")
QUERIES = ["寒武纪", "H100", "H100 价格"]


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 6))


def build(project: Path, data: Path, site: Path, url: str) -> float:
    start = time.perf_counter()
    env = {**os.environ, "SITE_URL": url, "PYTHONPATH": str(project)}
    result = subprocess.run([sys.executable, "-m", "generators.cli", "build", "--data", str(data),
                             "--site-dir", str(site)], cwd=project, env=env, capture_output=True, text=True)
    if result.returncode:
        sys.exit(result.stdout + result.stderr)
    return time.perf_counter() - start


def serve(root: Path, port: int) -> http.server.ThreadingHTTPServer:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Quiet, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def first_view(browser, url: str, site: Path) -> dict:
    """Bytes a first visit to ``url`` transfers (files as served; gzip estimated per file)."""
    context = browser.new_context()
    page = context.new_page()
    paths: list[str] = []
    page.on("requestfinished", lambda r: paths.append(r.url))
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(1500)               # the search worker starts after load
    context.close()
    rows = []
    for u in paths:
        rel = u.split("/suanli-weekly/", 1)[-1].split("?")[0] or "index.html"
        f = site / rel
        if f.is_dir():
            f = f / "index.html"
        if f.is_file():
            body = f.read_bytes()
            rows.append((rel, len(body), gz(body)))
    search = [r for r in rows if any(s in r[0] for s in SEARCH_FILES)]
    return {"requests": len(rows), "raw": sum(r[1] for r in rows), "gzip": sum(r[2] for r in rows),
            "search_raw": sum(r[1] for r in search), "search_gzip": sum(r[2] for r in search),
            "search_files": [r[0] for r in search]}


def typing_to_results(browser, url: str, query: str) -> dict:
    """Milliseconds from the first keystroke to the first result, on a fresh page and then again."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    box = page.locator("input.md-search__input")
    times = []
    for _ in range(2):
        box.click()
        box.fill("")
        box.press("End")
        page.wait_for_function("!document.querySelector('.md-search-result__item')", timeout=10000)
        start = time.perf_counter()
        box.press_sequentially(query, delay=0)
        box.press("End")
        page.wait_for_selector(".md-search-result__item", timeout=120000)
        times.append(round((time.perf_counter() - start) * 1000))
        page.keyboard.press("Escape")
    context.close()
    return {"query": query, "cold_ms": times[0], "warm_ms": times[1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=520)
    parser.add_argument("--project", type=Path, default=ROOT, help="checkout to build with (default: this one)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/search-cost"))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    data = args.work / f"synth{args.weeks}"
    if not data.exists():
        subprocess.run([sys.executable, "-m", "generators.cli", "synth", "--weeks", str(args.weeks), "--out", str(data)],
                       cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True, capture_output=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/suanli-weekly/"
    site = args.work / f"site-{args.project.name}-{args.weeks}" / "suanli-weekly"
    seconds = build(args.project, data, site, url)
    index = (site / "search" / "search_index.json").read_bytes()
    docs = json.loads(index)["docs"]
    httpd = serve(site.parent, port)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            latest = sorted(x.name for x in (site / "issues").iterdir())[-1]
            result = {
                "weeks": args.weeks, "project": str(args.project), "build_seconds": round(seconds, 1),
                "index_raw": len(index), "index_gzip": gz(index), "index_entries": len(docs),
                "first_view_home": first_view(browser, url, site),
                "first_view_issue": first_view(browser, f"{url}issues/{latest}/", site),
                "typing": [typing_to_results(browser, url, q) for q in QUERIES],
            }
            browser.close()
    finally:
        httpd.shutdown()
    out = ROOT / "bench" / "results" / f"search_cost-{args.weeks}-{args.project.name}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
