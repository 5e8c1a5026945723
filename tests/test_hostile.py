"""Hostile text in a snapshot never runs as script, never leaks into markup, never breaks the layout."""
from __future__ import annotations

import functools
import json
import re
import http.server
import shutil
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import DATA, _Quiet, free_port, scroll_through_charts, weekly

SEED = "2024-11-22"
PWN = "window.__pwned=1"
SCRIPT = f"<script>{PWN}</script>"
IMG = f'<img src=x onerror="{PWN}">'
CLOSE = f"</script><script>{PWN}</script>"
LONG = "超长名称" * 40 + "A" * 200
RTL = "\u202eRTL\u200f"
STOCK_NAME = f'英伟达{CLOSE}"\'\\|😀{RTL}'
PRODUCT = f"Chat|GPT{SCRIPT}{IMG}\\\"'"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new), encoding="utf-8")


def yaml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)     # a JSON string is a YAML double-quoted scalar


def set_meta(issue: Path, key: str, value: str) -> None:
    text = issue.read_text(encoding="utf-8")
    issue.write_text(re.sub(rf"(?m)^{key}: .*$", lambda m: f"{key}: {yaml_str(value)}", text, count=1), encoding="utf-8")


def hostile_archive(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA / SEED, data / SEED)
    folder = data / SEED
    # Hostile names are registered entities too, so their entity pages face the same text.
    registry = (DATA / "entities.yaml").read_text(encoding="utf-8")
    hostile = {"hostile-stock": STOCK_NAME, "hostile-long": LONG, "hostile-img": IMG, "hostile-pipe": "A|B"}
    lines = "".join(f"  - {{id: {i}, name: {yaml_str(n)}, aliases: []}}\n" for i, n in hostile.items())
    registry = registry.replace("companies:\n", "companies:\n" + lines, 1)
    registry = registry.replace("products:\n", f"products:\n  - {{id: hostile-product, name: {yaml_str(PRODUCT)}, aliases: []}}\n", 1)
    (data / "entities.yaml").write_text(registry, encoding="utf-8")
    edit(folder / "stocks.csv", "英伟达,", '"' + STOCK_NAME.replace('"', '""') + '",')
    edit(folder / "stocks.csv", "AMD,", '"' + LONG + '",')
    edit(folder / "visits.csv", "ChatGPT,", '"' + PRODUCT.replace('"', '""') + '",')
    issue = folder / "issue.md"
    set_meta(issue, "title", f"{SCRIPT}{IMG}\"'\\|😀{RTL}](javascript:{PWN}) ChatGPT周访问量突破9亿")
    set_meta(issue, "lead", f'"><script>{PWN}</script>{IMG}{LONG} 本周 {{: onclick="{PWN}" }}')
    edit(issue, "tags: [Scaling Law,", "tags: [" + yaml_str(SCRIPT) + ", " + yaml_str(LONG) + ",")
    edit(issue, "companies: [寒武纪,", "companies: [" + yaml_str(IMG) + ", " + yaml_str("A|B") + ",")
    edit(issue, "  - 地缘政治风险", "  - 地缘政治风险\n  - " + yaml_str(f"{CLOSE}{RTL}😀"))
    edit(issue, '  stocks: ["以上市值', '  stocks: [' + yaml_str(f"{SCRIPT}{IMG}") + ', "以上市值')
    edit(issue, "## 大模型跟踪\n",
         f"{SCRIPT}\n\n{IMG}\n\n`{SCRIPT}`\n\n| a | b |\n|---|---|\n| {LONG} | x\\|y |\n\n"
         f"[点我](javascript:{PWN})\n\n## 标题 {{: onclick=\"{PWN}\" autofocus onfocus=\"{PWN}\" tabindex=\"1\" }}\n\n"
         f"{'超长段落' * 100}{'B' * 300} 😀 {RTL} \\ \" '\n\n## 大模型跟踪\n")
    return data


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    data = hostile_archive(tmp)
    assert weekly("check", "--data", str(data)).returncode == 0
    site = tmp / "web" / "site"
    result = weekly("build", "--data", str(data), "--site-dir", str(site))
    assert result.returncode == 0, result.stdout + result.stderr
    return site


@pytest.fixture(scope="module")
def hostile_server(hostile_site):
    port = free_port()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_Quiet, directory=str(hostile_site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}"
    httpd.shutdown()


class _Markup(HTMLParser):
    """Collects what a browser would act on: event-handler attributes, script bodies, link targets."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.handlers, self.hrefs, self.scripts, self._in_script = [], [], [], False

    def handle_starttag(self, tag, attrs):
        self.handlers += [(tag, name) for name, _ in attrs if name.startswith("on")]
        self.hrefs += [value or "" for name, value in attrs if name in ("href", "src")]
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def test_hostile_text_reaches_no_page_as_markup(hostile_site):
    for page in hostile_site.rglob("*.html"):
        markup = _Markup()
        markup.feed(page.read_text(encoding="utf-8"))
        assert markup.handlers == [], page
        assert not [h for h in markup.hrefs if h.strip().lower().startswith(("javascript:", "data:text"))], page
        assert not [s for s in markup.scripts if "__pwned" in s], page


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_hostile_issue_runs_no_script_draws_every_chart_and_fits_the_screen(browser, hostile_server, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    for path in (f"/issues/{SEED}/", "/"):
        page.goto(hostile_server + path)
        if path.startswith("/issues"):
            scroll_through_charts(page)
            page.wait_for_function("document.querySelectorAll('.wk-plot[data-rendered] .main-svg').length >= 8",
                                   timeout=20000)
            assert page.locator(".wk-plot").count() == 8
            # What the reader sees in the charts' SVG: the hostile names, as text.
            drawn = page.evaluate("[...document.querySelectorAll('.wk-plot .main-svg')].map(s => s.textContent).join('\\n')")
            assert STOCK_NAME.replace("\u202e", "") in drawn.replace("\u202e", ""), "the hostile name is drawn as text"
            assert PRODUCT in drawn
            page.locator("h2").filter(has_text="标题").first.click()
        assert page.evaluate("typeof window.__pwned") == "undefined", path
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    assert errors == []
    context.close()
