"""What a reader finds on the built pages besides the charts: a way back from a missing page, the
disclaimer, links that instant navigation follows, topics and companies linked to their pages,
a text alternative for every chart, and valid markup."""
from __future__ import annotations

import re

import pytest

SEED = "issues/2024-11-22/index.html"


def read(site, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def test_missing_page_speaks_chinese_and_offers_a_way_back(built_site, port):
    page = read(built_site, "404.html")
    assert "找不到这个页面" in page and "404 - Not found" not in page
    home = f"http://127.0.0.1:{port}/suanli-weekly/"
    assert f'href="{home}">返回首页</a>' in page
    assert f'href="{home}archive/">浏览往期</a>' in page


@pytest.mark.parametrize("rel", ["index.html", "entities/chatgpt/index.html", SEED])
def test_home_entity_and_issue_pages_carry_the_disclaimer_line(built_site, rel):
    page = read(built_site, rel)
    legal = re.search(r'<p class="wk-legal"[^>]*>(.*?)</p>', page, re.S)
    assert legal, rel
    assert "不构成投资建议" in legal.group(1)
    assert re.search(r'href="[./]*about/disclaimer/"', legal.group(1)), legal.group(1)


def test_latest_issue_page_links_the_newest_issue_instead_of_reloading(built_site):
    page = read(built_site, "latest/index.html")
    assert 'http-equiv="refresh"' not in page
    assert re.search(r'<a class="md-button md-button--primary" href="../issues/2024-11-22/">阅读全文</a>', page)
    assert "最新一期：2024-11-22" in page


def test_issue_page_links_its_topics_and_the_companies_it_recommends(built_site):
    page = read(built_site, SEED)
    topics = re.search(r"主题：(.*?)</span>", page).group(1)
    assert '<a href="../../tags/scaling-law/">Scaling Law</a>' in topics
    assert topics.count("<a ") == 5
    assert '<a href="../../entities/cambricon/">寒武纪</a>' in page
    for href in re.findall(r'href="\.\./\.\./((?:tags|entities)/[^"]+)"', page):
        from urllib.parse import unquote
        assert (built_site / unquote(href) / "index.html").is_file(), href


def test_issue_page_links_every_company_and_product_its_text_names(built_site):
    named = re.search(r'<p class="wk-named"[^>]*>文中提及：(.*?)</p>', read(built_site, SEED)).group(1)
    links = re.findall(r'<a href="\.\./\.\./entities/([^/"]+)/">([^<]+)</a>', named)
    # in the order the text names them: ChatGPT in the title, 超微电脑 in the lead, …
    assert links[:2] == [("chatgpt", "ChatGPT"), ("supermicro", "超微电脑")]
    assert {("nvidia", "英伟达"), ("kimi", "Kimi"), ("xinghuo", "讯飞星火")} <= set(links)
    assert len(links) == len(set(links))
    for entity_id, _ in links:
        assert (built_site / "entities" / entity_id / "index.html").is_file()


def test_a_latin_name_is_named_only_as_a_whole_word():
    from generators.load.registry import named_in
    from generators.schema.model import Entity, Registry

    amd, kimi = Entity("amd", "AMD", "company"), Entity("kimi", "Kimi", "product")
    registry = Registry((amd, kimi))
    assert named_in("AMDX 与 Kimichat 上涨", registry) == []
    assert named_in("Kimi涨，AMD跌", registry) == [kimi, amd]


def test_issue_page_has_no_markdown_attribute_left_over(built_site):
    assert 'markdown="' not in read(built_site, SEED)


def test_each_chart_has_a_text_alternative_with_its_unit_period_and_latest_values(built_site):
    page = read(built_site, SEED)
    assert 'role="img"' not in page        # Plotly's toolbar buttons may not sit inside an image
    figure = re.search(r'<figure class="wk-chart" id="chart-2"[^>]*aria-describedby="chart-2-alt"', page)
    assert figure
    alt = re.search(r'<p class="wk-alt" id="chart-2-alt">(.*?)</p>', page).group(1)
    assert alt.startswith("图表 2：文本大模型网站访问量周度数据（单位：次）")
    assert "2024-09-20 至 2024-11-08" in alt and "ChatGPT 9.05亿" in alt
    stocks = re.search(r'<p class="wk-alt" id="chart-1-alt">(.*?)</p>', page).group(1)
    assert "涨幅最大：超微电脑 +52.15%" in stocks and "英特尔 -1.62%" in stocks
    assert page.count('class="wk-alt"') == 8


def test_each_data_table_is_reachable_from_the_keyboard(built_site):
    page = read(built_site, SEED)
    tables = re.findall(r'<details class="wk-table"[^>]*><summary>[^<]*</summary>\s*<div class="md-typeset__scrollwrap"([^>]*)>', page)
    assert len(tables) == 8
    assert all('tabindex="0"' in attrs and 'aria-label="' in attrs for attrs in tables), tables
