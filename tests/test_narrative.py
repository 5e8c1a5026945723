"""The narrative check reads the phrasings the seed uses and analysts write, and reports both values."""
from __future__ import annotations

import pytest

from conftest import DATA, copy_data, weekly
from generators.load.narrative import contradictions
from generators.load.snapshots import load_archive

SEED = "2024-11-22"
ARCHIVE = load_archive(DATA)
SNAPSHOT = next(s for s in ARCHIVE.snapshots if str(s.issue.date) == SEED)


def found(text: str) -> list[str]:
    return [c.message for c in contradictions(text, SNAPSHOT.rows, ARCHIVE.registry, ARCHIVE.datasets)]


@pytest.mark.parametrize("text", [
    "超微电脑股价上涨52.15%", "超微电脑涨52.15%", "英特尔股价下跌1.62%", "英特尔跌幅为1.62%",
    "ChatGPT本周访问量突破9亿", "ChatGPT周访问量突破 9亿", "ChatGPT本周访问量9.05亿", "ChatGPT本周访问量约 9 亿次",
    "Gemini本周访问量8120万", "Kimi 11月16日单日下载量近300万", "豆包本月下载量1692万", "豆包下载量约 1,700 万",
    "H100新品价格为$29,461", "H100二手价格约24,700美元", "A100 价格 $6,301",
])
def test_the_seeds_figures_agree_with_its_data(text):
    assert found(text) == []


@pytest.mark.parametrize("text, message", [
    ("寒武纪涨12.00%", "正文写 '寒武纪涨12.00%'，但 stocks.csv 中 寒武纪 的 change_pct 为 9.98（+9.98%）"),
    ("超微电脑股价下跌3.15%", "正文写 '超微电脑股价下跌3.15%'，但 stocks.csv 中 超微电脑 的 change_pct 为 52.15（+52.15%）"),
    ("ChatGPT本周访问量9.99亿", "正文写 'ChatGPT本周访问量9.99亿'，但 visits.csv 中 ChatGPT 2024-11-08 当周的 visits 为 90500（9.05亿次）"),
    ("ChatGPT周访问量突破10亿", "正文写 'ChatGPT周访问量突破10亿'，但 visits.csv 中 ChatGPT 2024-11-08 当周的 visits 为 90500（9.05亿次）"),
    ("Kimi 11月16日单日下载量近3000万",
     "正文写 'Kimi 11月16日单日下载量近3000万'，比 downloads.csv 中 Kimi 2024-11 整月的 downloads 764（764万）还多"),
    ("豆包本月下载量2000万", "正文写 '豆包本月下载量2000万'，但 downloads.csv 中 豆包 2024-11 的 downloads 为 1692（1,692万）"),
    ("H100新品价格为$25,000", "正文写 'H100新品价格为$25,000'，但 gpu_prices.csv 中 H100 2024-11-20 的 price 为 新品 $29,461"),
])
def test_a_contradicted_figure_is_reported_with_both_values(text, message):
    assert found(text) == [message]


def test_a_figure_after_another_name_is_not_attributed_to_the_first():
    assert found("英伟达与超微电脑涨52.15%") == []


def test_check_reports_a_contradicted_visits_figure_with_file_line_and_hint(tmp_path):
    data = copy_data(tmp_path)
    issue = data / SEED / "issue.md"
    text = issue.read_text(encoding="utf-8")
    issue.write_text(text.replace("（1）ChatGPT本周访问量突破9亿", "（1）ChatGPT本周访问量突破10亿"), encoding="utf-8")
    line = next(i for i, t in enumerate(issue.read_text(encoding="utf-8").splitlines(), 1) if "突破10亿" in t)
    result = weekly("check", "--data", str(data))
    assert result.returncode == 1
    assert (f"data/2024-11-22/issue.md:{line}: 正文写 'ChatGPT本周访问量突破10亿'，但 visits.csv 中 ChatGPT 2024-11-08 当周的 "
            "visits 为 90500（9.05亿次）（提示：以数据为准修改正文，或更正 visits.csv）") in result.stderr
