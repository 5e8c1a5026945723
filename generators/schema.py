"""What a weekly snapshot holds: the issue file's front matter and one CSV per dataset.

This module is the single source of truth for the snapshot format; the data docs page
(`数据说明`) is generated from it, so the two cannot drift.
"""
from __future__ import annotations

from dataclasses import dataclass

ISSUE_FILE = "issue.md"
TIMEZONE = "Asia/Shanghai"   # publication times are Beijing time
PUBLISH_WEEKDAY, PUBLISH_HOUR = 4, 9
PLACEHOLDER = "待填写"   # `weekly new` marks what the analyst must write; `weekly check` rejects it   # default: Friday 09:00 of the issue's week
ENTITIES_FILE = "entities.yaml"
MAX_FILE_BYTES = 64 * 2**20   # a data file above this is refused unread (a week's file is some KB)


@dataclass(frozen=True)
class Column:
    """One CSV column: its type decides how a cell is parsed and checked."""

    name: str
    kind: str  # text | number | date | month | bool | choice
    description: str
    required: bool = True
    choices: tuple[str, ...] = ()
    example: str = ""
    # A number column's valid range (inclusive): a value outside it is rejected.
    low: float | None = None
    high: float | None = None
    # Plausibility, warned about by `weekly check` (with the earlier value): more than ``jump``
    # times, or less than 1/``jump`` of, the same series' previous value; beyond ±``usual``.
    jump: float | None = None
    usual: float | None = None


@dataclass(frozen=True)
class Dataset:
    """One CSV file of a snapshot."""

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]          # a row is unique by these columns
    period: str | None = None     # which front-matter period its date column must fall in
    date_column: str | None = None
    optional: bool = True         # a snapshot may leave the file out

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


SAMPLE = Column("sample", "bool", "是否为示例数据：true 表示该行数值并非来自真实研报，页面会标注“示例数据”", example="false")

MARKETS = ("A股", "港股", "美股", "台股")
SEGMENTS = ("GPU/CPU", "数据中心硬件")
CATEGORIES = ("text", "image", "video")
REGIONS = ("海外", "国内")
CONDITIONS = ("new", "used")

STOCKS = Dataset(
    "stocks", "股价复盘", "本周算力相关个股的周涨跌幅、市值与收盘价（图表 1）。每只股票一行。",
    (
        Column("name", "text", "公司简称，与实体登记表中的名称或别名一致", example="英伟达"),
        Column("ticker", "text", "证券代码，含交易所后缀", example="NVDA.O"),
        Column("market", "choice", "上市地", choices=MARKETS, example="美股"),
        Column("segment", "choice", "板块", choices=SEGMENTS, example="GPU/CPU"),
        Column("change_pct", "number", "周涨跌幅（%），上涨为正、下跌为负", example="3.54", low=-100, high=1000, usual=60),
        Column("market_cap", "number", "总市值（亿，当地货币），未知可留空", required=False, example="35000",
               low=0, high=1e6, jump=10),
        Column("close", "number", "收盘价（当地货币），未知可留空", required=False, example="145.89",
               low=0, high=1e6, jump=10),
        SAMPLE,
    ),
    key=("name",),
    optional=False,
)

VISITS = Dataset(
    "visits", "网站访问量", "AI 网站周访问量（图表 2–5，来源 Similarweb）。每个产品每周一行。",
    (
        Column("product", "text", "产品名称", example="ChatGPT"),
        Column("category", "choice", "类别：text 文本、image 图片、video 视频", choices=CATEGORIES, example="text"),
        Column("region", "choice", "海外或国内（文本类分两张图）", choices=REGIONS, example="海外"),
        Column("week", "date", "统计周的第一天（YYYY-MM-DD），须落在 data_periods.visits 内", example="2024-11-08"),
        Column("visits", "number", "当周访问量（万次）", example="90500", low=0, high=1e7, jump=10),
        SAMPLE,
    ),
    key=("product", "week"),
    period="visits",
    date_column="week",
)

DOWNLOADS = Dataset(
    "downloads", "App 下载量", "国内头部大模型 App 月度下载量（图表 6，来源七麦数据）。每个 App 每月一行；当月数据随周更新。",
    (
        Column("app", "text", "App 名称", example="Kimi"),
        Column("month", "month", "月份（YYYY-MM），须与 data_periods.downloads 重叠", example="2024-11"),
        Column("downloads", "number", "当月下载量（万次）", example="1520", low=0, high=1e6, jump=10),
        Column("complete", "bool", "该月是否已完整统计；false 时图注会写“非完全统计”", example="false"),
        SAMPLE,
    ),
    key=("app", "month"),
    period="downloads",
    date_column="month",
)

GPU_PRICES = Dataset(
    "gpu_prices", "GPU 价格", "NVIDIA GPU 在 Amazon 上的新品与二手价格（图表 7–8，来源 Camelcamelcamel）。",
    (
        Column("model", "text", "GPU 型号", example="H100"),
        Column("date", "date", "报价日期（YYYY-MM-DD），须落在本期区间（period 起始前 7 天至 period.end）内", example="2024-11-20"),
        Column("condition", "choice", "new 新品、used 二手", choices=CONDITIONS, example="new"),
        Column("price", "number", "价格（美元）", example="28500", low=1, high=1e6, jump=10),
        SAMPLE,
    ),
    key=("model", "date", "condition"),
    period="prices",
    date_column="date",
)

DATASETS: tuple[Dataset, ...] = (STOCKS, VISITS, DOWNLOADS, GPU_PRICES)
DATASET_BY_NAME = {d.name: d for d in DATASETS}


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
