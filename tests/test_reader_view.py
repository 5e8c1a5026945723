"""Charts as a reader sees them, however the page was reached.

A reader opens an issue directly, or clicks through from the archive, from the previous issue's
下一期 link, from the entity index; toggles the palette; reads on a phone. Each chart is
screenshotted after a direct load and compared, pixel by pixel, with the same chart reached
the other ways; its height, its legend and Plotly's own stylesheet are checked too, since a
chart can be "rendered" (data-rendered set, SVG present) and still be unreadable.

The screenshots are kept under the test's tmp_path (reader-view/) for a person to look at.
"""
from __future__ import annotations

import base64

import pytest

pytestmark = pytest.mark.browser

SEED = "issues/2024-11-22/"
PREVIOUS = "issues/2024-11-15/"
ENTITY = "entities/chatgpt/"
PHONE = {"viewport": {"width": 375, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}

# A rule of plotly.js's global stylesheet: the chart's SVG layers are stacked absolutely. Without
# it (the stylesheet lost) the layers stack vertically and the modebar becomes a band over the chart.
PLOTLY_STYLES_IN_FORCE = """() => {
  const svg = document.querySelector('.js-plotly-plot .plotly .main-svg');
  const bar = document.querySelector('.js-plotly-plot .plotly .modebar');
  return !!svg && getComputedStyle(svg).position === 'absolute'
      && (!bar || getComputedStyle(bar).position === 'absolute');
}"""

DIFF = """async ([a, b]) => {
  const load = src => new Promise((ok, no) => { const i = new Image(); i.onload = () => ok(i); i.onerror = no; i.src = src; });
  const [x, y] = await Promise.all([load(a), load(b)]);
  if (x.width !== y.width || x.height !== y.height) return 1;
  const pixels = img => { const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
    const g = c.getContext('2d'); g.drawImage(img, 0, 0); return g.getImageData(0, 0, img.width, img.height).data; };
  const p = pixels(x), q = pixels(y);
  let differ = 0;
  for (let i = 0; i < p.length; i += 4)
    if (Math.abs(p[i] - q[i]) + Math.abs(p[i + 1] - q[i + 1]) + Math.abs(p[i + 2] - q[i + 2]) > 48) differ++;
  return differ / (p.length / 4);
}"""


def png_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def difference(page, a: bytes, b: bytes) -> float:
    """Share of pixels that differ between two PNGs (1.0 when their sizes differ)."""
    return page.evaluate(DIFF, [png_url(a), png_url(b)])


def settle(page) -> None:
    """Wait until the page's charts are drawn as a reader scrolls past each one."""
    page.mouse.move(1, 1)                       # away from every chart: no hover label, no modebar
    page.wait_for_load_state("load")
    count = page.locator(".wk-plot").count()
    assert count > 0
    for i in range(count):
        plot = page.locator(".wk-plot").nth(i)
        plot.scroll_into_view_if_needed()
        page.wait_for_function("el => el.hasAttribute('data-rendered') && el.querySelector('.main-svg')",
                               arg=plot.element_handle(), timeout=20000)
    page.wait_for_timeout(300)                  # Plotly's resize after a late width change


def look(page, where, label: str) -> list[dict]:
    """Each chart as the reader sees it: its screenshot, height and whether it shows a legend."""
    settle(page)
    assert page.evaluate(PLOTLY_STYLES_IN_FORCE), f"{label}: plotly.js's stylesheet is not in force"
    out = []
    for i in range(page.locator(".wk-plot").count()):
        plot = page.locator(".wk-plot").nth(i)
        plot.evaluate("el => el.scrollIntoView({ block: 'center' })")
        # The sticky header and Material's back-to-top button float over whatever scrolls under them.
        png = plot.screenshot(animations="disabled", style=".md-header, .md-tabs, .md-top { visibility: hidden !important; }")
        (where / f"{label}-{i + 1}.png").write_bytes(png)
        out.append({"png": png,
                    "height": plot.evaluate("el => el.getBoundingClientRect().height"),
                    "legend": plot.evaluate("el => !!el.querySelector('.legend .traces')")})
    return out


def assert_same(page, direct: list[dict], other: list[dict], how: str) -> None:
    assert len(other) == len(direct), how
    for n, (a, b) in enumerate(zip(direct, other), start=1):
        assert 200 <= a["height"] <= 1200, f"chart {n} on direct load is {a['height']} px tall"
        assert b["height"] == a["height"], f"chart {n} after {how}: {b['height']} px tall, {a['height']} on direct load"
        assert b["legend"] == a["legend"], f"chart {n} after {how}: legend {'lost' if a['legend'] else 'added'}"
        assert difference(page, a["png"], b["png"]) < 0.002, f"chart {n} after {how} differs from the direct load"


def wait_for_heading(page, text: str) -> None:
    # Material changes the URL before it swaps the content in.
    page.wait_for_function("t => (document.querySelector('h1') || {}).textContent.includes(t)", arg=text)


def instant(page, selector: str, path: str, heading: str) -> None:
    """Click a link as a reader does and check that Material swapped the page in (no reload)."""
    page.evaluate("window.__sameDocument = true")
    page.locator(selector).first.click()
    page.wait_for_url(f"**/{path}")
    wait_for_heading(page, heading)
    assert page.evaluate("window.__sameDocument === true"), "the click reloaded the page"


def toggle_palette(page, scheme: str) -> None:
    page.locator("label.md-header__button[for^='__palette']:visible").click()
    page.wait_for_function("s => document.body.getAttribute('data-md-color-scheme') === s", arg=scheme)


@pytest.fixture
def shots(tmp_path):
    where = tmp_path / "reader-view"
    where.mkdir()
    return where


@pytest.fixture
def seed_direct(page, server, shots):
    page.goto(f"{server}/{SEED}")
    return look(page, shots, "seed-direct")


def test_seed_issue_charts_look_the_same_after_instant_navigation_from_the_archive(page, server, shots, seed_direct):
    # As a reader gets there: from an issue (plotly.js loaded, its styles in the head) to 往期, then on.
    page.goto(f"{server}/{PREVIOUS}")
    settle(page)
    instant(page, "a.md-tabs__link[href$='archive/']", "archive/", "往期")
    instant(page, f"article a[href$='{SEED}']", SEED, "2024-11-22")
    assert_same(page, seed_direct, look(page, shots, "seed-from-archive"), "navigation from /archive/")


def through_the_next_link(page, server, shots, label: str) -> list[dict]:
    """The seed issue reached from the previous issue's 下一期 link, with that issue's charts drawn
    first (plotly.js loaded, its styles in the head Material swaps)."""
    page.goto(f"{server}/{PREVIOUS}")
    settle(page)
    instant(page, "a[rel=next]", SEED, "2024-11-22")
    return look(page, shots, label)


def test_seed_issue_charts_look_the_same_after_the_previous_issues_next_link(page, server, shots, seed_direct):
    assert_same(page, seed_direct, through_the_next_link(page, server, shots, "seed-from-next-link"),
                "the previous issue's 下一期 link")


def test_seed_issue_charts_look_the_same_after_back_and_forward(page, server, shots, seed_direct):
    instant(page, "a[rel=prev]", PREVIOUS, "2024-11-15")
    settle(page)
    page.go_back()
    wait_for_heading(page, "2024-11-22")
    assert_same(page, seed_direct, look(page, shots, "seed-after-back"), "back from the previous issue")


def test_seed_issue_charts_look_the_same_after_the_home_pages_read_more_button(page, server, shots, seed_direct):
    page.goto(f"{server}/")
    settle(page)          # the home page draws the newest issue's charts first
    instant(page, "a.md-button--primary[href$='issues/2024-11-22/']", SEED, "2024-11-22")
    assert_same(page, seed_direct, look(page, shots, "seed-from-home"), "the home page's 阅读全文")


def test_seed_issue_charts_look_the_same_after_a_tag_pages_link(page, server, shots, seed_direct):
    page.goto(f"{server}/tags/gpu价格/")
    instant(page, f"article a[href$='{SEED}']", SEED, "2024-11-22")
    assert_same(page, seed_direct, look(page, shots, "seed-from-tag"), "navigation from a tag page")


def test_seed_issue_charts_look_the_same_after_back_then_forward(page, server, shots, seed_direct):
    page.goto(f"{server}/{PREVIOUS}")
    settle(page)
    instant(page, "a[rel=next]", SEED, "2024-11-22")
    settle(page)
    page.go_back()
    wait_for_heading(page, "2024-11-15")
    settle(page)
    page.go_forward()
    wait_for_heading(page, "2024-11-22")
    assert_same(page, seed_direct, look(page, shots, "seed-after-forward"), "back, then forward again")


def test_seed_issue_charts_look_the_same_after_the_palette_is_toggled_twice(page, shots, seed_direct):
    toggle_palette(page, "slate")
    settle(page)
    toggle_palette(page, "default")
    assert_same(page, seed_direct, look(page, shots, "seed-toggled-twice"), "the palette toggled twice")


def test_palette_toggle_gives_the_same_dark_charts_as_a_dark_system_setting(browser, page, server, shots):
    page.goto(f"{server}/{SEED}")
    settle(page)
    toggle_palette(page, "slate")
    toggled = look(page, shots, "seed-toggled-dark")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", color_scheme="dark")
    dark = context.new_page()
    dark.goto(f"{server}/{SEED}")
    assert dark.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    assert_same(page, look(dark, shots, "seed-dark-direct"), toggled, "the palette toggled to dark")
    context.close()


def test_entity_page_charts_look_the_same_after_instant_navigation_and_palette_toggles(page, server, shots):
    page.goto(f"{server}/{ENTITY}")
    direct = look(page, shots, "entity-direct")
    page.goto(f"{server}/entities/")
    instant(page, f"article a[href$='{ENTITY}']", ENTITY, "ChatGPT")
    assert_same(page, direct, look(page, shots, "entity-from-index"), "navigation from /entities/")
    # From an issue whose charts are drawn (plotly.js loaded), through its 文中提及 link.
    page.goto(f"{server}/{SEED}")
    settle(page)
    instant(page, f"p.wk-named a[href$='{ENTITY}']", ENTITY, "ChatGPT")
    assert_same(page, direct, look(page, shots, "entity-from-issue"), "the issue's 文中提及 link")
    toggle_palette(page, "slate")
    settle(page)
    toggle_palette(page, "default")
    assert_same(page, direct, look(page, shots, "entity-toggled-twice"), "the palette toggled twice")


def test_charts_keep_their_look_when_the_window_is_narrowed_and_widened(page, server, shots, seed_direct):
    page.set_viewport_size({"width": 375, "height": 900})
    settle(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    assert_same(page, seed_direct, look(page, shots, "seed-resized"), "narrowing and widening the window")


OVERLAPS = """el => {
  const plot = el.querySelector('.draglayer .nsewdrag, .draglayer .nsdrag');
  const groups = [...el.querySelectorAll('.modebar-group')].filter(g => {
    const s = getComputedStyle(g), r = g.getBoundingClientRect();
    return s.display !== 'none' && s.visibility !== 'hidden' && parseFloat(s.opacity) > 0 && r.width > 0;
  });
  if (!plot) return 'no plot area';
  const p = plot.getBoundingClientRect();
  return groups.some(g => { const r = g.getBoundingClientRect();
    return r.left < p.right && r.right > p.left && r.top < p.bottom && r.bottom > p.top; }) ? 'overlaps' : '';
}"""


@pytest.mark.parametrize("path", [SEED, ENTITY])
def test_on_a_phone_no_control_covers_the_plot_area(browser, server, shots, path):
    context = browser.new_context(locale="zh-CN", **PHONE)
    page = context.new_page()
    page.goto(f"{server}/{path}")
    settle(page)
    for i in range(page.locator(".wk-plot").count()):
        plot = page.locator(".wk-plot").nth(i)
        plot.scroll_into_view_if_needed()
        plot.tap(position={"x": 40, "y": 40})   # a reader's tap on the chart
        page.wait_for_timeout(100)
        (shots / f"phone-{path.split('/')[1]}-{i + 1}.png").write_bytes(plot.screenshot())
        assert plot.evaluate(OVERLAPS) == "", f"chart {i + 1} of {path}: the modebar covers the plot area"
    context.close()


def test_on_a_phone_charts_look_the_same_after_the_previous_issues_next_link(browser, server, shots):
    context = browser.new_context(locale="zh-CN", **PHONE)
    page = context.new_page()
    try:
        page.goto(f"{server}/{SEED}")
        direct = look(page, shots, "phone-seed-direct")
        assert_same(page, direct, through_the_next_link(page, server, shots, "phone-seed-from-next-link"),
                    "the 下一期 link on a phone")
    finally:
        context.close()


def test_charts_are_drawn_as_they_near_the_viewport_without_moving_the_page(page, server):
    page.add_init_script("""
      window.__shift = 0;
      new PerformanceObserver(list => list.getEntries().forEach(e => { if (!e.hadRecentInput) window.__shift += e.value; }))
        .observe({ type: 'layout-shift', buffered: true });
    """)
    page.goto(f"{server}/{SEED}")
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)
    drawn = page.evaluate("[...document.querySelectorAll('.wk-plot')].map(el => el.hasAttribute('data-rendered'))")
    assert drawn[-1] is False, "the last chart, screens below the first, was drawn at load"
    heights = page.evaluate("[...document.querySelectorAll('.wk-plot')].map(el => el.getBoundingClientRect().height)")
    settle(page)
    assert page.evaluate("[...document.querySelectorAll('.wk-plot')].map(el => el.getBoundingClientRect().height)") == heights
    assert page.evaluate("window.__shift") == 0


def test_chart_6_labels_each_of_its_months_once(page, server):
    page.goto(f"{server}/{SEED}")
    settle(page)
    ticks = page.locator("#chart-6 .xtick text").all_text_contents()
    assert ticks == ["2024-09", "2024-10", "2024-11"]


def test_plotly_is_fetched_once_when_a_chart_nears_and_never_for_a_page_without_one(page, server):
    fetched = []
    page.on("request", lambda r: fetched.append(r.url) if "plotly" in r.url else None)
    page.goto(f"{server}/archive/")
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)
    assert fetched == []                                   # the archive has no chart
    instant(page, f"a[href$='{SEED}']", SEED, "2024-11-22")
    page.wait_for_timeout(500)
    assert fetched == []                                   # chart 1 is screens below the top
    settle(page)
    instant(page, "a[rel=prev]", PREVIOUS, "2024-11-15")
    settle(page)
    assert len(fetched) == 1 and fetched[0].endswith("/assets/vendor/plotly-basic-3.7.0.min.js"), fetched
