"""Reads datasets.yaml into ``Declarations``: every mistake is a problem naming its file and line.

The report's own datasets are declared in the package (``generators/datasets.yaml``); a data
folder may declare more in its own ``datasets.yaml``, in the same format, with no code change.
An unknown chart kind, highlight rule, column or key is an error, never a fallback.
"""
from __future__ import annotations

import dataclasses
import re
import string
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problems
from .snapshot import ChartSpec, Column, Dataset, Declarations, EntityPage, HighlightRule

PACKAGED = Path(__file__).with_name("datasets.yaml")
DATASETS_FILE = "datasets.yaml"      # a data folder's own declarations, beside entities.yaml

COLUMN_TYPES = ("text", "number", "date", "month", "bool", "choice")
FORMATS = ("pct", "wan", "plain", "plain0", "usd")
CHART_KINDS = ("ranked_bars", "lines", "grouped_bars", "step_lines", "issue_bars")
HIGHLIGHT_RULES = ("movers", "weekly_leader", "monthly_leader", "entrants", "price_moves")
PERIOD_RULES = ("issue", "window")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
# Names a text template may use besides the dataset's columns.
TEMPLATE_NAMES = ("issue", "partial", "entity", "period")

DATASET_KEYS = {"title", "description", "required", "file", "key", "entity", "series", "period", "correctable", "complete",
                "columns", "charts", "entity_page", "narrative", "synth", "registry_group", "fetch"}
# How `weekly import` fills a column a spreadsheet lacks: the same entity's value in the previous
# issue, the market from the ticker's suffix, false (real data, not a sample), the start of the dataset's data period, or
# whether the row's month had ended by the end of that period.
FILL_RULES = ("previous", "market_from_ticker", "not_sample", "period_start", "month_complete")
REGISTRY_GROUPS = ("companies", "products", "gpus")
FETCHERS = ("daily_closes",)
COLUMN_KEYS = {"type", "label", "unit", "format", "description", "required", "values", "labels", "colors", "example",
               "aliases", "range", "plausible", "fill"}
CHART_KEYS = {"key", "kind", "title", "source", "notes", "value", "group", "filter", "table"}
PERIOD_KEYS = {"rule", "within", "column", "lookback_days", "history_days"}


class _Map(dict):
    """A YAML mapping that remembers the line of each key (``lines``) and its own (``line``)."""

    line = 0

    def __init__(self):
        super().__init__()
        self.lines: dict[Any, int] = {}


class _Seq(list):
    line = 0


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> _Map:
    loader.flatten_mapping(node)
    out = _Map()
    out.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = key_node.start_mark.line + 1
    return out


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> _Seq:
    out = _Seq(loader.construct_object(item, deep=True) for item in node.value)
    out.line = node.start_mark.line + 1
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


class _Reader:
    """One declarations file being read: problems are added with its path and the line."""

    def __init__(self, path: Path, problems: Problems):
        self.path, self.problems = path, problems

    def add(self, line: int | None, message: str, hint: str | None = None) -> None:
        self.problems.add(self.path, message, line=line, hint=hint)

    def where(self, line: int) -> str:
        return f"{self.problems.rel(self.path)}:{line}"


def read_declarations(paths: Sequence[Path], problems: Problems) -> Declarations:
    """The datasets and highlight rules declared in ``paths``, in order (later files add datasets)."""
    datasets: list[Dataset] = []
    rules: list[HighlightRule] = []
    for path in paths:
        reader = _Reader(path, problems)
        try:
            raw = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=_Loader)   # noqa: S506 (SafeLoader subclass)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            reader.add(mark.line + 1 if mark is not None else None, f"不是合法的 YAML：{getattr(exc, 'problem', None) or exc}")
            continue
        except OSError as exc:
            reader.add(None, f"无法读取：{exc.strerror}")
            continue
        if not isinstance(raw, _Map):
            reader.add(None, "应为映射：datasets（各数据集）与 highlights（数据要点规则）")
            continue
        for key in raw:
            if key not in ("datasets", "highlights"):
                reader.add(raw.lines[key], f"未知项 '{key}'", hint="可用：datasets、highlights")
        known = {d.name for d in datasets}
        block = raw.get("datasets") or _Map()
        if not isinstance(block, _Map):
            reader.add(raw.lines.get("datasets"), "datasets 应为映射：数据集名 → 其定义")
            block = _Map()
        for name, body in block.items():
            line = block.lines[name]
            if name in known:
                reader.add(line, f"数据集 '{name}' 已定义过", hint="每个数据集只定义一次")
                continue
            dataset = _dataset(reader, name, body, line, len([c for d in datasets for c in d.charts]))
            if dataset is not None:
                datasets.append(dataset)
                known.add(name)
        by_name = {d.name: d for d in datasets}
        for item in raw.get("highlights") or ():
            rule = _rule(reader, item, by_name, getattr(raw.get("highlights"), "line", raw.line))
            if rule is not None:
                rules.append(rule)
    keys: dict[str, str] = {}
    for d in datasets:
        for c in d.charts:
            if c.key in keys:
                problems.add(Path(d.origin.rsplit(":", 1)[0]), f"图表代号 '{c.key}' 与数据集 {keys[c.key]} 的图表重复")
            keys[c.key] = d.name
    return Declarations(tuple(datasets), tuple(rules))


def _dataset(reader: _Reader, name: Any, body: Any, line: int, charts_before: int) -> Dataset | None:
    if not isinstance(name, str) or not NAME_RE.match(name):
        reader.add(line, f"数据集名 '{name}' 只能用小写字母、数字和下划线", hint="如 hbm_prices")
        return None
    if not isinstance(body, _Map):
        reader.add(line, f"数据集 '{name}' 应为映射（title、columns、key 等）")
        return None
    before = len(reader.problems.items)
    for key in body:
        if key not in DATASET_KEYS:
            reader.add(body.lines[key], f"数据集 '{name}' 有未知项 '{key}'", hint="可用：" + "、".join(sorted(DATASET_KEYS)))
    for key in ("title", "description", "key", "columns"):
        if key not in body:
            reader.add(body.line, f"数据集 '{name}' 缺少 '{key}'")
    if len(reader.problems.items) > before:
        return None
    columns = _columns(reader, name, body["columns"], body.lines["columns"])
    names = {c.name for c in columns}

    def column_ref(key: str, value: Any, at: int, *, kinds: tuple[str, ...] = ()) -> str | None:
        if value is None:
            return None
        if value not in names:
            reader.add(at, f"数据集 '{name}' 的 {key} '{value}' 不是它的列", hint="可用：" + "、".join(c.name for c in columns))
            return None
        if kinds and next(c for c in columns if c.name == value).kind not in kinds:
            reader.add(at, f"数据集 '{name}' 的 {key} '{value}' 应为 {' / '.join(kinds)} 类型的列")
            return None
        return value

    keys = body["key"]
    if not isinstance(keys, list) or not keys:
        reader.add(body.lines["key"], f"数据集 '{name}' 的 key 应为列名列表")
        keys = []
    key = tuple(k for k in keys if column_ref("key", k, body.lines["key"]))
    entity = column_ref("entity", body.get("entity"), body.lines.get("entity", body.line), kinds=("text",))
    series = column_ref("series", body.get("series"), body.lines.get("series", body.line), kinds=("choice",))
    correctable = column_ref("correctable", body.get("correctable"), body.lines.get("correctable", body.line), kinds=("number",))
    complete = column_ref("complete", body.get("complete"), body.lines.get("complete", body.line), kinds=("bool",))
    narrative = column_ref("narrative", body.get("narrative"), body.lines.get("narrative", body.line), kinds=("number",))
    for k, allowed in (("registry_group", REGISTRY_GROUPS), ("fetch", FETCHERS)):
        if body.get(k) is not None and body.get(k) not in allowed:
            reader.add(body.lines.get(k, body.line), f"数据集 '{name}' 的 {k} '{body.get(k)}' 未知", hint="可用：" + "、".join(allowed))
    period = body.get("period") or _Map()
    within = date_column = history_days = None
    lookback = 0
    if not isinstance(period, _Map) or period.get("rule") not in PERIOD_RULES:
        reader.add(body.lines.get("period", body.line), f"数据集 '{name}' 的 period 应含 rule：" + " 或 ".join(PERIOD_RULES),
                   hint="issue：只读本期的行；window：按日期列读往期历史")
    else:
        for k in period:
            if k not in PERIOD_KEYS:
                reader.add(period.lines[k], f"数据集 '{name}' 的 period 有未知项 '{k}'", hint="可用：" + "、".join(sorted(PERIOD_KEYS)))
        if period["rule"] == "window":
            date_column = column_ref("period.column", period.get("column"), period.line, kinds=("date", "month"))
            if date_column is None:
                reader.add(period.line, f"数据集 '{name}' 的 period.column 应为一个日期或月份列")
            within = period.get("within")
            if within != "period" and not (isinstance(within, str) and within.startswith("data_periods.")
                                           and NAME_RE.match(within.removeprefix("data_periods."))):
                reader.add(period.lines.get("within", period.line), f"数据集 '{name}' 的 period.within 应为 period 或 data_periods.<名称>")
                within = None
            history_days = _whole(reader, period, "history_days", 364)
            lookback = _whole(reader, period, "lookback_days", 0)
    charts = tuple(_chart(reader, name, item, columns, charts_before + i + 1, body.get("entity") is not None)
                   for i, item in enumerate(_items(reader, body, "charts")))
    page = body.get("entity_page") or _Map()
    chart = None
    if isinstance(page, _Map) and page.get("chart") is not None:
        chart = _chart(reader, name, page["chart"], columns, 0, True, entity_page=True)
    for k in ("latest", "said"):
        if isinstance(page, _Map) and k in page:
            _check_template(reader, name, page[k], names, page.lines[k])
    source = charts[0].source if charts and charts[0] else ""
    if chart is not None and not chart.source:
        chart = dataclasses.replace(chart, source=source)
    if len(reader.problems.items) > before or None in charts:
        return None
    return Dataset(
        name, body["title"], body["description"], columns, key, within=within, date_column=date_column,
        optional=not body.get("required", False), file=body.get("file", ""), entity=entity, series=series,
        lookback_days=lookback, history_days=history_days, correctable=correctable, complete=complete, charts=charts,
        entity_page=EntityPage(chart, page.get("latest", ""), page.get("said", "")) if isinstance(page, _Map) else EntityPage(),
        narrative=narrative, synth=body.get("synth"), registry_group=body.get("registry_group"), fetch=body.get("fetch"),
        origin=reader.where(line))


def _items(reader: _Reader, body: _Map, key: str) -> list:
    value = body.get(key) or []
    if not isinstance(value, list):
        reader.add(body.lines.get(key, body.line), f"'{key}' 应为列表")
        return []
    return value


def _whole(reader: _Reader, mapping: _Map, key: str, default: int) -> int:
    value = mapping.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        reader.add(mapping.lines.get(key, mapping.line), f"'{key}' 应为不小于 0 的整数，实际为 {value!r}")
        return default
    return value


def _columns(reader: _Reader, dataset: str, raw: Any, line: int) -> tuple[Column, ...]:
    if not isinstance(raw, _Map) or not raw:
        reader.add(line, f"数据集 '{dataset}' 的 columns 应为映射：列名 → 类型、说明等")
        return ()
    out = []
    for name, spec in raw.items():
        at = raw.lines[name]
        if not isinstance(spec, _Map):
            reader.add(at, f"列 '{name}' 应为映射，如 {{type: number, description: …}}")
            continue
        for key in spec:
            if key not in COLUMN_KEYS:
                reader.add(spec.lines[key], f"列 '{name}' 有未知项 '{key}'", hint="可用：" + "、".join(sorted(COLUMN_KEYS)))
        kind = spec.get("type")
        if kind not in COLUMN_TYPES:
            reader.add(spec.lines.get("type", at), f"列 '{name}' 的类型 '{kind}' 未知", hint="可用：" + "、".join(COLUMN_TYPES))
            continue
        fmt = spec.get("format", "plain")
        if fmt not in FORMATS:
            reader.add(spec.lines.get("format", at), f"列 '{name}' 的格式 '{fmt}' 未知", hint="可用：" + "、".join(FORMATS))
        values = tuple(str(v) for v in spec.get("values") or ())
        if kind == "choice" and not values:
            reader.add(at, f"列 '{name}' 是 choice 类型，须用 values 列出可选值")
        labels = spec.get("labels") or {}
        colors = spec.get("colors") or {}
        for what, mapping in (("labels", labels), ("colors", colors)):
            for value in mapping:
                if str(value) not in values:
                    reader.add(mapping.lines[value], f"列 '{name}' 的 {what} 中 '{value}' 不是它的可选值")
        bounds = spec.get("range") or {}
        low, high = bounds.get("min"), bounds.get("max")
        for bound in (low, high):
            if bound is not None and (isinstance(bound, bool) or not isinstance(bound, (int, float))):
                reader.add(spec.lines.get("range", at), f"列 '{name}' 的 range 应为数字 min / max")
        plausible = spec.get("plausible") or {}
        jump, usual = plausible.get("jump"), plausible.get("usual")
        for bound in (jump, usual):
            if bound is not None and (isinstance(bound, bool) or not isinstance(bound, (int, float)) or bound <= 0):
                reader.add(spec.lines.get("plausible", at), f"列 '{name}' 的 plausible 应为正数 jump / usual")
        fill = str(spec.get("fill", ""))
        if fill and fill not in FILL_RULES:
            reader.add(spec.lines.get("fill", at), f"列 '{name}' 的 fill '{fill}' 未知", hint="可用：" + "、".join(FILL_RULES))
        aliases = spec.get("aliases") or []
        out.append(Column(
            str(name), kind, str(spec.get("description", "")), required=bool(spec.get("required", True)), choices=values,
            example=str(spec.get("example", "")), label=str(spec.get("label", "")), unit=str(spec.get("unit", "")), format=fmt,
            aliases=tuple(str(a) for a in aliases), minimum=low, maximum=high, jump=jump, usual=usual, fill=fill,
            labels=tuple((str(k), str(v)) for k, v in labels.items()), colors=tuple((str(k), str(v)) for k, v in colors.items())))
    return tuple(out)


def _chart(reader: _Reader, dataset: str, raw: Any, columns: tuple[Column, ...], number: int, has_entity: bool,
           *, entity_page: bool = False) -> ChartSpec | None:
    if not isinstance(raw, _Map):
        reader.add(getattr(raw, "line", None), f"数据集 '{dataset}' 的图表应为映射（key、kind、title、source 等）")
        return None
    before = len(reader.problems.items)
    for key in raw:
        if key not in CHART_KEYS:
            reader.add(raw.lines[key], f"图表有未知项 '{key}'", hint="可用：" + "、".join(sorted(CHART_KEYS)))
    required = ("kind", "title", "value") if entity_page else ("key", "kind", "title", "source", "value")
    for key in required:
        if key not in raw:
            reader.add(raw.line, f"数据集 '{dataset}' 的图表缺少 '{key}'")
    if len(reader.problems.items) > before:
        return None
    kind = raw["kind"]
    if kind not in CHART_KINDS:
        reader.add(raw.lines["kind"], f"未知的图表类型 '{kind}'", hint="可用：" + "、".join(CHART_KINDS))
    by_name = {c.name: c for c in columns}

    def column(key: str, value: Any) -> None:
        if value is not None and value not in by_name:
            reader.add(raw.lines[key], f"图表的 {key} '{value}' 不是数据集 '{dataset}' 的列")
    column("value", raw["value"])
    if raw["value"] in by_name and by_name[raw["value"]].kind != "number":
        reader.add(raw.lines["value"], f"图表的 value '{raw['value']}' 应为数字列")
    column("group", raw.get("group"))
    for name in raw.get("table") or ():
        column("table", name)
    filters = raw.get("filter") or _Map()
    for name, value in filters.items():
        if name not in by_name:
            reader.add(filters.lines[name], f"图表的 filter '{name}' 不是数据集 '{dataset}' 的列")
        elif by_name[name].choices and str(value) not in by_name[name].choices:
            reader.add(filters.lines[name], f"图表的 filter '{name}: {value}' 不是该列的可选值",
                       hint="可选：" + "、".join(by_name[name].choices))
    if kind in ("lines", "grouped_bars", "step_lines") and not has_entity:
        reader.add(raw.lines["kind"], f"'{kind}' 图表每条线是一个实体：数据集 '{dataset}' 须声明 entity")
    _check_template(reader, dataset, raw["title"], set(by_name), raw.lines["title"])
    if len(reader.problems.items) > before:
        return None
    notes = raw.get("notes") or []
    return ChartSpec(number, str(raw.get("key", dataset)), str(raw["title"]), str(raw.get("source", "")),
                     tuple(str(n) for n in notes), kind=kind, dataset=dataset, value=raw["value"], group=raw.get("group") or "",
                     filter=tuple((str(k), str(v)) for k, v in filters.items()), table=tuple(raw.get("table") or ()))


def _check_template(reader: _Reader, dataset: str, text: Any, columns: set[str], line: int) -> None:
    if not isinstance(text, str):
        reader.add(line, f"数据集 '{dataset}' 的文字模板应为文字")
        return
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(text.replace("[", "").replace("]", "")) if f is not None]
    except ValueError as exc:
        reader.add(line, f"数据集 '{dataset}' 的文字模板有误：{exc}", hint="用 {列名} 引用一列，花括号须成对")
        return
    for field in fields:
        if field not in columns and field not in TEMPLATE_NAMES:
            reader.add(line, f"数据集 '{dataset}' 的文字模板引用了未知的列 '{field}'", hint="可用：" + "、".join(sorted(columns)))


def _rule(reader: _Reader, raw: Any, datasets: dict[str, Dataset], line: int) -> HighlightRule | None:
    if not isinstance(raw, _Map) or "rule" not in raw or "dataset" not in raw:
        reader.add(getattr(raw, "line", line), "highlights 的每项应含 rule 与 dataset")
        return None
    if raw["rule"] not in HIGHLIGHT_RULES:
        reader.add(raw.lines["rule"], f"未知的数据要点规则 '{raw['rule']}'", hint="可用：" + "、".join(HIGHLIGHT_RULES))
        return None
    dataset = datasets.get(raw["dataset"])
    if dataset is None:
        reader.add(raw.lines["dataset"], f"数据要点规则引用了未定义的数据集 '{raw['dataset']}'")
        return None
    names = {c.name for c in dataset.columns}
    for key in ("value", "group"):
        if raw.get(key) is not None and raw[key] not in names:
            reader.add(raw.lines[key], f"数据要点规则的 {key} '{raw[key]}' 不是数据集 '{dataset.name}' 的列")
            return None
    return HighlightRule(raw["rule"], dataset.name, raw.get("value") or "", raw.get("group") or "", bool(raw.get("records", False)))


def declarations_for(data_dir: Path | None, problems: Problems) -> Declarations:
    """The packaged declarations plus those of ``data_dir/datasets.yaml``, if there is one."""
    extra = Path(data_dir) / DATASETS_FILE if data_dir is not None else None
    if extra is None or not extra.is_file():
        return packaged()
    return read_declarations([PACKAGED, extra], problems)


@lru_cache(maxsize=1)
def packaged() -> Declarations:
    """The report's own datasets (generators/datasets.yaml); a mistake there is a DataError."""
    problems = Problems(PACKAGED.parent)
    declarations = read_declarations([PACKAGED], problems)
    problems.raise_if_any()
    return declarations
