"""`weekly serve` as the analyst meets it: a busy port is one line before any build; a bad edit
shows the located problems on the page while the last good page stays."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from conftest import ROOT, SITE_PATH, copy_data, free_port

SEED = "2024-11-22"


def test_a_busy_port_is_one_clear_line_before_any_build():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "generators.cli", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                                cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr == (f"端口 {port} 已被占用（也许另一个 weekly serve 还开着）：关掉它，或换一个端口，"
                             f"如 weekly serve --dev-addr 127.0.0.1:{port + 1}\n")
    assert result.stdout == ""
    assert time.perf_counter() - started < 10       # no build was attempted


class Served:
    """A running `weekly serve`, its log collected as it comes."""

    def __init__(self, data, port):
        self.log: list[str] = []
        self.proc = subprocess.Popen([sys.executable, "-m", "generators.cli", "serve", "--data", str(data),
                                      "--dev-addr", f"127.0.0.1:{port}"], cwd=ROOT, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True,
                                     env={k: v for k, v in os.environ.items() if k != "SITE_URL"})
        threading.Thread(target=self._read, daemon=True).start()
        self.base = f"http://127.0.0.1:{port}/{SITE_PATH}/"

    def _read(self):
        for line in self.proc.stdout:
            self.log.append(line)

    def wait_for(self, text: str, after: int = 0, timeout: float = 240) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for i, line in enumerate(self.log[after:], start=after):
                if text in line:
                    return i + 1
            if self.proc.poll() is not None or any("An error happened during the rebuild" in l for l in self.log[after:]):
                break
            time.sleep(0.2)
        raise AssertionError(f"no {text!r} in the serve log:\n" + "".join(self.log[-40:]))

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.base + path, timeout=30) as response:
            return response.read().decode("utf-8")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


@pytest.mark.build
def test_a_bad_edit_shows_the_located_problems_above_the_last_good_page(tmp_path):
    data = copy_data(tmp_path)
    served = Served(data, free_port())
    try:
        seen = served.wait_for("Serving on")
        assert f"Serving on {served.base}" in served.log[seen - 1]    # the address the routine page gives
        page = served.get(f"issues/{SEED}/")
        assert "ChatGPT周访问量突破9亿" in page and "wk-preview-problems" not in page
        stocks = data / SEED / "stocks.csv"
        good = stocks.read_text(encoding="utf-8")
        stocks.write_text(good.replace("英伟达,NVDA.O,美股,GPU/CPU,3.54", "英伟达,NVDA.O,美股,GPU/CPU,3.54%"), encoding="utf-8")
        seen = served.wait_for("Reloading browsers", served.wait_for("数据校验未通过", seen))
        page = served.get(f"issues/{SEED}/")
        assert "wk-preview-problems" in page
        assert ("data/2024-11-22/stocks.csv:2: 列 &#x27;change_pct&#x27;：应为数字，实际为 &#x27;3.54%&#x27;"
                "（提示：不要带百分号，单位见“数据说明”页）") in page
        assert "ChatGPT周访问量突破9亿" in page          # the last good page is still there
        stocks.write_text(good, encoding="utf-8")
        seen = served.wait_for("Reloading browsers", seen)
        assert "wk-preview-problems" not in served.get(f"issues/{SEED}/")
        # a good edit is drawn too (serve's rebuild redraws the pages the edit changes)
        visits = data / SEED / "visits.csv"
        assert "9.50亿" not in served.get(f"issues/{SEED}/")
        visits.write_text(visits.read_text(encoding="utf-8").replace("ChatGPT,text,海外,2024-11-08,90500",
                                                                      "ChatGPT,text,海外,2024-11-08,95000"), encoding="utf-8")
        served.wait_for("Reloading browsers", seen)
        assert "9.50亿" in served.get(f"issues/{SEED}/")
    finally:
        served.stop()


@pytest.mark.build
def test_build_reports_its_progress_as_it_goes(tmp_path):
    result = subprocess.run([sys.executable, "-m", "generators.cli", "build", "--data", str(copy_data(tmp_path)),
                             "--site-dir", str(tmp_path / "site")], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    out = result.stdout + result.stderr
    assert "   已生成 8 期的页面与图表（" in out
    steps = [line for line in result.stderr.splitlines() if line.startswith("   渲染页面 ")]
    assert [s.split("（")[1].split("%")[0] for s in steps] == [str(p) for p in range(10, 101, 10)]
    total = steps[-1].split("/")[1].split("（")[0]
    assert steps[-1].startswith(f"   渲染页面 {total}/{total}（100%")


def _project(where):
    """A project folder of its own (its own .cache): mkdocs.yml, with docs/, overrides/ and vendor/ linked."""
    where.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", where / "mkdocs.yml")
    for name in ("docs", "overrides", "vendor"):
        (where / name).symlink_to(ROOT / name, target_is_directory=True)
    return where


def _serve_build(data, site_dir, project=ROOT):
    """A serve-mode MkDocs build of ``data`` into ``site_dir``, in this process, as generators/preview.py makes it."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ["WEEKLY_DATA_DIR"], os.environ["WEEKLY_AS_OF"] = str(data), "preview"
    try:
        config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site_dir), strict=False,
                             site_url="http://127.0.0.1:8000/suanli-weekly/")
    finally:
        del os.environ["WEEKLY_DATA_DIR"], os.environ["WEEKLY_AS_OF"]
    config.plugins.on_startup(command="serve", dirty=True)
    build(config, serve_url=config.site_url, dirty=True)
    return config


def _fresh(data, tmp_path, name="fresh") -> dict[str, bytes]:
    """What a full build of ``data`` draws from nothing: another project folder, its own page
    cache, no snapshots remembered from earlier loads."""
    from generators import mkdocs_plugin

    mkdocs_plugin.LOADED.pop(data.resolve(), None)
    _serve_build(data, tmp_path / name, _project(tmp_path / f"{name}-project"))
    return _pages(tmp_path / name)


def _pages(site_dir) -> dict[str, bytes]:
    return {str(p.relative_to(site_dir)): p.read_bytes() for p in sorted(site_dir.rglob("*"))
            if p.is_file() and not p.name.startswith("search_index") and p.name not in ("sitemap.xml", "sitemap.xml.gz")
            and not p.name.endswith(".xml")}     # feeds and the search index: redrawn by the next full build only


def _aged(data):
    """The data as it is on a Friday morning: written an hour ago (the loader remembers only
    folders that are not being written to: see snapshots.RACY_NS)."""
    old = time.time() - 3600
    for path in data.rglob("*"):
        os.utime(path, (old, old))
    return data


def _replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.build
def test_an_edit_to_data_redraws_what_a_full_build_would_and_nothing_else(tmp_path):
    data = _aged(copy_data(tmp_path))
    project = _project(tmp_path / "project")
    config = _serve_build(data, tmp_path / "served", project)
    weekly = config.plugins["weekly"]
    before = _pages(tmp_path / "served")
    _replace(data / SEED / "visits.csv", "ChatGPT,text,海外,2024-11-08,90500", "ChatGPT,text,海外,2024-11-08,95000")
    assert weekly.refresh() is True            # the quick path, not a full rebuild
    after = _pages(tmp_path / "served")
    assert after == _fresh(data, tmp_path)     # every page and download as a full build draws them
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    assert f"issues/{SEED}/index.html" in changed and "entities/chatgpt/index.html" in changed
    assert "issues/2024-11-08/index.html" not in changed and "data/downloads/visits.csv" in changed


@pytest.mark.build
def test_an_edit_to_an_earlier_issue_after_a_restart_redraws_it_and_every_later_one(tmp_path):
    data = _aged(copy_data(tmp_path))
    project = _project(tmp_path / "project")
    _serve_build(data, tmp_path / "served", project)
    # serve started again on the cache the first one left: the published issues come from it, unread
    config = _serve_build(data, tmp_path / "served", project)
    _replace(data / "2024-11-15" / "issue.md", "title: ", "title: 更正后的标题：")
    assert config.plugins["weekly"].refresh() is True
    after = _pages(tmp_path / "served")
    assert "更正后的标题" in after["issues/2024-11-15/index.html"].decode()
    assert "更正后的标题" in after["issues/2024-11-08/index.html"].decode()      # its 下一期 link reads the new title
    assert after == _fresh(data, tmp_path)


@pytest.mark.build
def test_a_bad_edit_keeps_the_last_good_page_and_a_removed_issue_needs_a_full_build(tmp_path):
    data = copy_data(tmp_path)
    config = _serve_build(data, tmp_path / "served")
    plugin = config.plugins["weekly"]
    stocks = data / SEED / "stocks.csv"
    good = stocks.read_text(encoding="utf-8")
    stocks.write_text(good.replace("英伟达,NVDA.O,美股,GPU/CPU,3.54", "英伟达,NVDA.O,美股,GPU/CPU,3.54%"), encoding="utf-8")
    assert plugin.refresh() is True
    page = (tmp_path / "served" / "issues" / SEED / "index.html").read_text(encoding="utf-8")
    assert "wk-preview-problems" in page and "ChatGPT周访问量突破9亿" in page     # the problems above the last good page
    stocks.write_text(good, encoding="utf-8")
    assert plugin.refresh() is True
    assert "wk-preview-problems" not in (tmp_path / "served" / "issues" / SEED / "index.html").read_text(encoding="utf-8")
    shutil.rmtree(data / SEED)
    assert plugin.refresh() is False            # pages gone (or new): MkDocs rebuilds in full


def test_a_cached_page_whose_entry_this_run_replaced_counts_as_changed(tmp_path):
    """An earlier issue edited: generation draws it again and drops its old cache entry, which the
    served site still lists unread. The comparison must not read it (a BuildError), but redraw."""
    from generators.assemble.cache import IssueOutput, PageCache
    from generators.assemble.pipeline import Outputs
    from generators.mkdocs_plugin import _differs

    PageCache(tmp_path).put("2024-11-15", "k1", IssueOutput({"issues/2024-11-15.md": "旧标题"}, {}))
    before = Outputs()
    held = PageCache(tmp_path).get("2024-11-15", "k1")
    before.hold(held.pages, held)                      # listed, unread, as a warm build leaves it
    PageCache(tmp_path).put("2024-11-15", "k2", IssueOutput({"issues/2024-11-15.md": "新标题"}, {}))
    after = Outputs()
    after["issues/2024-11-15.md"] = "新标题"
    assert _differs(before, after, "issues/2024-11-15.md") is True


def test_the_preview_loader_reads_again_only_what_changed_and_what_follows_it(tmp_path):
    from generators.load.snapshots import load_archive

    data, memo = _aged(copy_data(tmp_path)), {}
    first = load_archive(data, memo=memo)
    again = load_archive(data, memo=memo)
    assert all(a is b for a, b in zip(first.snapshots, again.snapshots))      # nothing read twice
    _replace(data / "2024-11-15" / "visits.csv", "ChatGPT,text,海外,2024-11-01,86656", "ChatGPT,text,海外,2024-11-01,86657")
    edited = load_archive(data, memo=memo)
    days = [s.issue.slug for s in edited.snapshots]
    kept = {s.issue.slug for a, s in zip(again.snapshots, edited.snapshots) if a is s}
    assert kept == set(days[:days.index("2024-11-15")])          # the edited week and every later one read again
    assert edited.snapshots == load_archive(data).snapshots        # as a load from nothing reads them
