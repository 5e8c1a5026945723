"""The routine page's correction procedure works for every correctable dataset: restate the row of
an earlier issue (same entity, same date) in the latest snapshot, and its page says 更正."""
from __future__ import annotations

import pytest

from conftest import copy_data, weekly
from generators.schema.declarations import packaged
from generators.assemble.pipeline import run

LATEST = "2024-11-22"
# dataset → (a row of an earlier issue restated with a new value, outside the latest issue's period, the 更正 line)
RESTATED = {
    "visits": ("ChatGPT,text,海外,2024-11-01,87000,true",
               "2024-11-15 期网站访问量，ChatGPT（2024-11-01）：86656 更正为 87000"),
    "downloads": ("豆包,2024-10,2700,true,true",
                  "2024-11-08 期App 下载量，豆包（2024-10）：2603 更正为 2700"),
    "gpu_prices": ("H100,2024-11-06,new,29700,true",
                   "2024-11-08 期GPU 价格，H100 新品（2024-11-06）：29654 更正为 29700"),
}


def test_every_correctable_dataset_has_a_correction_test():
    assert set(RESTATED) == {d.name for d in packaged() if d.correctable}


@pytest.mark.parametrize("dataset", sorted(RESTATED))
def test_restating_an_earlier_row_in_the_latest_issue_is_a_correction(tmp_path, dataset):
    data = copy_data(tmp_path)
    row, line = RESTATED[dataset]
    path = data / LATEST / f"{dataset}.csv"
    path.write_text(path.read_text(encoding="utf-8") + row + "\n", encoding="utf-8")
    result = weekly("check", "--data", str(data))
    assert result.returncode == 0, result.stderr
    page = run(data).pages[f"issues/{LATEST}.md"]
    assert f"    - {line}\n" in page


def test_a_row_outside_the_period_that_restates_nothing_is_still_refused_with_the_rule(tmp_path):
    data = copy_data(tmp_path)
    path = data / LATEST / "visits.csv"
    path.write_text(path.read_text(encoding="utf-8") + "ChatGPT,text,海外,2024-06-07,87000,true\n", encoding="utf-8")
    result = weekly("check", "--data", str(data))
    assert result.returncode == 1
    assert ("data/2024-11-22/visits.csv:17: 列 'week'：日期 2024-06-07 不在 data_periods.visits（2024-11-08～2024-11-14）内"
            "（提示：更正往期数值时，写同一实体、同一日期的一行（须是往期已有的行））") in result.stderr
