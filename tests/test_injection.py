"""A corpus of hostile text, placed wherever an analyst can write, built for real and opened in
Chromium: nothing runs, no element carries an event handler, no URL is javascript:/data:, no
iframe/object/embed/form/base reaches a page, and Plotly draws names as text, never as links.
"""
from __future__ import annotations

import functools
import html
import http.server
import json
import re
import shutil
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import DATA, _Quiet, free_port, scroll_through_charts, weekly

SEED = "2024-11-22"
PWN = "window.__pwned=1"
EVIL = "https://evil.example/"

# Narrative variants: (id, Markdown). Each carries its id in plain text, so the test can see the
# variant reached the page (as text) rather than being dropped with everything around it.
NARRATIVE = [
    ("split-code-span", f"HV01 正文`（注）\n\n<script>{PWN}</script>\n\n<img src=x onerror=\"{PWN}\">\n\n结尾`"),
    ("plain-script", f"HV02 <script>{PWN}</script>"),
    ("img-onerror", f"HV03 <img src=x onerror=\"{PWN}\">"),
    ("entity-encoded-tag", f"HV04 &lt;script&gt;{PWN}&lt;/script&gt; &#60;img src=x onerror={PWN}&#62;"),
    ("javascript-link", f"HV05 [点我](javascript:{PWN})"),
    ("encoded-scheme-link", f"HV06 [点我](&#106;avascript:{PWN}) [再点](JaVaScRiPt:{PWN})"),
    ("reference-link", f"HV07 [参考][r]\n\n[r]: javascript:{PWN}"),
    ("autolink", f"HV08 <javascript:{PWN}> <data:text/html,<script>{PWN}</script>>"),
    ("image-attr-breakout", f"HV09 ![x\" onerror=\"{PWN}](https://example.com/a.png)"),
    ("data-image", "HV10 ![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)"),
    ("image-in-link", f"HV11 [![a](javascript:{PWN})](javascript:{PWN})"),
    ("table-cell", f"HV12\n\n| a | b |\n|---|---|\n| <img src=x onerror=\"{PWN}\"> | [x](javascript:{PWN}) |"),
    ("footnote", f"HV13 脚注[^h]\n\n[^h]: <script>{PWN}</script>[x](javascript:{PWN})"),
    ("attr-list", f"## HV14 标题 {{: onclick=\"{PWN}\" autofocus onfocus=\"{PWN}\" }}"),
    ("md-in-html", f"HV15\n\n<div markdown=\"1\" onclick=\"{PWN}\">**x**</div>"),
    ("embeds", f"HV16 <iframe src=\"{EVIL}\"></iframe><object data=\"{EVIL}\"></object><embed src=\"{EVIL}\">"
               f"<form action=\"{EVIL}\"><input name=p></form><base href=\"{EVIL}\">"),
    ("style-escape", f"HV17 <div style=\"position:fixed;inset:0;z-index:9999\">盖住页面</div><style>body{{display:none}}</style>"),
    ("svg-mathml", f"HV18 <svg onload=\"{PWN}\"><script>{PWN}</script></svg><math><mi xlink:href=\"javascript:{PWN}\">x</mi></math>"),
    ("comment-trick", f"HV19 <!-- --><script>{PWN}</script><!-- -->"),
    ("mutation", f"HV20 <noscript><p title=\"</noscript><img src=x onerror={PWN}>\"></noscript>"),
    ("unclosed-fence", f"HV21\n\n```\n<script>{PWN}</script>\n"),
    ("meta-refresh", f"HV22 <meta http-equiv=\"refresh\" content=\"0;url=javascript:{PWN}\">"),
    ("nested-backticks", f"HV23 ``a`<script>{PWN}</script>`` `<img src=x onerror={PWN}>"),
]
# Front matter and CSV variants: where they go, and the text.
TITLE = f"<script>{PWN}</script><img src=x onerror=\"{PWN}\">](javascript:{PWN}) HV24"
LEAD = f"\"><img src=x onerror=\"{PWN}\"> HV25 {{: onclick=\"{PWN}\" }}"
TAG = f"<img src=x onerror=\"{PWN}\">HV26"
RISK = f"[风险](javascript:{PWN}) <b onmouseover=\"{PWN}\">HV27</b>"
WATCHLIST = f"<a href=\"javascript:{PWN}\">HV28</a>"
NOTE = f"<script>{PWN}</script>HV29"
STOCK = f"<a href=\"{EVIL}\">HV30</a>"
PRODUCT = f"<b>HV31</b><br><span style=\"font-size:200px\">大</span>"
VARIANTS = [v for v, _ in NARRATIVE] + ["title", "lead", "tag", "risk", "watchlist", "chart-note", "stock-name",
                                          "product-name"]


def yaml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def corpus_archive(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA / SEED, data / SEED)
    folder = data / SEED
    registry = (DATA / "entities.yaml").read_text(encoding="utf-8")
    registry = registry.replace("companies:\n", f"companies:\n  - {{id: hostile-a, name: {yaml_str(STOCK)}, aliases: []}}\n"
                                f"  - {{id: hostile-c, name: {yaml_str(WATCHLIST)}, aliases: []}}\n", 1)
    registry = registry.replace("products:\n", f"products:\n  - {{id: hostile-b, name: {yaml_str(PRODUCT)}, aliases: []}}\n", 1)
    (data / "entities.yaml").write_text(registry, encoding="utf-8")
    edit(folder / "stocks.csv", "英伟达,", '"' + STOCK.replace('"', '""') + '",')
    edit(folder / "visits.csv", "ChatGPT,", '"' + PRODUCT.replace('"', '""') + '",')
    issue = folder / "issue.md"
    text = issue.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^title: .*$", lambda m: f"title: {yaml_str(TITLE)}", text, count=1)
    text = re.sub(r"(?m)^lead: .*$", lambda m: f"lead: {yaml_str(LEAD)}", text, count=1)
    issue.write_text(text, encoding="utf-8")
    edit(issue, "tags: [Scaling Law,", f"tags: [{yaml_str(TAG)}, Scaling Law,")
    edit(issue, "  - 地缘政治风险", f"  - 地缘政治风险\n  - {yaml_str(RISK)}")
    edit(issue, "companies: [寒武纪,", f"companies: [{yaml_str(WATCHLIST)}, 寒武纪,")
    edit(issue, '  stocks: ["以上市值', f'  stocks: [{yaml_str(NOTE)}, "以上市值')
    # Each narrative variant in its own section, so one cannot swallow the next.
    body = "".join(f"\n\n## 变体 {name}\n\n{markdown}\n\n" for name, markdown in NARRATIVE if name != "unclosed-fence")
    edit(issue, "## 大模型跟踪\n", body + "## 大模型跟踪\n")
    # The unclosed fence last of all: it runs to the end of the file.
    issue.write_text(issue.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + dict(NARRATIVE)["unclosed-fence"],
                     encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("corpus")
    data = corpus_archive(tmp)
    check = weekly("check", "--data", str(data))
    assert check.returncode == 0, check.stdout + check.stderr
    site = tmp / "web" / "site"
    result = weekly("build", "--data", str(data), "--site-dir", str(site))
    assert result.returncode == 0, result.stdout + result.stderr
    return data, site, check


@pytest.fixture(scope="module")
def corpus_server(corpus):
    _, site, _ = corpus
    port = free_port()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}"
    httpd.shutdown()


FORBIDDEN_TAGS = {"iframe", "object", "embed", "form", "input", "base", "frame", "frameset", "applet", "svg", "math",
                  "style", "link", "noscript", "textarea", "button", "select"}


class _Article(HTMLParser):
    """What a browser would act on inside the page's article (Material's own chrome is outside it)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.found = 0, []

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        if not self.depth:
            return
        for name, value in attrs:
            value = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if name in ("href", "src", "xlink:href", "action", "formaction", "data") and value.startswith(("javascript:", "data:", "vbscript:")):
                self.found.append(f"<{tag} {name}={value[:30]}>")
            # A chart's plot reserves its height before it is drawn (generated, never analyst text).
            reserved = dict(attrs).get("class") == "wk-plot" and re.fullmatch(r"height:\d+px", value)
            if name == "style" and not re.fullmatch(r"text-align:(left|right|center);?", value) and not reserved:
                self.found.append(f"<{tag} style={value[:30]}>")
            if name == "http-equiv" and tag == "meta":
                self.found.append(f"<meta http-equiv>")
        if tag in FORBIDDEN_TAGS or tag == "script":
            self.found.append(f"<{tag}>")

    def handle_endtag(self, tag):
        if tag == "article" and self.depth:
            self.depth -= 1


def test_hostile_corpus_has_twenty_variants_or_more():
    assert len(VARIANTS) >= 20 and len(set(VARIANTS)) == len(VARIANTS)


def test_no_page_of_the_hostile_build_carries_markup_from_the_corpus(corpus):
    _, site, _ = corpus
    pages = list(site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:        # /latest/ included: it links the newest issue, no <meta> redirect any more
        markup = _Article()
        markup.feed(page.read_text(encoding="utf-8"))
        assert markup.found == [], page


def test_every_narrative_variant_reaches_the_page_as_text(corpus):
    _, site, _ = corpus
    text = (site / "issues" / SEED / "index.html").read_text(encoding="utf-8")
    for number in range(1, 24):
        assert f"HV{number:02d}" in text, number
    # Raw HTML the analyst wrote shows as text the reader can see.
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in text


def test_check_warns_that_raw_html_in_the_narrative_shows_as_text(corpus):
    _, _, check = corpus
    warned = [line for line in check.stderr.splitlines() if "正文含有 HTML 标签" in line]
    assert warned and all(re.match(rf"提醒：data/{SEED}/issue\.md:\d+: ", line) for line in warned)
    source = (corpus[0] / SEED / "issue.md").read_text(encoding="utf-8").split("\n")
    lines = [int(re.match(r"提醒：[^:]+:(\d+):", w).group(1)) for w in warned]
    assert any("<script>" in source[n - 1] for n in lines)
    assert all("<" in source[n - 1] for n in lines)


def test_the_seed_archive_gets_no_raw_html_warning():
    result = weekly("check")
    assert result.returncode == 0 and "提醒" not in result.stderr, result.stderr


def test_the_feed_shows_hostile_text_as_text_in_a_reader(corpus):
    feedparser = pytest.importorskip("feedparser")
    _, site, _ = corpus
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    entry = next(e for e in feed.entries if "HV24" in e.title)
    assert entry.summary_detail.type == "text/html"
    # What a reader renders: the sanitised HTML has no element at all, and reads as the lead.
    assert "<" not in entry.summary, entry.summary
    assert html.unescape(entry.summary).startswith(LEAD)
    assert "<script" not in entry.title_detail.value or entry.title_detail.type == "text/plain"


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_hostile_corpus_runs_nothing_in_chromium(browser, corpus_server, width):
    context = browser.new_context(viewport={"width": width, "height": 800}, has_touch=width < 500)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    paths = [f"/issues/{SEED}/", "/", "/archive/", "/entities/hostile-a/", "/entities/hostile-b/"]
    for path in paths:
        page.goto(corpus_server + path)
        if path.startswith(("/issues", "/entities/hostile")):
            scroll_through_charts(page)          # charts are drawn as they near the viewport
            page.wait_for_function("document.querySelectorAll('.wk-plot[data-rendered] .main-svg').length >= 1",
                                   timeout=20000)
        bad = page.evaluate("""() => {
            const out = [];
            const root = document.querySelector('article') || document.body;
            for (const el of root.querySelectorAll('*')) {
                for (const a of el.attributes) {
                    const v = a.value.replace(/[\\x00-\\x20]/g, '').toLowerCase();
                    if (a.name.startsWith('on')) out.push(el.tagName + ' ' + a.name);
                    if (/^(javascript|data|vbscript):/.test(v) && /href|src|action|data/.test(a.name)) out.push(el.tagName + ' ' + a.name + '=' + v.slice(0, 30));
                }
            }
            for (const el of root.querySelectorAll('iframe,object,embed,form,base,frame,script,style,noscript,math'))
                out.push(el.tagName);
            // Plotly renders <a href> in names as a live link inside the chart's SVG.
            for (const a of document.querySelectorAll('.main-svg a')) out.push('plotly link ' + a.getAttribute('href'));
            if (getComputedStyle(document.body).display === 'none') out.push('body hidden');
            return out;
        }""")
        assert bad == [], (path, bad)
        # The hostile names are drawn by Plotly as the text they are.
        if path == f"/issues/{SEED}/":
            svg_text = page.evaluate("[...document.querySelectorAll('.main-svg')].map(s => s.textContent).join(' ')")
            assert "<a href=\"https://evil.example/\">HV30</a>" in svg_text
            assert "<b>HV31</b>" in svg_text
            page.locator("h2").filter(has_text="HV14").first.click()
        assert page.evaluate("typeof window.__pwned") == "undefined", path
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    assert dialogs == []
    context.close()
