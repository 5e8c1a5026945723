"""Published issues do not change by accident; a deliberate correction is announced (更正)."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from generators.compute.history import History
from generators.exports.feed import feed_xml
from generators.load.snapshots import load_archive
from generators.assemble.pipeline import run
from generators.pages.issue import link_next
from generators.schema.declarations import packaged

DATASET_BY_NAME = packaged().by_name

from conftest import copy_data, weekly

LATEST = "2024-11-22"
NEXT = "2024-11-29"
DAY = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


def add_next_week(data: Path, *, shift: int = 7) -> Path:
    """Next week's snapshot: the latest folder with every date moved on by a week."""
    folder = data / NEXT
    shutil.copytree(data / LATEST, folder)
    for path in folder.iterdir():
        text = path.read_text(encoding="utf-8")
        text = DAY.sub(lambda m: (date.fromisoformat(m.group(1)) + timedelta(days=shift)).isoformat(), text)
        path.write_text(text, encoding="utf-8")
    return folder


def restate_chatgpt_week(folder: Path, visits: int) -> None:
    """Next week's snapshot restates ChatGPT's visits of the week of 2024-11-08 (its data period widened to hold it)."""
    path = folder / "visits.csv"
    path.write_text(path.read_text(encoding="utf-8") + f"ChatGPT,text,海外,2024-11-08,{visits},true\n", encoding="utf-8")
    text = (folder / "issue.md").read_text(encoding="utf-8")
    (folder / "issue.md").write_text(text.replace("    start: 2024-11-15\n    end: 2024-11-21",
                                                  "    start: 2024-11-08\n    end: 2024-11-21", 1), encoding="utf-8")


@pytest.fixture(scope="module")
def before_and_after(tmp_path_factory):
    data = copy_data(tmp_path_factory.mktemp("archive"))
    before = run(data)
    add_next_week(data)
    return before, run(data)


def test_adding_next_week_leaves_every_published_issue_byte_for_byte_the_same(before_and_after):
    before, after = before_and_after
    issues = [rel for rel in before.pages if rel.startswith("issues/")]
    assert len(issues) == 8
    for rel in issues:
        assert after.pages[rel] == before.pages[rel], rel
    assert f"issues/{NEXT}.md" in after.pages


def test_the_next_issue_link_is_added_at_build_time_not_in_the_markdown(before_and_after):
    before, after = before_and_after
    page = after.pages[f"issues/{LATEST}.md"]
    assert "下一期 →：尚未发布" in page and 'rel="next"' not in page
    linked = link_next(page, after.issue_after(LATEST))
    assert f'<a class="wk-pager-next" rel="next" href="../{NEXT}/">下一期 →：{NEXT} ' in linked
    assert "尚未发布" not in linked
    assert after.issue_after(NEXT) is None and link_next(page, None) == page


def test_a_restated_value_shows_a_correction_note_in_the_later_issue(tmp_path):
    data = copy_data(tmp_path)
    folder = add_next_week(data)
    # The analyst restates last week's ChatGPT visits and an H100 price in the new snapshot.
    restate_chatgpt_week(folder, 91200)
    prices = folder / "gpu_prices.csv"
    prices.write_text(prices.read_text(encoding="utf-8") + "H100,2024-11-20,used,24500,true\n", encoding="utf-8")

    site = run(data)
    page = site.pages[f"issues/{NEXT}.md"]
    assert ('!!! note "更正"\n    本期数据更正了往期已发布的数值：\n\n'
            "    - 2024-11-22 期网站访问量，ChatGPT（2024-11-08）：90500 更正为 91200\n"
            "    - 2024-11-22 期GPU 价格，H100 二手（2024-11-20）：24680 更正为 24500\n") in page
    assert "更正" not in site.pages[f"issues/{LATEST}.md"]
    feed = feed_xml(site.archive.issues, "https://example.org/w/", "算力周跟踪", "", site.corrections)
    items = {i.findtext("link"): i.findtext("description") for i in ET.fromstring(feed).iter("item")}
    assert items[f"https://example.org/w/issues/{NEXT}/"].endswith(
        " 更正：2024-11-22 期网站访问量，ChatGPT（2024-11-08）：90500 更正为 91200；"
        "2024-11-22 期GPU 价格，H100 二手（2024-11-20）：24680 更正为 24500。")
    assert "更正" not in items[f"https://example.org/w/issues/{LATEST}/"]


def test_weekly_updates_of_an_incomplete_month_are_not_corrections(before_and_after):
    _, after = before_and_after
    # downloads for 2024-11 change every week while complete=false: that is not a restatement
    assert all("更正" not in text for rel, text in after.pages.items() if rel.startswith("issues/"))


def test_corrections_found_while_replaying_equal_a_scan_of_each_keys_previous_value(tmp_path):
    data = copy_data(tmp_path)
    restate_chatgpt_week(add_next_week(data), 91200)
    archive = load_archive(data)
    expected: dict = {}
    for dataset in archive.datasets:
        name, value = dataset.name, dataset.correctable
        if not value:
            continue
        last: dict = {}
        for snapshot in archive.snapshots:
            for row in snapshot.rows.get(name, ()):
                key = tuple(row[k] for k in DATASET_BY_NAME[name].key)
                old, last[key] = last.get(key), row
                if old is not None and old[value] != row[value] and (not dataset.complete or old[dataset.complete]):
                    expected.setdefault(row["issue"], []).append(
                        (DATASET_BY_NAME[name].title, old[value], row[value], old["issue"]))
    found = History(archive).corrections(archive.issues[-1].date)
    assert expected and {day: [(c.dataset, float(c.old), float(c.new), c.published) for c in cs]
                          for day, cs in found.items()} == expected


@pytest.mark.browser
def test_adding_next_week_leaves_every_published_pdf_byte_for_byte_the_same(tmp_path):
    data, site = copy_data(tmp_path), tmp_path / "site"

    def publish(cache: Path, *days: str) -> dict[str, bytes]:
        for command in (["build"], ["pdf", "--cache-dir", str(cache), *days]):
            result = weekly(*command, "--data", str(data), "--site-dir", str(site))
            assert result.returncode == 0, result.stdout + result.stderr
        return {p.name: p.read_bytes() for p in site.rglob("*.pdf")}

    before = publish(tmp_path / "cache", "2024-11-15", LATEST)
    add_next_week(data)
    # printed again from nothing (a fresh cache), with the next issue now linked from the page
    after = publish(tmp_path / "fresh-cache", "2024-11-15", LATEST, NEXT)
    assert set(after) == set(before) | {f"算力周跟踪-{NEXT}.pdf"}
    for name, pdf in before.items():
        assert after[name] == pdf, name
