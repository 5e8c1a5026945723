"""`weekly new`: next week's folder from the latest one, which `weekly check` then walks the analyst through."""
from __future__ import annotations

from datetime import date, timedelta

import frontmatter
import pytest

from conftest import copy_data, weekly
from generators.tools.scaffold import coming_friday, narrative_template, scaffold_table
from generators.schema.declarations import packaged

DATASET_BY_NAME = packaged().by_name

STOCKS, VISITS, DOWNLOADS = (DATASET_BY_NAME[n] for n in ("stocks", "visits", "downloads"))


@pytest.mark.parametrize("latest, expected", [
    (date(2024, 11, 22), date(2024, 11, 29)),   # Friday → the next Friday
    (date(2024, 11, 23), date(2024, 11, 29)),   # Saturday
    (date(2024, 11, 28), date(2024, 11, 29)),   # Thursday → the next day
])
def test_the_default_date_is_the_coming_friday_after_the_latest_issue(latest, expected):
    assert coming_friday(latest) == expected


def test_new_creates_next_fridays_folder_with_periods_shifted_by_a_week(tmp_path):
    data = copy_data(tmp_path)
    result = weekly("new", "--data", str(data))
    assert result.returncode == 0, result.stderr
    folder = data / "2024-11-29"
    assert sorted(p.name for p in folder.iterdir()) == ["downloads.csv", "gpu_prices.csv", "issue.md", "stocks.csv", "visits.csv"]
    meta = frontmatter.loads((folder / "issue.md").read_text(encoding="utf-8")).metadata
    assert meta["date"] == date(2024, 11, 29)
    assert meta["period"] == {"start": date(2024, 11, 25), "end": date(2024, 11, 27)}
    assert meta["prices_as_of"] == date(2024, 11, 27)
    assert meta["data_periods"] == {"visits": {"start": date(2024, 11, 15), "end": date(2024, 11, 21)},
                                    "downloads": {"start": date(2024, 11, 20), "end": date(2024, 11, 26)}}
    assert meta["title"] == "" and meta["lead"] == "" and meta["sample"] is False
    assert [w["name"] for w in meta["watchlists"]] == ["国产算力链", "数据中心硬件"]
    stocks = (folder / "stocks.csv").read_text(encoding="utf-8").splitlines()
    assert stocks[:3] == ["name,ticker,market,segment,change_pct,market_cap,close,sample",
                          "英伟达,NVDA.O,美股,GPU/CPU,,,,false", "AMD,AMD.O,美股,GPU/CPU,,,,false"]


def test_an_unedited_new_folder_fails_check_with_one_line_per_thing_to_fill_in(tmp_path):
    data = copy_data(tmp_path)
    weekly("new", "--data", str(data))
    result = weekly("check", "--data", str(data))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    # an empty key is 「为空」 at its line, not 「缺少」; one line per problem kind per column, with the rows
    assert "data/2024-11-29/issue.md:2: front matter 必填项 'title' 为空（提示：写作 title: ChatGPT周访问量突破9亿，“精度感知”Scaling Law再引关注）" in lines
    assert "data/2024-11-29/issue.md:11: front matter 必填项 'lead' 为空（提示：写作 lead: 本周……）" in lines
    assert ("data/2024-11-29/issue.md 第 26、30 行 还有“待填写”的模板文字：### 待填写：新闻主题 1 的标题"
            "（共 2 行，以上为第一处；提示：写好这一处，或删去不需要的小节）") in lines
    assert "data/2024-11-29/stocks.csv 第 2–8 行 列 'change_pct'：不能为空（共 7 行）" in lines
    assert "data/2024-11-29/visits.csv 第 2–16 行 列 'visits'：不能为空（共 15 行）" in lines
    assert all(line.startswith("data/2024-11-29/") for line in lines[:-1])
    assert lines[-1].startswith("共 ") and lines[-1].endswith(" 处问题，请修正后重试。")


def test_new_with_carry_then_filled_in_passes_check_and_builds(tmp_path):
    data = copy_data(tmp_path)
    assert weekly("new", "--carry", "--data", str(data)).returncode == 0
    path = data / "2024-11-29" / "issue.md"
    text = path.read_text(encoding="utf-8")
    head = text[: text.index("\n---\n")].replace("title: ''", "title: 本周标题").replace("lead: ''", "lead: 本周导语")
    path.write_text(head + "\n---\n\n## 投资要点\n\n本周正文。\n", encoding="utf-8")
    check = weekly("check", "--data", str(data))
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith("数据校验通过：9 期，最新一期 2024-11-29。")
    build = weekly("build", "--data", str(data), "--site-dir", str(tmp_path / "site"), "--as-of", "2024-11-29 09:00")
    assert build.returncode == 0, build.stderr
    assert "本周导语" in (tmp_path / "site" / "issues" / "2024-11-29" / "index.html").read_text(encoding="utf-8")


def test_new_refuses_to_overwrite_an_existing_issue(tmp_path):
    data = copy_data(tmp_path)
    before = (data / "2024-11-22" / "issue.md").read_text(encoding="utf-8")
    result = weekly("new", "2024-11-22", "--data", str(data))
    assert result.returncode == 2
    assert result.stderr == f"{data / '2024-11-22'} 已存在，不会覆盖。要重新生成，请先删除或改名该文件夹。\n"
    assert (data / "2024-11-22" / "issue.md").read_text(encoding="utf-8") == before


def test_new_refuses_a_date_before_the_latest_issue(tmp_path):
    data = copy_data(tmp_path)
    result = weekly("new", "2024-11-21", "--data", str(data))
    assert result.returncode == 2
    assert result.stderr == "新一期的日期 2024-11-21 应晚于最新一期 2024-11-22\n"


def test_the_narrative_template_keeps_the_seeds_section_headings():
    body = "## 投资要点\n\n正文\n\n### 新闻甲\n\n文字\n\n### 新闻乙\n\n## 大模型跟踪\n\n文字\n"
    assert narrative_template(body).splitlines()[::2] == [
        "## 投资要点", "（待填写）", "### 待填写：新闻主题 1 的标题", "（待填写）",
        "### 待填写：新闻主题 2 的标题", "（待填写）", "## 大模型跟踪", "（待填写）"]


def test_tables_keep_entities_shift_dates_and_empty_or_carry_values():
    week = timedelta(days=7)
    visits = "product,category,region,week,visits,sample\nChatGPT,text,海外,2024-11-08,90500,true\n"
    assert scaffold_table(VISITS, visits, week, carry=False) == \
        "product,category,region,week,visits,sample\nChatGPT,text,海外,2024-11-15,,false\n"
    assert scaffold_table(VISITS, visits, week, carry=True) == \
        "product,category,region,week,visits,sample\nChatGPT,text,海外,2024-11-15,90500,true\n"
    downloads = "app,month,downloads,complete,sample\nKimi,2024-11,764,false,true\n"
    assert scaffold_table(DOWNLOADS, downloads, week, carry=False) == "app,month,downloads,complete,sample\nKimi,2024-11,,false,false\n"
    stocks = "\ufeffname,ticker,market,segment,change_pct,market_cap,close,sample\n\"英伟达\",NVDA.O,美股,GPU/CPU,3.54,,,false\n"
    assert scaffold_table(STOCKS, stocks, week, carry=True).splitlines()[1] == "英伟达,NVDA.O,美股,GPU/CPU,3.54,,,false"
