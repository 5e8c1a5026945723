"""Sealed issues: a published issue's files cannot change by accident (data/published.sha256)."""
from __future__ import annotations

import subprocess

from generators.load.seal import SEALS_FILE

from conftest import DATA, copy_data, weekly

ISSUE = "2024-11-08"


def edit_price(data) -> None:
    path = data / ISSUE / "gpu_prices.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[3] = "12345"
    path.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")


def test_the_repositorys_published_issues_are_all_sealed_and_sha256sum_agrees():
    days = {line.split("  ")[1].split("/")[0] for line in (DATA / SEALS_FILE).read_text(encoding="utf-8").splitlines()}
    assert days == {p.name for p in DATA.iterdir() if p.is_dir()}
    checked = subprocess.run(["sha256sum", "--check", "--strict", "--quiet", SEALS_FILE], cwd=DATA,
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_editing_a_sealed_issue_fails_check_naming_the_file_and_how_to_correct_it(tmp_path):
    data = copy_data(tmp_path, sealed=True)
    edit_price(data)
    result = weekly("check", "--data", str(data))
    assert result.returncode == 1
    assert f"data/{ISSUE}/gpu_prices.csv: 已发布的一期被改动：内容与发布时不同" in result.stderr
    assert "更正" in result.stderr and f"weekly unseal {ISSUE}" in result.stderr


def test_a_sealed_issue_that_loses_or_gains_a_file_or_its_folder_is_reported(tmp_path):
    data = copy_data(tmp_path, sealed=True)
    (data / ISSUE / "downloads.csv").unlink()                # an optional dataset: the folder still loads
    (data / "2024-11-15" / "notes.txt").write_text("x", encoding="utf-8")
    (data / "2024-10-04").rename(data / "2024-10-05")
    result = weekly("check", "--data", str(data))
    assert result.returncode == 1
    assert f"data/{ISSUE}/downloads.csv: 已发布的一期中的文件被删除" in result.stderr
    assert "data/2024-11-15/notes.txt: 已发布的一期中新增了文件" in result.stderr
    assert "data/2024-10-04: 已发布的一期被删除或改名" in result.stderr


def test_a_build_of_an_edited_sealed_issue_fails_and_leaves_no_site(tmp_path):
    data = copy_data(tmp_path, sealed=True)
    edit_price(data)
    result = weekly("build", "--data", str(data), "--site-dir", str(tmp_path / "site"))
    assert result.returncode == 1 and "已发布的一期被改动" in result.stderr
    assert not (tmp_path / "site").exists()


def test_unseal_allows_a_deliberate_edit_and_seal_records_it_again(tmp_path):
    data = copy_data(tmp_path, sealed=True)
    assert weekly("unseal", ISSUE, "--data", str(data)).returncode == 0
    edit_price(data)
    assert weekly("check", "--data", str(data)).returncode == 0
    sealed = weekly("seal", "--data", str(data))
    assert sealed.returncode == 0 and ISSUE in sealed.stdout
    edit_price(data)                                          # the same bytes again: still as sealed
    assert weekly("check", "--data", str(data)).returncode == 0
    (data / ISSUE / "gpu_prices.csv").write_text("model,date,condition,price,sample\n", encoding="utf-8")
    assert weekly("check", "--data", str(data)).returncode == 1
    again = weekly("unseal", "2024-12-06", "--data", str(data))
    assert again.returncode == 2 and "未被封存" in again.stderr


def test_weekly_new_seals_the_published_issues_and_not_one_still_under_embargo(tmp_path):
    data = copy_data(tmp_path)                                # unsealed
    issue = data / "2024-11-22" / "issue.md"
    issue.write_text(issue.read_text(encoding="utf-8").replace("---\n", '---\npublish_at: "2099-01-02 09:00"\n', 1),
                     encoding="utf-8")
    made = weekly("new", "--data", str(data))
    assert made.returncode == 0, made.stderr
    assert "已封存 7 期" in made.stdout
    seals = (data / SEALS_FILE).read_text(encoding="utf-8")
    assert f"  {ISSUE}/gpu_prices.csv" in seals and "2024-11-22/" not in seals and "2024-11-29/" not in seals


def test_a_damaged_seals_file_is_reported_by_line(tmp_path):
    data = copy_data(tmp_path, sealed=True)
    path = data / SEALS_FILE
    path.write_text(path.read_text(encoding="utf-8") + "not a seal\n", encoding="utf-8")
    result = weekly("check", "--data", str(data))
    assert result.returncode == 1
    line = len(path.read_text(encoding="utf-8").splitlines())
    assert f"data/{SEALS_FILE}:{line}: 无法识别的一行" in result.stderr
