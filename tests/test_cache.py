"""The per-issue cache: adding a week draws only that week, and cached output equals a fresh draw."""
from __future__ import annotations

import gc
from pathlib import Path

import pytest

from generators.errors import BuildError
from generators.mkdocs_plugin import WeeklyPlugin
from generators.assemble.pipeline import run
from generators.assemble.site_files import WRITTEN, write

from conftest import ROOT, copy_data
from test_immutability import NEXT, add_next_week


def test_a_cached_build_after_adding_a_week_draws_only_the_new_issue_and_matches_a_fresh_one(tmp_path):
    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    first = run(data, cache_dir=cache)
    assert len(first.charts) == 8                        # a cold cache draws every issue
    add_next_week(data)
    cached = run(data, cache_dir=cache)
    assert sorted(cached.charts) == [NEXT]               # only the new week is drawn
    fresh = run(data)
    assert cached.pages == fresh.pages
    assert cached.files == fresh.files
    assert cached.words == fresh.words


def test_earlier_issues_download_files_do_not_change_when_a_week_is_added(tmp_path):
    data = copy_data(tmp_path)
    before = run(data)
    add_next_week(data)
    after = run(data)
    old = {rel: blob for rel, blob in before.files.items() if rel.startswith("issues/")}
    assert old and all(after.files[rel] == blob for rel, blob in old.items())


def test_editing_an_old_snapshot_redraws_it_and_every_later_issue(tmp_path):
    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    run(data, cache_dir=cache)
    path = data / "2024-11-08" / "gpu_prices.csv"        # no narrative states GPU prices
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[3] = "12345"
    path.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    site = run(data, cache_dir=cache)
    assert sorted(site.charts) == ["2024-11-08", "2024-11-15", "2024-11-22"]
    assert site.pages == run(data).pages


def _snapshot_of(folder):
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def test_a_weekly_write_leaves_every_earlier_issues_files_untouched_and_equals_a_fresh_write(tmp_path):
    data, cache, out = copy_data(tmp_path), tmp_path / "cache", tmp_path / "out"
    write(run(data, cache_dir=cache), out)
    before = _snapshot_of(out)
    add_next_week(data)
    site = run(data, cache_dir=cache)
    total, changed = write(site, out)
    after = _snapshot_of(out)
    earlier = [rel for rel in before if rel.startswith("issues/") and not rel.startswith(f"issues/{NEXT}")]
    assert earlier and all(after[rel] == before[rel] for rel in earlier)     # same bytes, same mtime: not rewritten
    assert changed == sum(1 for rel in after if after[rel] != before.get(rel)) - 1   # less the record of what is written
    fresh = tmp_path / "fresh"
    write(run(data), fresh)
    assert {rel: blob for rel, (blob, _) in after.items() if rel != WRITTEN} == \
           {rel: blob for rel, (blob, _) in _snapshot_of(fresh).items()}
    assert total == len(_snapshot_of(fresh))


def test_a_cached_issue_missing_from_the_written_folder_is_written_again(tmp_path):
    data, cache, out = copy_data(tmp_path), tmp_path / "cache", tmp_path / "out"
    write(run(data, cache_dir=cache), out)
    page = out / "issues" / "2024-11-08.md"
    text = page.read_text(encoding="utf-8")
    page.unlink()
    (out / "issues" / "2024-11-08" / "chart-2.csv").unlink()
    site = run(data, cache_dir=cache)
    assert "2024-11-08" not in site.charts                  # still read from the cache, not drawn
    write(site, out)
    assert page.read_text(encoding="utf-8") == text
    assert (out / "issues" / "2024-11-08" / "chart-2.csv").read_bytes() == site.files["issues/2024-11-08/chart-2.csv"]


def test_a_serve_rebuild_leaves_the_cycle_collector_as_it_found_it(tmp_path):
    # `mkdocs serve` regenerates in one long process: nothing may be frozen out of the collector's
    # reach there (a one-shot build freezes what it made; see pipeline.generate).
    plugin = WeeklyPlugin()
    plugin.on_startup(command="serve", dirty=False)
    frozen = gc.get_freeze_count()
    run(copy_data(tmp_path), freeze=plugin._one_shot)
    assert gc.isenabled() and gc.get_freeze_count() == frozen
    plugin.on_startup(command="build", dirty=False)
    assert plugin._one_shot


def test_a_damaged_cache_entry_is_drawn_again_never_served(tmp_path):
    data, cache, out = copy_data(tmp_path), tmp_path / "cache" / "pages", tmp_path / "out"
    write(run(data, cache_dir=cache), out)
    (out / "issues" / "2024-11-08.md").unlink()                     # the folder lacks it: read from the cache
    for body in cache.glob("2024-11-08.*.body.pickle"):
        body.write_bytes(b"not a pickle")
    site = run(data, cache_dir=cache)
    assert "2024-11-08" in site.charts                              # the damaged entry was not used
    write(site, out)
    assert (out / "issues" / "2024-11-08.md").read_text(encoding="utf-8") == run(data).pages["issues/2024-11-08.md"]


def test_a_cached_body_that_changed_after_it_was_listed_says_so_and_how_to_recover(tmp_path):
    data, cache, out = copy_data(tmp_path), tmp_path / "cache" / "pages", tmp_path / "out"
    write(run(data, cache_dir=cache), out)
    (out / "issues" / "2024-11-08.md").unlink()
    site = run(data, cache_dir=cache)                               # listed from the cache, unread
    for body in cache.glob("2024-11-08.*.body.pickle"):
        body.write_bytes(body.read_bytes()[:-1] + b"x")            # then damaged before it is read
    with pytest.raises(BuildError, match="删除 .*cache"):
        write(site, out)


def test_a_written_page_edited_or_emptied_by_hand_is_written_again(tmp_path):
    data, cache, out = copy_data(tmp_path), tmp_path / "cache" / "pages", tmp_path / "out"
    write(run(data, cache_dir=cache), out)
    page, csv = out / "issues" / "2024-11-08.md", out / "issues" / "2024-11-08" / "chart-2.csv"
    good_page, good_csv = page.read_bytes(), csv.read_bytes()
    page.write_text(page.read_text(encoding="utf-8").replace("2024-11-08", "篡改"), encoding="utf-8")
    csv.write_bytes(b"")
    write(run(data, cache_dir=cache), out)
    assert page.read_bytes() == good_page and csv.read_bytes() == good_csv


def test_what_a_build_draws_reaches_mkdocs_in_memory_and_only_cached_issues_through_files(tmp_path, monkeypatch):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    def built(site: Path):
        config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(site))
        plugin = config.plugins["weekly"]
        plugin.config.cache_dir, plugin.config.as_of = str(tmp_path / "cache"), "2024-11-22 09:00"
        build(config)
        return sorted(p.relative_to(tmp_path / "cache" / "docs").as_posix() for p in (tmp_path / "cache" / "docs").rglob("*.md"))

    monkeypatch.chdir(ROOT)
    assert built(tmp_path / "cold") == []                     # every page drawn: none written to disk
    assert (tmp_path / "cold" / "issues" / "2024-11-22" / "index.html").is_file()
    warm = built(tmp_path / "warm")                           # the published issues come from the page cache
    assert "issues/2024-11-15.md" in warm and "issues/2024-11-22.md" not in warm
    assert (tmp_path / "warm" / "issues" / "2024-11-15" / "index.html").read_bytes() == \
        (tmp_path / "cold" / "issues" / "2024-11-15" / "index.html").read_bytes()
