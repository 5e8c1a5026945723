"""Embargo: an issue is absent from every byte of the site until its publication time; drafts always.

Unique canary strings and values are planted in an issue dated 2024-11-29 (a Friday, so public
from 09:00 Beijing time) and the whole output is searched for them, compressed and JSON-escaped
files included.
"""
from __future__ import annotations

import gzip
import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ROOT, copy_data, weekly
from generators.load.snapshots import load_archive, parse_time
from generators.schema.model import BEIJING

EMBARGOED = "2024-11-29"
DRAFT = "2024-12-06"
CANARIES = ["CANARY-XJ9Q", "金丝雀科技", "金丝雀标签", "CanaryChat", "77.7123", "98765.4321", f"issues/{EMBARGOED}",
            "canary-co-q7", "金丝雀别名", "canarychat-q7"]
DRAFT_CANARIES = ["DRAFT-CANARY-7Z", "草稿金丝雀", f"issues/{DRAFT}"]


def write_issue(data: Path, day: str, *, title: str, lead: str, body: str, front: str = "") -> Path:
    """`weekly new DAY --carry`, then fill in what the analyst writes."""
    result = weekly("new", day, "--carry", "--data", str(data))
    assert result.returncode == 0, result.stderr
    path = data / day / "issue.md"
    text = path.read_text(encoding="utf-8")
    head = text[: text.index("\n---\n")]
    head = head.replace("title: ''", f"title: {title}").replace("lead: ''", f"lead: {lead}").replace("tags: []", f"tags: [{title.replace(' ', ', ')}]")
    path.write_text(f"{head}\n{front}---\n\n{body}\n", encoding="utf-8")
    return data / day


def plant_canaries(data: Path) -> None:
    # New entities are registered for the embargoed week: the registry entries must not leak either.
    registry = data / "entities.yaml"
    text = registry.read_text(encoding="utf-8")
    text = text.replace("companies:\n", "companies:\n  - {id: canary-co-q7, name: 金丝雀科技, aliases: [金丝雀别名]}\n", 1)
    text = text.replace("products:\n", "products:\n  - {id: canarychat-q7, name: CanaryChat, aliases: []}\n", 1)
    registry.write_text(text, encoding="utf-8")
    folder = write_issue(data, EMBARGOED, title="CANARY-XJ9Q 金丝雀标签", lead="金丝雀科技 领涨 77.7123%",
                         body="## 投资要点\n\n金丝雀科技+77.7123%，CANARY-XJ9Q。\n\n## 大模型跟踪\n\nCanaryChat 访问量 98765.4321 万。")
    with (folder / "stocks.csv").open("a", encoding="utf-8") as f:
        f.write("金丝雀科技,CNRY.O,美股,GPU/CPU,77.7123,,,false\n")
    with (folder / "visits.csv").open("a", encoding="utf-8") as f:
        f.write("CanaryChat,text,海外,2024-11-15,98765.4321,false\n")
    write_issue(data, DRAFT, title="DRAFT-CANARY-7Z 草稿金丝雀", lead="草稿金丝雀", front="draft: true\n",
                body="## 投资要点\n\nDRAFT-CANARY-7Z 草稿金丝雀")


def site_text(site: Path) -> str:
    """Every file of the built site as searchable text: gzip opened, JSON's \\u escapes decoded."""
    parts = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        text = raw.decode("utf-8", errors="replace")
        if path.suffix == ".json":
            text += json.dumps(json.loads(text), ensure_ascii=False)
        if path.suffix == ".pdf":       # the PDF edition: its extracted text, also without the spaces put between scripts
            extracted = "".join(page.extract_text() for page in PdfReader(path).pages)
            text = extracted + "\n" + re.sub(r"\s+", "", extracted)
        parts.append(f"\n=== {path.relative_to(site)}\n{text}")
    return "".join(parts)


def issue_pages(site: Path) -> set[str]:
    return {p.name for p in (site / "issues").iterdir()}


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Path]:
    """The same data built as of Thursday noon, Friday 08:00, Friday 09:00 and years later."""
    tmp = tmp_path_factory.mktemp("embargo")
    data = copy_data(tmp)
    plant_canaries(data)
    sites = {}
    for as_of in ("2024-11-28 12:00", "2024-11-29 08:00", "2024-11-29 09:00", "2030-01-01 00:00"):
        site = tmp / ("site-" + as_of.replace(" ", "T").replace(":", ""))
        result = weekly("build", "--data", str(data), "--site-dir", str(site), "--as-of", as_of)
        assert result.returncode == 0, result.stdout + result.stderr
        sites[as_of] = site
    # The PDF editions, latest moment first, from one cache: the embargoed issue's PDF is in the
    # cache before the earlier sites get theirs, and must not reach them.
    for as_of in reversed(list(sites)):
        result = weekly("pdf", "--data", str(data), "--site-dir", str(sites[as_of]), "--cache-dir", str(tmp / "pdf-cache"),
                        "--as-of", as_of)
        assert result.returncode == 0, result.stdout + result.stderr
    return sites


@pytest.mark.build
def test_nothing_of_an_embargoed_issue_is_in_the_site_the_hour_before(builds):
    text = site_text(builds["2024-11-29 08:00"])
    leaked = [c for c in CANARIES if c in text]
    assert leaked == []
    assert (builds["2024-11-29 08:00"] / "sitemap.xml").exists()
    assert (builds["2024-11-29 08:00"] / "search" / "search_index.json").exists()


@pytest.mark.build
@pytest.mark.browser
def test_an_embargoed_issue_has_no_pdf_before_its_time_and_its_own_at_it(builds, tmp_path):
    early, on_time = builds["2024-11-29 08:00"], builds["2024-11-29 09:00"]
    assert sorted(p.name for p in early.rglob("*.pdf"))[-1] == "算力周跟踪-2024-11-22.pdf"
    assert [c for c in CANARIES if c in site_text(early)] == []
    pdf = on_time / "issues" / EMBARGOED / f"算力周跟踪-{EMBARGOED}.pdf"
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(pdf).pages))
    assert "CANARY-XJ9Q" in text and "金丝雀科技+77.7123%" in text and "98765.4321" in text
    # asked for by date before its time, it is refused
    result = weekly("pdf", "--site-dir", str(early), "--cache-dir", str(tmp_path / "c"), "--as-of", "2024-11-29 08:00", EMBARGOED)
    assert result.returncode == 1 and "不是已发布的一期" in result.stderr


@pytest.mark.build
def test_the_issue_appears_everywhere_at_its_publication_time(builds):
    site = builds["2024-11-29 09:00"]
    text = site_text(site)
    assert [c for c in CANARIES if c not in text] == []
    assert f"issues/{EMBARGOED}/" in (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f'href="issues/{EMBARGOED}/"' in (site / "index.html").read_text(encoding="utf-8")
    assert f'href="../issues/{EMBARGOED}/"' in (site / "latest" / "index.html").read_text(encoding="utf-8")


@pytest.mark.build
def test_builds_before_and_after_publication_differ_exactly_by_that_issue(builds):
    thursday, friday = issue_pages(builds["2024-11-28 12:00"]), issue_pages(builds["2024-11-29 09:00"])
    assert friday - thursday == {EMBARGOED}
    assert thursday - friday == set()
    assert issue_pages(builds["2024-11-29 08:00"]) == thursday


@pytest.mark.build
def test_a_draft_never_appears(builds):
    for site in builds.values():
        text = site_text(site)
        assert [c for c in DRAFT_CANARIES if c in text] == []


def test_build_and_check_validate_embargoed_issues_and_say_which_are_left_out(tmp_path):
    data = copy_data(tmp_path)
    plant_canaries(data)
    result = weekly("check", "--data", str(data), "--as-of", "2024-11-29 08:00")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "数据校验通过：10 期，最新一期 2024-12-06。",
        "   2024-11-29：将于 2024-11-29 09:00（北京时间）发布，此前构建不含本期",
        "   2024-12-06：草稿（draft: true），不会发布",
    ]
    stocks = data / EMBARGOED / "stocks.csv"
    stocks.write_text(stocks.read_text(encoding="utf-8").replace("77.7123", "n/a"), encoding="utf-8")
    for command in ("check", "build"):
        result = weekly(command, "--data", str(data), "--site-dir", str(tmp_path / "site"), "--as-of", "2024-11-29 08:00") \
            if command == "build" else weekly(command, "--data", str(data))
        assert result.returncode == 1
        assert "data/2024-11-29/stocks.csv:9: 列 'change_pct'：应为数字，实际为 'n/a'" in result.stderr
    assert not (tmp_path / "site").exists()


def test_default_publication_time_is_friday_nine_in_beijing_of_the_issue_week(tmp_path):
    data = copy_data(tmp_path)
    archive = load_archive(data)
    seed = archive.issues[-1]
    assert seed.publication_time == datetime(2024, 11, 22, 9, 0, tzinfo=BEIJING)
    assert seed.publication_time.isoformat() == "2024-11-22T09:00:00+08:00"
    # 09:00 in Beijing is 01:00 UTC: the issue is public from that instant, not a minute before
    assert not seed.is_public(parse_time("2024-11-22 08:59"))
    assert seed.is_public(parse_time("2024-11-22 09:00"))
    assert [i.date for i in load_archive(data, parse_time("2024-11-22 08:59")).issues][-1] == date(2024, 11, 15)


def test_publish_at_in_the_front_matter_overrides_the_default(tmp_path):
    data = copy_data(tmp_path)
    path = data / "2024-11-22" / "issue.md"
    path.write_text(path.read_text(encoding="utf-8").replace("sample: false\n", 'sample: false\npublish_at: "2024-11-21 18:30"\n', 1),
                    encoding="utf-8")
    assert load_archive(data, parse_time("2024-11-21 18:30")).issues[-1].date == date(2024, 11, 22)
    assert load_archive(data, parse_time("2024-11-21 18:29")).issues[-1].date == date(2024, 11, 15)


def test_check_rejects_a_malformed_publish_at_and_draft(tmp_path):
    data = copy_data(tmp_path)
    path = data / "2024-11-22" / "issue.md"
    path.write_text(path.read_text(encoding="utf-8").replace("sample: false\n", "sample: false\npublish_at: 周五上午\ndraft: 是\n", 1),
                    encoding="utf-8")
    result = weekly("check", "--data", str(data))
    assert result.returncode == 1
    line = path.read_text(encoding="utf-8").splitlines().index("publish_at: 周五上午") + 1
    assert result.stderr.splitlines()[:2] == [
        f"data/2024-11-22/issue.md:{line}: front matter 'publish_at' 应为北京时间 YYYY-MM-DD HH:MM，实际为 '周五上午'"
        "（提示：写作 publish_at: \"2024-11-22 09:00\"；带时区时写作 ISO 8601，如 2024-11-22T01:00:00Z）",
        f"data/2024-11-22/issue.md:{line + 1}: front matter 'draft' 应为 true 或 false，实际为 '是'",
    ]


def test_build_before_any_issue_is_published_fails_with_a_clear_message(tmp_path):
    result = weekly("build", "--data", str(copy_data(tmp_path)), "--site-dir", str(tmp_path / "site"), "--as-of", "2024-01-01 00:00")
    assert result.returncode == 1
    assert "截至 2024-01-01 00:00（北京时间）还没有已发布的一期（提示：检查各期的 publish_at 与 draft，或用 --as-of 指定时间）" in result.stderr


def test_as_of_must_be_a_beijing_time_to_the_minute(tmp_path):
    result = weekly("build", "--as-of", "2024-11-29T09:00+08:00")
    assert result.returncode == 2
    assert "Invalid value for '--as-of': 应为 YYYY-MM-DD HH:MM，实际为 '2024-11-29T09:00+08:00'" in result.stderr


def test_the_data_page_documents_publish_at_and_draft():
    from generators.pages.data_page import schema_markdown

    page = schema_markdown()
    assert "| `publish_at` | 时间 YYYY-MM-DD HH:MM | 否 |" in page
    assert "| `draft` | true / false | 否 |" in page


def plugin_from_mkdocs_yml():
    """The weekly plugin as mkdocs.yml configures it (reading WEEKLY_AS_OF / WEEKLY_DATA_DIR there)."""
    from mkdocs.config import load_config

    return load_config(str(ROOT / "mkdocs.yml")).plugins["weekly"]


@pytest.mark.parametrize("value, expected", [
    ("2024-11-29 08:00", datetime(2024, 11, 29, 8, 0, tzinfo=BEIJING)),
    ("preview", None),     # `weekly serve`: the analyst's local preview shows everything
])
def test_the_mkdocs_plugin_reads_the_moment_from_weekly_as_of(monkeypatch, value, expected):
    monkeypatch.setenv("WEEKLY_AS_OF", value)
    plugin = plugin_from_mkdocs_yml()
    assert plugin.config.as_of == value
    assert plugin._as_of() == expected


def test_a_plain_mkdocs_build_embargoes_as_of_now(monkeypatch):
    monkeypatch.delenv("WEEKLY_AS_OF", raising=False)
    moment = plugin_from_mkdocs_yml()._as_of()
    assert moment.tzinfo == BEIJING and abs((datetime.now(BEIJING) - moment).total_seconds()) < 60


def test_a_malformed_weekly_as_of_stops_the_build(monkeypatch):
    from mkdocs.exceptions import PluginError

    monkeypatch.setenv("WEEKLY_AS_OF", "tomorrow")
    with pytest.raises(PluginError, match=r"^weekly 插件的 as_of：应为 YYYY-MM-DD HH:MM，实际为 'tomorrow'$"):
        plugin_from_mkdocs_yml()._as_of()


@pytest.mark.build
def test_entity_feeds_carry_no_embargoed_issue_until_its_publication_time(builds):
    import feedparser

    before, after = builds["2024-11-29 08:00"], builds["2024-11-29 09:00"]
    for site, published in ((before, False), (after, True)):
        feeds = sorted((site / "entities").glob("*/feed.xml"))
        assert len(feeds) >= 30
        links = set()
        for path in feeds:
            feed = feedparser.parse(path.read_bytes())
            assert not feed.bozo, (path, feed.get("bozo_exception"))
            links.update(e.link for e in feed.entries)
        assert any(link.endswith(f"/issues/{EMBARGOED}/") for link in links) is published
        assert (site / "entities" / "canary-co-q7" / "feed.xml").exists() is published
    canary = feedparser.parse((after / "entities" / "canary-co-q7" / "feed.xml").read_bytes())
    assert [e.link.rsplit("/", 2)[-2] for e in canary.entries] == [EMBARGOED]
    assert "+77.71%" in canary.entries[0].summary
