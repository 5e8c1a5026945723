"""Generated docs pages that describe the data itself (from schema.py, so they cannot drift)."""
from __future__ import annotations

from .charts import SPECS
from .schema import DATASETS, ISSUE_FIELDS, ISSUE_FILE

KIND = {"text": "文字", "number": "数字", "date": "日期 YYYY-MM-DD", "month": "月份 YYYY-MM", "bool": "true / false",
        "choice": "类别", "datetime": "时间 YYYY-MM-DD HH:MM", "period": "区间", "mapping": "映射", "list": "列表"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def schema_markdown() -> str:
    """The 数据说明 page: every file, column and front-matter key an analyst fills in."""
    out = ["---", "title: 数据说明", "---", "", "# 数据说明", "",
           "每期数据放在 `data/` 下一个以发布日期命名的文件夹里（如 `data/2024-11-22/`），"
           f"包含一个期刊文件 `{ISSUE_FILE}`（YAML front matter + Markdown 正文）和以下 CSV 文件。"
           "本页由 `generators/schema.py` 自动生成，与校验程序使用同一份定义。", "",
           "CSV 使用 UTF-8 编码（Excel 的“CSV UTF-8”带 BOM 也可以），逗号分隔，第一行为表头。"
           "数字用半角，不带千位分隔符和百分号；日期写作 `2024-11-22`。", "",
           f"## {ISSUE_FILE} 的 front matter", "", "| 项 | 类型 | 必填 | 说明 | 示例 |", "|---|---|---|---|---|"]
    for f in ISSUE_FIELDS:
        out.append(f"| `{f.name}` | {KIND[f.kind]} | {'是' if f.required else '否'} | {_cell(f.description)} | `{_cell(f.example)}` |")
    out += ["", "正文用 Markdown 书写，沿用研报的小节：`## 投资要点`、`### 新闻主题`、`## 大模型跟踪`。"
            "“建议关注”和“风险提示”来自 front matter，页面自动生成。", ""]
    for d in DATASETS:
        out += [f"## `{d.filename}`：{d.title}", "", d.description + ("（必需文件）" if not d.optional else "（可选文件）"), "",
                "| 列 | 类型 | 必填 | 说明 | 示例 |", "|---|---|---|---|---|"]
        for c in d.columns:
            kind = KIND[c.kind] + ("：" + "、".join(f"`{x}`" for x in c.choices) if c.choices else "")
            out.append(f"| `{c.name}` | {kind} | {'是' if c.required else '否'} | {_cell(c.description)} | `{c.example}` |")
        out += ["", f"每行由 {'、'.join(f'`{k}`' for k in d.key)} 唯一确定，重复会报错。", ""]
    out += ["## 图表代号", "", "`chart_notes` 用下列代号为图表添加“注”。", "", "| 代号 | 图表 | 来源 |", "|---|---|---|"]
    for s in SPECS:
        out.append(f"| `{s.key}` | 图表 {s.number}：{_cell(s.title)} | {s.source} |")
    out.append("")
    return "\n".join(out)
