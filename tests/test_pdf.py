"""The PDF edition (`weekly pdf`): what the report states, charts whole on a page, the same bytes
every time, and one clear line when it cannot be made."""
from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import DATA, weekly
from generators.load.snapshots import load_archive
from generators.assemble.pipeline import run
from generators.pages.urls import pdf_name
from test_build import SEED_FIGURES

pytestmark = pytest.mark.browser

SEED = "2024-11-22"
STATEMENT_HEADINGS = ["分析师声明", "一般声明", "特别声明", "投资评级声明"]
RATINGS = ["买入", "持有", "中性", "回避", "卖出", "强于大市", "跟随大市", "弱于大市"]


def squeeze(text: str) -> str:
    """Text without whitespace: the extractor puts spaces between Chinese and Latin runs and breaks lines."""
    return re.sub(r"\s+", "", text)


def page_texts(path: Path) -> list[str]:
    return [squeeze(page.extract_text()) for page in PdfReader(path).pages]


def seed_charts():
    return run(DATA).charts[SEED]


@pytest.fixture(scope="module")
def pdf_site(built_site, tmp_path_factory) -> tuple[Path, Path]:
    """A copy of the built sample site with every issue's PDF (`weekly pdf`), and its PDF cache."""
    tmp = tmp_path_factory.mktemp("pdf")
    site = tmp / "site"
    shutil.copytree(built_site, site)
    result = weekly("pdf", "--site-dir", str(site), "--cache-dir", str(tmp / "cache"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    return site, tmp / "cache"


def seed_pdf(site: Path) -> Path:
    return site / "issues" / SEED / f"算力周跟踪-{SEED}.pdf"


def test_the_seed_pdf_states_every_figure_chart_source_risk_and_statement(pdf_site):
    site, _ = pdf_site
    pages = page_texts(seed_pdf(site))
    text = "".join(pages)
    assert squeeze("ChatGPT周访问量突破9亿，“精度感知”Scaling Law再引关注") in pages[0]
    assert "电子" in pages[0] and "投资要点" in pages[0] and "本周数据要点" in pages[0]
    for figure in SEED_FIGURES:
        assert squeeze(figure) in text, figure
    charts = seed_charts()
    assert len(charts) == 8
    for chart in charts:
        assert squeeze(f"图表 {chart.number}：{chart.title}") in text, chart.title
        assert squeeze(f"来源：{chart.spec.source}") in text, chart.spec.source
        for note in chart.notes:
            assert squeeze(f"注：{note}") in text, note
    assert "风险提示" in text
    assert "技术发展及落地不及预期；下游终端出货不及预期；下游需求不及预期；市场竞争加剧风险；地缘政治风险。" in text
    assert "国产算力链：寒武纪、海光信息、龙芯中科、盛科通信等。" in text
    for heading in STATEMENT_HEADINGS + RATINGS:
        assert heading in text, heading
    assert "示例数据" in text          # the seed's chart series are sample data, and say so on paper too
    for number, page in enumerate(pages, start=1):
        assert f"第{number}页/共{len(pages)}页" in page
    # No character from the radical blocks (⼒ for 力, ⻚ for 页): the text is searchable as written.
    assert [c for c in text if 0x2E80 <= ord(c) < 0x2FE0] == []


def test_a_chart_its_title_source_and_notes_are_printed_on_one_page(pdf_site):
    site, _ = pdf_site
    pages = page_texts(seed_pdf(site))
    for chart in seed_charts():
        caption = squeeze(f"图表 {chart.number}：{chart.title}")
        first = next(i for i, page in enumerate(pages) if caption in page)   # the figure comes before its table
        after = pages[first][pages[first].index(caption):]
        assert squeeze(f"来源：{chart.spec.source}") in after, (chart.number, first + 1)
        for note in chart.notes:
            assert squeeze(f"注：{note}") in after, (chart.number, note)


def test_every_issue_page_links_its_pdf_and_the_pdf_dates_from_its_publication(pdf_site):
    site, _ = pdf_site
    issues = load_archive(DATA).issues
    for issue in issues:
        page = (site / "issues" / issue.slug / "index.html").read_text(encoding="utf-8")
        assert f'<a href="{pdf_name(issue)}" download="">下载 PDF</a>' in page     # as the allow-list writes it
        pdf = site / "issues" / issue.slug / pdf_name(issue)
        assert pdf.name == f"算力周跟踪-{issue.slug}.pdf"
        reader = PdfReader(pdf)
        assert reader.metadata.creation_date.isoformat() == issue.publication_time.isoformat()
        assert reader.metadata.modification_date == reader.metadata.creation_date
        assert reader.metadata.title == f"算力周跟踪 {issue.slug} · {issue.title}"
        assert reader.pdf_header.startswith("%PDF-") and len(reader.pages) >= 8
        assert pdf.stat().st_mode & 0o444 == 0o444      # readable by the web server
    sample = "".join(page_texts(site / "issues" / "2024-11-15" / pdf_name(issues[-2])))
    assert "并非真实研报内容" in sample                  # a sample issue's PDF says so, as its page does


def test_fonts_are_embedded(pdf_site):
    site, _ = pdf_site
    reader = PdfReader(seed_pdf(site))
    fonts = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            fonts[id(font)] = font
    assert fonts
    for font in fonts.values():
        if font["/Subtype"] == "/Type3":
            assert "/CharProcs" in font and "/ToUnicode" in font      # glyph outlines in the file
        else:
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"] if "/DescendantFonts" in font \
                else font["/FontDescriptor"]
            assert any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")), font


def test_printing_an_issue_again_gives_the_same_bytes(pdf_site, tmp_path):
    site, _ = pdf_site
    again = tmp_path / "site"
    shutil.copytree(site, again)
    seed_pdf(again).unlink()
    result = weekly("pdf", "--site-dir", str(again), "--cache-dir", str(tmp_path / "fresh-cache"), SEED)
    assert result.returncode == 0, result.stderr
    assert "新排版 1，沿用 0" in result.stdout
    assert seed_pdf(again).read_bytes() == seed_pdf(site).read_bytes()


def test_a_second_run_reuses_every_pdf_and_needs_no_browser(pdf_site, tmp_path):
    site, cache = pdf_site
    before = {p: p.read_bytes() for p in site.rglob("*.pdf")}
    assert len(before) == 8
    result = weekly("pdf", "--site-dir", str(site), "--cache-dir", str(cache), env={"CHROMIUM": str(tmp_path / "none")})
    assert result.returncode == 0, result.stderr
    assert "PDF：8 期（新排版 0，沿用 8）" in result.stdout
    assert {p: p.read_bytes() for p in site.rglob("*.pdf")} == before


def _no_pdf_left(site: Path) -> None:
    assert [p for p in site.rglob("*") if p.suffix == ".pdf" or p.name.startswith(".pdf-")] == []


@pytest.fixture
def bare_site(built_site, tmp_path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    return site


def _fails_in_one_line(result, expected: str, code: int = 1) -> None:
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [expected]


def test_without_chromium_it_says_what_to_install_and_writes_nothing(bare_site, tmp_path):
    missing = tmp_path / "no-chromium"
    result = weekly("pdf", "--site-dir", str(bare_site), "--cache-dir", str(tmp_path / "cache"), env={"CHROMIUM": str(missing)})
    _fails_in_one_line(result, f"未找到 Chromium（{missing}）：weekly pdf 用它排版 PDF。请安装 Debian 的 chromium 包"
                               "（apt-get install chromium），或用环境变量 CHROMIUM 指向它；weekly build 不需要它。")
    _no_pdf_left(bare_site)
    _no_pdf_left(tmp_path / "cache")


def test_a_browser_that_will_not_start_leaves_no_pdf(bare_site, tmp_path):
    result = weekly("pdf", "--site-dir", str(bare_site), "--cache-dir", str(tmp_path / "cache"), SEED,
                    env={"CHROMIUM": "/bin/false"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("Chromium（/bin/false）无法启动：")
    _no_pdf_left(bare_site)
    _no_pdf_left(tmp_path / "cache")


def test_without_a_chinese_font_it_names_the_font_package(bare_site, tmp_path):
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig></fontconfig>\n',
                    encoding="utf-8")
    result = weekly("pdf", "--site-dir", str(bare_site), "--cache-dir", str(tmp_path / "cache"), SEED,
                    env={"FONTCONFIG_FILE": str(conf)})
    _fails_in_one_line(result, "未找到中文字体：PDF 须嵌入中文字体，请安装 fonts-noto-cjk（apt-get install fonts-noto-cjk）")
    _no_pdf_left(bare_site)


def test_an_issue_whose_page_is_not_built_is_named(bare_site, tmp_path):
    shutil.rmtree(bare_site / "issues" / SEED)
    result = weekly("pdf", "--site-dir", str(bare_site), "--cache-dir", str(tmp_path / "cache"))
    page = bare_site / "issues" / SEED / "index.html"
    _fails_in_one_line(result, f"{page} 不存在：先运行 weekly build --site-dir {bare_site}，再运行 weekly pdf")
    _no_pdf_left(bare_site)


def test_an_unpublished_or_unknown_date_has_no_pdf(bare_site, tmp_path):
    result = weekly("pdf", "--site-dir", str(bare_site), "--cache-dir", str(tmp_path / "cache"), "2024-11-29")
    _fails_in_one_line(result, "2024-11-29 不是已发布的一期（未到发布时间、草稿或不存在），没有 PDF")
    result = weekly("pdf", "--site-dir", str(bare_site), "--cache-dir", str(tmp_path / "cache"), "11-29")
    assert result.returncode == 2 and "日期应为 YYYY-MM-DD" in result.stderr
    _no_pdf_left(bare_site)


def test_a_hidden_element_before_the_tables_leaves_the_pdf_bytes_alone(browser):
    """Chromium names tagged elements (and a cell's header cells) by DOM node number: a node added
    anywhere before them (next week's link, hidden in print) or charts drawn in another order
    would otherwise change a published PDF's bytes."""
    from generators.tools.pdf import finish

    table = ("<table><thead><tr><th>名称</th><th>涨跌幅</th></tr></thead>"
             "<tbody><tr><td>超微电脑</td><td>+52.15%</td></tr><tr><td>英伟达</td><td>-3.15%</td></tr></tbody></table>")
    issue = load_archive(DATA).issues[-1]
    page = browser.new_page()
    try:
        printed = []
        for before in ("", '<nav style="display:none"><a href="../2024-11-29/">下一期</a><span>a</span></nav>' * 3):
            page.set_content(f"<html lang=zh><body><h1>算力周跟踪</h1>{before}{table}</body></html>")
            printed.append(page.pdf(tagged=True))
    finally:
        page.close()
    assert ids(printed[0]) != ids(printed[1])   # Chromium names the same cells differently: the test has teeth
    assert finish(printed[0], issue) == finish(printed[1], issue)
    # The renamed cells still name their header cells, through the ID tree, as a screen reader follows them.
    reader = PdfReader(io.BytesIO(finish(printed[0], issue)))
    names = reader.trailer["/Root"]["/StructTreeRoot"]["/IDTree"]["/Names"]
    by_id = {str(names[i]): names[i + 1].get_object() for i in range(0, len(names), 2)}
    headers = [str(h) for element in elements(reader) if element.get("/S") == "/TD"
               for attribute in element.get("/A", []) if "/Headers" in attribute.get_object()
               for h in attribute.get_object()["/Headers"]]
    assert headers and {by_id[h]["/S"] for h in headers} == {"/TH"}


def elements(reader):
    """Every element of a PDF's structure tree."""
    pending = [reader.trailer["/Root"]["/StructTreeRoot"]["/K"]]
    while pending:
        node = pending.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            pending.extend(node)
        elif hasattr(node, "get") and "/S" in node:
            yield node
            if "/K" in node:
                pending.append(node["/K"])


def ids(pdf: bytes) -> list[str]:
    return sorted(str(e["/ID"]) for e in elements(PdfReader(io.BytesIO(pdf))) if "/ID" in e)
