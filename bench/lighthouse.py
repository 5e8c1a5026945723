"""Lighthouse (mobile, default throttling) on the seed issue, built for and served at its URL with gzip.

A reader's phone: Lighthouse 12.2.3 (package.json / package-lock.json, `npm ci`) drives headless
Chromium (CHROME_PATH, default /usr/bin/chromium) with its default mobile emulation and
simulated throttling (slow 4G, 4x CPU slowdown). The site is built with SITE_URL set to the
local server's URL, as the deploy builds for its own, and served with gzip as GitHub Pages
serves it. Each run's performance and accessibility scores, TBT, LCP and CLS are printed as a
Markdown table and written to bench/results/lighthouse.md; the JSON reports beside it.

Usage: python3 bench/lighthouse.py [--runs 3] [--page issues/2024-11-22/]
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
RESULTS = ROOT / "bench" / "results"
SITE_PATH = "suanli-weekly"
GZIP_TYPES = (".html", ".js", ".css", ".json", ".xml", ".svg", ".csv")
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, text ones gzip-compressed when the browser accepts it (as GitHub Pages does)."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()          # the redirect to the slashed URL
            path = path / "index.html"
        if (not path.name.endswith(GZIP_TYPES) or "gzip" not in self.headers.get("Accept-Encoding", "")
                or not path.is_file()):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return io.BytesIO(body)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build(port: int, where: Path) -> Path:
    site = where / SITE_PATH
    env = {**os.environ, "SITE_URL": f"http://127.0.0.1:{port}/{SITE_PATH}/"}
    subprocess.run([sys.executable, "-m", "generators.cli", "build", "--site-dir", str(site)], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    return site


def lighthouse(url: str, out: Path) -> dict:
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} missing: run `npm ci` at the repository root")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run([str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
                    "--only-categories=performance,accessibility", f"--chrome-flags={CHROME_FLAGS}"],
                   env=env, check=True, timeout=600)
    report = json.loads(out.read_text(encoding="utf-8"))
    audits = report["audits"]
    return {"performance": report["categories"]["performance"]["score"],
            "accessibility": report["categories"]["accessibility"]["score"],
            "tbt_ms": audits["total-blocking-time"]["numericValue"],
            "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
            "fcp_ms": audits["first-contentful-paint"]["numericValue"],
            "cls": audits["cumulative-layout-shift"]["numericValue"],
            "lighthouse": report["lighthouseVersion"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--page", default="issues/2024-11-22/")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        site = build(port, Path(tmp))
        handler = functools.partial(GzipHandler, directory=str(site.parent))
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{port}/{SITE_PATH}/{args.page}"
        rows = []
        try:
            for run in range(1, args.runs + 1):
                rows.append(lighthouse(url, RESULTS / f"lighthouse-{run}.json"))
        finally:
            httpd.shutdown()
    lines = [f"Lighthouse {rows[0]['lighthouse']}, mobile, default (simulated) throttling, {args.page} served with gzip", "",
             "| run | performance | accessibility | TBT ms | LCP ms | FCP ms | CLS |", "|---|---|---|---|---|---|---|"]
    for run, r in enumerate(rows, start=1):
        lines.append(f"| {run} | {r['performance']:.2f} | {r['accessibility']:.2f} | {r['tbt_ms']:.0f} | "
                     f"{r['lcp_ms']:.0f} | {r['fcp_ms']:.0f} | {r['cls']:.3f} |")
    text = "\n".join(lines) + "\n"
    (RESULTS / "lighthouse.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
