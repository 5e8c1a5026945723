"""The entity registry: data/entities.yaml read into ``Registry``, and the names a snapshot uses checked against it.

One entity is one page, whatever a snapshot calls it (英伟达 / NVIDIA / NVDA; 文小言, formerly
文心一言). A name that is neither a registered name nor an alias is a data error that says which
file, row and column, and which entry the analyst probably meant.
"""
from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Sequence
from pathlib import Path

import yaml

from ..errors import Problems
from ..schema.model import Entity, Registry
from ..schema.snapshot import Dataset, Declarations

KINDS = {"companies": "company", "products": "product", "gpus": "gpu"}
KIND_LABELS = {"company": "公司", "product": "AI 产品", "gpu": "GPU 型号"}
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def load_registry(path: Path, problems: Problems) -> Registry:
    """Read entities.yaml; every malformed entry, bad id or name used twice is a problem."""
    if not path.exists():
        problems.add(path, "缺少实体登记表 entities.yaml",
                     hint="在 data/ 下新建 entities.yaml，按 companies/products/gpus 列出每个名称，见“数据说明”页")
        return Registry()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.add(path, f"不是合法的 YAML：{getattr(exc, 'problem', None) or exc}",
                     line=mark.line + 1 if mark is not None else None)
        return Registry()
    if not isinstance(raw, dict):
        problems.add(path, "应为映射：companies、products、gpus 各含一个列表")
        return Registry()
    entities: list[Entity] = []
    owner: dict[str, str] = {}
    for group, items in raw.items():
        if group not in KINDS:
            problems.add(path, f"未知分组 '{group}'", hint="可用：" + "、".join(KINDS))
            continue
        for i, item in enumerate(items or []):
            where = f"{group} 第 {i + 1} 项"
            if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not isinstance(item.get("name"), str):
                problems.add(path, f"{where} 应含 id 与 name")
                continue
            aliases = item.get("aliases") or []
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                problems.add(path, f"{where}（{item['name']}）的 aliases 应为文字列表")
                continue
            if not ID_RE.match(item["id"]):
                problems.add(path, f"{where}（{item['name']}）的 id '{item['id']}' 只能用小写字母、数字和连字符",
                             hint="id 是网址的一部分，如 nvidia、victory-giant")
                continue
            entity = Entity(item["id"], item["name"].strip(), KINDS[group], tuple(a.strip() for a in aliases))
            if any(e.id == entity.id for e in entities):
                problems.add(path, f"id '{entity.id}' 重复")
                continue
            for name in entity.names:
                if name in owner and owner[name] != entity.id:
                    problems.add(path, f"名称 '{name}' 同时属于 {owner[name]} 与 {entity.id}")
                owner[name] = entity.id
            entities.append(entity)
    return Registry(tuple(entities))


def check_names(path: Path, records: Sequence[dict], dataset: Dataset, registry: Registry, problems: Problems) -> None:
    """Every entity name in a dataset's parsed records (each with its ``_line``) must be registered."""
    column = dataset.entity
    if column is None or not registry.entities:
        return
    for line, name in ((r["_line"], r[column]) for r in records):
        if name is not None and registry.get(name) is None:
            problems.add(path, f"未登记的名称 '{name}'", line=line, column=column, hint=lambda: suggest(name, registry))


def check_watchlist(path: Path, companies: tuple[str, ...], registry: Registry, problems: Problems) -> None:
    """Watch-list companies get pages too, so they must be registered like data names."""
    if not registry.entities:
        return
    for name in companies:
        if registry.get(name) is None:
            problems.add(path, f"front matter 'watchlists' 中的公司 '{name}' 未登记", hint=suggest(name, registry))


def suggest(name: str, registry: Registry) -> str:
    """The hint for an unknown name: the closest registered name or alias, or how to add one."""
    names = list(registry.by_name)
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
    if not close:
        lowered = {n.lower(): n for n in names}
        close = [lowered[m] for m in difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.5)]
    add = "若是新实体，请在 data/entities.yaml 中登记"
    if close:
        entity = registry.get(close[0])
        return f"是否指 '{close[0]}'（{entity.id}：{entity.name}）？{add}；若是别名，加入该项的 aliases"
    return add


def registry_markdown(datasets: Declarations) -> str:
    """The entities.yaml section of the data page (data.md), generated here so it cannot drift."""
    kinds = "、".join(f"`{group}`（{KIND_LABELS[kind]}）" for group, kind in KINDS.items())
    columns = "、".join(f"{d.filename} 的 `{d.entity}`" for d in datasets if d.entity)
    return ("## 实体登记表 entities.yaml\n\n"
            f"`data/entities.yaml` 登记每家公司、每个 AI 产品和每个 GPU 型号，分为 {kinds} 三组。每项含 "
            "`id`（网址用的英文短名，只能用小写字母、数字和连字符，页面为 /entities/&lt;id&gt;/）、`name`（页面上的名称）"
            "与 `aliases`（旧名、英文名、代码等其他写法，搜索任一别名都能找到该页）。\n\n"
            f"{columns}，以及 issue.md 的 `watchlists` 中的公司，都必须是登记过的名称或别名；"
            "未登记的名称会被 `weekly check` 报告，并提示最接近的登记项。"
            + ("正文里写到的数字会与数据核对，不一致即报错：" + "；".join(
                f"{d.filename} 的 {d.narrative}" for d in datasets if d.narrative) + "（如 英伟达+3.54%、股价下跌3.15%、"
               "访问量9.99亿、单日下载量近300万、H100新品价格29,461美元）。" if any(d.narrative for d in datasets) else "")
            + "\n\n"
            "```yaml\ncompanies:\n  - {id: nvidia, name: 英伟达, aliases: [NVIDIA, NVDA]}\n"
            "products:\n  - {id: wenxiaoyan, name: 文小言, aliases: [文心一言]}\n"
            "gpus:\n  - {id: h100, name: H100, aliases: [NVIDIA H100]}\n```\n")


def mentions(snapshot, entity: Entity, datasets: Declarations) -> bool:
    """True when a snapshot names the entity: in a data row, a watch list, or its text."""
    names = set(entity.names)
    for dataset in datasets:
        if dataset.entity and any(row[dataset.entity] in names for row in snapshot.rows.get(dataset.name, ())):
            return True
    issue = snapshot.issue
    if any(names.intersection(w.companies) for w in issue.watchlists):
        return True
    text = issue.title + issue.lead + issue.body
    return any(n in text for n in names)


@functools.lru_cache(maxsize=4096)
def _name_pattern(name: str) -> re.Pattern:
    # A Latin name is a whole word (AMD not inside AMDX); a Chinese one is found wherever it stands.
    edge = r"(?<![A-Za-z0-9])" if name[:1].isascii() and name[:1].isalnum() else ""
    tail = r"(?![A-Za-z0-9])" if name[-1:].isascii() and name[-1:].isalnum() else ""
    return re.compile(edge + re.escape(name) + tail)


def named_in(text: str, registry: Registry) -> list[Entity]:
    """The registered entities ``text`` names (by name or alias), in the order it first names them."""
    first: dict[str, tuple[int, Entity]] = {}
    for entity in registry.entities:
        for name in entity.names:
            if len(name) < 2 or name not in text:
                continue
            match = _name_pattern(name).search(text)
            if match and (entity.id not in first or match.start() < first[entity.id][0]):
                first[entity.id] = (match.start(), entity)
    return [entity for _, entity in sorted(first.values(), key=lambda pair: pair[0])]
