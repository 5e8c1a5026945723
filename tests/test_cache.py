"""The per-issue cache: adding a week draws only that week, and cached output equals a fresh draw."""
from __future__ import annotations

from generators.pipeline import run

from conftest import copy_data
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
