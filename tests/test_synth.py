"""The synthetic archive the benchmark and scale tests use: ten years of plausible weeks."""
from __future__ import annotations

from datetime import date

from generators.load import load_archive
from generators.synth import write_archive


def test_ten_synthetic_years_keep_every_price_visit_and_download_positive(tmp_path):
    write_archive(tmp_path, 520, date(2024, 11, 15))
    archive = load_archive(tmp_path)
    assert len(archive.snapshots) == 520
    for dataset, column in (("gpu_prices", "price"), ("visits", "visits"), ("downloads", "downloads"),
                            ("stocks", "market_cap"), ("stocks", "close")):
        values = [row[column] for row in archive.stacked_rows(dataset)]
        assert values and min(values) > 0, (dataset, column, min(values))
    prices = [r["price"] for r in archive.snapshots[-1].rows["gpu_prices"]]
    first = [r["price"] for r in archive.snapshots[0].rows["gpu_prices"]]
    assert sum(prices) < sum(first)             # GPUs get cheaper over ten years, as in the real market
