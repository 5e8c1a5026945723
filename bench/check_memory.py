"""Peak memory and time of `weekly check` on a one-million-row CSV (the limit: 500 MB peak).

Three files, each put in a copy of the sample archive as the newest issue's visits.csv:
``bad``: every row's number unreadable (a million errors, capped at 20 lines and a count);
``unknown``: every row well formed but naming an unregistered product;
``valid``: a million well-formed rows of registered products (unique weeks are impossible within
one issue's period, so rows differ by product and repeat one week: duplicates, but late ones).
Also the refusal of a file above the size limit, which must not read it at all.

Usage: python3 bench/check_memory.py [WORK_DIR]   (prints one JSON line per case)
"""
from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROWS = 1_000_000
LIMIT_MB = 500


def write_visits(path: Path, kind: str) -> None:
    with path.open("w", encoding="utf-8") as f:
        f.write("product,category,region,week,visits,sample\n")
        for n in range(ROWS):
            if kind == "bad":
                f.write(f"ChatGPT,text,海外,2024-11-08,n/a{n},true\n")
            elif kind == "unknown":
                f.write(f"产品{n},text,海外,2024-11-08,{n % 90000 + 1},true\n")
            else:
                f.write(f"ChatGPT,text,海外,2024-11-08,{n % 90000 + 1},true\n")


def measure(data: Path) -> dict:
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "generators.cli", "check", "--data", str(data)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = process.communicate()
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024      # MB; the largest child so far
    return {"rc": process.returncode, "seconds": round(elapsed, 1), "peak_mb_so_far": round(peak),
            "stderr_lines": len(err.splitlines()), "last_line": err.splitlines()[-2:] if err else []}


def main() -> None:
    work = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="check-memory-"))
    results = {}
    # Smallest first: getrusage(RUSAGE_CHILDREN) reports the largest child so far.
    for kind in ("oversize", "bad", "unknown", "valid"):
        data = work / kind / "data"
        shutil.rmtree(data.parent, ignore_errors=True)
        shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("published.sha256"))
        target = data / "2024-11-22" / "visits.csv"
        if kind == "oversize":
            with target.open("ab") as f:
                f.truncate(65 * 2**20)          # sparse: 65 MB on paper, nothing read or written
        else:
            write_visits(target, kind)
        result = {"case": kind, "bytes": target.stat().st_size, **measure(data)}
        results[kind] = result
        print(json.dumps(result, ensure_ascii=False), flush=True)
    worst = max(r["peak_mb_so_far"] for r in results.values())
    print(json.dumps({"peak_mb": worst, "limit_mb": LIMIT_MB, "within": worst <= LIMIT_MB}))


if __name__ == "__main__":
    main()
