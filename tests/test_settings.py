"""Settings reach the MkDocs plugin as its options, and `weekly build` reads the archive once."""
from __future__ import annotations

from click.testing import CliRunner

from conftest import DATA, ROOT
from generators import cli
from generators.load import snapshots


def test_weekly_build_loads_and_checks_the_archive_once(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("WEEKLY_DATA_DIR", raising=False)
    monkeypatch.delenv("WEEKLY_AS_OF", raising=False)
    loads, real = [], snapshots._load_all
    monkeypatch.setattr(snapshots, "_load_all", lambda data_dir, memo=None: loads.append(data_dir) or real(data_dir, memo))
    result = CliRunner().invoke(cli.main, ["build", "--data", str(DATA), "--site-dir", str(tmp_path / "site"),
                                           "--as-of", "2024-11-22 09:00"])
    assert result.exit_code == 0, result.output
    assert loads == [DATA]
    assert (tmp_path / "site" / "issues" / "2024-11-22" / "index.html").is_file()


def test_weekly_build_leaves_no_setting_in_the_environment(tmp_path, monkeypatch):
    import os

    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("WEEKLY_DATA_DIR", raising=False)
    monkeypatch.delenv("WEEKLY_AS_OF", raising=False)
    result = CliRunner().invoke(cli.main, ["build", "--data", str(DATA), "--site-dir", str(tmp_path / "site"),
                                           "--as-of", "2024-11-22 09:00"])
    assert result.exit_code == 0, result.output
    assert "WEEKLY_DATA_DIR" not in os.environ and "WEEKLY_AS_OF" not in os.environ
