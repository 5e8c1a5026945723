"""Synthetic snapshots: the shipped sample archive and the large archives used for benchmarks.

Everything written here is invented and marked so: ``sample: true`` in the front matter and
``sample=true`` on every CSV row. Output is deterministic for a given seed number.
"""
from __future__ import annotations

import csv
import io
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml

from ..schema.declarations import packaged
from ..errors import DataError, Problem
from ..schema.snapshot import Dataset, Declarations


@dataclass(frozen=True)
class Stock:
    name: str
    ticker: str
    market: str
    segment: str
    cap: float      # 亿, local currency
    close: float
    since: int = 0  # first week index (entities join over time)


STOCKS = (
    Stock("英伟达", "NVDA.O", "美股", "GPU/CPU", 35800, 146.0),
    Stock("AMD", "AMD.O", "美股", "GPU/CPU", 2250, 138.6),
    Stock("英特尔", "INTC.O", "美股", "GPU/CPU", 1050, 24.1),
    Stock("龙芯中科", "688047.SH", "A股", "GPU/CPU", 530, 132.5),
    Stock("寒武纪", "688256.SH", "A股", "GPU/CPU", 2580, 620.0),
    Stock("海光信息", "688041.SH", "A股", "GPU/CPU", 3500, 150.6),
    Stock("超微电脑", "SMCI.O", "美股", "数据中心硬件", 170, 29.5),
    Stock("中际旭创", "300308.SZ", "A股", "数据中心硬件", 1500, 136.0),
    Stock("工业富联", "601138.SH", "A股", "数据中心硬件", 4300, 21.6),
    Stock("新易盛", "300502.SZ", "A股", "数据中心硬件", 620, 88.0),
    Stock("天孚通信", "300394.SZ", "A股", "数据中心硬件", 430, 78.0, since=30),
    Stock("沪电股份", "002463.SZ", "A股", "数据中心硬件", 720, 37.5, since=60),
    Stock("英维克", "002837.SZ", "A股", "数据中心硬件", 230, 31.0, since=90),
    Stock("盛科通信", "688702.SH", "A股", "数据中心硬件", 260, 63.0, since=120),
)

# product, category, region, base visits (万次/周), weekly growth, first week index
SITES = (
    ("ChatGPT", "text", "海外", 78000, 0.018, 0), ("Gemini", "text", "海外", 7600, 0.01, 0),
    ("Claude", "text", "海外", 2300, 0.012, 0), ("Perplexity", "text", "海外", 1900, 0.015, 0),
    ("Kimi", "text", "国内", 620, 0.02, 0), ("豆包", "text", "国内", 420, 0.025, 0),
    ("文小言", "text", "国内", 310, 0.0, 0), ("通义千问", "text", "国内", 260, 0.008, 0),
    ("讯飞星火", "text", "国内", 95, 0.01, 0), ("DeepSeek", "text", "国内", 60, 0.03, 40),
    ("Midjourney", "image", "海外", 460, -0.004, 0), ("ideogram", "image", "海外", 210, 0.01, 0),
    ("Leonardo", "image", "海外", 390, 0.0, 0), ("Runway", "video", "海外", 180, 0.006, 0),
    ("Pika", "video", "海外", 105, -0.005, 0), ("MiniMax", "video", "国内", 150, 0.02, 0),
    ("可灵", "video", "国内", 80, 0.02, 20),
)
GROWTH_WEEKS = 52
APPS = (("豆包", 2600), ("Kimi", 1250), ("文小言", 820), ("腾讯元宝", 650), ("通义", 560),
        ("讯飞星火", 330), ("智谱清言", 260))
GPUS = (("H100", 29500, 23500), ("A100", 8300, 6100))

THEMES = (
    ("液冷渗透率加速提升，数据中心散热方案迎来升级", "液冷", ("英维克", "工业富联")),
    ("光模块需求旺盛，800G 出货节奏加快", "光模块", ("中际旭创", "新易盛", "天孚通信")),
    ("云厂商资本开支指引上调，算力投资延续高景气", "资本开支", ("英伟达", "超微电脑")),
    ("国产算力芯片生态完善，推理场景率先落地", "国产算力", ("寒武纪", "海光信息", "龙芯中科")),
    ("大模型推理成本持续下降，应用侧调用量快速增长", "推理成本", ("Kimi", "豆包")),
    ("万卡集群建设提速，网络互联成为新瓶颈", "超算集群", ("盛科通信", "沪电股份")),
    ("多模态大模型迭代加快，视频生成产品密集发布", "多模态", ("MiniMax", "可灵", "Runway")),
    ("GPU 租赁价格回落，二手市场交易活跃", "GPU价格", ("H100", "A100")),
    ("AI 服务器订单饱满，供应链扩产积极", "AI服务器", ("工业富联", "超微电脑")),
    ("端侧 AI 加速渗透，AI PC 与 AI 手机出货提升", "端侧AI", ("英特尔", "AMD")),
    ("开源模型能力追赶闭源，训练效率成为竞争焦点", "开源模型", ("DeepSeek", "通义千问")),
    ("Scaling Law 讨论升温，后训练与推理时计算受关注", "Scaling Law", ("ChatGPT", "Claude")),
)
OPENERS = ("据示例资讯{day}报道，", "示例消息显示，{day}", "根据示例媒体{day}的报道，", "{day}，示例行业会议上有观点认为，")
POINTS = (
    "需求端保持强劲，相关环节订单能见度提升至{n}个季度。",
    "产业链上下游协同推进，预计{n}个月内完成验证。",
    "头部厂商加大投入，行业集中度有望进一步提高。",
    "短期扰动不改中长期趋势，建议关注业绩兑现节奏。",
    "技术路线逐步收敛，成本下降曲线快于此前预期。",
    "海外与国内进展出现分化，国内厂商替代空间较大。",
)
MOVES_UP = ("领涨", "涨幅居前", "表现强势", "大幅走高")
MOVES_DOWN = ("回调", "走弱", "小幅下跌", "表现落后")


@dataclass(frozen=True)
class Week:
    index: int
    date: date        # the issue's Friday

    @property
    def period(self) -> tuple[date, date]:
        return self.date - timedelta(days=4), self.date - timedelta(days=2)

    @property
    def visits_week(self) -> tuple[date, date]:
        return self.date - timedelta(days=14), self.date - timedelta(days=8)

    @property
    def downloads_period(self) -> tuple[date, date]:
        return self.date - timedelta(days=9), self.date - timedelta(days=3)


def fridays(end: date, weeks: int) -> list[Week]:
    return [Week(i, end - timedelta(weeks=weeks - 1 - i)) for i in range(weeks)]


def write_archive(out: Path, weeks: int, end: date, seed: int = 7, datasets: Declarations | None = None) -> list[Path]:
    """Write ``weeks`` consecutive sample issues ending on the Friday ``end``, one CSV for every
    declared dataset that names a sample generator (``synth`` in datasets.yaml)."""
    datasets = datasets or packaged()
    _check_generators(datasets)
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "entities.yaml").write_text(registry_text(), encoding="utf-8")
    written = []
    for week in fridays(end, weeks):
        folder = out / week.date.isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        files = snapshot_files(week, rng, datasets)
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        written.append(folder)
    return written


def registry_text() -> str:
    """entities.yaml covering every name the synthetic snapshots use (通义 is the app of 通义千问)."""
    def slug(name: str, fallback: str) -> str:
        text = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in name.lower()).strip("-")
        return text if text and text.isascii() and not text.startswith("-") else fallback
    companies = [{"id": slug(s.ticker.split(".")[0], f"company-{i}"), "name": s.name, "aliases": [s.ticker]}
                 for i, s in enumerate(STOCKS)]
    names = [site[0] for site in SITES] + [app for app, _ in APPS if app != "通义"]
    products = [{"id": slug(n, f"product-{i}"), "name": n, "aliases": ["通义"] if n == "通义千问" else []}
                for i, n in enumerate(dict.fromkeys(names))]
    gpus = [{"id": m.lower(), "name": m, "aliases": [f"NVIDIA {m}"]} for m, _, _ in GPUS]
    return yaml.safe_dump({"companies": companies, "products": products, "gpus": gpus},
                          allow_unicode=True, sort_keys=False, width=1000)


def _check_generators(datasets: Declarations) -> None:
    """A dataset naming an unknown generator is a located error, not a dataset quietly left out."""
    problems = [Problem(d.origin, f"数据集 '{d.name}' 的示例数据生成器 '{d.synth}' 未知", hint="可用：" + "、".join(GENERATORS))
                for d in datasets if d.synth and d.synth not in GENERATORS]
    if problems:
        raise DataError(problems)


def snapshot_files(week: Week, rng: random.Random, datasets: Declarations | None = None) -> dict[str, str]:
    """The files of one synthetic week, as text: each generated dataset in its declared columns."""
    datasets = datasets or packaged()
    made: dict[str, tuple[Dataset, list[dict]]] = {}
    for dataset in datasets:
        if dataset.synth:
            made[dataset.synth] = (dataset, GENERATORS[dataset.synth](week, rng))
    periods = {d.period: PERIODS[kind](week) for kind, (d, _) in made.items() if d.within and d.within.startswith("data_periods.")}
    files = {"issue.md": _issue_text(week, rng, made["weekly_moves"][1], made["weekly_visits"][1], periods)}
    for dataset, rows in made.values():
        header = [c.name for c in dataset.columns]
        files[dataset.filename] = _csv(header, [[row[c] for c in header] for row in rows])
    return files


def _stock_rows(week: Week, rng: random.Random) -> list[dict]:
    rows = []
    market_mood = rng.gauss(0.5, 3)
    for s in STOCKS:
        if week.index < s.since:
            continue
        change = round(market_mood + rng.gauss(0, 4), 2)
        drift = 1 + 0.004 * week.index + 0.05 * math.sin(week.index / 6 + len(s.name))
        rows.append({"name": s.name, "ticker": s.ticker, "market": s.market, "segment": s.segment, "change_pct": f"{change:.2f}",
                     "market_cap": f"{s.cap * drift:.0f}", "close": f"{s.close * drift:.2f}", "sample": "true"})
    return rows


def _visit_rows(week: Week, rng: random.Random) -> list[dict]:
    start = week.visits_week[0]
    rows = []
    for product, category, region, base, growth, since in SITES:
        if week.index < since:
            continue
        # Growth that levels off over a year or two (compounding for ten years took ChatGPT to
        # 8 万亿 visits a week); a function of the week's index only, so a longer archive keeps
        # the weeks of a shorter one.
        weeks_of_growth = GROWTH_WEEKS * (1 - math.exp(-(week.index - since) / GROWTH_WEEKS))
        level = base * (1 + growth) ** weeks_of_growth * (1 + 0.04 * math.sin(week.index / 3)) * rng.uniform(0.96, 1.04)
        rows.append({"product": product, "category": category, "region": region, "week": start.isoformat(),
                     "visits": f"{level:.0f}", "sample": "true"})
    return rows


def _download_rows(week: Week, rng: random.Random) -> list[dict]:
    start, end = week.downloads_period
    rows = []
    months = sorted({(start.year, start.month), (end.year, end.month)})
    for year, month in months:
        first = date(year, month, 1)
        nxt = date(year + month // 12, month % 12 + 1, 1)
        complete = nxt <= end
        days_counted = (nxt - first).days if complete else (end - first).days + 1
        for app, base in APPS:
            monthly = base * (1 + 0.03 * ((year * 12 + month) % 7)) * rng.uniform(0.9, 1.1)
            value = monthly * days_counted / 30
            rows.append({"app": app, "month": f"{year:04d}-{month:02d}", "downloads": f"{value:.0f}",
                         "complete": "true" if complete else "false", "sample": "true"})
    return rows


def _price_rows(week: Week, rng: random.Random) -> list[dict]:
    day = week.period[1]
    rows = []
    for model, new, used in GPUS:
        # Prices fall ~8% a year (compounded, so ten years stay positive) and wander a little.
        factor = 0.9985 ** week.index * (1 + 0.03 * math.sin(week.index / 5))
        rows.append({"model": model, "date": day.isoformat(), "condition": "new",
                     "price": f"{new * factor * rng.uniform(0.98, 1.02):.0f}", "sample": "true"})
        rows.append({"model": model, "date": day.isoformat(), "condition": "used",
                     "price": f"{used * factor * rng.uniform(0.95, 1.05):.0f}", "sample": "true"})
    return rows


# The sample generators a dataset may name (``synth`` in datasets.yaml), and the data_periods
# window each one's rows fall in.
GENERATORS = {"weekly_moves": _stock_rows, "weekly_visits": _visit_rows, "monthly_counts": _download_rows,
              "daily_prices": _price_rows}
PERIODS = {"weekly_visits": lambda week: week.visits_week, "monthly_counts": lambda week: week.downloads_period}


def _issue_text(week: Week, rng: random.Random, stocks: list[dict], visits: list[dict],
                periods: dict[str, tuple[date, date]]) -> str:
    start, end = week.period
    label = f"{start:%m%d}-{end:%m%d}"
    ordered = sorted(stocks, key=lambda r: float(r["change_pct"]), reverse=True)
    top, bottom = ordered[0], ordered[-1]
    themes = rng.sample(THEMES, 2)
    text_sites = sorted((r for r in visits if r["category"] == "text"), key=lambda r: -float(r["visits"]))
    leader = text_sites[0]
    title = f"{top['name']}{rng.choice(MOVES_UP)}，{themes[0][1]}受关注（示例）"
    lead = (f"示例数据：本周（{label}）{top['name']}{float(top['change_pct']):+.2f}%{rng.choice(MOVES_UP)}，"
            f"{bottom['name']}{float(bottom['change_pct']):+.2f}%{rng.choice(MOVES_DOWN)}；{themes[0][0]}。")
    gpu = [r for r in ordered if r["segment"] == "GPU/CPU"]
    dc = [r for r in ordered if r["segment"] == "数据中心硬件"]
    lines = ["## 投资要点", "", f"**本周{dc[0]['name']}与{gpu[0]['name']}{rng.choice(MOVES_UP)}，算力板块分化。**", "",
             f"（1）GPU/CPU：本周（{label}）" + "，".join(f"{r['name']}{float(r['change_pct']):+.2f}%" for r in gpu[:5]) + "。",
             "", "（2）数据中心硬件：" + "，".join(f"{r['name']}{float(r['change_pct']):+.2f}%" for r in dc[:4]) + "。", ""]
    for theme, tag, names in themes:
        day = week.date - timedelta(days=rng.randint(3, 6))
        opener = rng.choice(OPENERS).format(day=f"{day.month}月{day.day}日")
        p1, p2 = rng.sample(POINTS, 2)
        lines += [f"### {theme}", "", f"{opener}{'、'.join(names)}等相关方向出现新进展（示例文字）。", "",
                  f"**要点#1：{tag}相关进展值得跟踪。** " + p1.format(n=rng.randint(2, 4)), "",
                  f"**要点#2：{names[0]}等标的受益程度较高。** " + p2.format(n=rng.randint(2, 6)), ""]
    vs = week.visits_week
    lines += ["## 大模型跟踪", "",
              f"据 similarweb 示例数据（{vs[0]:%m%d}-{vs[1]:%m%d}）：{leader['product']}本周访问量约 {float(leader['visits']) / 10000:.2f} 亿次，"
              f"{text_sites[1]['product']}约 {float(text_sites[1]['visits']):.0f} 万次。", ""]
    meta = {
        "title": title, "date": week.date, "sector": "电子",
        "period": {"start": start, "end": end}, "prices_as_of": end,
        "data_periods": {name: {"start": start, "end": end} for name, (start, end) in periods.items()},
        "sample": True, "lead": lead, "tags": [themes[0][1], themes[1][1]],
        "watchlists": [{"name": "国产算力链", "companies": ["寒武纪", "海光信息", "龙芯中科"]},
                       {"name": "数据中心硬件", "companies": [r['name'] for r in dc[:4]]}],
        "risks": ["技术发展及落地不及预期", "下游需求不及预期", "市场竞争加剧风险"],
    }
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000) + "---\n\n" + "\n".join(lines)


def _csv(header: list[str], rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
