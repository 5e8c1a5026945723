"""Benchmark: how long `weekly serve` takes to show an edit to the newest issue at N weeks.

Synthesises an archive (`weekly synth`), starts `weekly serve` on it, and for each edit — a value
in the newest issue's visits.csv, then a sentence of its issue.md — measures the time from
writing the file until the served issue page shows the new value (polled over HTTP, as the
browser's reload would fetch it). Budget: 2 s at N = 520.

Usage: python3 bench/serve_rebuild.py [--weeks 520] [--repeat 3] [--root CHECKOUT]
(--root: serve from another checkout of the project, e.g. the commit before a change, to compare.)
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_S = 2.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def shown_after(write, url: str, marker: str, timeout: float = 120) -> float:
    """Seconds from ``write()`` until the page at ``url`` contains ``marker``."""
    started = time.perf_counter()
    write()
    while time.perf_counter() - started < timeout:
        if marker in fetch(url):
            return time.perf_counter() - started
        time.sleep(0.05)
    raise SystemExit(f"the edit did not appear within {timeout:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=520)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose weekly serve is timed")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="serve-bench-"))
    data = work / "data"
    subprocess.run([sys.executable, "-m", "generators.cli", "synth", "--weeks", str(args.weeks), "--out", str(data)],
                   cwd=ROOT, check=True, capture_output=True)
    newest = sorted(p for p in data.iterdir() if p.is_dir())[-1]
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    env["PYTHONPATH"] = str(args.root.resolve())
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "generators.cli", "serve", "--data", str(data),
                             "--dev-addr", f"127.0.0.1:{port}"], cwd=args.root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log: list[str] = []
    threading.Thread(target=lambda: log.extend(proc.stdout), daemon=True).start()
    try:
        while not any("Serving on" in line for line in log):
            if proc.poll() is not None:
                raise SystemExit("serve stopped:\n" + "".join(log[-30:]))
            time.sleep(0.2)
        first = time.perf_counter() - started
        url = f"http://127.0.0.1:{port}/suanli-weekly/issues/{newest.name}/"
        visits, issue = newest / "visits.csv", newest / "issue.md"
        csv_times, md_times = [], []
        for i in range(args.repeat):
            text = visits.read_text(encoding="utf-8").splitlines()
            narrative = issue.read_text(encoding="utf-8")
            row = next(n for n, line in enumerate(text[1:], 1) if line.split(",")[0] not in narrative)  # no stated figure
            cells = text[row].split(",")
            cells[4] = str(8765 + i)                     # shown as 8,765万, 8,766万 …
            shown = f"{8765 + i:,}万"
            text[row] = ",".join(cells)
            csv_times.append(shown_after(lambda: visits.write_text("\n".join(text) + "\n", encoding="utf-8"), url, shown))
            time.sleep(1)
            marker = f"预览计时标记{i}号"
            body = issue.read_text(encoding="utf-8") + f"\n{marker}\n"
            md_times.append(shown_after(lambda: issue.write_text(body, encoding="utf-8"), url, marker))
            time.sleep(1)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    best_csv, best_md = min(csv_times), min(md_times)
    print(f"N = {args.weeks}: first build {first:.1f} s")
    print(f"edit newest visits.csv → page shows it: {', '.join(f'{t:.2f}' for t in csv_times)} s (best {best_csv:.2f})")
    print(f"edit newest issue.md   → page shows it: {', '.join(f'{t:.2f}' for t in md_times)} s (best {best_md:.2f})")
    verdict = "PASS" if max(best_csv, best_md) <= BUDGET_S else "FAIL"
    print(f"budget ≤ {BUDGET_S:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
