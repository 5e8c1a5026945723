"""What a weekly snapshot holds: the issue file's front matter and one CSV per dataset.

This module is the single source of truth for the snapshot format; the data docs page
(`数据说明`) is generated from it, so the two cannot drift.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property

ISSUE_FILE = "issue.md"
TIMEZONE = "Asia/Shanghai"   # publication times are Beijing time
PUBLISH_WEEKDAY, PUBLISH_HOUR = 4, 9
PLACEHOLDER = "待填写"   # `weekly new` marks what the analyst must write; `weekly check` rejects it   # default: Friday 09:00 of the issue's week
ENTITIES_FILE = "entities.yaml"
MAX_FILE_BYTES = 64 * 2**20   # a data file above this is refused unread (a week's file is some KB)
# Files that tools leave beside the data and that are never data: Excel's lock files (~$book.xlsx)
# while a workbook is open, LibreOffice's, Windows' and macOS' thumbnails, *.bak and editor backups.
NOT_DATA = re.compile(r"^(~\$.*|\.~lock\..*#?|Thumbs\.db|\.DS_Store|desktop\.ini|.*\.bak|.*~|\.#.*|#.*#|\..*\.sw[po])$",
                      re.IGNORECASE)
MAX_SLUG = 40


def tag_slug(tag: str) -> str:
    """A tag's URL name: Chinese kept, Latin lower-cased, spaces and punctuation → '-'. Two tags
    with one slug would share a page, so the loader rejects that (it is part of the format)."""
    slug = re.sub(r"[^\w\u4e00-\u9fff]+", "-", tag.strip().lower()).strip("-")
    if len(slug) > MAX_SLUG:
        # File names are limited to 255 bytes; a long tag keeps a readable prefix and a hash.
        slug = slug[:MAX_SLUG].rstrip("-") + "-" + hashlib.sha1(tag.encode("utf-8")).hexdigest()[:8]
    return slug or "tag"


@dataclass(frozen=True)
class Column:
    """One CSV column: its type decides how a cell is parsed and checked; the rest how it is shown."""

    name: str
    kind: str  # text | number | date | month | bool | choice
    description: str
    required: bool = True
    choices: tuple[str, ...] = ()
    example: str = ""
    label: str = ""                   # its header in tables (the column's name when empty)
    unit: str = ""                    # e.g. 万次, 美元, %
    format: str = "plain"             # how a number is shown: see FORMATS
    aliases: tuple[str, ...] = ()     # other headers a spreadsheet may use for it (涨跌幅 → change_pct)
    minimum: float | None = None      # the valid range of a number, inclusive
    maximum: float | None = None
    # Plausibility, warned about by `weekly check` (with the earlier value): more than ``jump``
    # times, or less than 1/``jump`` of, the same series' previous value; beyond ±``usual``.
    jump: float | None = None
    usual: float | None = None
    fill: str = ""                    # `weekly import`: where a column missing from a spreadsheet comes from (FILL_RULES)
    labels: tuple[tuple[str, str], ...] = ()    # choice → what pages call it (new → 新品)
    colors: tuple[tuple[str, str], ...] = ()    # choice → its line colour in a chart

    @property
    def header(self) -> str:
        return self.label or self.name

    def label_of(self, value: str) -> str:
        """What pages call one of the column's values (the value itself when it has no label)."""
        return dict(self.labels).get(value, value)


@dataclass(frozen=True)
class ChartSpec:
    """One declared chart: what it draws (kind, value column, filter) and its caption parts.

    ``number`` is its place among the issue's charts (1 for the first declared); on an entity
    page charts are numbered from 1 in the order the datasets are declared.
    """

    number: int
    key: str
    title: str
    source: str
    notes: tuple[str, ...] = ()
    kind: str = ""
    dataset: str = ""
    value: str = ""
    group: str = ""
    filter: tuple[tuple[str, str], ...] = ()
    table: tuple[str, ...] = ()


@dataclass(frozen=True)
class EntityPage:
    """How a dataset appears on an entity page: its history chart and its text templates."""

    chart: ChartSpec | None = None
    latest: str = ""     # the 最新数据 line (per series, when the dataset has one)
    said: str = ""       # what an issue said about the entity, in its list of mentions


@dataclass(frozen=True)
class HighlightRule:
    """One rule of the 本周数据要点 block, applied to one dataset (see highlights.RULES)."""

    rule: str
    dataset: str
    value: str = ""
    group: str = ""
    records: bool = False


@dataclass(frozen=True)
class Dataset:
    """One CSV file of a snapshot, as declared in datasets.yaml."""

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]          # a row is unique by these columns
    within: str | None = None     # the front-matter period its date column must fall in: "period" or "data_periods.<name>"
    date_column: str | None = None
    optional: bool = True         # a snapshot may leave the file out
    file: str = ""
    entity: str | None = None     # the column that names an entity (one page per entity)
    series: str | None = None     # a choice column whose values are separate lines of one chart
    lookback_days: int = 0        # the date may be this many days before the period starts
    history_days: int | None = None   # the days of history an issue's charts show (None: the issue's own rows)
    correctable: str | None = None    # the value a later issue may restate (a correction)
    complete: str | None = None       # a bool column: false marks a period still being counted
    charts: tuple[ChartSpec, ...] = ()
    entity_page: EntityPage = EntityPage()
    narrative: str | None = None      # the column a "name+3.54%" in issue.md states, checked against the data
    synth: str | None = None          # the sample generator of `weekly synth`
    registry_group: str | None = None # the entities.yaml group its entity names belong to (companies, products, gpus)
    fetch: str | None = None          # `weekly fetch` can fill it from a public source (tools/fetch.py)
    origin: str = field(default="", compare=False)   # where it is declared (file:line), for messages

    @property
    def filename(self) -> str:
        return self.file or f"{self.name}.csv"

    @property
    def period(self) -> str | None:
        """The data_periods name its dates fall in, "prices" for the issue's own period, or None."""
        if self.within is None:
            return None
        return self.within.removeprefix("data_periods.") if self.within.startswith("data_periods.") else "prices"

    @property
    def dated(self) -> bool:
        """True when rows carry their own date and an issue's charts draw their history."""
        return self.date_column is not None

    def column(self, name: str) -> Column:
        return self._by_name[name]

    @cached_property
    def _by_name(self) -> dict[str, Column]:
        return {c.name: c for c in self.columns}

    def canonical(self, header: str) -> str:
        """A header as the column name it stands for (an alias such as 涨跌幅 → change_pct)."""
        text = header.strip()
        for c in self.columns:
            if text == c.name or text in c.aliases:
                return c.name
        return text


@dataclass(frozen=True)
class Declarations:
    """Every declared dataset, in order, and the highlight rules in the order the block lists them."""

    datasets: tuple[Dataset, ...]
    highlights: tuple[HighlightRule, ...] = ()

    @cached_property
    def by_name(self) -> dict[str, Dataset]:
        return {d.name: d for d in self.datasets}

    @cached_property
    def charts(self) -> tuple[ChartSpec, ...]:
        """Every issue chart, numbered in declaration order."""
        return tuple(c for d in self.datasets for c in d.charts)

    @cached_property
    def chart_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.charts)

    @cached_property
    def data_periods(self) -> tuple[str, ...]:
        """The names front matter may give under data_periods."""
        return tuple(d.period for d in self.datasets if d.within and d.within.startswith("data_periods."))

    def __iter__(self):
        return iter(self.datasets)


@dataclass(frozen=True)
class Field:
    """One front-matter key of issue.md."""

    name: str
    kind: str
    description: str
    required: bool = True
    example: str = ""


ISSUE_FIELDS: tuple[Field, ...] = (
    Field("title", "text", "本期标题（不含“-算力周跟踪”后缀）", example="ChatGPT周访问量突破9亿，“精度感知”Scaling Law再引关注"),
    Field("date", "date", "发布日期，须与文件夹名相同（通常为当周周五）", example="2024-11-22"),
    Field("sector", "text", "行业", example="电子"),
    Field("period", "period", "股价复盘区间，start 与 end 均为日期", example="{start: 2024-11-18, end: 2024-11-20}"),
    Field("prices_as_of", "date", "市值、涨跌幅截至日期", required=False, example="2024-11-20"),
    Field("data_periods", "mapping", "各数据源的统计区间：visits（Similarweb）、downloads（七麦）", example="{visits: {start: 2024-11-08, end: 2024-11-14}}"),
    Field("lead", "text", "两三句话的导语，用于首页、往期列表与订阅源", example="本周……"),
    Field("tags", "list", "主题标签", required=False, example="[Scaling Law, 超算集群]"),
    Field("watchlists", "list", "建议关注：每项含 name 与 companies", required=False, example="[{name: 国产算力链, companies: [寒武纪]}]"),
    Field("risks", "list", "风险提示，每条一项", required=False, example="[地缘政治风险]"),
    Field("chart_notes", "mapping", "各图表的“注”，键为图表代号（见下表）", required=False, example="{stocks: [以上市值……]}"),
    Field("sample", "bool", "正文是否为示例文字；true 时页面顶部标注“示例数据”", example="false"),
    Field("publish_at", "datetime", "发布时间；到点之前构建的网站不含本期的任何内容。"
          "不带时区的时间是北京时间；带时区的 ISO 8601 时间（如 2024-11-22T01:00:00Z）换算为北京时间。"
          "不填则为本期所在周的周五 09:00", required=False, example='"2024-11-22 09:00"'),
    Field("draft", "bool", "草稿：true 时本期不会出现在网站上（仍会校验）", required=False, example="false"),
    Field("absent", "list", "本周没有的数据集（如 visits）：上一期有、本期缺少的数据文件，须在此写明，否则校验报错",
          required=False, example="[visits]"),
)
ISSUE_FIELD_NAMES = {f.name for f in ISSUE_FIELDS}
REQUIRED_FIELDS = tuple(f.name for f in ISSUE_FIELDS if f.required)

