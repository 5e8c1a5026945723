"""The benchmark command of the README still runs end to end (on a tiny archive, without timing anything)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.build
def test_the_benchmark_runs_and_writes_its_budget_table(tmp_path):
    out = tmp_path / "latest.md"
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--sizes", "6", "--no-naive", "--no-browser",
                          "--repeat", "1", "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    table = out.read_text(encoding="utf-8")
    for budget in ("generation per figure < 1 ms", "add one week: regeneration < 1/10 of full",
                   "second issue page < 100 KB gzip", "peak memory < 1 GB"):
        assert f"| {budget} |" in table
    assert "| 6 | " in table                     # the growth row of the archive it built
