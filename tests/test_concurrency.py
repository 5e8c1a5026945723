"""Builds at the same time never mix: `weekly serve` (a preview with the embargoed issue) next to
an embargoed `weekly build`, and two builds into one --site-dir. Each project is a copy of this
one in a temporary folder, so its .cache is shared only by the builds of the test.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, copy_data, free_port, weekly
from test_embargo import CANARIES, plant_canaries, site_text

AS_OF = "2024-11-28 12:00"      # before the embargoed 2024-11-29 issue


def project(tmp_path: Path) -> Path:
    """mkdocs.yml and what it points at, copied: the builds share this copy's .cache/weekly."""
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    for folder in ("docs", "overrides", "vendor"):
        shutil.copytree(ROOT / folder, root / folder)
    return root


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "generators.cli", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def stop(process: subprocess.Popen) -> str:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    return process.stdout.read()


@pytest.mark.build
@pytest.mark.parametrize("strict", ["--strict", "--no-strict"])     # --no-strict leaked most, before the fix
def test_an_embargoed_build_made_while_serve_previews_the_embargo_leaks_nothing(tmp_path, strict):
    data = copy_data(tmp_path)
    plant_canaries(data)
    root = project(tmp_path)
    serve = start("serve", "--data", str(data), "--config", str(root / "mkdocs.yml"),
                  "--dev-addr", f"127.0.0.1:{free_port()}")
    try:
        time.sleep(2)       # serve is generating its preview (with the embargoed issue) now
        builds = [start("build", "--data", str(data), "--config", str(root / "mkdocs.yml"),
                        "--site-dir", str(tmp_path / f"site{n}"), "--as-of", AS_OF, strict) for n in range(2)]
        # While they run, edits in data/ make serve rebuild its preview again and again.
        stocks = data / "2024-11-29" / "stocks.csv"
        while any(b.poll() is None for b in builds):
            stocks.write_bytes(stocks.read_bytes())
            time.sleep(1.5)
        outputs = [b.stdout.read() for b in builds]
    finally:
        served = stop(serve)
    assert [b.returncode for b in builds] == [0, 0], outputs
    assert "Serving on" in served or "Building documentation" in served, served
    for n in range(2):
        text = site_text(tmp_path / f"site{n}")
        leaked = [c for c in CANARIES if c in text]
        assert leaked == [], (n, leaked)


def site_files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.mark.build
def test_two_builds_at_once_into_one_site_dir_equal_a_single_build(tmp_path):
    data = copy_data(tmp_path)
    root = project(tmp_path)
    config = str(root / "mkdocs.yml")
    single = weekly("build", "--data", str(data), "--config", config, "--site-dir", str(tmp_path / "single"))
    assert single.returncode == 0, single.stdout + single.stderr
    shutil.rmtree(root / ".cache")
    site = tmp_path / "web" / "site"
    runs = [start("build", "--data", str(data), "--config", config, "--site-dir", str(site)) for _ in range(3)]
    outputs = [r.communicate(timeout=600)[0] for r in runs]
    assert [r.returncode for r in runs] == [0, 0, 0], outputs
    expected, got = site_files(tmp_path / "single"), site_files(site)
    assert sorted(got) == sorted(expected)
    assert [p for p in expected if got[p] != expected[p]] == []
    assert not [p.name for p in site.parent.iterdir() if p.name.startswith((".site-", "site.old-"))]


def test_two_writers_putting_the_same_issue_into_one_cache_both_succeed_and_leave_it_whole(tmp_path):
    import threading

    from generators.assemble.cache import IssueOutput, PageCache

    folder = tmp_path / "pages"
    output = IssueOutput({"issues/2024-11-22.md": "x" * 200_000}, {"issues/2024-11-22/chart-1.csv": b"y" * 200_000})
    errors: list[BaseException] = []

    def writer() -> None:
        cache = PageCache(folder)       # each build has its own PageCache on the shared folder
        try:
            for _ in range(150):
                cache.put("2024-11-22", "k" * 32, output)
        except BaseException as exc:     # noqa: BLE001 - the failure under test
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    cached = PageCache(folder).get("2024-11-22", "k" * 32)
    assert cached is not None and cached.content()["issues/2024-11-22.md"] == "x" * 200_000
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_a_build_removes_the_folders_a_killed_build_left_and_git_ignores_them(tmp_path):
    site = tmp_path / "web" / "site"
    site.parent.mkdir(parents=True)
    dead = 2 ** 22 + 12345      # above the default pid_max: no process has it
    left = [site.parent / f".site-{dead}-a1b2c3", site.parent / f"site.old-{dead}"]
    running = site.parent / f".site-{os.getppid()}-zz"      # pytest's parent is running: in use
    for folder in [*left, running]:
        (folder / "assets").mkdir(parents=True)
    result = weekly("build", "--site-dir", str(site), "--as-of", "2024-11-22 09:00")
    assert result.returncode == 0, result.stdout + result.stderr
    assert [p.exists() for p in left] == [False, False] and running.exists()
    ignored = subprocess.run(["git", "check-ignore", "--no-index", ".site-123-x/", "site.old-123/", ".site.lock"],
                             cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert ignored == [".site-123-x/", "site.old-123/", ".site.lock"]
