"""Benchmark: generation and full build at 52/260/520 weeks, against a naive baseline.

Times and sizes, in one run and each step in its own process (peak memory is that process's
ru_maxrss): generation alone (load + generate, cold), the full `weekly build`, a rebuild after
adding one week to the largest archive (what re-generates, how many page files change; each run
right after a cold one, so the two compare in the same state of the machine), per-issue
page weight (gzip: HTML, a first visit with every asset, a second issue page), the search bytes
a first page view transfers, and the naive baseline of bench/naive.py. Prints a Markdown table
with PASS/FAIL per budget and writes it to bench/results/latest.md.

Usage: python3 bench/run.py [--sizes 52,260,520] [--no-naive] [--no-browser]
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
END = date(2024, 11, 15)
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


# ---- one step in a child process -------------------------------------------------------------

def child(*args: str) -> tuple[float, float, str]:
    """Run a Python child; return (seconds, peak memory MB, stdout). Fails loudly."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"step failed: {' '.join(args)}\n{out[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, out


def generate_step(data: str, pages: str, cache: str) -> None:
    """Child: load + generate (with the page cache), write what changed (as the build does); print JSON."""
    from generators.load.snapshots import load_archive
    from generators.assemble.pipeline import generate
    from generators.assemble.site_files import write
    from generators.assemble.cache import PageCache

    t0 = time.perf_counter()
    archive = load_archive(Path(data))
    t1 = time.perf_counter()
    site = generate(archive, PageCache(Path(cache)), freeze=True)     # as `weekly build` does
    t2 = time.perf_counter()
    total, changed = write(site, Path(pages))
    t3 = time.perf_counter()
    drawn = sum(len(c) for c in site.charts.values())
    print(json.dumps({"load_s": t1 - t0, "generate_s": t2 - t1, "write_s": t3 - t2, "pages": total, "changed": changed,
                      "issues_drawn": len(site.charts), "figures": drawn}))


def last_json(out: str) -> dict:
    return json.loads([line for line in out.splitlines() if line.startswith("{")][-1])


# ---- sizes --------------------------------------------------------------------------------

def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 6))


def bench_config(work: Path) -> Path:
    """The project's mkdocs.yml with absolute paths and its own cache, so runs never touch the repo."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("docs_dir: docs", f"docs_dir: {ROOT / 'docs'}")
    text = text.replace("custom_dir: overrides", f"custom_dir: {ROOT / 'overrides'}")
    text = text.replace("  - weekly:\n", f"  - weekly:\n      cache_dir: {work / 'cache'}\n      vendor_dir: {ROOT / 'vendor'}\n")
    path = work / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    return path


def page_weight(site: Path, first: str, second: str, use_browser: bool) -> dict:
    """gzip bytes: an issue page's HTML, a first visit (every request), a second issue page."""
    if use_browser:
        try:
            return _browser_weight(site, first, second)
        except Exception as exc:   # no Playwright or Chromium: fall back to the built files
            print(f"  (browser measurement unavailable: {exc}; using the built files)")
    return _static_weight(site, first, second)


def _static_weight(site: Path, first: str, second: str) -> dict:
    page = site / "issues" / first / "index.html"
    html = page.read_text(encoding="utf-8")
    assets = re.findall(r'<script src="([^"]+)"', html) + re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html)
    files = {page} | {(page.parent / a.split("?")[0]).resolve() for a in assets if not a.startswith("http")}
    return {"html": gz(page), "first": sum(gz(f) for f in files if f.exists()),
            "second": gz(site / "issues" / second / "index.html"), "search": None, "method": "built files"}


def _browser_weight(site: Path, first: str, second: str) -> dict:
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM, CHROMIUM_ARGS

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"

    def size(urls: set[str]) -> int:
        total = 0
        for url in urls:
            rel = url[len(base):].split("?")[0].split("#")[0]
            path = site / rel
            path = path / "index.html" if path.is_dir() else path
            total += gz(path) if path.is_file() else 0
        return total

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            seen: list[str] = []
            page.on("request", lambda r: seen.append(r.url) if r.url.startswith(base) else None)
            page.goto(f"{base}issues/{first}/", wait_until="networkidle")
            page.wait_for_timeout(1500)   # Material starts its search worker after load
            first_urls = set(seen)
            search = {u for u in first_urls if "search_index" in u}
            seen.clear()
            link = page.locator(f'a[href$="{second}/"]').first
            if link.count():
                link.click()     # instant navigation: only what the new page needs
            else:
                page.goto(f"{base}issues/{second}/", wait_until="networkidle")
            page.wait_for_timeout(1500)
            second_urls = set(seen) - first_urls
            browser.close()
    finally:
        httpd.shutdown()
    return {"html": gz(site / "issues" / first / "index.html"), "first": size(first_urls),
            "second": size(second_urls), "search": size(search), "method": "headless Chromium"}


# ---- the run ------------------------------------------------------------------------------

def machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {platform.system()}"


def measure(n: int, work: Path, naive: bool, repeat: int, plus_one: bool = False) -> dict:
    """Generation, the full build and (if asked) the naive build of an N-week archive.

    Each is run ``repeat`` times, ours and the naive build alternating, and the fastest run is
    kept: on a shared machine a neighbour's load only ever makes a run slower, so the minimum is
    the estimate that drifts least (every run's time is reported too).
    """
    from generators.load.seal import seal
    from generators.tools.synth import write_archive

    data = work / f"data{n}"
    write_archive(data, n, END)
    seal(data, [date.fromisoformat(p.name) for p in data.iterdir() if p.is_dir()])    # published, as a real archive's are
    row: dict = {"n": n, "data": data, "site": work / f"site{n}"}
    if plus_one:
        row["data_plus"] = work / f"data{n}plus1"
        shutil.copytree(data, row["data_plus"])
        write_archive(row["data_plus"], n + 1, END + timedelta(weeks=1))   # same seed: the first n weeks are identical
    gens, weeks = [], []
    for _ in range(repeat):                  # cold each time: no pages, no page cache
        shutil.rmtree(work / f"pages{n}", ignore_errors=True)
        shutil.rmtree(work / f"gencache{n}", ignore_errors=True)
        os.sync()       # the previous run's ~130 MB of writes reach the disk before this run's start
        step = (__file__, "--generate-step")
        gen_s, gen_mb, out = child(*step, str(data), str(work / f"pages{n}"), str(work / f"gencache{n}"))
        gens.append(last_json(out) | {"wall_s": gen_s, "peak_mb": gen_mb})
        if plus_one:     # right after, so that both run in the same state of a drifting machine
            weeks.append(last_json(child(*step, str(row["data_plus"]), str(work / f"pages{n}"), str(work / f"gencache{n}"))[2]))
    row["gen"] = min(gens, key=lambda g: g["generate_s"]) | {
        "load_s": min(g["load_s"] for g in gens), "runs": [g["generate_s"] for g in gens],
        "peak_mb": max(g["peak_mb"] for g in gens)}
    if plus_one:
        row["plus"] = {"gen": min(weeks, key=lambda g: g["generate_s"]) | {
            "runs": [g["generate_s"] for g in weeks], "changed": weeks[0]["changed"]}, "build_s": None}
    config = bench_config(work)
    builds, naives = [], []
    for _ in range(repeat if naive else min(repeat, 2)):
        shutil.rmtree(work / "cache", ignore_errors=True)
        shutil.rmtree(row["site"], ignore_errors=True)
        builds.append(child("-m", "generators.cli", "build", "--data", str(data), "--site-dir", str(row["site"]),
                            "--config", str(config))[:2])
        if naive:
            shutil.rmtree(work / f"naive{n}", ignore_errors=True)
            nv_s, nv_mb, out = child(str(ROOT / "bench" / "naive.py"), str(data), str(work / f"naive{n}"))
            naives.append(last_json(out) | {"s": nv_s, "peak_mb": nv_mb})
    row["build"] = {"s": min(b[0] for b in builds), "runs": [b[0] for b in builds], "peak_mb": max(b[1] for b in builds)}
    if naive:
        row["naive"] = min(naives, key=lambda r: r["s"]) | {"runs": [r["s"] for r in naives], "site": work / f"naive{n}" / "site"}
    print(f"  N={n}: generation {row['gen']['load_s'] + row['gen']['generate_s']:.1f} s, build {row['build']['s']:.1f} s"
          + (f", naive {row['naive']['s']:.1f} s" if naive else ""), flush=True)
    return row


def rebuild_after_week(row: dict, work: Path) -> float:
    """`weekly build` of the archive with one week added (MkDocs rebuilds every page)."""
    build_s, _, _ = child("-m", "generators.cli", "build", "--data", str(row["data_plus"]), "--site-dir",
                          str(work / f"site{row['n']}plus1"), "--config", str(work / "mkdocs.yml"))
    return build_s


def report(rows: list[dict], plus: dict | None, weight: dict, naive_weight: dict | None) -> str:
    big = rows[-1]
    lines = [f"# Benchmark — {time.strftime('%Y-%m-%d %H:%M')}", "", f"Machine: {machine()}", "",
             "## Growth with N", "",
             "| N | load s | generate s | figures | ms / figure | ms / issue (gen) | build s | ms / issue (build) | build peak MB |"
             + (" naive s | build ÷ naive |" if "naive" in big else ""),
             "|---|---|---|---|---|---|---|---|---|" + ("---|---|" if "naive" in big else "")]
    for r in rows:
        g = r["gen"]
        line = (f"| {r['n']} | {g['load_s']:.2f} | {g['generate_s']:.2f} | {g['figures']} | "
                f"{1000 * g['generate_s'] / max(g['figures'], 1):.2f} | {1000 * (g['load_s'] + g['generate_s']) / r['n']:.1f} | "
                f"{r['build']['s']:.1f} | {1000 * r['build']['s'] / r['n']:.0f} | {r['build']['peak_mb']:.0f} |")
        if "naive" in r:
            line += f" {r['naive']['s']:.1f} | {r['build']['s'] / r['naive']['s']:.2f} |"
        lines.append(line)
    g = big["gen"]
    checks = []

    def check(name: str, value: str, ok: bool | None) -> None:
        checks.append(f"| {name} | {value} | {'PASS' if ok else ('n/a' if ok is None else 'FAIL')} |")

    if "naive" in big:
        ratio = big["build"]["s"] / big["naive"]["s"]
        check("full build ≤ 1/3 of naive", f"{big['build']['s']:.1f} s vs {big['naive']['s']:.1f} s = {ratio:.2f} "
              f"(runs: {_runs(big['build'])} vs {_runs(big['naive'])})", ratio <= 1 / 3)
    per_fig = 1000 * g["generate_s"] / max(g["figures"], 1)
    check("generation per figure < 1 ms", f"{per_fig:.2f} ms (generate stage ÷ {g['figures']} figures, runs: {_runs(g, 'generate_s')}; "
          f"load {g['load_s']:.1f} s apart)", per_fig < 1)
    if plus:
        p = plus["gen"]
        ratio = p["generate_s"] / g["generate_s"]
        pairs = " / ".join(f"{w / c:.3f}" for w, c in zip(p["runs"], g["runs"]))
        check("add one week: regeneration < 1/10 of full", f"{p['generate_s']:.2f} s vs {g['generate_s']:.2f} s = {ratio:.3f} "
              f"(runs: {_runs(p, 'generate_s')}; each after its cold run: {pairs}); "
              f"{p['issues_drawn']} issues drawn, {p['changed']} of {p['pages']} pages and files changed; "
              f"with load {p['load_s'] + p['generate_s']:.1f} s, writing {p['write_s']:.2f} s"
              + (f"; mkdocs rebuild {plus['build_s']:.1f} s" if plus["build_s"] else ""), ratio < 0.1)
    check("first visit to an issue page < 1 MB gzip", f"{weight['first'] / 1024:.0f} KB", weight["first"] < 1024 ** 2)
    check("second issue page < 100 KB gzip", f"{weight['second'] / 1024:.1f} KB (its HTML alone {weight['html'] / 1024:.1f} KB)",
          weight["second"] < 100 * 1024)
    if weight["search"] is not None:
        check("no search bytes on a first page view", f"{weight['search'] / 1024:.0f} KB (search_index.json gzip)", weight["search"] == 0)
    index = big["site"] / "search" / "search_index.json"
    if big["n"] >= 520 and index.is_file():
        index_gz = gz(index)
        check("search index < 200 KB gzip (issue 18)", f"{index_gz / 1024:.1f} KB", index_gz < 200 * 1024)
    peak = max(big["build"]["peak_mb"], g["peak_mb"])
    check("peak memory < 1 GB", f"{peak:.0f} MB", peak < 1024)
    lines += ["", f"## Budgets at N = {big['n']}", "", "| budget | measured | result |", "|---|---|---|", *checks]
    lines += ["", f"## Sizes at N = {big['n']} (gzip; page weight by {weight['method']})", "",
              "| | this site | naive |" , "|---|---|---|"]
    nw = naive_weight or {}

    def kb(v):
        return "—" if v is None else f"{v / 1024:.0f} KB"
    nsite = big.get("naive", {}).get("site")
    lines += [f"| issue page HTML | {kb(weight['html'])} | {kb(nw.get('html'))} |",
              f"| first visit, all requests | {kb(weight['first'])} | {kb(nw.get('first'))} |",
              f"| second issue page | {kb(weight['second'])} | {kb(nw.get('second'))} |",
              f"| search bytes on first view | {kb(weight['search'])} | {kb(nw.get('search'))} |",
              f"| search_index.json (raw / gzip) | {index.stat().st_size / 1024:.0f} KB / {kb(gz(index))} | "
              + (f"{(nsite / 'search' / 'search_index.json').stat().st_size / 1024:.0f} KB / {kb(gz(nsite / 'search' / 'search_index.json'))} |" if nsite else "— |"),
              f"| site folder (raw) | {_du(big['site']) / 1024 ** 2:.0f} MB | " + (f"{_du(nsite) / 1024 ** 2:.0f} MB |" if nsite else "— |")]
    return "\n".join(lines) + "\n"


def _runs(result: dict, key: str = "s") -> str:
    """Every run's seconds, for the report (the minimum is the one used)."""
    return " / ".join(f"{v:.2f}" for v in result.get("runs", [result[key]]))


def _du(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="52,260,520", help="comma-separated archive sizes in weeks")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive baseline")
    parser.add_argument("--no-browser", action="store_true", help="size pages from the built files, not Chromium")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "latest.md"))
    parser.add_argument("--rebuild", action="store_true", help="also time `weekly build` after adding the week "
                        "(MkDocs has no incremental build: about a full build)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timing at the largest N; the fastest is kept")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--generate-step", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_step:
        return generate_step(*args.generate_step)
    sizes = [int(s) for s in args.sizes.split(",")]
    work = Path(tempfile.mkdtemp(prefix="weekly-bench-"))
    print(f"benchmark in {work} on {machine()}", flush=True)
    try:
        rows = [measure(n, work, not args.no_naive and n == max(sizes), args.repeat if n == max(sizes) else 1,
                        plus_one=n == max(sizes)) for n in sorted(sizes)]
        big = rows[-1]
        plus = big["plus"]
        if args.rebuild:
            plus["build_s"] = rebuild_after_week(big, work)
        slugs = sorted(p.name for p in (big["site"] / "issues").iterdir())
        first, second = slugs[len(slugs) // 2], slugs[len(slugs) // 2 + 1]
        weight = page_weight(big["site"], first, second, not args.no_browser)
        naive_weight = (page_weight(big["naive"]["site"], first, second, not args.no_browser)
                        if "naive" in big else None)
        table = report(rows, plus, weight, naive_weight)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(table)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(table, encoding="utf-8")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
