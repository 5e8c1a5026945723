"""Every published issue as an RSS 2.0 document (title, date, lead, absolute link)."""
from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import date, timedelta, timezone
from email.utils import format_datetime
from urllib.parse import urljoin

from ..compute.history import Correction
from ..pages import urls
from ..pages.urls import FEED_PATH
from ..schema.model import Issue

BEIJING = timezone(timedelta(hours=8))
ATOM = "http://www.w3.org/2005/Atom"


def issue_url(site_url: str, issue: Issue) -> str:
    """An issue's absolute URL (its stable address)."""
    return urljoin(site_url if site_url.endswith("/") else site_url + "/", urls.issue_url(issue))


def pub_date(issue: Issue) -> str:
    """RFC 822 date of publication in Beijing time: the issue's publication time (Friday 09:00, or its publish_at)."""
    return format_datetime(issue.publication_time.astimezone(BEIJING))


def inert(text: str) -> str:
    """Feed text as readers take it: they decode a description as HTML, so it is HTML-escaped
    (then XML-escaped by the writer) and shows as the text the analyst wrote, never as markup."""
    return html.escape(text, quote=False)


def correction_text(items: Sequence[Correction]) -> str:
    """The 更正 sentence a feed item carries, empty when the issue corrects nothing."""
    if not items:
        return ""
    return " 更正：" + "；".join(f"{c.published:%Y-%m-%d} 期{c.dataset}，{c.entity}（{c.when}）：{c.old} 更正为 {c.new}"
                                for c in items) + "。"


def add_item(channel: ET.Element, base: str, issue: Issue, description: str) -> ET.Element:
    """One issue as a feed item: dated title, link, its publication time and ``description`` made inert."""
    item = ET.SubElement(channel, "item")
    link = issue_url(base, issue)
    ET.SubElement(item, "title").text = f"{issue.date:%Y-%m-%d} · {issue.title}"
    ET.SubElement(item, "link").text = link
    ET.SubElement(item, "guid", isPermaLink="true").text = link
    ET.SubElement(item, "pubDate").text = pub_date(issue)
    ET.SubElement(item, "description").text = inert(description)
    return item


def feed_xml(issues: Sequence[Issue], site_url: str, title: str, description: str,
             corrections: Mapping[date, Sequence[Correction]] | None = None) -> str:
    """The RSS 2.0 feed of every issue, newest first, as UTF-8 XML text (Chinese kept as is).

    An issue that corrects earlier values says so in its description (更正), as its page does.
    """
    ET.register_namespace("atom", ATOM)
    base = site_url if site_url.endswith("/") else site_url + "/"
    rss = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss, "channel")
    ET.SubElement(channel, "title").text = title
    ET.SubElement(channel, "link").text = base
    ET.SubElement(channel, "description").text = description
    ET.SubElement(channel, "language").text = "zh-CN"
    ET.SubElement(channel, f"{{{ATOM}}}link", href=urljoin(base, FEED_PATH), rel="self", type="application/rss+xml")
    ordered = sorted(issues, key=lambda i: i.date, reverse=True)
    if ordered:
        ET.SubElement(channel, "lastBuildDate").text = pub_date(ordered[0])
    for issue in ordered:
        item = add_item(channel, base, issue, issue.lead + correction_text((corrections or {}).get(issue.date, ())))
        for tag in issue.tags:
            ET.SubElement(item, "category").text = tag
    ET.indent(rss)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(rss, encoding="unicode") + "\n"
