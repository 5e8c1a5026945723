"""A corpus of broken snapshots: each is rejected by `weekly check` and `weekly build` with located lines.

Every case starts from a one-issue archive (a copy of the seed folder) and applies one small
mutation. The expected lines are the whole messages the analyst reads, file:line and column
included. `weekly build` must fail the same way before it writes anything: a previous site/
stays as it was and no temporary folder is left behind.
"""
from __future__ import annotations

import json

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from generators.cli import main

from conftest import DATA, weekly

SEED = "2024-11-22"
F = f"data/{SEED}"
STOCKS_HEADER = "name,ticker,market,segment,change_pct,market_cap,close,sample"
VISITS_HEADER = "product,category,region,week,visits,sample"
GBK_HINT = "（提示：在 Excel 中选择“另存为 → CSV UTF-8（逗号分隔）”）"
YAML_HINT = "（提示：检查冒号、引号和缩进；不允许使用 !! 开头的 YAML 标签）"
SYMLINK = "指向 data/ 之外的链接，已拒绝读取"


def base_archive(tmp_path: Path) -> Path:
    """A valid one-issue archive: the seed folder and the entity registry."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copytree(DATA / SEED, data / SEED)
    shutil.copy(DATA / "entities.yaml", data / "entities.yaml")
    return data


# --- mutations --------------------------------------------------------------------------

def register_alias(data: Path, entry_start: str, alias: str) -> None:
    """Add an alias to a registry entry, so a renamed cell is still a known entity."""
    path = data / "entities.yaml"
    text = path.read_text(encoding="utf-8")
    assert entry_start in text
    path.write_text(text.replace(entry_start, entry_start + json.dumps(alias, ensure_ascii=False) + ", ", 1), encoding="utf-8")


def replace(name: str, old: str, new: str) -> Callable[[Path], None]:
    def mutate(data: Path) -> None:
        path = data / SEED / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return mutate


def append(name: str, line: str) -> Callable[[Path], None]:
    def mutate(data: Path) -> None:
        path = data / SEED / name
        path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
    return mutate


def write_bytes(name: str, content: bytes | Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def mutate(data: Path) -> None:
        path = data / SEED / name
        path.write_bytes(content(path.read_bytes()) if callable(content) else content)
    return mutate


def remove(name: str) -> Callable[[Path], None]:
    return lambda data: (data / SEED / name).unlink()


def symlink_out(name: str, *, folder: bool = False) -> Callable[[Path], None]:
    def mutate(data: Path) -> None:
        outside = data.parent / "outside"
        if folder:
            shutil.copytree(data / SEED, outside)
            (data / name).symlink_to(outside, target_is_directory=True)
        else:
            outside.mkdir()
            (outside / "secret").write_text("secret\n", encoding="utf-8")
            (data / SEED / name).unlink(missing_ok=True)
            (data / SEED / name).symlink_to(outside / "secret")
    return mutate


def copy_folder(name: str) -> Callable[[Path], None]:
    return lambda data: shutil.copytree(data / SEED, data / name)


def replace_meta(old: str, new: str) -> Callable[[Path], None]:
    return replace("issue.md", old, new)


@dataclass(frozen=True)
class Case:
    id: str
    mutate: Callable[[Path], None]
    expected: tuple[str, ...]      # every located line `weekly check` prints, in order


CASES = [
    # wrong or missing columns
    Case("missing_column", replace("stocks.csv", "segment,change_pct,", "segment,"),
         (f"{F}/stocks.csv:1: 缺少列 'change_pct'（提示：表头应为：{STOCKS_HEADER}）",)),
    Case("unknown_column", replace("visits.csv", "visits,sample\n", "visits,sample,note\n"),
         (f"{F}/visits.csv:1: 未知列 'note'（提示：表头应为：{VISITS_HEADER}）",)),
    Case("misspelt_column", replace("visits.csv", "product,", "Product,"),
         (f"{F}/visits.csv:1: 缺少列 'product'（提示：表头应为：{VISITS_HEADER}）",
          f"{F}/visits.csv:1: 未知列 'Product'（提示：表头应为：{VISITS_HEADER}）")),
    Case("duplicated_header", replace("visits.csv", "visits,sample\n", "visits,sample,visits\n"),
         (f"{F}/visits.csv:1: 表头有重复的列名",)),
    Case("unquoted_comma_in_a_cell", replace("stocks.csv", "AMD,AMD.O", "AMD,Inc,AMD.O"),
         (f"{F}/stocks.csv:3: 这一行有 9 个单元格，表头有 8 列（提示：单元格里的逗号要用英文双引号括起来）",)),
    Case("short_row", append("gpu_prices.csv", "H200,2024-11-20,new"),
         (f"{F}/gpu_prices.csv:6: 这一行有 3 个单元格，表头有 5 列（提示：单元格里的逗号要用英文双引号括起来）",)),
    Case("unterminated_quote", append("gpu_prices.csv", 'H200,2024-11-20,new,"30000,true'),
         (f"{F}/gpu_prices.csv:6: 这一行有 4 个单元格，表头有 5 列（提示：单元格里的逗号要用英文双引号括起来）",)),
    # wrong types
    Case("text_in_a_number", replace("stocks.csv", "AMD,AMD.O,美股,GPU/CPU,3.33", "AMD,AMD.O,美股,GPU/CPU,n/a"),
         (f"{F}/stocks.csv:3: 列 'change_pct'：应为数字，实际为 'n/a'（提示：这一列必填：请填入数值（— 不是数字））",)),
    Case("percent_sign", replace("stocks.csv", "AMD,AMD.O,美股,GPU/CPU,3.33", "AMD,AMD.O,美股,GPU/CPU,3.33%"),
         (f"{F}/stocks.csv:3: 列 'change_pct'：应为数字，实际为 '3.33%'（提示：不要带百分号，单位见“数据说明”页）",)),
    Case("full_width_signed_percent", replace("stocks.csv", "英伟达,NVDA.O,美股,GPU/CPU,3.54", "英伟达,NVDA.O,美股,GPU/CPU,＋３．５４％"),
         (f"{F}/stocks.csv:2: 列 'change_pct'：应为数字，实际为 '＋３．５４％'（提示：请改用半角数字和符号，如 3.54）",)),
    Case("full_width_digits", replace("visits.csv", "ChatGPT,text,海外,2024-11-08,90500", "ChatGPT,text,海外,2024-11-08,９０５００"),
         (f"{F}/visits.csv:2: 列 'visits'：应为数字，实际为 '９０５００'（提示：请改用半角数字和符号，如 3.54）",)),
    Case("thousands_separator", replace("visits.csv", "ChatGPT,text,海外,2024-11-08,90500", 'ChatGPT,text,海外,2024-11-08,"90,500"'),
         (f"{F}/visits.csv:2: 列 'visits'：应为数字，实际为 '90,500'（提示：不要使用千位分隔符，如 90500）",)),
    Case("scientific_notation", replace("visits.csv", "ChatGPT,text,海外,2024-11-08,90500", "ChatGPT,text,海外,2024-11-08,9.05e4"),
         (f"{F}/visits.csv:2: 列 'visits'：应为数字，实际为 '9.05e4'",)),
    Case("not_a_number_literal", replace("gpu_prices.csv", "H100,2024-11-20,new,29461", "H100,2024-11-20,new,NaN"),
         (f"{F}/gpu_prices.csv:2: 列 'price'：应为数字，实际为 'NaN'",)),
    Case("slashed_date", replace("visits.csv", "ChatGPT,text,海外,2024-11-08", "ChatGPT,text,海外,2024/11/08"),
         (f"{F}/visits.csv:2: 列 'week'：应为日期 YYYY-MM-DD，实际为 '2024/11/08'（提示：例如 2024-11-22；Excel 里的 2024/11/22、2024年11月22日 可用 weekly import 自动转换）",)),
    Case("impossible_date", replace("gpu_prices.csv", "H100,2024-11-20,new", "H100,2024-11-31,new"),
         (f"{F}/gpu_prices.csv:2: 列 'date'：应为日期 YYYY-MM-DD，实际为 '2024-11-31'（提示：例如 2024-11-22；Excel 里的 2024/11/22、2024年11月22日 可用 weekly import 自动转换）",)),
    Case("month_thirteen", replace("downloads.csv", "豆包,2024-11", "豆包,2024-13"),
         (f"{F}/downloads.csv:2: 列 'month'：应为月份 YYYY-MM，实际为 '2024-13'（提示：例如 2024-11；2024/11、2024年11月、Nov-24 可用 weekly import 自动转换）",)),
    Case("not_a_boolean", replace("downloads.csv", "豆包,2024-11,1692,false", "豆包,2024-11,1692,maybe"),
         (f"{F}/downloads.csv:2: 列 'complete'：应为 true 或 false，实际为 'maybe'",)),
    Case("empty_required_cell", replace("stocks.csv", "AMD,AMD.O,", "AMD,,"),
         (f"{F}/stocks.csv:3: 列 'ticker'：不能为空",)),
    # empty or missing files
    Case("empty_csv", write_bytes("stocks.csv", b""),
         (f"{F}/stocks.csv: 文件是空的（提示：至少需要表头一行：{STOCKS_HEADER}）",)),
    Case("blank_lines_only_csv", write_bytes("stocks.csv", b"\r\n \n,,\n"),
         (f"{F}/stocks.csv: 文件是空的（提示：至少需要表头一行：{STOCKS_HEADER}）",)),
    Case("missing_required_csv", remove("stocks.csv"),
         (f"{F}/stocks.csv: 缺少文件 stocks.csv（股价复盘）",)),
    Case("empty_issue_file", write_bytes("issue.md", b""),
         (f"{F}/issue.md: 缺少 front matter（文件须以 --- 开头的 YAML 元数据块开始）",)),
    Case("missing_issue_file", remove("issue.md"),
         (f"{F}/issue.md: 缺少期刊文件 issue.md",)),
    Case("folder_in_place_of_a_csv", lambda d: ((d / SEED / "visits.csv").unlink(), (d / SEED / "visits.csv").mkdir()),
         (f"{F}/visits.csv: 无法读取：Is a directory",)),
    # encodings
    Case("gbk_csv", write_bytes("stocks.csv", lambda b: b.decode("utf-8").encode("gbk")),
         (f"{F}/stocks.csv:2: 不是 UTF-8 编码（可能是 Excel 保存的 GBK）{GBK_HINT}",)),
    Case("gbk_issue_file", write_bytes("issue.md", lambda b: b.decode("utf-8").encode("gbk")),
         (f"{F}/issue.md:2: 不是 UTF-8 编码（可能是 Excel 保存的 GBK）{GBK_HINT}",)),
    Case("utf16_csv", write_bytes("gpu_prices.csv", lambda b: b.decode("utf-8").encode("utf-16")),
         (f"{F}/gpu_prices.csv:1: 不是 UTF-8 编码（可能是 Excel 保存的 GBK）{GBK_HINT}",)),
    Case("nul_byte_in_csv", write_bytes("gpu_prices.csv", lambda b: b.replace(b"H100,2024-11-20,new", b"H1\x0000,2024-11-20,new", 1)),
         (f"{F}/gpu_prices.csv:2: 含有 NUL 等控制字符（提示：请从表格软件重新导出为 CSV UTF-8）",)),
    # duplicates and conflicting values
    Case("duplicated_row", append("stocks.csv", "英伟达,NVDA.O,美股,GPU/CPU,3.54,,,false"),
         (f"{F}/stocks.csv:9: 列 'name'：重复的行：name=英伟达 已在第 2 行出现",)),
    Case("two_values_same_product_and_week", append("visits.csv", "ChatGPT,text,海外,2024-11-08,91000,true"),
         (f"{F}/visits.csv:17: 列 'product'：重复的行：product=ChatGPT、week=2024-11-08 已在第 2 行出现",)),
    Case("two_prices_same_model_date_condition", append("gpu_prices.csv", "H100,2024-11-20,new,30000,true"),
         (f"{F}/gpu_prices.csv:6: 列 'model'：重复的行：model=H100、date=2024-11-20、condition=new 已在第 2 行出现",)),
    Case("two_values_same_app_and_month", append("downloads.csv", "Kimi,2024-11,800,false,true"),
         (f"{F}/downloads.csv:9: 列 'app'：重复的行：app=Kimi、month=2024-11 已在第 3 行出现",)),
    # dates out of period or in the future
    Case("week_outside_data_period", replace("visits.csv", "ChatGPT,text,海外,2024-11-08", "ChatGPT,text,海外,2024-11-01"),
         (f"{F}/visits.csv:2: 列 'week'：日期 2024-11-01 不在 data_periods.visits（2024-11-08～2024-11-14）内（提示：更正往期数值时，写同一实体、同一日期的一行（须是往期已有的行））",)),
    Case("price_in_the_future", replace("gpu_prices.csv", "H100,2024-11-20,new", "H100,2024-11-29,new"),
         (f"{F}/gpu_prices.csv:2: 列 'date'：日期 2024-11-29 晚于本期发布日期 2024-11-22",)),
    Case("month_outside_data_period", replace("downloads.csv", "豆包,2024-11", "豆包,2024-09"),
         (f"{F}/downloads.csv:2: 列 'month'：月份 2024-09 不在 data_periods.downloads（2024-11-13～2024-11-19）内（提示：更正往期数值时，写同一实体、同一日期的一行（须是往期已有的行））",)),
    Case("period_ends_after_publication", replace_meta("  end: 2024-11-20", "  end: 2024-11-25"),
         (f"{F}/issue.md:5: front matter 'period' 结束于 2024-11-25，晚于发布日期 2024-11-22",)),
    Case("period_start_after_end", replace_meta("  start: 2024-11-18", "  start: 2024-11-21"),
         (f"{F}/issue.md:5: front matter 'period' 的 start 晚于 end",)),
    Case("date_differs_from_folder", replace_meta("date: 2024-11-22", "date: 2024-11-21"),
         (f"{F}/issue.md:3: front matter 'date' 为 2024-11-21，与文件夹名 2024-11-22 不一致",)),
    Case("date_not_a_date", replace_meta("date: 2024-11-22", "date: 下周五"),
         (f"{F}/issue.md:3: front matter 'date' 应为日期 YYYY-MM-DD，实际为 '下周五'",)),
    # unknown entities and categories
    Case("unknown_category", replace("visits.csv", "ChatGPT,text,", "ChatGPT,audio,"),
         (f"{F}/visits.csv:2: 列 'category'：未知类别 'audio'（提示：可选：text、image、video）",)),
    Case("unknown_market", replace("stocks.csv", "AMD,AMD.O,美股", "AMD,AMD.O,日股"),
         (f"{F}/stocks.csv:3: 列 'market'：未知类别 '日股'（提示：可选：A股、港股、美股、台股）",)),
    Case("unknown_condition", replace("gpu_prices.csv", "H100,2024-11-20,used", "H100,2024-11-20,refurbished"),
         (f"{F}/gpu_prices.csv:3: 列 'condition'：未知类别 'refurbished'（提示：可选：new、used）",)),
    Case("unknown_chart_key", replace_meta("  stocks: [", "  stock: ["),
         (f"{F}/issue.md:31: front matter 'chart_notes' 有未知图表代号 'stock'（提示：可用：stocks、visits_text_overseas、"
          "visits_text_domestic、visits_image、visits_video、downloads、gpu_h100、gpu_a100）",)),
    Case("unknown_data_source", replace_meta("  downloads:\n", "  apps:\n"),
         (f"{F}/issue.md:9: front matter 'data_periods' 有未知数据源 'apps'（提示：可用 visits、downloads）",
          f"{F}/downloads.csv: front matter 缺少 data_periods.downloads，无法核对日期")),
    # front matter
    Case("invalid_yaml", replace_meta("sector: 电子", "sector: [电子"),
         (f"{F}/issue.md:5: front matter 不是合法的 YAML：did not find expected ',' or ']'{YAML_HINT}",)),
    Case("python_object_tag", replace_meta("sector: 电子", "sector: !!python/object/apply:os.system [echo pwned]"),
         (f"{F}/issue.md:4: front matter 不是合法的 YAML：could not determine a constructor for the tag "
          f"'tag:yaml.org,2002:python/object/apply:os.system'{YAML_HINT}",)),
    Case("custom_include_tag", replace_meta("sector: 电子", "sector: !include /etc/passwd"),
         (f"{F}/issue.md:4: front matter 不是合法的 YAML：could not determine a constructor for the tag '!include'{YAML_HINT}",)),
    Case("binary_tag", replace_meta("sector: 电子", "sector: !!binary aGVsbG8="),
         (f"{F}/issue.md:4: front matter 'sector' 应为文字，实际为 bytes",)),
    Case("missing_required_key", replace_meta("sector: 电子\n", ""),
         (f"{F}/issue.md:35: front matter 缺少必填项 'sector'（提示：写作 sector: 电子）",)),
    Case("unknown_key", replace_meta("sector: 电子\n", "sector: 电子\nauthor: 张三\n"),
         (f"{F}/issue.md:5: front matter 有未知项 'author'（提示：可用的项见“数据说明”页）",)),
    Case("front_matter_is_a_list", write_bytes("issue.md", "---\n- title\n- date\n---\n正文\n".encode()),
         (f"{F}/issue.md: front matter 为空，或不是“项: 值”的映射",)),
    Case("sample_is_a_string", replace_meta("sample: false", "sample: 否"),
         (f"{F}/issue.md:16: front matter 'sample' 应为 true 或 false，实际为 '否'",)),
    Case("watchlist_without_companies", replace_meta("    companies: [寒武纪, 海光信息, 龙芯中科, 盛科通信]\n", ""),
         (f"{F}/issue.md:19: front matter 'watchlists' 第 1 项应含 name 与 companies 列表",)),
    # folders and paths
    Case("folder_name_not_a_date", copy_folder("next-week"),
         ("data/next-week: 文件夹名不是日期（提示：每期文件夹以发布日期命名，如 2024-11-22）",)),
    Case("folder_name_impossible_date", copy_folder("2024-11-31"),
         ("data/2024-11-31: 文件夹名不是日期（提示：每期文件夹以发布日期命名，如 2024-11-22）",)),
    Case("stray_file_in_data", lambda d: (d / "notes.txt").write_text("x", encoding="utf-8"),
         ("data/notes.txt: data/ 下只能放每期一个文件夹（提示：文件夹以发布日期命名，如 2024-11-22）",)),
    Case("unknown_file_in_snapshot", lambda d: (d / SEED / "stocks.xlsx").write_bytes(b"PK"),
         (f"{F}/stocks.xlsx: 未知文件，不会被使用（提示：数据文件名见“数据说明”页：downloads.csv、gpu_prices.csv、"
          "issue.md、stocks.csv、visits.csv）",)),
    Case("csv_symlink_escaping_data", symlink_out("gpu_prices.csv"),
         (f"{F}/gpu_prices.csv: {SYMLINK}",)),
    Case("issue_symlink_escaping_data", symlink_out("issue.md"),
         (f"{F}/issue.md: {SYMLINK}",)),
    Case("folder_symlink_escaping_data", symlink_out("2024-11-29", folder=True),
         (f"data/2024-11-29: {SYMLINK}",)),
]


def located_lines(stderr: str) -> tuple[str, ...]:
    return tuple(line for line in stderr.splitlines() if line.startswith("data"))


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def test_the_corpus_covers_at_least_forty_cases():
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_check_and_build_reject_a_broken_snapshot_with_located_lines(case, tmp_path, runner, monkeypatch):
    data = base_archive(tmp_path)
    case.mutate(data)
    monkeypatch.chdir(tmp_path)           # messages name data/… relative to the data folder's parent

    check = runner.invoke(main, ["check", "--data", "data"])
    assert check.exit_code == 1, check.output
    assert check.exception is None or isinstance(check.exception, SystemExit), check.exception
    assert located_lines(check.stderr) == case.expected
    assert check.stderr.endswith(f"共 {len(case.expected)} 处问题，请修正后重试。\n")

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("previous", encoding="utf-8")
    build = runner.invoke(main, ["build", "--data", "data", "--site-dir", str(site)])
    assert build.exit_code == 1, build.output
    assert build.exception is None or isinstance(build.exception, SystemExit), build.exception
    assert located_lines(build.stderr) == case.expected
    assert [p.name for p in site.iterdir()] == ["index.html"]
    assert (site / "index.html").read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith((".site-", "site."))) == []


@pytest.mark.parametrize("case_id", ["gbk_csv", "invalid_yaml", "csv_symlink_escaping_data"])
def test_weekly_build_as_a_process_fails_cleanly_on_a_broken_snapshot(case_id, tmp_path):
    case = next(c for c in CASES if c.id == case_id)
    data = base_archive(tmp_path)
    case.mutate(data)
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("previous", encoding="utf-8")
    result = weekly("build", "--data", "data", "--site-dir", str(site), cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert located_lines(result.stderr) == case.expected
    assert [p.name for p in site.iterdir()] == ["index.html"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site-")]


# --- unusual but valid ------------------------------------------------------------------

ACCEPTED = {
    "bom_in_every_csv": lambda d: [p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes()) for p in (d / SEED).glob("*.csv")],
    "bom_in_issue_file": write_bytes("issue.md", lambda b: b"\xef\xbb\xbf" + b),
    "crlf_line_endings": lambda d: [p.write_bytes(p.read_bytes().replace(b"\n", b"\r\n")) for p in (d / SEED).iterdir()],
    "full_width_punctuation_in_text": lambda d: (replace("stocks.csv", "AMD,AMD.O", "ＡＭＤ（超威），“半导体”,AMD.O")(d),
                                                 register_alias(d, "{id: amd, name: AMD, aliases: [", "ＡＭＤ（超威），“半导体”")),
    "spaces_around_cells": replace("stocks.csv", "AMD,AMD.O,美股,GPU/CPU,3.33", " AMD , AMD.O ,美股, GPU/CPU , 3.33 "),
    "header_only_optional_csv": write_bytes("gpu_prices.csv", b"model,date,condition,price,sample\n"),
    "trailing_blank_lines": append("visits.csv", "\n\n"),
    "chinese_booleans": replace("downloads.csv", "豆包,2024-11,1692,false,true", "豆包,2024-11,1692,否,是"),
}


@pytest.mark.parametrize("mutation", ACCEPTED.values(), ids=list(ACCEPTED))
def test_check_accepts_unusual_but_valid_input(mutation, tmp_path, runner):
    data = base_archive(tmp_path)
    mutation(data)
    result = runner.invoke(main, ["check", "--data", str(data)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "数据校验通过：1 期，最新一期 2024-11-22。\n"


def test_bom_crlf_and_full_width_punctuation_are_normalised_not_kept(tmp_path):
    from generators.load.snapshots import load_archive

    data = base_archive(tmp_path)
    ACCEPTED["bom_in_every_csv"](data)
    ACCEPTED["crlf_line_endings"](data)
    ACCEPTED["full_width_punctuation_in_text"](data)
    snapshot = load_archive(data).snapshots[0]
    stocks = snapshot.rows["stocks"]
    assert list(stocks[0])[0] == "name"                          # the BOM is not part of the header
    assert "ＡＭＤ（超威），“半导体”" in [r["name"] for r in stocks]   # text is kept as the analyst wrote it
    assert "\r" not in snapshot.issue.body


def test_the_data_page_says_which_unusual_inputs_are_accepted_and_which_rejected():
    from generators.pages.data_page import schema_markdown

    page = schema_markdown()
    section = page[page.index("## 接受与拒绝的输入"):page.index("## 图表代号")]
    for accepted in ("BOM", "CRLF", "全角标点"):
        assert next(l for l in section.splitlines() if accepted in l).split("|")[2].strip() == "接受", accepted
    for rejected in ("全角数字", "千位分隔符", "GBK", "YAML 标签", "符号链接"):
        assert next(l for l in section.splitlines() if rejected in l).split("|")[2].strip() == "拒绝", rejected
