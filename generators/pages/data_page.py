"""The 数据说明 page, generated from the declarations (schema/), so it cannot drift from the checks."""
from __future__ import annotations

from ..schema.declarations import packaged
from ..schema.snapshot import ISSUE_FIELDS, ISSUE_FILE, Column, Dataset, Declarations

KIND = {"text": "文字", "number": "数字", "date": "日期 YYYY-MM-DD", "month": "月份 YYYY-MM", "bool": "true / false",
        "choice": "类别", "datetime": "时间 YYYY-MM-DD HH:MM", "period": "区间", "mapping": "映射", "list": "列表"}


# What `weekly check` accepts and normalises vs rejects; tests/test_corpus.py holds a case for each line.
INPUT_RULES = [
    "## 接受与拒绝的输入", "",
    "表格软件导出的文件常带有一些不影响数值的差异，这些会被接受并统一处理；会改变数值含义或无法确认含义的写法则报错，"
    "`weekly check` 会指出文件、行号和列名。", "",
    "| 输入 | 处理 | 说明 |", "|---|---|---|",
    "| UTF-8 带 BOM（Excel 的“CSV UTF-8”） | 接受 | 读取时去掉 BOM |",
    "| Windows 换行（CRLF） | 接受 | 统一为 LF |",
    "| 单元格首尾空格、文件末尾空行 | 接受 | 去掉空格，忽略空行 |",
    "| 文字里的全角标点（，。“”（）等）、emoji | 接受 | 原样保留，页面上按文字显示 |",
    "| 布尔列写 `是` / `否` | 接受 | 等同 `true` / `false` |",
    "| 正文或名称里的 HTML、`<script>`、`{: …}`、`javascript:` 链接 | 接受 | 一律作为文字显示，不会执行；非 http(s) 链接改为无效链接 |",
    "| 某产品某周缺少一行 | 接受 | 图上该点空缺，不做插值；数据源停更或新上线的产品常见此情况 |",
    "| 全角数字和符号（`＋３．５４％`） | 拒绝 | 改为半角 `3.54` |",
    "| 千位分隔符（`90,500`）、百分号（`3.54%`）、科学计数法（`9.05e4`）、`NaN` | 拒绝 | 写作 `90500`、`3.54` |",
    "| GBK 或 UTF-16 编码的文件 | 拒绝 | 在 Excel 中“另存为 → CSV UTF-8（逗号分隔）” |",
    "| NUL 等控制字符 | 拒绝 | 通常是导出损坏，请重新导出 |",
    "| 同一实体同一周（或同一月、同一日期）两行 | 拒绝 | 每行由表中列出的列唯一确定 |",
    "| 不在本期统计区间内或晚于发布日期的日期 | 拒绝 | 见 `data_periods` 与 `period` |",
    "| front matter 中的 YAML 标签（`!!python/…`、`!include` 等） | 拒绝 | 只按安全方式读取，不构造对象，也不读取 data/ 以外的文件 |",
    "| 指向 data/ 以外的符号链接、不是日期的文件夹名 | 拒绝 | |",
    "",
    "往期数值需要更正时，在新一期的数据文件里写上同一实体、同一日期的新数值即可：新一期页面会自动显示“更正”说明"
    "（原发布期、原数值与新数值），往期页面保持发布时的样子不变。", "",
]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _aliases_and_ranges(dataset: Dataset) -> list[str]:
    """The headers a spreadsheet may use instead of the column names, and each number's valid range."""
    aliases = "；".join("、".join(f"`{a}`" for a in c.aliases) + f" → `{c.name}`" for c in dataset.columns if c.aliases)
    ranges = "、".join(f"`{c.name}` {_range(c)}" + (f"（{c.unit}）" if c.unit else "")
                      for c in dataset.columns if c.minimum is not None or c.maximum is not None)
    out = []
    if aliases:
        out += [f"表头也可以用中文写法（如从表格软件导出时）：{aliases}。", ""]
    if ranges:
        out += [f"有效范围：{ranges}；超出范围会报错。", ""]
    return out


def _range(column: Column) -> str:
    low, high = column.minimum, column.maximum
    if low is not None and high is not None:
        return f"在 {low:g} 与 {high:g} 之间"
    return f"不小于 {low:g}" if low is not None else f"不大于 {high:g}"


def schema_markdown(datasets: Declarations | None = None) -> str:
    """The 数据说明 page: every file, column and front-matter key an analyst fills in."""
    out = ["---", "title: 数据说明", "---", "", "# 数据说明", "",
           "每期数据放在 `data/` 下一个以发布日期命名的文件夹里（如 `data/2024-11-22/`），"
           f"包含一个期刊文件 `{ISSUE_FILE}`（YAML front matter + Markdown 正文）和以下 CSV 文件。"
           "本页由数据集声明（`generators/schema/datasets.yaml`，以及数据文件夹自己的 `datasets.yaml`）自动生成，"
           "与校验程序使用同一份定义。", "",
           "CSV 使用 UTF-8 编码（Excel 的“CSV UTF-8”带 BOM 也可以），逗号分隔，第一行为表头。"
           "数字用半角，不带千位分隔符和百分号；日期写作 `2024-11-22`。", "",
           f"## {ISSUE_FILE} 的 front matter", "", "| 项 | 类型 | 必填 | 说明 | 示例 |", "|---|---|---|---|---|"]
    for f in ISSUE_FIELDS:
        out.append(f"| `{f.name}` | {KIND[f.kind]} | {'是' if f.required else '否'} | {_cell(f.description)} | `{_cell(f.example)}` |")
    out += ["", "正文用 Markdown 书写，沿用研报的小节：`## 投资要点`、`### 新闻主题`、`## 大模型跟踪`。"
            "“建议关注”和“风险提示”来自 front matter，页面自动生成。", ""]
    datasets = datasets or packaged()
    for d in datasets:
        out += [f"## `{d.filename}`：{d.title}", "", d.description + ("（必需文件）" if not d.optional else "（可选文件）"), "",
                "| 列 | 类型 | 必填 | 说明 | 示例 |", "|---|---|---|---|---|"]
        for c in d.columns:
            kind = KIND[c.kind] + ("：" + "、".join(f"`{x}`" for x in c.choices) if c.choices else "")
            out.append(f"| `{c.name}` | {kind} | {'是' if c.required else '否'} | {_cell(c.description)} | `{c.example}` |")
        out += ["", f"每行由 {'、'.join(f'`{k}`' for k in d.key)} 唯一确定，重复会报错。", ""]
        out += _aliases_and_ranges(d)
    out += INPUT_RULES
    out += ["## 图表代号", "", "`chart_notes` 用下列代号为图表添加“注”。", "", "| 代号 | 图表 | 来源 |", "|---|---|---|"]
    for s in datasets.charts:
        out.append(f"| `{s.key}` | 图表 {s.number}：{_cell(s.title)} | {s.source} |")
    out.append("")
    return "\n".join(out)
