"""Benchmark: what the PDF edition costs — printing an issue, reusing it, and the archive at 520.

Synthesises an archive of N weeks (`weekly synth`), builds it, then times `weekly pdf` three ways in
one run: cold (every issue printed, empty cache), warm (every issue reused from the cache: what a
Friday deploy pays for the published issues when the cache is restored) and the weekly case (one
week added, its PDF printed, the rest reused). Per-issue figures are extrapolated linearly to 520
issues (printing is one page load and one print per issue, independent of the archive's size).
Also reports the PDF size per issue and for the archive. Writes bench/results/pdf.md (not committed).

Usage: python3 bench/pdf_cost.py [--weeks 12]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
ARCHIVE = 520


def weekly(*args: str) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "generators.cli", *args], cwd=ROOT, env=ENV,
                            capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"step failed: weekly {' '.join(args)}\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return seconds, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=12)
    args = parser.parse_args()
    n = args.weeks
    tmp = Path(tempfile.mkdtemp(prefix="pdf-bench-"))
    try:
        data, site, cache = tmp / "data", tmp / "site", tmp / "cache"
        weekly("synth", "--weeks", str(n + 1), "--out", str(data))
        # the newest week held back, to be "added" for the weekly case
        newest = max(p for p in data.iterdir() if p.is_dir())
        held = tmp / newest.name
        shutil.move(str(newest), held)
        as_of = ["--as-of", "2030-01-01 00:00"]
        weekly("build", "--data", str(data), "--site-dir", str(site), *as_of)
        pdf = ["pdf", "--data", str(data), "--site-dir", str(site), "--cache-dir", str(cache), *as_of]
        cold, _ = weekly(*pdf)
        warm, _ = weekly(*pdf)
        sizes = [p.stat().st_size for p in site.rglob("*.pdf")]
        shutil.move(str(held), data / held.name)
        weekly("build", "--data", str(data), "--site-dir", str(site), *as_of)
        weekly_run, out = weekly(*pdf)
        assert "新排版 1，" in out, out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    per_issue = cold / n
    per_reuse = warm / n
    mean_size = sum(sizes) / len(sizes)
    rows = [
        ("issues in the benchmark archive", f"{n}"),
        ("cold: print every issue (s)", f"{cold:.1f}"),
        ("  per issue (s)", f"{per_issue:.2f}"),
        ("warm: every issue reused from the cache (s)", f"{warm:.1f}"),
        ("weekly: one new issue printed, the rest reused (s)", f"{weekly_run:.1f}"),
        (f"cold at {ARCHIVE} issues, extrapolated (min)", f"{per_issue * ARCHIVE / 60:.1f}"),
        (f"warm at {ARCHIVE} issues, linear upper bound (s; mostly start-up)", f"{per_reuse * ARCHIVE:.1f}"),
        ("PDF size per issue, mean (MB)", f"{mean_size / 1e6:.2f}"),
        (f"PDFs of {ARCHIVE} issues (MB)", f"{mean_size * ARCHIVE / 1e6:.0f}"),
    ]
    table = "| measure | value |\n|---|---|\n" + "".join(f"| {k} | {v} |\n" for k, v in rows)
    print(table)
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "pdf.md").write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
