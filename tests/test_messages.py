"""`weekly check` messages say the fix: grouped per kind and column with rows, hints for what
spreadsheets do to a CSV, and the files tools leave beside the data ignored with a note."""
from __future__ import annotations

import pytest

from conftest import copy_data, weekly

SEED = "2024-11-22"
F = f"data/{SEED}"


@pytest.fixture
def data(tmp_path):
    return copy_data(tmp_path)


def check(data):
    return weekly("check", "--data", str(data))


def test_one_line_per_problem_kind_per_column_with_the_rows(data):
    path = data / SEED / "visits.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0]] + [l.replace("2024-11-08", "2024/11/08") for l in lines[1:]]) + "\n", encoding="utf-8")
    result = check(data)
    assert result.returncode == 1
    assert (f"{F}/visits.csv 第 2–16 行 列 'week'：应为日期 YYYY-MM-DD，实际为 '2024/11/08'（共 15 行；提示：例如 2024-11-22；"
            "Excel 里的 2024/11/22、2024年11月22日 可用 weekly import 自动转换）") in result.stderr.splitlines()
    assert "共 15 处问题" in result.stderr


@pytest.mark.parametrize("cell, hint", [
    ("9.05亿", "不要带单位：本列的单位见列说明（访问量、下载量以万为单位，9.12亿 写作 91200），或用 weekly import 自动换算"),
    ("—", "这一列必填：请填入数值（— 不是数字）"),
    ("90,500", "不要使用千位分隔符，如 90500"),
])
def test_a_number_cell_as_a_spreadsheet_writes_it_gets_a_hint(data, cell, hint):
    path = data / SEED / "visits.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",90500,", f',"{cell}",'), encoding="utf-8")
    result = check(data)
    assert f"{F}/visits.csv:2: 列 'visits'：应为数字，实际为 '{cell}'（提示：{hint}）" in result.stderr


def test_a_dash_in_an_optional_cell_says_leave_it_empty(data):
    path = data / SEED / "stocks.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("英伟达,NVDA.O,美股,GPU/CPU,3.54,,", "英伟达,NVDA.O,美股,GPU/CPU,3.54,—,"),
                    encoding="utf-8")
    result = check(data)
    assert f"{F}/stocks.csv:2: 列 'market_cap'：应为数字，实际为 '—'（提示：没有数据就让单元格空着，不要写 —）" in result.stderr


def test_a_tab_separated_file_is_recognised_as_such(data):
    path = data / SEED / "gpu_prices.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", "\t"), encoding="utf-8")
    result = check(data)
    assert (f"{F}/gpu_prices.csv:1: 表头只有一列（提示：看起来是用制表符分隔的：在 Excel 中另存为“CSV UTF-8（逗号分隔）”，"
            "或用 weekly import 导入）") in result.stderr.splitlines()


def test_trailing_empty_columns_are_named_with_the_fix(data):
    path = data / SEED / "gpu_prices.csv"
    path.write_text("\n".join(l + ",," for l in path.read_text(encoding="utf-8").splitlines()) + "\n", encoding="utf-8")
    result = check(data)
    assert (f"{F}/gpu_prices.csv:1: 表头末尾有 2 个空列（提示：删去每行末尾多余的逗号（在 Excel 里选中右侧的空列删除后重新保存））"
            in result.stderr.splitlines())


def test_bare_cr_line_endings_are_explained_in_chinese(data):
    path = data / SEED / "gpu_prices.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    result = check(data)
    assert (f"{F}/gpu_prices.csv:1: 换行符是单独的 CR（旧版 Mac 的格式），整个文件会被读成一行（提示：在 Excel 中另存为“CSV UTF-8（逗号分隔）”，"
            "或用 weekly import 导入）") in result.stderr.splitlines()


@pytest.mark.parametrize("name", ["~$stocks.xlsx", "Thumbs.db", "stocks.csv.bak", "issue.md~", ".issue.md.swp", "#issue.md#"])
def test_lock_files_thumbnails_and_backups_are_ignored_with_a_note(tmp_path, name):
    data = copy_data(tmp_path, sealed=True)     # even beside a sealed issue's files
    (data / SEED / name).write_bytes(b"\x00\x01 not data")
    result = check(data)
    assert result.returncode == 0, result.stderr
    assert f"注：已忽略 {data / SEED / name}（Excel 锁定文件、缩略图或备份文件，不是数据）" in result.stdout


def test_an_empty_required_key_is_empty_not_missing_and_carries_its_line(data):
    path = data / SEED / "issue.md"
    path.write_text(path.read_text(encoding="utf-8").replace("sector: 电子", "sector:"), encoding="utf-8")
    result = check(data)
    assert f"{F}/issue.md:4: front matter 必填项 'sector' 为空（提示：写作 sector: 电子）" in result.stderr.splitlines()
