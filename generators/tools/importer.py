"""Import stage: a spreadsheet or CSV as analysts have it → the dataset's canonical CSV.

Read (xlsx, or CSV in any of Excel's encodings and separators) → find the header row → map
headers to the dataset's columns through the aliases below → parse every cell as people type it
→ either refusals (each located: file, sheet, row, column, with the fix) or canonical rows plus
the list of every change made. Nothing here writes: ``weekly import`` writes the rows only when
nothing was refused.
"""
from __future__ import annotations

import calendar
from functools import lru_cache
import csv
import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import row_ranges
from ..schema.declarations import packaged
from ..schema.model import Registry
from ..schema.snapshot import NOT_DATA, Column, Dataset

# --- declarations: how each dataset's columns appear in analysts' files -------------------
# Read from the dataset declarations (schema/datasets.yaml), so that a new dataset imports with
# no code change:
#   aliases: the column's declared header spellings (compared without case, spaces or a trailing "(unit)")
#   unit:    what the column counts in ("万", "亿", "%"), from its declared unit; a cell or header in
#            another unit is converted
#   fill:    the column's declared fill rule, where a missing column's value comes from: "previous"
#            (the same entity in the previous issue), "market_from_ticker", "not_sample" (false),
#            "period_start" (the start of the dataset's data period), "month_complete" (the month
#            ended by the end of that period)


@dataclass(frozen=True)
class ImportColumn:
    aliases: tuple[str, ...]
    unit: str = ""
    fill: str = ""


def _import_unit(column: Column) -> str:
    unit = column.unit.removesuffix("次")
    return unit if unit in ("万", "亿", "%") else ""


@lru_cache(maxsize=None)
def import_columns(dataset: Dataset) -> dict[str, ImportColumn]:
    """Each column of ``dataset`` as an import reads it."""
    return {c.name: ImportColumn((*c.aliases, c.name), _import_unit(c), c.fill) for c in dataset.columns}


def _columns_of(name: str) -> dict[str, ImportColumn]:
    return import_columns(packaged().by_name[name])


# Cell spellings of each choice value (besides the value itself).
CHOICE_ALIASES: dict[str, dict[str, str]] = {
    "market": {"a": "A股", "沪深": "A股", "a股": "A股", "hk": "港股", "香港": "港股", "港": "港股", "us": "美股", "美国": "美股",
               "tw": "台股", "台湾": "台股"},
    "category": {"文本": "text", "图片": "image", "图像": "image", "视频": "video"},
    "region": {"overseas": "海外", "global": "海外", "境外": "海外", "domestic": "国内", "china": "国内", "境内": "国内"},
    "condition": {"新品": "new", "全新": "new", "新": "new", "二手": "used", "旧": "used"},
}
TICKER_MARKETS = {"SH": "A股", "SZ": "A股", "BJ": "A股", "HK": "港股", "O": "美股", "N": "美股", "OQ": "美股",
                  "A": "美股", "TW": "台股", "TWO": "台股"}

MULTIPLIERS = {"": Decimal(1), "千": Decimal(10) ** 3, "万": Decimal(10) ** 4, "百万": Decimal(10) ** 6,
               "千万": Decimal(10) ** 7, "亿": Decimal(10) ** 8, "万亿": Decimal(10) ** 12}
MISSING = {"", "—", "——", "–", "-", "--", "n/a", "na", "#n/a", "null", "none", "/", "无"}
FOOTER_RE = re.compile(r"^(数据来源|资料来源|来源|注|备注|说明|source|note)\s*[:：]?", re.IGNORECASE)
HEADER_UNIT_RE = re.compile(r"^(.*?)[(（]([^()（）]*)[)）]$")
NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$", re.ASCII)
GROUPED_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$", re.ASCII)
SUFFIX_RE = re.compile(r"^(.*?)(万亿|百万|千万|千|万|亿)?(次|元|美元|人民币|港元)?$")
YMD_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+00:00(?::00)?)?$", re.ASCII)
YMD8_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$", re.ASCII)
YM_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
MON_YY_RE = re.compile(r"^([A-Za-z]{3,9})[-\s]+(\d{2}|\d{4})$")
EXCEL_EPOCH = date(1899, 12, 30)
SERIAL_RANGE = (20000, 80000)          # Excel serial numbers of 1954–2119: a date typed as a number
TRUE_WORDS = {"true", "是", "1", "yes", "y", "√", "完整"}
FALSE_WORDS = {"false", "否", "0", "no", "n", "×", "不完整", "非完整"}



# --- what the stage hands back -----------------------------------------------------------

@dataclass(frozen=True)
class Refusal:
    """One thing the import will not decide for the analyst, where it is and how to fix it."""

    where: str                 # 'stocks.xlsx 工作表「个股」' or 'stocks.csv'
    message: str
    fix: str
    rows: tuple[int, ...] = ()
    column: str | None = None  # the header as the file spells it

    def __str__(self) -> str:
        rows = f" {row_ranges(self.rows)}" if self.rows else ""
        column = f" 列 '{self.column}'" if self.column else ""
        return f"{self.where}{rows}{column}：{self.message}。{self.fix}"


@dataclass(frozen=True)
class Change:
    """One thing the import changed on the way: a cell read differently from how it was typed."""

    where: str
    column: str                # the canonical column
    kind: str                  # 'unit' | 'name' | 'fill' | 'format' | 'note'
    detail: str
    row: int | None = None
    value: str = ""            # for a fill: the value filled in (``detail`` says where it came from)


@dataclass
class Imported:
    """One dataset read from one sheet: its canonical rows, or the refusals that stop it."""

    dataset: Dataset
    source: str
    rows: list[dict[str, str]] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    unknown: dict[str, dict[str, str]] = field(default_factory=dict)   # name → {ticker…} for the registry block


@dataclass(frozen=True)
class Context:
    """What the import may consult: the registry, the previous issue's rows and the target issue's periods."""

    registry: Registry
    previous: Mapping[str, Sequence[dict[str, Any]]] = field(default_factory=dict)   # dataset → rows
    periods: Mapping[str, tuple[date, date]] = field(default_factory=dict)         # data_periods name → (start, end)


@dataclass(frozen=True)
class Sheet:
    """A grid of cells as read: (row number in the file, cells); a cell is str, number, date or bool."""

    where: str
    rows: list[tuple[int, list[Any]]]
    formats: dict[tuple[int, int], str] = field(default_factory=dict)    # (row, col) → Excel number format
    notes: tuple[str, ...] = ()


def ignored_file(path: Path) -> bool:
    """Excel's lock files (~$book.xlsx), Thumbs.db, *.bak and editor backups: never data."""
    return bool(NOT_DATA.match(path.name))


# --- read: file → sheets -------------------------------------------------------------------

def read_sheets(path: Path) -> tuple[list[Sheet], list[Refusal]]:
    """Every sheet of a workbook, or the one grid of a CSV/TSV, with its cells as typed."""
    name = path.name
    if ignored_file(path):
        return [], [Refusal(name, "这是 Excel 的临时锁定文件或备份文件，不是数据", "请导入真正的文件（去掉文件名开头的 ~$ 或结尾的 .bak/~）")]
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return [], [Refusal(name, f"无法读取：{exc.strerror}", "检查文件路径")]
    if raw[:4] == b"PK\x03\x04":
        return _read_xlsx(path)
    if path.suffix.lower() in (".xls",) or raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return [], [Refusal(name, "这是旧版 Excel 97–2003 工作簿（.xls）", "在 Excel 中“另存为 → Excel 工作簿（*.xlsx）”后再导入")]
    return _read_delimited(name, raw)


def _read_xlsx(path: Path) -> tuple[list[Sheet], list[Refusal]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:   # openpyxl raises many kinds for a damaged workbook
        return [], [Refusal(path.name, f"无法打开工作簿：{exc}", "在 Excel 中打开并重新保存为 .xlsx")]
    sheets = []
    for ws in book.worksheets:
        rows, formats = [], {}
        for cells in ws.iter_rows():
            if not cells:
                continue
            number = cells[0].row
            values = []
            for j, cell in enumerate(cells):
                values.append(cell.value)
                if isinstance(cell.value, (int, float)) and cell.number_format and "%" in cell.number_format:
                    formats[(number, j)] = cell.number_format
            rows.append((number, values))
        sheets.append(Sheet(f"{path.name} 工作表「{ws.title}」", rows, formats))
    return sheets, []


def _decode(raw: bytes) -> tuple[str, str]:
    """The text and the encoding it was read in: UTF-8 (with or without BOM), UTF-16, else GB18030."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16"), "UTF-16"
    if raw[:3] == b"\xef\xbb\xbf":
        return raw[3:].decode("utf-8"), "UTF-8（带 BOM）"
    if raw[:200].count(b"\x00") > len(raw[:200]) // 4:   # UTF-16 without a BOM: every other byte is NUL
        return raw.decode("utf-16-le" if raw[1:2] == b"\x00" else "utf-16-be"), "UTF-16"
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return raw.decode("gb18030"), "GBK/GB18030"


def _read_delimited(name: str, raw: bytes) -> tuple[list[Sheet], list[Refusal]]:
    try:
        text, encoding = _decode(raw)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return [], [Refusal(name, f"无法识别文件编码（第 {line} 行）",
                            "在 Excel 中“另存为 → CSV UTF-8（逗号分隔）”后再导入")]
    notes = []
    if encoding not in ("UTF-8",):
        notes.append(f"按 {encoding} 编码读取")
    if "\r" in text.replace("\r\n", ""):
        notes.append("换行符是单独的 CR（旧版 Mac 格式），已按换行处理")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    delimiter = _delimiter(text)
    if delimiter != ",":
        notes.append("按" + {"\t": "制表符", ";": "分号"}[delimiter] + "分隔读取")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = []
    try:
        for cells in reader:
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        return [], [Refusal(name, f"第 {reader.line_num} 行 CSV 格式错误：{exc}", "检查这一行的引号是否成对")]
    return [Sheet(name, rows, notes=tuple(notes))], []


def _delimiter(text: str) -> str:
    """The separator that splits the most of the first lines into the same number (≥2) of cells."""
    lines = [line for line in text.split("\n")[:40] if line.strip()]
    best, best_score = ",", -1
    for candidate in (",", "\t", ";"):
        counts = [len(r) for r in csv.reader(io.StringIO("\n".join(lines)), delimiter=candidate)]
        wide = [c for c in counts if c >= 2]
        if not wide:
            continue
        mode = max(set(wide), key=wide.count)
        score = wide.count(mode) * 100 + mode
        if score > best_score:
            best, best_score = candidate, score
    return best


# --- map: header row → columns -------------------------------------------------------------

def _header_key(text: Any) -> tuple[str, str]:
    """A header cell as (base, unit): '区间涨跌幅(%)' → ('区间涨跌幅', '%')."""
    label = unicodedata.normalize("NFKC", str(text or "")).strip()
    unit = ""
    m = HEADER_UNIT_RE.match(label)
    if m and m.group(1).strip():
        label, unit = m.group(1), m.group(2).strip()
        unit = re.sub(r"(次|元|美元|人民币|港元|rmb|usd)$", "", unit, flags=re.IGNORECASE) or unit
    return re.sub(r"\s+", " ", label).strip().lower(), unit


def _alias_index(dataset: str) -> dict[str, str]:
    index = {}
    for column, spec in _columns_of(dataset).items():
        for alias in (column, *spec.aliases):
            index[_header_key(alias)[0]] = column
    return index


def _match_header(cells: Sequence[Any], dataset: str) -> dict[int, str]:
    index = _alias_index(dataset)
    return {j: index[key] for j, cell in enumerate(cells) if (key := _header_key(cell)[0]) in index}


def find_header(sheet: Sheet, wanted: str | None) -> tuple[str, int] | None:
    """(dataset, index into sheet.rows) of the first row that reads as a header, or None.

    A header row names at least two of the dataset's columns; the dataset is the one whose
    columns it names most (``wanted`` when given)."""
    names = [wanted] if wanted else [d.name for d in packaged()]
    for i, (_, cells) in enumerate(sheet.rows[:40]):
        scores = {name: len(_match_header(cells, name)) for name in names}
        best = max(scores.values())
        if best >= 2:
            tied = [n for n, s in scores.items() if s == best]
            return tied[0] if len(tied) == 1 else "|".join(tied), i
    return None


# --- parse: cells → canonical values ---------------------------------------------------------

class CellError(ValueError):
    """A cell the import will not read: the message and the fix."""

    def __init__(self, message: str, fix: str):
        super().__init__(message)
        self.message, self.fix = message, fix


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _normal(text: str) -> str:
    """Full-width digits and signs → half-width, the Unicode minus → '-', spaces out."""
    text = unicodedata.normalize("NFKC", text).replace("\u2212", "-").replace("\u2013", "-").replace("\u2014", "—")
    return re.sub(r"\s+", "", text)


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and _normal(value).lower() in MISSING)


def parse_number(value: Any, unit: str, header_unit: str, percent_format: bool) -> tuple[Decimal, list[str]]:
    """A number cell in the column's unit, and what was done to read it (for the change table)."""
    notes: list[str] = []
    if isinstance(value, bool):
        raise CellError(f"应为数字，收到 {value}", "填入数字")
    if isinstance(value, (int, float)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if percent_format:
            number *= 100
            notes.append(f"百分比格式 {value!r} → {_fmt_decimal(number)}")
        suffix = ""
    else:
        typed = str(value)
        text = _normal(typed)
        if text != typed.strip():
            notes.append("全角或特殊字符改为半角")
        negative = False
        if text.startswith("(") and text.endswith(")"):
            text, negative = text[1:-1], True
            notes.append("括号表示负数")
        percent = text.endswith("%")
        if percent:
            text = text[:-1]
            if unit != "%":
                raise CellError(f"'{typed}' 带百分号，但这一列不是百分比", "填入数值本身（不带 %）")
            notes.append("去掉百分号")
        m = SUFFIX_RE.match(text)
        text, suffix = m.group(1), m.group(2) or ""
        if suffix and unit == "%":
            raise CellError(f"'{typed}' 带单位 {suffix}，但这一列是百分比", "填入涨跌幅的百分数，如 3.54")
        if text.startswith("+"):
            text = text[1:]
        if "," in text:
            if not GROUPED_RE.match(text):
                raise CellError(f"'{typed}' 中的逗号不像千位分隔符", "小数点请用英文句点，如 3.54；千位分隔符每三位一个，如 1,692")
            text = text.replace(",", "")
            notes.append("去掉千位分隔符")
        if not NUMBER_RE.match(text):
            raise CellError(f"无法读作数字：'{typed}'", "填入数字，如 3.54、1,692、9.12亿；缺失留空或写 —")
        number = Decimal(text)
        if negative:
            if number < 0:
                raise CellError(f"'{typed}' 既有括号又有负号", "只用一种写法表示负数，如 -3.54")
            number = -number
    source_unit = suffix or (header_unit if header_unit in MULTIPLIERS else "")
    if unit in MULTIPLIERS and source_unit and source_unit != unit:
        converted = number * MULTIPLIERS[source_unit] / MULTIPLIERS[unit]
        shown = f"{_fmt_decimal(number)}{source_unit}" if suffix else f"{_fmt_decimal(number)}（表头单位：{source_unit}）"
        notes.append(f"{shown} → {_fmt_decimal(converted)}{unit}")
        number = converted
    elif unit not in MULTIPLIERS and unit != "%" and suffix:
        converted = number * MULTIPLIERS[suffix]
        notes.append(f"{_fmt_decimal(number)}{suffix} → {_fmt_decimal(converted)}")
        number = converted
    return number, notes


def _fmt_decimal(number: Decimal) -> str:
    """A Decimal as the CSV writes it: no exponent, no trailing zeros after the point."""
    text = format(number.normalize(), "f") if number != 0 else "0"
    return text


def parse_date(value: Any) -> tuple[date, list[str]]:
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise CellError(f"日期带有时刻 {value:%H:%M}", "只填日期，如 2024-11-22")
        return value.date(), []
    if isinstance(value, date):
        return value, []
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _serial(value)
    typed = str(value)
    text = unicodedata.normalize("NFKC", typed).strip()
    if text.isdigit() and len(text) == 5:
        return _serial(int(text))
    m = YMD_RE.match(text) or YMD8_RE.match(text)
    if not m:
        raise CellError(f"无法读作日期：'{typed}'", "写成 YYYY-MM-DD，如 2024-11-22（也可 2024/11/22、2024年11月22日）")
    try:
        day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise CellError(f"没有这一天：'{typed}'", "检查年月日，写成 YYYY-MM-DD") from None
    return day, ([] if text == day.isoformat() else [f"'{typed}' → {day.isoformat()}"])


def _serial(number: float) -> tuple[date, list[str]]:
    if not (SERIAL_RANGE[0] <= number < SERIAL_RANGE[1]) or number != int(number):
        raise CellError(f"无法读作日期：{number}", "写成 YYYY-MM-DD，如 2024-11-22")
    day = EXCEL_EPOCH + timedelta(days=int(number))
    return day, [f"Excel 日期序号 {int(number)} → {day.isoformat()}"]


def parse_month(value: Any) -> tuple[date, list[str]]:
    if isinstance(value, (datetime, date)):
        day = value.date() if isinstance(value, datetime) else value
        return day.replace(day=1), ([] if day.day == 1 else [f"{day.isoformat()} → {day:%Y-%m}"])
    typed = str(value)
    text = unicodedata.normalize("NFKC", typed).strip()
    m = YM_RE.match(text)
    if m and 1 <= int(m.group(2)) <= 12:
        month = date(int(m.group(1)), int(m.group(2)), 1)
        return month, ([] if text == f"{month:%Y-%m}" else [f"'{typed}' → {month:%Y-%m}"])
    m = MON_YY_RE.match(text)
    if m:
        for fmt in ("%b", "%B"):
            try:
                number = datetime.strptime(m.group(1).title(), fmt).month
            except ValueError:
                continue
            year = int(m.group(2)) + (2000 if len(m.group(2)) == 2 else 0)
            month = date(year, number, 1)
            return month, [f"'{typed}' → {month:%Y-%m}"]
    try:
        day, notes = parse_date(value)
    except CellError:
        raise CellError(f"无法读作月份：'{typed}'", "写成 YYYY-MM，如 2024-11（也可 2024/11、2024年11月、Nov-24）") from None
    return day.replace(day=1), [f"'{typed}' → {day:%Y-%m}"]


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _normal(_text(value)).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(f"应为 true 或 false，收到 '{value}'", "填 true/false（或 是/否）")


def parse_choice(value: Any, column: Column) -> tuple[str, list[str]]:
    typed = _text(value).strip()
    text = unicodedata.normalize("NFKC", typed).strip()
    if text in column.choices:
        return text, []
    lowered = {c.lower(): c for c in column.choices}
    alias = CHOICE_ALIASES.get(column.name, {}).get(text.lower()) or lowered.get(text.lower())
    if alias:
        return alias, [f"'{typed}' → {alias}"]
    raise CellError(f"未知类别 '{typed}'", "可选：" + "、".join(column.choices))


# --- the import of one sheet ---------------------------------------------------------------

def import_sheet(sheet: Sheet, context: Context, wanted: str | None = None,
                 ignore_unknown: bool = False) -> Imported | None:
    """One sheet → canonical rows of its dataset (or refusals); None when the sheet has no header."""
    found = find_header(sheet, wanted)
    if found is None:
        return None
    name, start = found
    if "|" in name:
        imported = Imported(packaged().by_name[name.split("|")[0]], sheet.where)
        imported.refusals.append(Refusal(sheet.where, "表头同样符合 " + "、".join(name.split("|")) + " 几个数据集",
                                         "用 --dataset 指定要导入哪一个", (sheet.rows[start][0],)))
        return imported
    dataset = packaged().by_name[name]
    imported = Imported(dataset, sheet.where)
    for note in sheet.notes:
        imported.changes.append(Change(sheet.where, "", "note", note))
    header_line, header = sheet.rows[start]
    if start:
        imported.changes.append(Change(sheet.where, "", "note", f"表头在第 {header_line} 行，上方 {start} 行（标题、空行）已跳过"))
    mapping = _match_header(header, dataset.name)
    body = sheet.rows[start + 1:]
    body, footer = _strip_footer(body)
    if footer:
        imported.changes.append(Change(sheet.where, "", "note", f"第 {footer[0]} 行起是表尾注释（{footer[1]}），已跳过"))
    _check_header(sheet, imported, header_line, header, mapping, body, ignore_unknown)
    if imported.refusals:
        return imported
    header_units = {column: _header_key(header[j])[1] for j, column in mapping.items()}
    labels = {column: _text(header[j]).strip() for j, column in mapping.items()}
    columns_present = set(mapping.values())
    for column in dataset.columns:
        spec = import_columns(dataset)[column.name]
        if column.name not in columns_present and column.required and not spec.fill:
            imported.refusals.append(Refusal(
                sheet.where, f"缺少列 {column.name}（{column.description}）",
                "加上这一列，表头可写：" + "、".join(spec.aliases[:4]), (header_line,)))
    if imported.refusals:
        return imported
    failures: dict[tuple[str, str], tuple[str, list[int]]] = {}   # (header, fix) → (first message, rows)
    for line, cells in body:
        if all(is_missing(c) or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        row = {}
        for j, column_name in mapping.items():
            column = dataset.column(column_name)
            value = cells[j] if j < len(cells) else None
            try:
                row[column_name] = _cell(value, column, dataset.name, header_units[column_name],
                                         (line, j) in sheet.formats, imported, line)
            except CellError as exc:
                # Problems of one kind in one column are reported together: the kind is the fix.
                failures.setdefault((labels[column_name], exc.fix), (exc.message, []))[1].append(line)
                row[column_name] = None
        row["_line"] = line
        imported.rows.append(row)
    for (label, fix), (message, lines) in failures.items():
        imported.refusals.append(Refusal(sheet.where, message + _more(len(lines)), fix, tuple(lines), label))
    if imported.refusals:
        imported.rows = []
        return imported
    _resolve_names(imported, context, labels)
    _fill(imported, context, columns_present, labels)
    _check_duplicates(imported, labels)
    if imported.refusals:
        imported.rows = []
    return imported


def _more(count: int) -> str:
    return f"（共 {count} 处同类问题，以上为第一处）" if count > 1 else ""


def _strip_footer(body: list[tuple[int, list[Any]]]) -> tuple[list[tuple[int, list[Any]]], tuple[int, str] | None]:
    """Rows up to the first footer note (「数据来源：Wind」); the footer's row and text."""
    for i, (line, cells) in enumerate(body):
        filled = [_text(c).strip() for c in cells if _text(c).strip()]
        if filled and FOOTER_RE.match(filled[0]) and len(filled) <= 2:
            return body[:i], (line, filled[0][:30])
    return body, None


def _check_header(sheet: Sheet, imported: Imported, line: int, header: Sequence[Any], mapping: dict[int, str],
                  body: list[tuple[int, list[Any]]], ignore_unknown: bool) -> None:
    seen: dict[str, int] = {}
    for j, column in sorted(mapping.items()):
        if column in seen:
            imported.refusals.append(Refusal(
                sheet.where, f"'{_text(header[seen[column]])}' 与 '{_text(header[j])}' 都对应 {column}",
                "删去其中一列后再导入", (line,)))
        seen[column] = j
    unknown, empty = [], 0
    for j, cell in enumerate(header):
        if j in mapping:
            continue
        values = [cells[j] for _, cells in body if j < len(cells) and not is_missing(cells[j])]
        if not _text(cell).strip():
            if values:
                imported.refusals.append(Refusal(sheet.where, f"第 {j + 1} 列没有表头却有数值", "给这一列写上表头，或删去这一列",
                                                 (line,)))
            else:
                empty += 1
            continue
        unknown.append(_text(cell).strip())
    if empty:
        imported.changes.append(Change(sheet.where, "", "note", f"{empty} 个空列已忽略"))
    if unknown and not ignore_unknown:
        known = "、".join(f"{c}（{'、'.join(s.aliases[:2])}）" for c, s in import_columns(imported.dataset).items())
        imported.refusals.append(Refusal(
            sheet.where, "未知的列：" + "、".join(f"'{u}'" for u in unknown),
            f"确认不需要时加 --ignore-unknown 忽略它们；若是本数据集的列，改用这些表头：{known}", (line,)))
    elif unknown:
        imported.changes.append(Change(sheet.where, "", "note", "按 --ignore-unknown 忽略的列：" + "、".join(unknown)))


def _cell(value: Any, column: Column, dataset: str, header_unit: str, percent_format: bool,
          imported: Imported, line: int) -> Any:
    if is_missing(value):
        if value not in (None, "") and _text(value).strip():
            imported.changes.append(Change(imported.source, column.name, "format", f"'{_text(value).strip()}' 视为缺失（留空）", line))
        if column.required and not _columns_of(dataset)[column.name].fill:
            raise CellError("不能为空", f"填入{column.description.split('，')[0]}")
        return None
    notes: list[str]
    if column.kind == "number":
        spec = _columns_of(dataset)[column.name]
        result, notes = parse_number(value, spec.unit, header_unit, percent_format)
    elif column.kind == "date":
        result, notes = parse_date(value)
    elif column.kind == "month":
        result, notes = parse_month(value)
    elif column.kind == "bool":
        result, notes = parse_bool(value), []
    elif column.kind == "choice":
        result, notes = parse_choice(value, column)
    else:
        typed = _text(value)
        result = unicodedata.normalize("NFKC", typed).strip() if column.name != "name" else typed.strip()
        notes = [f"'{typed}' → '{result}'"] if result != typed.strip() else []
    for note in notes:
        kind = "unit" if "→" in note and any(u in note for u in ("万", "亿", "千")) and column.kind == "number" else "format"
        imported.changes.append(Change(imported.source, column.name, kind, note, line))
    return result


def _fill(imported: Imported, context: Context, present: set[str], labels: dict[str, str]) -> None:
    """Fill the columns the file leaves out (or cells it leaves empty) as the declarations say."""
    dataset = imported.dataset
    name_column = dataset.entity
    previous = {}
    for row in context.previous.get(dataset.name, ()):
        entity = context.registry.get(row[name_column])
        previous[entity.id if entity else row[name_column]] = row
    missing_rows: dict[str, list[int]] = {}
    for row in imported.rows:
        for column in dataset.columns:
            spec = import_columns(dataset)[column.name]
            if row.get(column.name) is not None or not spec.fill:
                continue
            value, how = _filled(spec.fill, column.name, row, previous, context, name_column, dataset)
            if value is None:
                if column.required:
                    missing_rows.setdefault(column.name, []).append(row["_line"])
                continue
            row[column.name] = value
            imported.changes.append(Change(imported.source, column.name, "fill", how, row["_line"], _shown(value, column)))
    for column_name, lines in missing_rows.items():
        column = dataset.column(column_name)
        imported.refusals.append(Refusal(
            imported.source, f"{column_name} 为空，且无法从上一期或代码推出", 
            f"在文件中加一列 {column_name}（{column.description}）或填上这几行", tuple(lines), labels.get(column_name)))


def _filled(rule: str, column: str, row: dict, previous: dict, context: Context, name_column: str,
            dataset: Dataset) -> tuple[Any, str]:
    if rule == "not_sample":
        return False, "文件没有这一列，按真实数据记为 false"
    if rule == "previous":
        entity = context.registry.get(row.get(name_column) or "")
        before = previous.get(entity.id if entity else row.get(name_column))
        if before is not None and before.get(column) is not None:
            return before[column], f"沿用上一期 {before['issue']}" if "issue" in before else "沿用上一期"
        return None, ""
    if rule == "market_from_ticker":
        suffix = (row.get("ticker") or "").rpartition(".")[2].upper()
        market = TICKER_MARKETS.get(suffix)
        return (market, f"由代码后缀 .{suffix} 得出") if market else (None, "")
    if rule == "period_start":
        period = context.periods.get(dataset.period)
        return (period[0], f"data_periods.{dataset.period} 的起始日") if period else (None, "")
    if rule == "month_complete":
        period = context.periods.get(dataset.period)
        month = row.get(dataset.date_column) if dataset.date_column else None
        if period is None or month is None:
            return None, ""
        last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
        return last <= period[1], f"data_periods.{dataset.period} 截至 {period[1]}，该月{'已' if last <= period[1] else '未'}结束"
    raise ValueError(f"unknown fill rule {rule!r}")


def _shown(value: Any, column: Column) -> str:
    if isinstance(value, date):
        return f"{value:%Y-%m}" if column.kind == "month" else value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return _fmt_decimal(value)
    return str(value)


def _resolve_names(imported: Imported, context: Context, labels: dict[str, str]) -> None:
    """Every entity name to the registry's name, by name, alias or (for stocks) ticker; unknown names listed."""
    dataset = imported.dataset
    column = dataset.entity
    registry = context.registry
    folded = {_fold(n): e for n, e in registry.by_name.items()}
    tickers = {}
    for row in context.previous.get(dataset.name, ()):
        if row.get("ticker") and registry.get(row[column]):
            tickers[_ticker_base(row["ticker"])] = registry.get(row[column])
    unknown_lines: dict[str, list[int]] = {}
    for row in imported.rows:
        typed = row.get(column)
        entity = registry.get(typed) if typed else None
        how = ""
        if entity is None and typed:
            entity, how = folded.get(_fold(typed)), "大小写或空格不同"
        if entity is None and row.get("ticker"):
            entity = tickers.get(_ticker_base(row["ticker"])) or folded.get(_fold(_ticker_base(row["ticker"])))
            how = f"按代码 {row['ticker']}"
        if entity is None:
            if typed:
                unknown_lines.setdefault(typed, []).append(row["_line"])
                imported.unknown[typed] = {"ticker": row.get("ticker") or ""}
            else:
                imported.refusals.append(Refusal(imported.source, f"{column} 为空，代码也未登记", "填上名称",
                                                 (row["_line"],), labels.get(column)))
            continue
        if typed != entity.name:
            if not how:
                how = "别名"
            shown = f"'{typed}'" if typed else "（空）"
            imported.changes.append(Change(imported.source, column, "name", f"{shown} → {entity.name}（{how}）", row["_line"]))
            row[column] = entity.name
    for name, lines in unknown_lines.items():
        imported.refusals.append(Refusal(
            imported.source, f"未登记的名称 '{name}'",
            "若是新实体，把下面的登记块贴进 data/entities.yaml（或加 --register）；若是已登记实体的别名，加入该项的 aliases",
            tuple(lines), labels.get(column)))


def _check_duplicates(imported: Imported, labels: dict[str, str]) -> None:
    """Two rows for one key (英伟达 and NVIDIA in one sheet) would be one row too many: refused, not merged."""
    dataset = imported.dataset
    seen: dict[tuple, int] = {}
    for row in imported.rows:
        key = tuple(row.get(k) for k in dataset.key)
        if key in seen:
            label = "、".join(f"{k}={_shown(v, dataset.column(k))}" for k, v in zip(dataset.key, key))
            imported.refusals.append(Refusal(imported.source, f"重复的行：{label}（第 {seen[key]} 行已有）",
                                             "删去其中一行；若是别名写法，两行说的是同一个实体", (row["_line"],),
                                             labels.get(dataset.key[0])))
        else:
            seen[key] = row["_line"]


def _fold(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).lower()


def _ticker_base(ticker: str) -> str:
    return unicodedata.normalize("NFKC", str(ticker)).strip().upper().partition(".")[0]


# --- output --------------------------------------------------------------------------------

def canonical_csv(dataset: Dataset, rows: Sequence[Mapping[str, Any]]) -> str:
    """The rows as the dataset's CSV, columns in the declared order, as ``weekly check`` reads it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in dataset.columns])
    for row in rows:
        writer.writerow([_cell_text(row.get(c.name), c) for c in dataset.columns])
    return out.getvalue()


def _cell_text(value: Any, column: Column) -> str:
    if value is None:
        return ""
    return _shown(value, column)


def registry_block(unknown: Mapping[str, tuple[str, Mapping[str, str]]], registry: Registry) -> str:
    """A ready-to-paste entities.yaml block for unknown names (name → (dataset, details))."""
    by_group: dict[str, list[str]] = {}
    taken = {e.id for e in registry.entities}
    for name, (dataset, details) in unknown.items():
        entity_id = new_id(name, details.get("ticker", ""), taken)
        taken.add(entity_id)
        aliases = [details["ticker"]] if details.get("ticker") else []
        line = f"  - {{id: {entity_id}, name: {_yaml_word(name)}, aliases: [{', '.join(_yaml_word(a) for a in aliases)}]}}"
        by_group.setdefault(packaged().by_name[dataset].registry_group or "companies", []).append(line)
    return "\n".join(f"{group}:\n" + "\n".join(lines) for group, lines in by_group.items()) + "\n"


def new_id(name: str, ticker: str, taken: set[str]) -> str:
    """A URL id for a new entity: its ASCII name, else its ticker, made unique."""
    for source in (name, ticker):
        slug = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKC", source).lower()).strip("-")
        if slug and re.search(r"[a-z]", slug) or (slug and source == ticker):
            break
    else:
        slug = "new-entity"
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


def _yaml_word(text: str) -> str:
    return text if re.fullmatch(r"[\w\u4e00-\u9fff][\w\u4e00-\u9fff .\-]*", text) and not text[0].isdigit() else '"' + text.replace('"', '\\"') + '"'


def register(path: Path, block: str) -> None:
    """Append a registry block's entries to entities.yaml, each under its group."""
    lines = path.read_text(encoding="utf-8-sig").split("\n") if path.exists() else []
    group = None
    for entry in block.splitlines():
        if not entry.startswith(" "):
            group = entry.rstrip(":")
            continue
        at = next((i for i, line in enumerate(lines) if line.rstrip() == f"{group}:"), None)
        if at is None:
            if lines and lines[-1] == "":
                lines.pop()
            lines += [f"{group}:", entry, ""]
            continue
        end = at + 1
        while end < len(lines) and (lines[end].startswith((" ", "\t")) or (lines[end].strip() == "" and end + 1 < len(lines)
                                                                          and lines[end + 1].startswith(" "))):
            end += 1
        lines.insert(end, entry)
    path.write_text("\n".join(lines), encoding="utf-8")


def change_table(changes: Sequence[Change]) -> list[str]:
    """The changes as lines: notes first, then per column and kind with the rows (and each unit
    conversion and name resolution on its own line, as they change the meaning)."""
    out = []
    for c in changes:
        if c.kind == "note":
            out.append(f"  {c.where}：{c.detail}")
    grouped: dict[tuple[str, str, str], list[Change]] = {}
    for c in changes:
        if c.kind == "note":
            continue
        key = (c.where, c.column, c.kind if c.kind in ("unit", "name", "fill") else _format_kind(c.detail))
        grouped.setdefault(key, []).append(c)
    for (where, column, kind), items in grouped.items():
        if kind == "fill":
            by_reason: dict[str, list[Change]] = {}
            for c in items:
                by_reason.setdefault(c.detail, []).append(c)
            for reason, same in by_reason.items():
                values = {}
                for c in same:
                    values[c.value] = values.get(c.value, 0) + 1
                shown = "、".join(v if n == 1 or len(values) == 1 else f"{v}（{n} 行）" for v, n in values.items())
                if len(same) == 1:
                    out.append(f"  {where} 第 {same[0].row} 行 {column}：{shown}（{reason}）")
                else:
                    out.append(f"  {where} {row_ranges(c.row for c in same)} {column}：{reason}：{shown}")
        elif kind in ("unit", "name") or len(items) <= 3:
            for c in items:
                out.append(f"  {where} 第 {c.row} 行 {column}：{c.detail}")
        else:
            out.append(f"  {where} {row_ranges(c.row for c in items)} {column}：{items[0].detail} 等 {len(items)} 处")
    return out


def _format_kind(detail: str) -> str:
    return re.sub(r"'[^']*'|[\d.,\-]+", "…", detail)


# --- the import of a set of files into one issue ----------------------------------------------

@dataclass
class Plan:
    """What ``weekly import`` would write into an issue folder, and why it will not when refused."""

    folder: Path
    imported: list[Imported] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changes(self) -> list[Change]:
        return [c for i in self.imported for c in i.changes]

    @property
    def all_refusals(self) -> list[Refusal]:
        return self.refusals + [r for i in self.imported for r in i.refusals]

    @property
    def unknown(self) -> dict[str, tuple[str, dict[str, str]]]:
        return {name: (i.dataset.name, details) for i in self.imported for name, details in i.unknown.items()}

    def outputs(self) -> dict[Path, str]:
        """Each dataset's canonical CSV text by the path it goes to."""
        return {self.folder / i.dataset.filename: canonical_csv(i.dataset, i.rows) for i in self.imported}


def plan_import(paths: Sequence[Path], folder: Path, context: Context, wanted: str | None = None,
                ignore_unknown: bool = False) -> Plan:
    """Read every file and sheet; the plan holds the canonical rows or every refusal."""
    plan = Plan(folder)
    for path in paths:
        if ignored_file(path):
            plan.notes.append(f"{path.name}：Excel 锁定文件、Thumbs.db 或备份文件，已跳过")
            continue
        sheets, refusals = read_sheets(path)
        plan.refusals.extend(refusals)
        found = False
        for sheet in sheets:
            imported = import_sheet(sheet, context, wanted, ignore_unknown)
            if imported is None:
                if len(sheets) > 1:
                    plan.notes.append(f"{sheet.where}：没有可识别的表头，已跳过")
                continue
            found = True
            plan.imported.append(imported)
        if sheets and not found:
            names = [wanted] if wanted else [d.name for d in packaged()]
            hint = "；".join(f"{n}：" + "、".join(s.aliases[0] for s in _columns_of(n).values()) for n in names)
            plan.refusals.append(Refusal(path.name, "前 40 行里找不到表头", f"表头一行至少要有两个可识别的列名，如 {hint}"))
    seen: dict[str, str] = {}
    for imported in plan.imported:
        name = imported.dataset.name
        if name in seen:
            plan.refusals.append(Refusal(imported.source, f"与 {seen[name]} 都是 {name} 的数据",
                                         "一次只导入一份；把两份合并成一个表，或分两次导入"))
        seen[name] = imported.source
    return plan


def issue_context(data_dir: Path, folder: Path, registry: Registry) -> Context:
    """The registry, the previous issue's rows (as text) and the target issue's data periods."""
    import frontmatter

    previous: dict[str, list[dict[str, Any]]] = {}
    earlier = sorted(p for p in data_dir.iterdir() if p.is_dir() and re.fullmatch(r"\d{4}-\d{2}-\d{2}", p.name)
                     and p.name < folder.name)
    if earlier:
        for dataset in packaged():
            path = earlier[-1] / dataset.filename
            if path.exists():
                with path.open(encoding="utf-8-sig", newline="") as f:
                    previous[dataset.name] = [{**{k: (v or None) for k, v in r.items()}, "issue": earlier[-1].name}
                                              for r in csv.DictReader(f)]
    periods: dict[str, tuple[date, date]] = {}
    try:
        meta = frontmatter.loads((folder / "issue.md").read_text(encoding="utf-8-sig")).metadata
        for name, value in (meta.get("data_periods") or {}).items():
            periods[name] = (_as_day(value["start"]), _as_day(value["end"]))
    except Exception:   # an unfinished issue.md: fills that need it are refused where they are needed
        pass
    return Context(registry, previous, periods)


def _as_day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
