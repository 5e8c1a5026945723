"""A real MkDocs build of the sample archive: the seed's figures, self-hosted assets, search."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

from conftest import ROOT, weekly

SEED_FIGURES = ["英伟达+3.54%", "AMD+3.33%", "龙芯中科+8.95%", "寒武纪+9.98%", "海光信息+3.81%",
                "超微电脑+52.15%", "突破9亿", "近300万", "122天", "10万颗GPU", "超过8位的精度",
                "从4年缩短至4个月", "1118-1120", "1108-1114", "1113-1119"]
SEED_SECTIONS = ["投资要点", "大模型跟踪", "建议关注", "风险提示",
                 "“精度感知”scaling law首次提出", "马斯克旗下xAI 122天建成10万GPU超算集群"]


def seed_html(site: Path) -> str:
    return (site / "issues" / "2024-11-22" / "index.html").read_text(encoding="utf-8")


def test_seed_page_states_every_figure_of_the_report(built_site):
    html = seed_html(built_site)
    for figure in SEED_FIGURES:
        assert figure in html, figure
    for section in SEED_SECTIONS:
        assert section in html, section
    for n in range(1, 9):
        assert f"图表 {n}：" in html


def test_seed_page_shows_both_watch_lists_and_every_risk(built_site):
    html = seed_html(built_site)
    text = re.sub(r"<[^>]+>", "", html)               # the companies are links to their pages
    assert "国产算力链：寒武纪、海光信息、龙芯中科、盛科通信等。" in text
    assert "数据中心硬件：中际旭创、工业富联、新易盛、天孚通信、沃尔核材、英维克、沪电股份、胜宏科技。" in text
    assert "技术发展及落地不及预期；下游终端出货不及预期；下游需求不及预期；市场竞争加剧风险；地缘政治风险。" in html


def test_every_issue_links_to_the_site_wide_disclaimer_and_ratings_pages(built_site):
    for page in (built_site / "issues").glob("*/index.html"):
        html = page.read_text(encoding="utf-8")
        # the footer's own links (not only the navigation's) lead to the built pages
        assert '<a href="../../about/disclaimer/">分析师声明与免责声明</a>' in html
        assert '<a href="../../about/ratings/">投资评级说明</a>' in html
        # on screen the footer links to them; the full text is the print-only block at the end
        on_screen = html[: html.index('<section class="wk-statements" data-search-exclude')]
        assert "投资评级声明" not in on_screen and "一般声明" not in on_screen
    assert "买入" in (built_site / "about" / "ratings" / "index.html").read_text(encoding="utf-8")


def test_issues_link_to_previous_and_next_in_date_order(built_site):
    dates = sorted(p.name for p in (built_site / "issues").iterdir())
    for i, day in enumerate(dates):
        html = (built_site / "issues" / day / "index.html").read_text(encoding="utf-8")
        prev = re.search(r'rel="prev" href="\.\./([\d-]+)/"', html)
        nxt = re.search(r'rel="next" href="\.\./([\d-]+)/"', html)
        assert (prev.group(1) if prev else None) == (dates[i - 1] if i else None)
        assert (nxt.group(1) if nxt else None) == (dates[i + 1] if i + 1 < len(dates) else None)
        # the next link is filled in at build time; only the newest issue still says so
        assert ("下一期 →：尚未发布" in html) == (i + 1 == len(dates))


def test_sample_issues_and_sample_charts_say_so_on_the_page(built_site):
    sample = (built_site / "issues" / "2024-11-15" / "index.html").read_text(encoding="utf-8")
    assert "示例数据" in sample and "并非真实研报内容" in sample
    seed = seed_html(built_site)
    assert "并非真实研报内容" not in seed        # the seed's text is real
    assert seed.count('class="wk-sample"') >= 7  # its chart series are sample data


def test_no_page_loads_anything_from_another_host(built_site):
    loads = re.compile(r"<script[^>]+src=[\"'](https?:)?//|<img[^>]+src=[\"'](https?:)?//"
                       r"|<link[^>]+rel=[\"'](stylesheet|preconnect|preload|modulepreload|icon)[\"'][^>]+href=[\"'](https?:)?//")
    for page in built_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not loads.search(html), (page, loads.search(html))
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html and "cdn.plot.ly" not in html, page


def test_plotly_is_self_hosted_and_fetched_by_the_chart_script_not_the_page(built_site):
    html = seed_html(built_site)
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert not [s for s in scripts if "plotly" in s]          # off the first paint (charts.js fetches it)
    assert "../../assets/javascripts/charts.js" in scripts
    charts_js = (built_site / "assets" / "javascripts" / "charts.js").read_text(encoding="utf-8")
    relative = re.search(r'new URL\("([^"]+)", document.currentScript.src\)', charts_js).group(1)
    plotly = (built_site / "assets" / "javascripts" / relative).resolve()
    assert plotly == (built_site / "assets" / "vendor" / "plotly-basic-3.7.0.min.js").resolve()
    assert plotly.stat().st_size > 500_000
    assert html.count("Plotly.newPlot") == 0          # no inline per-chart script


def test_issues_are_not_listed_in_the_navigation_sidebar(built_site):
    html = seed_html(built_site)
    nav = html[html.index('<nav class="md-nav md-nav--primary'):]
    nav = nav[: nav.index("</nav>")]
    assert "2024-11-15" not in nav


def test_search_index_holds_the_seed_issue_and_no_chart_json(built_site):
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = index["docs"]
    seed = [d for d in docs if d["location"].startswith("issues/2024-11-22/")]
    assert seed, "seed issue missing from the search index"
    text = " ".join(d["text"] for d in docs)
    assert "data-figure" not in text and '"type":"scatter"' not in text and "hovertemplate" not in text
    # jieba segmented with the dictionary built from data/: names stay whole words
    seed_text = " ".join(d["title"] + " " + d["text"] for d in seed)
    assert "超微电脑" in re.split(r"[\s\u200b]+", seed_text.replace("+", " "))


def test_home_page_shows_the_latest_issue(built_site):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    assert 'href="issues/2024-11-22/"' in html
    assert "ChatGPT周访问量突破9亿" in html
    assert "图表 1：算力股价本周复盘（1118-1120）" in html


def test_latest_url_leads_to_the_newest_issue(built_site):
    html = (built_site / "latest" / "index.html").read_text(encoding="utf-8")
    assert 'href="../issues/2024-11-22/"' in html      # a link instant navigation follows, no meta refresh


def test_a_strict_build_names_the_broken_link_and_writes_no_site(tmp_path):
    for name in ("mkdocs.yml", "docs", "overrides", "vendor"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, tmp_path / name)
    (tmp_path / "docs" / "about" / "broken.md").write_text("# 坏链接\n\n[去向不明](missing-page.md)\n", encoding="utf-8")
    site = tmp_path / "site"
    result = weekly("build", "--config", str(tmp_path / "mkdocs.yml"), "--data", str(ROOT / "data"),
                    "--site-dir", str(site))
    assert result.returncode == 1
    assert "about/broken.md" in result.stderr and "missing-page.md" in result.stderr
    assert "Traceback" not in result.stderr
    assert not site.exists()


def test_vendored_plotly_is_the_recorded_upstream_file_and_is_served_unchanged(built_site):
    source = ROOT / "vendor" / "plotly" / "plotly-basic-3.7.0.min.js"
    recorded = re.search(r"sha256: ([0-9a-f]{64})", (source.parent / "README.md").read_text(encoding="utf-8")).group(1)
    assert hashlib.sha256(source.read_bytes()).hexdigest() == recorded
    assert (built_site / "assets" / "vendor" / source.name).read_bytes() == source.read_bytes()
