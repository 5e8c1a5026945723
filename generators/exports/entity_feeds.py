"""Entity feeds: one RSS 2.0 document per company, AI product and GPU (/entities/<id>/feed.xml).

Each item is an issue that mentions the entity, with what that issue said about it (its move,
visits, downloads or price that week, a watch list, a mention in the text). Built from the public
archive only, so an embargoed issue is in no feed; the item dates, links and escaping follow the
site feed (``exports.feed.add_item``: links, publication time, inert text); a description is escaped, since
readers render it as HTML, so analyst text stays text.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Collection, Sequence
from urllib.parse import urljoin

from ..pages.entities import what_it_said
from ..pages.urls import ENTITY_FEED, entity_feed_path
from ..schema.model import Archive, Entity, Issue
from .feed import ATOM, add_item, inert, pub_date


def entity_feeds(archive: Archive, with_page: Collection[str], site_url: str, site_name: str) -> dict[str, str]:
    """Site path → feed XML, for every entity that has a page (``with_page``: their ids)."""
    mentions: dict[str, list[tuple[Issue, list[str]]]] = {entity_id: [] for entity_id in with_page}
    for snapshot in archive.snapshots:
        for entity_id, phrases in what_it_said(snapshot.issue, snapshot.rows, archive.registry, archive.datasets).items():
            if entity_id in mentions:
                mentions[entity_id].append((snapshot.issue, phrases))
    return {entity_feed_path(e): entity_feed_xml(e, mentions[e.id], site_url, site_name)
            for e in archive.registry.entities if e.id in mentions}


def entity_feed_xml(entity: Entity, items: Sequence[tuple[Issue, Sequence[str]]], site_url: str, site_name: str) -> str:
    """One entity's feed, newest issue first: title and date of each issue, and its figures."""
    ET.register_namespace("atom", ATOM)
    base = site_url if site_url.endswith("/") else site_url + "/"
    page = urljoin(base, f"entities/{entity.id}/")
    rss = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss, "channel")
    ET.SubElement(channel, "title").text = f"{site_name}：{entity.name}"
    ET.SubElement(channel, "link").text = page
    ET.SubElement(channel, "description").text = inert(f"提及{entity.name}的各期及其当周数据")
    ET.SubElement(channel, "language").text = "zh-CN"
    ET.SubElement(channel, f"{{{ATOM}}}link", href=urljoin(page, ENTITY_FEED), rel="self", type="application/rss+xml")
    ordered = sorted(items, key=lambda item: item[0].date, reverse=True)
    if ordered:
        ET.SubElement(channel, "lastBuildDate").text = pub_date(ordered[0][0])
    for issue, phrases in ordered:
        add_item(channel, base, issue, f"{entity.name}：" + "；".join(phrases) + "。")
    ET.indent(rss)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(rss, encoding="unicode") + "\n"

