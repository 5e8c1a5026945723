"""Bad data that looks like data: out-of-range values are rejected, implausible ones warned about
with the earlier value, and two spellings of one tag are a located error, all from `weekly check`."""
from __future__ import annotations

import pytest

from conftest import ROOT, copy_data, weekly

SEED = "2024-11-22"


def replace_in(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("file, old, new, message", [
    ("visits.csv", "ChatGPT,text,海外,2024-11-08,90500,", "ChatGPT,text,海外,2024-11-08,-90500,",
     "data/2024-11-22/visits.csv:2: 列 'visits'：-90500 超出有效范围 0～10,000,000（提示：当周访问量（万次）；单位见“数据说明”页）"),
    ("visits.csv", "ChatGPT,text,海外,2024-11-08,90500,", "ChatGPT,text,海外,2024-11-08,912300000,",
     "data/2024-11-22/visits.csv:2: 列 'visits'：912300000 超出有效范围 0～10,000,000（提示：当周访问量（万次）；单位见“数据说明”页）"),
    ("gpu_prices.csv", "H100,2024-11-20,new,29461,", "H100,2024-11-20,new,-28990,",
     "data/2024-11-22/gpu_prices.csv:2: 列 'price'：-28990 超出有效范围 1～1,000,000（提示：价格（美元）；单位见“数据说明”页）"),
    ("stocks.csv", "英伟达,NVDA.O,美股,GPU/CPU,3.54,", "英伟达,NVDA.O,美股,GPU/CPU,-150,",
     "data/2024-11-22/stocks.csv:2: 列 'change_pct'：-150 超出有效范围 -100～1,000（提示：周涨跌幅（%），上涨为正、下跌为负；单位见“数据说明”页）"),
    ("downloads.csv", "豆包,2024-11,1692,", "豆包,2024-11," + "9" * 310 + ",",
     "data/2024-11-22/downloads.csv:2: 列 'downloads'：" + "9" * 20 + "…（310 位） 超出有效范围 0～1,000,000"),
])
def test_check_rejects_a_value_outside_its_column_range(tmp_path, file, old, new, message):
    data = copy_data(tmp_path)
    replace_in(data / SEED / file, old, new)
    result = weekly("check", "--data", str(data))
    assert result.returncode == 1, result.stdout
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    build = weekly("render", "--data", str(data), "--out", str(tmp_path / "md"))
    assert build.returncode == 1 and "Traceback" not in build.stderr


def test_check_warns_about_a_tenfold_jump_with_the_previous_value(tmp_path):
    data = copy_data(tmp_path)
    replace_in(data / SEED / "visits.csv", "Gemini,text,海外,2024-11-08,8120,", "Gemini,text,海外,2024-11-08,812000,")
    result = weekly("check", "--data", str(data))
    assert result.returncode == 0, result.stderr
    warned = [line for line in result.stderr.splitlines() if "visits.csv" in line]
    assert len(warned) == 1, result.stderr
    assert warned[0].startswith("提醒：data/2024-11-22/visits.csv:3: 列 'visits'：812000 是上一期（2024-11-01）为 ")
    assert "倍，可能填错了单位或位数" in warned[0]


@pytest.mark.parametrize(("file", "old", "new", "expected"), [
    ("visits.csv", "Gemini,text,海外,2024-11-08,8120,", "Gemini,text,海外,2024-11-08,800,", "列 'visits'：800 是上一期"),
    ("downloads.csv", "豆包,2024-11,1692,", "豆包,2024-11,100,", "列 'downloads'：100 是上一期"),
    ("gpu_prices.csv", "H100,2024-11-20,new,29461,", "H100,2024-11-20,new,294610,", "列 'price'：294610 是上一期"),
], ids=["visits-drop-below-a-tenth", "downloads-drop-below-a-tenth", "price-tenfold"])
def test_check_warns_about_a_tenfold_change_in_any_series_either_way(tmp_path, file, old, new, expected):
    data = copy_data(tmp_path)
    replace_in(data / SEED / file, old, new)
    result = weekly("check", "--data", str(data))
    assert result.returncode == 0, result.stderr
    warned = [line for line in result.stderr.splitlines() if file in line]
    assert len(warned) == 1 and expected in warned[0] and "倍，可能填错了单位或位数" in warned[0], result.stderr


def test_check_warns_about_a_stock_move_beyond_sixty_percent(tmp_path):
    data = copy_data(tmp_path)
    replace_in(data / SEED / "stocks.csv", "英伟达,NVDA.O,美股,GPU/CPU,3.54,", "英伟达,NVDA.O,美股,GPU/CPU,75.5,")
    replace_in(data / SEED / "issue.md", "英伟达+3.54%", "英伟达+75.50%") if "英伟达+3.54%" in (data / SEED / "issue.md").read_text(encoding="utf-8") else None
    result = weekly("check", "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert "提醒：data/2024-11-22/stocks.csv:2: 列 'change_pct'：75.5 超出通常范围 ±60（上一期（2024-11-15）为 " in result.stderr


def test_check_reports_two_spellings_of_one_tag_url_with_both(tmp_path):
    data = copy_data(tmp_path)
    replace_in(data / SEED / "issue.md", "tags: [Scaling Law,", "tags: [scaling-law,")
    result = weekly("check", "--data", str(data))
    assert result.returncode == 1
    line = next(l for l in result.stderr.splitlines() if "网址相同" in l)
    assert "'scaling-law'" in line and "'Scaling Law'" in line and "tags/scaling-law/" in line, line
    assert line.startswith("data/2024-11-22/issue.md:")
    assert "Traceback" not in result.stderr


def test_a_dataset_the_previous_issue_had_is_an_error_when_missing_unless_declared_absent(tmp_path):
    data = copy_data(tmp_path)
    (data / SEED / "visits.csv").unlink()
    result = weekly("check", "--data", str(data))
    assert result.returncode == 1
    assert ("data/2024-11-22/visits.csv: 缺少 visits.csv（网站访问量）：上一期 2024-11-15 有这份数据"
            "（提示：补上本周的 visits.csv；本周确实没有时，在 issue.md 的 front matter 写 absent: [visits]）") in result.stderr
    replace_in(data / SEED / "issue.md", "sample: false\n", "sample: false\nabsent: [visits]\n")
    assert weekly("check", "--data", str(data)).returncode == 0


def test_a_million_bad_rows_print_twenty_messages_per_problem_and_a_count(tmp_path):
    data = copy_data(tmp_path)
    rows = "".join(f"ChatGPT,text,海外,2024-11-08,n/a{n},true\n" for n in range(5000))
    (data / SEED / "visits.csv").write_text("product,category,region,week,visits,sample\n" + rows, encoding="utf-8")
    result = weekly("check", "--data", str(data))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    numbers = [l for l in lines if "列 'visits'：应为数字" in l]
    # The first 20 are listed, grouped into one line with their rows (as check groups every problem kind).
    assert numbers == ["data/2024-11-22/visits.csv 第 2–21 行 列 'visits'：应为数字，实际为 'n/a0'（共 20 行，以上为第一处）"]
    assert "data/2024-11-22/visits.csv: 列 'visits'：同类问题另有 4980 处未逐条列出（每类只列前 20 处）" \
           "（提示：修正上面列出的问题后再运行 weekly check）" in lines
    assert len(lines) < 50


def test_a_file_above_the_size_limit_is_refused_unread(tmp_path):
    data = copy_data(tmp_path)
    with (data / SEED / "visits.csv").open("ab") as f:
        f.truncate(65 * 2**20)      # sparse: nothing is written, so nothing need be read
    result = weekly("check", "--data", str(data))
    assert result.returncode == 1
    assert "data/2024-11-22/visits.csv: 文件过大（65.0 MB），超过上限 64 MB，未读取" in result.stderr


def test_check_finds_narrative_links_and_images_mkdocs_cannot_resolve_with_their_lines(tmp_path):
    data = copy_data(tmp_path)
    issue = data / SEED / "issue.md"
    good = ("见[免责声明](../about/disclaimer.md)、[英伟达](../entities/nvidia.md)、[上期](2024-11-15.md)、"
            "[官网](https://example.com/a)、[Scaling](#scaling-law)。\n\n## Scaling Law\n\n")
    bad = "见[下文](#不存在的小节)。\n\n![示意图](images/fig.png)\n\n[参考][r]\n\n[r]: ../missing.md\n\n"
    replace_in(issue, "## 大模型跟踪\n", good + bad + "## 大模型跟踪\n")
    lines = issue.read_text(encoding="utf-8").split("\n")
    at = {needle: lines.index(next(l for l in lines if needle in l)) + 1 for needle in ("#不存在", "images/fig", "[r]:")}
    result = weekly("check", "--data", str(data))
    assert result.returncode == 1, result.stdout
    errors = [l for l in result.stderr.splitlines() if "链接" in l or "图片" in l]
    assert errors == [
        f"data/2024-11-22/issue.md:{at['#不存在']}: 链接 '#不存在的小节' 指向本页不存在的锚点 #不存在的小节"
        "（提示：用完整的 https:// 网址，或指向本站页面的相对链接（如 ../about/disclaimer.md））",
        f"data/2024-11-22/issue.md:{at['images/fig']}: 图片 'images/fig.png' 指向的文件不在网站中"
        "（提示：用完整的 https:// 网址，或指向本站页面的相对链接（如 ../about/disclaimer.md））",
        f"data/2024-11-22/issue.md:{at['[r]:']}: 链接 '../missing.md' 指向的页面不存在"
        "（提示：用完整的 https:// 网址，或指向本站页面的相对链接（如 ../about/disclaimer.md））",
    ], result.stderr
    build = weekly("build", "--data", str(data), "--site-dir", str(tmp_path / "site"))
    assert build.returncode == 1 and "WARNING" not in build.stderr and "issue.md:" in build.stderr



def test_check_run_outside_the_project_checks_links_through_config_or_says_it_did_not(tmp_path):
    data = copy_data(tmp_path)
    replace_in(data / SEED / "issue.md", "## 大模型跟踪\n", "见[参考](../missing.md)。\n\n## 大模型跟踪\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    pythonpath = {"PYTHONPATH": str(ROOT)}
    told = weekly("check", "--data", str(data), cwd=elsewhere, env=pythonpath)
    assert told.returncode == 0 and "叙述中的链接与图片未检查" in told.stderr and "--config" in told.stderr
    checked = weekly("check", "--data", str(data), "--config", str(ROOT / "mkdocs.yml"), cwd=elsewhere, env=pythonpath)
    assert checked.returncode == 1 and "链接 '../missing.md' 指向的页面不存在" in checked.stderr


@pytest.mark.build
def test_the_links_check_accepts_do_build_strictly(tmp_path):
    data = copy_data(tmp_path)
    replace_in(data / SEED / "issue.md", "## 大模型跟踪\n",
               "见[免责声明](../about/disclaimer.md)、[英伟达](../entities/nvidia.md)、[上期](2024-11-15.md)、"
               "[官网](https://example.com/a)、[Scaling](#scaling-law)[^1]。\n\n"
               "[^1]: 脚注：**加粗**、[链接](https://example.com/b)。\n\n## Scaling Law\n\n## 大模型跟踪\n")
    result = weekly("build", "--data", str(data), "--site-dir", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / "issues" / SEED / "index.html").read_text(encoding="utf-8")
    assert 'class="footnote-ref"' in page and "<strong>加粗</strong>" in page and 'href="https://example.com/b"' in page
