"""mkdocs-macros module: what hand-written pages (home, about) may embed from the data."""
from __future__ import annotations

from .pages.issue import chart_html, link_text


def define_env(env) -> None:
    """Register the macros; the weekly plugin has put the generated ``Site`` in ``extra``."""

    def site():
        return env.conf["extra"]["weekly"]

    # Analyst text in a Markdown page: escaped HTML and Markdown syntax (a title cannot end a link).
    env.filter(link_text)

    @env.macro
    def latest_issue():
        """The newest issue (an ``Issue`` record)."""
        return site().latest

    @env.macro
    def issue_count() -> int:
        return len(site().archive.issues)

    @env.macro
    def latest_chart(key: str) -> str:
        """One chart of the newest issue, as it appears on the issue page."""
        latest = site().latest
        chart = next(c for c in site().charts[latest.slug] if c.key == key)
        return chart_html(chart)

    @env.macro
    def recent_issues(count: int = 8):
        return list(reversed(site().archive.issues[-count:]))
