"""`weekly import`: spreadsheets and exports as analysts have them → the issue's canonical CSVs.

Every fixture is made here the way the analyst's tools make it: an Excel workbook with a title
row and percent-formatted cells, a GBK CSV from Excel on Chinese Windows, a UTF-16 tab-separated
terminal export.
"""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from conftest import ROOT, copy_data
from generators.errors import row_ranges
from generators.tools.importer import CellError, parse_date, parse_month, parse_number

ISSUE = "2024-11-22"


def weekly(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generators.cli", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=300, env=os.environ.copy())


@pytest.fixture
def data(tmp_path):
    return copy_data(tmp_path)


def stocks_workbook(path, rows, title="个股区间涨跌幅（2024-11-18 至 2024-11-20）", sheet="个股"):
    """A workbook as a terminal's Excel export: title, blank line, header, rows, footer note."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append([title])
    ws.append([])
    ws.append(["证券代码", "证券简称", "区间涨跌幅(%)", "总市值(亿元)", "收盘价"])
    for row in rows:
        ws.append(list(row))
    ws.append([])
    ws.append(["数据来源：Wind，华福证券研究所"])
    book.save(path)
    return path


# --- formats ---------------------------------------------------------------------------------

def test_import_reads_an_xlsx_with_a_title_row_and_writes_the_canonical_csv(tmp_path, data):
    book = stocks_workbook(tmp_path / "个股.xlsx", [
        ("NVDA.O", "NVIDIA", "+3.54%", "3.5万亿", 145.89),
        ("AMD.O", "AMD", "3.33", "2,350", None),
        ("688047.SH", "龙芯中科", "８.９５", "—", "−"),
        ("688256.SH", "寒武纪", "(1.62)", "3160.5", "—"),
    ])
    result = weekly("import", str(book), "--issue", ISSUE, "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert (data / ISSUE / "stocks.csv").read_text(encoding="utf-8") == (
        "name,ticker,market,segment,change_pct,market_cap,close,sample\n"
        "英伟达,NVDA.O,美股,GPU/CPU,3.54,35000,145.89,false\n"
        "AMD,AMD.O,美股,GPU/CPU,3.33,2350,,false\n"
        "龙芯中科,688047.SH,A股,GPU/CPU,8.95,,,false\n"
        "寒武纪,688256.SH,A股,GPU/CPU,-1.62,3160.5,,false\n")
    out = result.stdout
    assert "个股.xlsx 工作表「个股」：表头在第 3 行，上方 2 行（标题、空行）已跳过" in out
    assert "个股.xlsx 工作表「个股」：第 9 行起是表尾注释（数据来源：Wind，华福证券研究所），已跳过" in out
    assert "个股.xlsx 工作表「个股」 第 4 行 market_cap：3.5万亿 → 35000亿" in out
    assert "第 4 行 name：'NVIDIA' → 英伟达（别名）" in out
    assert "第 4–7 行 sample：文件没有这一列，按真实数据记为 false：false" in out
    assert "已写入" in out and "写入的文件通过校验" in out


def test_import_converts_wan_and_yi_into_the_columns_unit_and_shows_each_conversion(tmp_path, data):
    book = stocks_workbook(tmp_path / "个股.xlsx", [
        ("NVDA.O", "英伟达", 3.54, "35000亿", None),
        ("AMD.O", "AMD", 3.33, "2350000万", None),
    ])
    result = weekly("import", str(book), "--issue", ISSUE, "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert "第 5 行 market_cap：2350000万 → 235亿" in result.stdout
    assert ",3.33,235,," in (data / ISSUE / "stocks.csv").read_text(encoding="utf-8")


def test_import_reads_excel_percent_formatted_cells_as_percent(tmp_path, data):
    path = tmp_path / "pct.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["证券简称", "涨跌幅", "证券代码"])
    ws.append(["英伟达", 0.0354, "NVDA.O"])
    ws["B2"].number_format = "0.00%"
    book.save(path)
    result = weekly("import", str(path), "--issue", ISSUE, "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert "英伟达,NVDA.O,美股,GPU/CPU,3.54,,,false" in (data / ISSUE / "stocks.csv").read_text(encoding="utf-8")
    assert "百分比格式 0.0354 → 3.54" in result.stdout


def test_import_reads_a_gbk_csv_with_thousands_separators_and_yi(tmp_path, data):
    path = tmp_path / "访问量.csv"
    path.write_bytes((
        "产品,类别,地区,访问量（万次）\r\n"
        "ChatGPT,文本,海外,\"90,500\"\r\n"
        "Gemini,text,海外,0.812亿\r\n"
        "通义千问,文本,国内,283\r\n"
        ",,,\r\n"
    ).encode("gbk"))
    result = weekly("import", str(path), "--issue", ISSUE, "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert (data / ISSUE / "visits.csv").read_text(encoding="utf-8") == (
        "product,category,region,week,visits,sample\n"
        "ChatGPT,text,海外,2024-11-08,90500,false\n"
        "Gemini,text,海外,2024-11-08,8120,false\n"
        "通义,text,国内,2024-11-08,283,false\n")
    out = result.stdout
    assert "访问量.csv：按 GBK/GB18030 编码读取" in out
    assert "访问量.csv 第 3 行 visits：0.812亿 → 8120万" in out
    assert "访问量.csv 第 4 行 product：'通义千问' → 通义（别名）" in out
    assert "访问量.csv 第 2–4 行 week：data_periods.visits 的起始日：2024-11-08" in out


def test_import_reads_a_gbk_stocks_csv_with_percent_signs_and_thousands_separators(tmp_path, data):
    path = tmp_path / "个股.csv"
    path.write_bytes((
        "股票代码,股票简称,涨跌幅,总市值,收盘价\r\n"
        "NVDA.O,英伟达,3.54%,\"35,000\",145.89\r\n"
        "688256.SH,寒武纪,9.98%,\"2,660.5\",\"1,052.00\"\r\n"
    ).encode("gbk"))
    result = weekly("import", str(path), "--issue", ISSUE, "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert (data / ISSUE / "stocks.csv").read_text(encoding="utf-8") == (
        "name,ticker,market,segment,change_pct,market_cap,close,sample\n"
        "英伟达,NVDA.O,美股,GPU/CPU,3.54,35000,145.89,false\n"
        "寒武纪,688256.SH,A股,GPU/CPU,9.98,2660.5,1052,false\n")
    assert "个股.csv：按 GBK/GB18030 编码读取" in result.stdout
    assert "个股.csv 第 2–3 行 change_pct：去掉百分号" in result.stdout or "第 2 行 change_pct：去掉百分号" in result.stdout


def test_import_reads_a_tab_separated_utf16_export_with_months_as_typed(tmp_path, data):
    path = tmp_path / "七麦导出.txt"
    text = ("App\t月份\t下载量\t是否完整\t\t\n"
            "豆包\tNov-24\t1,692\t否\t\t\n"
            "Kimi\t2024年11月\t764\tfalse\t\t\n"
            "文心一言\t2024/11\t510万\t否\t\t\n"
            "\t\t\t\t\t\n")
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    result = weekly("import", str(path), "--issue", ISSUE, "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert (data / ISSUE / "downloads.csv").read_text(encoding="utf-8") == (
        "app,month,downloads,complete,sample\n"
        "豆包,2024-11,1692,false,false\n"
        "Kimi,2024-11,764,false,false\n"
        "文小言,2024-11,510,false,false\n")
    out = result.stdout
    assert "七麦导出.txt：按 UTF-16 编码读取" in out and "七麦导出.txt：按制表符分隔读取" in out
    assert "七麦导出.txt：2 个空列已忽略" in out
    assert "七麦导出.txt 第 2 行 month：'Nov-24' → 2024-11" in out


def test_import_reads_semicolons_bom_and_bare_cr_line_endings(tmp_path, data):
    path = tmp_path / "gpu.csv"
    path.write_bytes("\ufeff型号;日期;成色;价格（美元）\r"
                     "H100;2024/11/20;新品;\"29,461\"\r"
                     "H100;45616;二手;2.468万\r".encode("utf-8"))
    result = weekly("import", str(path), "--issue", ISSUE, "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert (data / ISSUE / "gpu_prices.csv").read_text(encoding="utf-8") == (
        "model,date,condition,price,sample\n"
        "H100,2024-11-20,new,29461,false\n"
        "H100,2024-11-20,used,24680,false\n")
    assert "换行符是单独的 CR" in result.stdout
    assert "Excel 日期序号 45616 → 2024-11-20" in result.stdout


# --- refusals: located, with the fix, and nothing written -------------------------------------

def test_import_refuses_unreadable_cells_grouped_per_column_with_rows_and_writes_nothing(tmp_path, data):
    before = (data / ISSUE / "stocks.csv").read_bytes()
    book = stocks_workbook(tmp_path / "个股.xlsx", [
        ("NVDA.O", "英伟达", "约3.5", None, None),
        ("AMD.O", "AMD", "3,5", None, None),
        ("INTC.O", "英特尔", "大涨", None, None),
        ("688047.SH", "龙芯中科", "3.2万", None, None),
    ])
    result = weekly("import", str(book), "--issue", ISSUE, "--data", str(data))
    assert result.returncode == 1
    err = result.stderr
    assert ("个股.xlsx 工作表「个股」 第 4、6 行 列 '区间涨跌幅(%)'：无法读作数字：'约3.5'（共 2 处同类问题，以上为第一处）。"
            "填入数字，如 3.54、1,692、9.12亿；缺失留空或写 —") in err
    assert "第 5 行 列 '区间涨跌幅(%)'：'3,5' 中的逗号不像千位分隔符。小数点请用英文句点" in err
    assert "第 7 行 列 '区间涨跌幅(%)'：'3.2万' 带单位 万，但这一列是百分比" in err
    assert "没有写入任何文件" in err
    assert (data / ISSUE / "stocks.csv").read_bytes() == before


def test_import_lists_unknown_names_with_a_ready_to_paste_registry_block(tmp_path, data):
    before = (data / "entities.yaml").read_bytes()
    book = stocks_workbook(tmp_path / "个股.xlsx", [("NVDA.O", "英伟达", 3.54, None, None),
                                                   ("300620.SZ", "光库科技", 5.1, None, None)])
    result = weekly("import", str(book), "--issue", ISSUE, "--data", str(data))
    assert result.returncode == 1
    assert "第 5 行 列 '证券简称'：未登记的名称 '光库科技'" in result.stderr
    assert 'companies:\n  - {id: 300620-sz, name: 光库科技, aliases: ["300620.SZ"]}\n' in result.stderr
    assert "是否指" not in result.stderr
    assert (data / "entities.yaml").read_bytes() == before


def test_import_register_adds_unknown_names_after_confirmation(tmp_path, data):
    book = tmp_path / "个股.csv"
    book.write_text("证券代码,证券简称,板块,涨跌幅\n300620.SZ,光库科技,数据中心硬件,5.1\n", encoding="utf-8")
    declined = weekly("import", str(book), "--issue", ISSUE, "--data", str(data), "--register", stdin="n\n")
    assert declined.returncode == 2 and "光库科技" not in (data / "entities.yaml").read_text(encoding="utf-8")
    result = weekly("import", str(book), "--issue", ISSUE, "--data", str(data), "--register", stdin="y\n")
    assert result.returncode == 0, result.stderr
    registry = (data / "entities.yaml").read_text(encoding="utf-8")
    assert '  - {id: 300620-sz, name: 光库科技, aliases: ["300620.SZ"]}\nproducts:' in registry
    assert "光库科技,300620.SZ,A股" in (data / ISSUE / "stocks.csv").read_text(encoding="utf-8")


def test_import_refuses_unknown_columns_unless_told_to_ignore_them(tmp_path, data):
    path = tmp_path / "gpu.csv"
    path.write_text("型号,日期,成色,价格,卖家\nH100,2024-11-20,new,29461,amazon\n", encoding="utf-8")
    refused = weekly("import", str(path), "--issue", ISSUE, "--data", str(data))
    assert refused.returncode == 1
    assert "gpu.csv 第 1 行：未知的列：'卖家'。确认不需要时加 --ignore-unknown 忽略它们" in refused.stderr
    accepted = weekly("import", str(path), "--issue", ISSUE, "--data", str(data), "--ignore-unknown")
    assert accepted.returncode == 0, accepted.stderr
    assert "按 --ignore-unknown 忽略的列：卖家" in accepted.stdout


def test_import_restores_the_files_when_the_imported_data_fails_the_checks(tmp_path, data):
    before = (data / ISSUE / "gpu_prices.csv").read_bytes()
    path = tmp_path / "gpu.csv"
    path.write_text("型号,日期,成色,价格\nH100,2024-10-01,new,29461\n", encoding="utf-8")
    result = weekly("import", str(path), "--issue", ISSUE, "--data", str(data))
    assert result.returncode == 1
    assert "gpu_prices.csv:2: 列 'date'：日期 2024-10-01 不在 本期区间" in result.stderr
    assert (data / ISSUE / "gpu_prices.csv").read_bytes() == before


def test_import_skips_excel_lock_files_with_a_note(tmp_path, data):
    lock = tmp_path / "~$个股.xlsx"
    lock.write_bytes(b"\x00locked")
    path = tmp_path / "gpu.csv"
    path.write_text("型号,日期,成色,价格\nH100,2024-11-20,new,29461\n", encoding="utf-8")
    result = weekly("import", str(lock), str(path), "--issue", ISSUE, "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert "注：~$个股.xlsx：Excel 锁定文件、Thumbs.db 或备份文件，已跳过" in result.stdout


def test_import_refuses_two_files_for_one_dataset(tmp_path, data):
    one, two = tmp_path / "a.csv", tmp_path / "b.csv"
    for p in (one, two):
        p.write_text("型号,日期,成色,价格\nH100,2024-11-20,new,29461\n", encoding="utf-8")
    result = weekly("import", str(one), str(two), "--issue", ISSUE, "--data", str(data))
    assert result.returncode == 1 and "b.csv：与 a.csv 都是 gpu_prices 的数据" in result.stderr


# --- value forms ---------------------------------------------------------------------------

@pytest.mark.parametrize("typed, unit, header_unit, expected", [
    ("3.54%", "%", "", "3.54"), ("+3.54", "%", "", "3.54"), ("\u22123.54", "%", "", "-3.54"), ("(3.54)", "%", "", "-3.54"),
    ("1,692", "万", "", "1692"), ("9.12亿", "万", "", "91200"), ("91230万", "亿", "", "9.123"), ("９亿", "万", "", "90000"),
    ("９０５００", "万", "", "90500"), ("9.05", "万", "亿", "90500"), ("2.468万", "", "", "24680"), ("1,234,567.5", "", "", "1234567.5"),
])
def test_numbers_are_read_as_people_type_them(typed, unit, header_unit, expected):
    number, _ = parse_number(typed, unit, header_unit, False)
    assert format(number.normalize(), "f") == expected


@pytest.mark.parametrize("typed", ["3,5", "约3", "3.5.1", "(-3)", "5亿%"])
def test_ambiguous_numbers_are_refused(typed):
    with pytest.raises(CellError):
        parse_number(typed, "%", "", False)


@pytest.mark.parametrize("typed", ["2024/11/22", "2024年11月22日", "2024-11-22 00:00:00", "2024.11.22", 45618,
                                   datetime(2024, 11, 22), "20241122", "２０２４/１１/２２"])
def test_dates_are_read_as_people_type_them(typed):
    assert parse_date(typed)[0] == date(2024, 11, 22)


@pytest.mark.parametrize("typed", ["11/22/2024", "22/11/2024", "2024-11-22 14:30", "2024/13/01", "下周五"])
def test_ambiguous_dates_are_refused(typed):
    with pytest.raises(CellError):
        parse_date(typed)


@pytest.mark.parametrize("typed", ["2024/11", "2024年11月", "Nov-24", "November 2024", "2024-11", datetime(2024, 11, 1)])
def test_months_are_read_as_people_type_them(typed):
    assert parse_month(typed)[0] == date(2024, 11, 1)


def test_row_ranges_read_as_a_person_would_write_them():
    assert row_ranges([2, 3, 4, 7, 9, 10]) == "第 2–4、7、9–10 行"
    assert Decimal("1") == 1
