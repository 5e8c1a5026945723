"""The entity registry and the narrative check, as `weekly check` reports them."""
from __future__ import annotations

from conftest import DATA, copy_data, weekly
from test_check import SEED, edit, run_check

from generators.load.narrative import stated_moves
from generators.load.snapshots import load_archive


def test_check_names_an_unknown_name_with_file_row_column_and_the_closest_entry(tmp_path):
    data = copy_data(tmp_path)
    edit(data / SEED / "visits.csv", "Perplexity,text,", "Perplexit,text,")
    result = run_check(data)
    assert result.returncode == 1
    assert ("data/2024-11-22/visits.csv:5: 列 'product'：未登记的名称 'Perplexit'（提示：是否指 'Perplexity'"
            "（perplexity：Perplexity）？若是新实体，请在 data/entities.yaml 中登记；若是别名，加入该项的 aliases）") in result.stderr


def test_check_accepts_an_alias_in_place_of_the_registered_name(tmp_path):
    data = copy_data(tmp_path)
    edit(data / SEED / "downloads.csv", "文小言,2024-11", "文心一言,2024-11")
    result = run_check(data)
    assert result.returncode == 0, result.stderr


def test_check_requires_watchlist_companies_to_be_registered(tmp_path):
    data = copy_data(tmp_path)
    edit(data / SEED / "issue.md", "companies: [寒武纪,", "companies: [寒武记,")
    result = run_check(data)
    assert result.returncode == 1
    assert "data/2024-11-22/issue.md: front matter 'watchlists' 中的公司 '寒武记' 未登记（提示：是否指 '寒武纪'" in result.stderr


def test_check_requires_the_registry(tmp_path):
    data = copy_data(tmp_path)
    (data / "entities.yaml").unlink()
    result = run_check(data)
    assert result.returncode == 1
    assert "data/entities.yaml: 缺少实体登记表 entities.yaml" in result.stderr


def test_check_rejects_a_registry_id_that_cannot_be_a_url(tmp_path):
    data = copy_data(tmp_path)
    edit(data / "entities.yaml", "{id: nvidia,", "{id: Nvidia Corp,")
    result = run_check(data)
    assert result.returncode == 1
    assert "data/entities.yaml: companies 第 1 项（英伟达）的 id 'Nvidia Corp' 只能用小写字母、数字和连字符" in result.stderr


def test_planted_contradiction_between_narrative_and_data_fails_check_with_file_line_and_figure(tmp_path):
    data = copy_data(tmp_path)
    issue = data / SEED / "issue.md"
    edit(issue, "其中英伟达+3.54%", "其中英伟达+3.45%")
    line = next(i for i, text in enumerate(issue.read_text(encoding="utf-8").splitlines(), 1) if "英伟达+3.45%" in text)
    result = run_check(data)
    assert result.returncode == 1
    assert (f"data/2024-11-22/issue.md:{line}: 正文写 '英伟达+3.45%'，但 stocks.csv 中 英伟达 的 change_pct 为 3.54（+3.54%）"
            "（提示：以数据为准修改正文，或更正 stocks.csv）") in result.stderr


def test_narrative_figures_are_matched_through_aliases_and_signs(tmp_path):
    registry = load_archive(DATA).registry
    moves = stated_moves("NVDA+3.54%，英特尔 -1.62%，超微电脑＋52.15％，ChatGPT 访问量 9 亿", registry)
    assert [(m[2], m[3]) for m in moves] == [("NVDA", 3.54), ("英特尔", -1.62), ("超微电脑", 52.15)]


def test_synthetic_archive_writes_a_registry_that_validates(tmp_path):
    out = tmp_path / "synth"
    assert weekly("synth", "--weeks", "30", "--out", str(out)).returncode == 0
    result = run_check(out)
    assert result.returncode == 0, result.stderr
