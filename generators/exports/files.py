"""The files readers download: the CSV behind every chart, each issue's data as one ZIP, the whole archive as CSV and XLSX.

Pure: frames in, bytes out. Every CSV is UTF-8 with a BOM, so Excel opens Chinese text
correctly; a text cell that begins with = + - @ (or a tab or carriage return) is prefixed with
a single quote so a spreadsheet shows it as text instead of running it as a formula. Numbers
stay numbers: -1.62 is written as -1.62, because only text cells are neutralised.
"""
from __future__ import annotations

import io
import itertools
import math
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from ..charts.figures import Chart
from ..schema.model import Row, Snapshot
from ..schema.snapshot import Dataset, Declarations
from ..pages.urls import ALL_DATA_XLSX, all_data_csv, chart_csv_name
from ..schema.units import MEMO

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FIXED_TIME = datetime(2024, 1, 1)   # ZIP entry times: the same data gives the same bytes


def safe_cell(value):
    """A cell as written to CSV/XLSX: text that could run as a formula gets a leading quote."""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_START) else value
    return value


@lru_cache(maxsize=MEMO, typed=True)   # typed: True == 1.0, but one is "true" and the other "1"
def _csv_field(value) -> str:
    """One cell as a CSV field: its text, quoted as ``csv.writer`` quotes (QUOTE_MINIMAL), memoised.

    Written by hand rather than with ``csv.writer``: a writer per line cost more than the line;
    a test checks the output against the csv module for any cells.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    text = str(safe_cell(value))
    if '"' in text:
        return '"' + text.replace('"', '""') + '"'
    return f'"{text}"' if "," in text or "\n" in text or "\r" in text else text


Sheet = tuple[Sequence[str], Sequence[Sequence]]     # a header and its rows


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence]) -> bytes:
    """Rows as an Excel-safe CSV: UTF-8 with BOM, formulas neutralised, numbers numeric."""
    return (BOM + csv_lines([header]) + csv_lines(rows)).encode("utf-8")


def csv_lines(rows: Sequence[Sequence]) -> str:
    """Rows as CSV text (CRLF line ends), cells as ``csv_bytes`` writes them."""
    return "".join([_csv_line(row) for row in rows])


def _csv_line(row: Sequence) -> str:
    line = ",".join(map(_csv_field, row))
    if not line and len(row) == 1:
        line = '""'     # as csv.writer: a lone empty field is quoted, or the line would read back as no fields
    return line + "\r\n"


def chart_rows(chart: Chart) -> tuple[list[str], list[list]]:
    """Exactly what a chart shows, as numbers: a header and one row per category or date, one
    column per series (read from the figure itself, so the CSV cannot drift from the chart)."""
    header, columns = chart_columns(chart)
    return header, [list(row) for row in zip(*columns)]


def chart_columns(chart: Chart) -> tuple[list[str], list[list]]:
    """``chart_rows`` a column at a time: the header and each column's values, top to bottom."""
    traces = chart.figure["data"]
    first = str(chart.table.columns[0]) if len(chart.table.columns) else "项目"
    if not traces:
        return [first], [[]]
    if traces[0].get("orientation") == "h":      # the stock chart: names on y, change on x
        trace = traces[0]
        return [first, *chart.labels], [trace["y"], trace.get("customdata", [None] * len(trace["y"])), trace["x"]]
    xs = sorted({x for trace in traces for x in trace["x"]})
    unit = f"（{chart.unit}）" if chart.unit else ""       # the page reads counts in 次, the CSV keeps 万次
    header = [first, *[(trace.get("name") or chart.title) + unit for trace in traces]]
    if all(trace["x"] == xs for trace in traces):      # every series has every x (most charts)
        return header, [xs, *(trace["y"] for trace in traces)]
    return header, [xs, *(list(map(dict(zip(trace["x"], trace["y"])).get, xs)) for trace in traces)]


def chart_csv(chart: Chart) -> bytes:
    """The CSV download of one chart (the same as ``csv_bytes(*chart_rows(chart))``), written a
    column at a time: an entity's chart holds its whole history."""
    header, columns = chart_columns(chart)
    lines = "\r\n".join(map(",".join, zip(*(map(_csv_field, column) for column in columns))))
    return (BOM + csv_lines([header]) + lines + ("\r\n" if lines else "")).encode("utf-8")


def dataset_lines(snapshot: Snapshot, datasets: Declarations) -> dict[str, list[str]]:
    """Each of the snapshot's datasets as CSV lines in its column order, without the header
    (written once per issue: its ZIP and its rows of the whole-archive CSVs both use them)."""
    return {dataset.name: [_csv_line(row) for row in dataset_sheet(dataset, snapshot.rows[dataset.name])[1]]
            for dataset in datasets if dataset.name in snapshot.rows}


def issue_zip(snapshot: Snapshot, chart_csvs: dict[str, bytes], lines: dict[str, list[str]], datasets: Declarations) -> bytes:
    """One issue's data: its snapshot's dataset files (``lines``: ``dataset_lines``) and the CSV
    of every chart (name → bytes).

    Stored, not deflated: the files are a few KB each, and a deflate stream per file cost ten
    times what the whole archive took to write, to save some 10 KB of download.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for dataset in datasets:
            if dataset.name in lines:
                header = csv_lines([[c.name for c in dataset.columns]])
                _add(archive, f"{snapshot.issue.slug}/{dataset.filename}",
                     (BOM + header + "".join(lines[dataset.name])).encode("utf-8"), zipfile.ZIP_STORED)
        for name, data in chart_csvs.items():
            _add(archive, f"{snapshot.issue.slug}/{name}", data, zipfile.ZIP_STORED)
    return buffer.getvalue()


def _add(archive: zipfile.ZipFile, name: str, data: bytes, compression: int = zipfile.ZIP_DEFLATED) -> None:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
    info.compress_type = compression
    # Level 5, not zlib's default 6: on the ten-year workbook 4% larger and 40% faster to write.
    archive.writestr(info, data, compresslevel=5 if compression == zipfile.ZIP_DEFLATED else None)


def dataset_sheet(dataset: Dataset, rows: Sequence[Row], issue: bool = False) -> Sheet:
    """A dataset's rows in its CSV column order; with ``issue``, the issue date first."""
    columns = [*(("issue",) if issue else ()), *(c.name for c in dataset.columns)]
    return columns, [[row[c] for c in columns] for row in rows]


@dataclass(frozen=True)
class SheetPart:
    """One issue's rows of one dataset in the whole-archive downloads, written once (the per-issue
    cache keeps it): CSV lines and SpreadsheetML row XML, each row led by the issue date, and the
    texts these rows are the first in the archive to use (see ``SharedStrings``)."""

    csv: bytes
    xml: bytes
    strings: tuple[str, ...] = ()


class SharedStrings:
    """The workbook's shared-string table: each distinct text once, in order of first use, and
    every text cell a reference to it. A ten-year archive has about a thousand distinct texts
    (names, tickers, dates) in a hundred thousand text cells; written inline they were three
    quarters of the sheets. Issues are written oldest first, so an issue's references never
    change when later issues add texts."""

    def __init__(self):
        self.index: dict[str, int] = {}
        self._cells: dict = {None: "<c/>"}     # a text or date → its cell, referring to the table

    def extend(self, texts: Sequence[str]) -> None:
        """Take in the texts an already written part added (``SheetPart.strings``)."""
        for text in texts:
            self.index.setdefault(text, len(self.index))

    def cells(self, values: Sequence) -> Iterator[str]:
        """Each value's cell, for a column of texts and dates (None for an empty cell): a
        reference to the table, the column's new texts added in order of first use."""
        cells = self._cells
        for value in dict.fromkeys(values):
            if value not in cells:
                text = _xlsx_text(value)
                i = self.index.get(text)
                if i is None:
                    i = self.index[text] = len(self.index)
                cells[value] = f'<c t="s"><v>{i}</v></c>'
        return map(cells.__getitem__, values)

    def xml(self) -> bytes:
        """xl/sharedStrings.xml."""
        items = "".join(f"<si><t{_space(text)}>{_xml(text)}</t></si>" for text in self.index)
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{_MAIN}" uniqueCount="{len(self.index)}">'
                f"{items}</sst>").encode("utf-8")


def sheet_parts(snapshot: Snapshot, shared: SharedStrings, lines: dict[str, list[str]],
                datasets: Declarations) -> dict[str, SheetPart]:
    """What one snapshot adds to each whole-archive dataset file (``shared``: the table of the
    texts of every earlier issue, to which this one's new texts are added; ``lines``:
    ``dataset_lines``, each of which gains the issue date in front)."""
    out = {}
    prefix = _csv_field(snapshot.issue.date) + ","
    for dataset in datasets:
        rows = snapshot.rows.get(dataset.name)
        if rows:
            _, body = dataset_sheet(dataset, rows, issue=True)
            before = len(shared.index)
            xml = xlsx_rows(body, shared)
            new = tuple(itertools.islice(shared.index, before, None)) if len(shared.index) > before else ()
            # Every dataset has several columns, so no line is a lone empty field that csv.writer would quote.
            text = "".join(prefix + line for line in lines[dataset.name])
            out[dataset.name] = SheetPart(text.encode("utf-8"), xml.encode("utf-8"), new)
    return out


def xlsx_rows(rows: Sequence[Sequence], shared: SharedStrings | None = None) -> str:
    """Rows as SpreadsheetML <row> elements: numbers as numbers, texts and dates (ISO) as text,
    inline or, with ``shared``, as references to its table (new texts added column by column)."""
    if shared is None or not rows:
        return "".join("<row>" + "".join(map(_xlsx_cell, row)) + "</row>" for row in rows)
    columns = []
    for column in zip(*rows):
        kinds = set(map(type, column)) - {type(None)}
        texts = all(issubclass(kind, (str, date)) for kind in kinds)
        columns.append(shared.cells(column) if texts and kinds else map(_xlsx_cell, column))
    return "<row>" + "</row><row>".join(map("".join, zip(*columns))) + "</row>"


def workbook_xlsx(sheets: dict[str, str | bytes], shared: SharedStrings | None = None) -> bytes:
    """A workbook of one sheet per entry: sheet name → its rows as ``xlsx_rows`` XML (text, or
    UTF-8 bytes), with the shared-string table they refer to, if any.

    Written directly as SpreadsheetML: openpyxl took ~3 s for the ten-year archive on every weekly
    build, this a fraction of that, and equal data gives equal bytes. Tests read it back with openpyxl.
    """
    names = list(sheets)
    count = len(names)
    types = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                    f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, count + 1))
    rels = "".join(f'<Relationship Id="rId{i}" Type="{_RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, count + 1))
    if shared is not None:
        types += ('<Override PartName="/xl/sharedStrings.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
        rels += f'<Relationship Id="rId{count + 1}" Type="{_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES.format(sheets=types),
        "_rels/.rels": _ROOT_RELS,
        "xl/workbook.xml": _WORKBOOK.format(sheets="".join(
            f'<sheet name="{_xml(name)}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(names, 1))),
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS.format(sheets=rels),
    }
    if shared is not None:
        parts["xl/sharedStrings.xml"] = shared.xml()
    for i, name in enumerate(names, 1):
        rows = sheets[name]
        parts[f"xl/worksheets/sheet{i}.xml"] = b"".join([_SHEET_HEAD, rows.encode("utf-8") if isinstance(rows, str) else rows, _SHEET_TAIL])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            _add(book, name, data.encode("utf-8") if isinstance(data, str) else data)
    return buffer.getvalue()


@lru_cache(maxsize=MEMO)
def _xlsx_text(value: str | date) -> str:
    """A text cell's text: a date in ISO form, a text that could run as a formula quoted."""
    return value.isoformat() if isinstance(value, date) else str(safe_cell(value))


def _space(text: str) -> str:
    # xml:space keeps a text's outer spaces; most texts have none, and the attribute was a fifth of the sheet.
    return ' xml:space="preserve"' if text != text.strip() else ""


@lru_cache(maxsize=MEMO, typed=True)   # typed: True == 1.0, but one is a boolean cell
def _xlsx_cell(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "<c/>"
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        number = value + 0.0 if isinstance(value, float) else value   # -0.0 shares 0.0's memo entry: one text
        return f"<c><v>{number!r}</v></c>"
    text = _xlsx_text(value)
    return f'<c t="inlineStr"><is><t{_space(text)}>{_xml(text)}</t></is></c>'


_XML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml(text: str) -> str:
    return _XML_INVALID.sub("", "".join(_XML_ESCAPES.get(ch, ch) for ch in text))


_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                  '<Default Extension="xml" ContentType="application/xml"/>'
                  '<Override PartName="/xl/workbook.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                  '{sheets}</Types>')
_ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
              'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
             '<sheets>{sheets}</sheets></workbook>')
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                  '{sheets}</Relationships>')
_SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
_SHEET_TAIL = b"</sheetData></worksheet>"


def all_data_files(parts: Sequence[dict[str, SheetPart]], shared: SharedStrings, datasets: Declarations) -> dict[str, bytes]:
    """The whole-archive downloads at their stable paths, data/downloads/<dataset>.csv and the XLSX,
    joined from each issue's ``sheet_parts`` (oldest issue first); ``shared``: the text table those
    parts refer to, as their writing left it."""
    files, sheets = {}, {}
    for dataset in datasets:
        mine = [p[dataset.name] for p in parts if dataset.name in p]
        if not mine:
            continue
        header = ["issue", *(c.name for c in dataset.columns)]
        files[all_data_csv(dataset)] = b"".join([(BOM + csv_lines([header])).encode("utf-8"), *(p.csv for p in mine)])
        sheets[dataset.name] = b"".join([xlsx_rows([header]).encode("utf-8"), *(p.xml for p in mine)])
    files[ALL_DATA_XLSX] = workbook_xlsx(sheets, shared)
    return files


def all_data_markdown(files: Sequence[str]) -> str:
    """The 下载全部数据 section of the data page (data.md), linking each file."""
    lines = ["## 下载全部数据\n",
             "全部各期数据合并为一个文件，每行带 issue 列（所属期刊日期）；网址固定，可直接引用。"
             "CSV 为带 BOM 的 UTF-8，Excel 可直接打开；以 = + - @ 开头的文字单元格前加了单引号，防止被当作公式执行。\n"]
    for path in files:
        lines.append(f"- [{path.rsplit('/', 1)[-1]}]({path})")
    return "\n".join(lines) + "\n"


def chart_files(folder: str, charts: list[Chart]) -> tuple[dict[int, str], dict[str, bytes]]:
    """Each chart's CSV beside its page (folder/chart-N.csv): chart number → URL relative to the
    page, and docs path → file bytes."""
    links, files = {}, {}
    for chart in charts:
        name = chart_csv_name(chart)
        if name:
            files[f"{folder}/{name}"] = chart_csv(chart)
            links[chart.number] = name
    return links, files
