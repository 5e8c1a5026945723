"""The synthetic archive the benchmark and scale tests use: ten years of plausible weeks."""
from __future__ import annotations

from datetime import date

from generators.load.snapshots import load_archive
from generators.tools.synth import write_archive


def test_ten_synthetic_years_keep_every_price_visit_and_download_positive_and_plausible(tmp_path):
    write_archive(tmp_path, 520, date(2024, 11, 15))
    archive = load_archive(tmp_path)
    assert len(archive.snapshots) == 520
    for dataset, column in (("gpu_prices", "price"), ("visits", "visits"), ("downloads", "downloads"),
                            ("stocks", "market_cap"), ("stocks", "close")):
        values = [row[column] for row in archive.stacked_rows(dataset)]
        assert values and min(values) > 0, (dataset, column, min(values))
    assert max(r["visits"] for r in archive.stacked_rows("visits")) < 1_000_000     # under 100亿 (visits are in 万) a week
    prices = [r["price"] for r in archive.snapshots[-1].rows["gpu_prices"]]
    first = [r["price"] for r in archive.snapshots[0].rows["gpu_prices"]]
    assert sum(prices) < sum(first)             # GPUs get cheaper over ten years, as in the real market


def test_one_more_synthetic_week_leaves_the_earlier_weeks_byte_for_byte(tmp_path):
    # The benchmark's weekly rebuild adds a week this way and expects only that week to be new.
    short, longer = tmp_path / "short", tmp_path / "longer"
    write_archive(short, 10, date(2024, 11, 15))
    write_archive(longer, 11, date(2024, 11, 22))
    files = sorted(p.relative_to(short) for p in short.rglob("*") if p.is_file())
    assert len(files) == 10 * 5 + 1
    assert all((short / f).read_bytes() == (longer / f).read_bytes() for f in files)
    assert (longer / "2024-11-22" / "issue.md").exists()
