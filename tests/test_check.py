"""`weekly check`: every kind of bad input gets one located line and exit code 1, no traceback."""
from __future__ import annotations

import shutil
from pathlib import Path

from conftest import DATA, copy_data, weekly

SEED = "2024-11-22"


def run_check(data: Path):
    result = weekly("check", "--data", str(data))
    assert "Traceback" not in result.stderr
    return result


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_check_accepts_the_shipped_archive():
    result = run_check(DATA)
    assert result.returncode == 0, result.stderr
    assert "8 期" in result.stdout


def test_check_reports_a_missing_column_with_file_and_header_line(tmp_path):
    data = copy_data(tmp_path)
    edit(data / SEED / "stocks.csv", "name,ticker,market,segment,change_pct,", "name,ticker,market,segment,")
    result = run_check(data)
    assert result.returncode == 1
    assert "data/2024-11-22/stocks.csv:1: 缺少列 'change_pct'（提示：表头应为：name,ticker,market,segment,change_pct,market_cap,close,sample）" in result.stderr


def test_check_rejects_a_non_numeric_value_naming_row_and_column(tmp_path):
    data = copy_data(tmp_path)
    edit(data / SEED / "stocks.csv", "AMD,AMD.O,美股,GPU/CPU,3.33", "AMD,AMD.O,美股,GPU/CPU,n/a")
    result = run_check(data)
    assert result.returncode == 1
    assert "data/2024-11-22/stocks.csv:3: 列 'change_pct'：应为数字，实际为 'n/a'" in result.stderr


def test_check_rejects_full_width_digits_with_a_hint(tmp_path):
    data = copy_data(tmp_path)
    edit(data / SEED / "stocks.csv", "AMD,AMD.O,美股,GPU/CPU,3.33", "AMD,AMD.O,美股,GPU/CPU,＋３．３３％")
    result = run_check(data)
    assert "data/2024-11-22/stocks.csv:3: 列 'change_pct'：应为数字，实际为 '＋３．３３％'（提示：请改用半角数字和符号，如 3.54）" in result.stderr


def test_check_rejects_duplicate_stock_rows(tmp_path):
    data = copy_data(tmp_path)
    path = data / SEED / "stocks.csv"
    path.write_text(path.read_text(encoding="utf-8") + "英伟达,NVDA.O,美股,GPU/CPU,3.45,,,false\n", encoding="utf-8")
    result = run_check(data)
    assert result.returncode == 1
    assert "data/2024-11-22/stocks.csv:9: 列 'name'：重复的行：name=英伟达 已在第 2 行出现" in result.stderr


def test_check_rejects_an_unknown_category(tmp_path):
    data = copy_data(tmp_path)
    edit(data / SEED / "visits.csv", "ChatGPT,text,", "ChatGPT,audio,")
    result = run_check(data)
    assert "data/2024-11-22/visits.csv:2: 列 'category'：未知类别 'audio'（提示：可选：text、image、video）" in result.stderr


def test_check_rejects_a_date_outside_the_issue_period(tmp_path):
    data = copy_data(tmp_path)
    # a week no earlier issue holds (restating one of theirs is a correction: tests/test_corrections.py)
    edit(data / SEED / "visits.csv", "ChatGPT,text,海外,2024-11-08", "ChatGPT,text,海外,2024-06-07")
    result = run_check(data)
    assert ("data/2024-11-22/visits.csv:2: 列 'week'：日期 2024-06-07 不在 data_periods.visits"
            "（2024-11-08～2024-11-14）内") in result.stderr


def test_check_rejects_malformed_front_matter_with_its_line(tmp_path):
    data = copy_data(tmp_path)
    edit(data / SEED / "issue.md", "sector: 电子", "sector: [电子")
    result = run_check(data)
    assert result.returncode == 1
    assert "data/2024-11-22/issue.md:" in result.stderr and "front matter 不是合法的 YAML" in result.stderr


def test_check_refuses_yaml_tags_that_construct_objects(tmp_path):
    data = copy_data(tmp_path)
    edit(data / SEED / "issue.md", "sector: 电子", "sector: !!python/object/apply:os.system [echo pwned]")
    result = run_check(data)
    assert result.returncode == 1
    assert "front matter 不是合法的 YAML" in result.stderr
    assert "pwned" not in result.stdout


def test_check_names_a_gbk_encoded_csv_and_how_to_fix_it(tmp_path):
    data = copy_data(tmp_path)
    path = data / SEED / "stocks.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    result = run_check(data)
    assert "data/2024-11-22/stocks.csv:2: 不是 UTF-8 编码（可能是 Excel 保存的 GBK）（提示：在 Excel 中选择“另存为 → CSV UTF-8（逗号分隔）”）" in result.stderr


def test_check_accepts_a_csv_with_an_excel_bom(tmp_path):
    data = copy_data(tmp_path)
    path = data / SEED / "stocks.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert run_check(data).returncode == 0


def test_check_reports_every_problem_in_one_run(tmp_path):
    data = copy_data(tmp_path)
    edit(data / SEED / "stocks.csv", "AMD,AMD.O,美股,GPU/CPU,3.33", "AMD,AMD.O,美股,GPU/CPU,x")
    edit(data / "2024-11-15" / "visits.csv", ",text,", ",txt,")
    result = run_check(data)
    lines = [l for l in result.stderr.splitlines() if l.startswith("data/")]
    assert len(lines) == 2
    assert "共 2 处问题" in result.stderr


def test_check_rejects_a_folder_that_is_not_a_date(tmp_path):
    data = copy_data(tmp_path)
    shutil.copytree(data / SEED, data / "next-week")
    result = run_check(data)
    assert "data/next-week: 文件夹名不是日期（提示：每期文件夹以发布日期命名，如 2024-11-22）" in result.stderr


def test_check_refuses_a_symlink_that_escapes_data(tmp_path):
    data = copy_data(tmp_path)
    secret = tmp_path / "secret.csv"
    secret.write_text("x\n", encoding="utf-8")
    (data / SEED / "gpu_prices.csv").unlink()
    (data / SEED / "gpu_prices.csv").symlink_to(secret)
    result = run_check(data)
    assert "data/2024-11-22/gpu_prices.csv: 指向 data/ 之外的链接，已拒绝读取" in result.stderr


def test_build_with_bad_data_writes_no_site_and_keeps_the_previous_one(tmp_path):
    data = copy_data(tmp_path)
    site = tmp_path / "site"
    site.mkdir()
    (site / "marker.html").write_text("previous", encoding="utf-8")
    edit(data / SEED / "stocks.csv", "AMD,AMD.O,美股,GPU/CPU,3.33", "AMD,AMD.O,美股,GPU/CPU,n/a")
    result = weekly("build", "--data", str(data), "--site-dir", str(site))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "stocks.csv:3: 列 'change_pct'" in result.stderr
    assert [p.name for p in site.iterdir()] == ["marker.html"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site-")]
