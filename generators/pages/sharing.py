"""Sharing: what a link to a page shows when pasted into a chat or a feed reader.

``og:`` and ``article:`` values per page (title, description, type, canonical URL, publication
time), and the entity feed each entity page announces. Every value is returned escaped for an
HTML attribute; overrides/partials/sharing.html writes them into the page head.
"""
from __future__ import annotations

import html
from collections.abc import Mapping

from ..load.registry import KIND_LABELS
from ..schema.model import Archive
from .urls import ENTITIES, ENTITIES_INDEX, ENTITY_FEED, entity_path, issue_slug


def share_meta(archive: Archive, src_uri: str, meta: Mapping, url: str | None, site_name: str,
               site_description: str) -> dict:
    """``{"meta": [(property, content), …], "feed": URL or None}`` for the page at ``src_uri``.

    An issue is an article published at its publication time, described by its lead; an entity
    page describes the entity and announces its feed; any other page uses its front matter.
    """
    title = html.unescape(str(meta.get("title") or site_name))
    description = html.unescape(str(meta.get("description") or site_description))
    kind, published, feed = "website", None, None
    slug = issue_slug(src_uri)
    if slug is not None:
        issue = next((i for i in archive.issues if i.slug == slug), None)
        if issue is not None:
            title, description = f"{issue.date:%Y-%m-%d} · {issue.title}", issue.lead
            kind, published = "article", issue.publication_time.isoformat()
    elif src_uri.startswith(f"{ENTITIES}/") and src_uri != ENTITIES_INDEX:
        entity = next((e for e in archive.registry.entities if entity_path(e) == src_uri), None)
        if entity is not None:
            aliases = f"（{' / '.join(entity.aliases)}）" if entity.aliases else ""
            title = entity.name
            description = f"{entity.name}{aliases}，{KIND_LABELS[entity.kind]}：完整历史走势、最新数据与提及它的各期"
            feed = (url or "") + ENTITY_FEED if url else ENTITY_FEED
    pairs = [("og:site_name", site_name), ("og:title", title), ("og:description", description), ("og:type", kind),
             ("og:locale", "zh_CN")]
    if url:
        pairs.append(("og:url", url))
    if published:
        pairs.append(("article:published_time", published))
    return {"meta": [(p, html.escape(v, quote=True)) for p, v in pairs],
            "feed": html.escape(feed, quote=True) if feed else None,
            "feed_title": html.escape(f"{site_name}：{title}", quote=True)}
