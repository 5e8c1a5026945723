"""Every path and URL shape of the site, in one place: where each page lives in the docs tree
and how pages link to each other (MkDocs serves docs path ``a/b.md`` at ``a/b/``).

When a URL changes, this file changes, and nothing else.
"""
from __future__ import annotations

from urllib.parse import quote

from ..charts.figures import Chart
from ..schema.model import Entity, Issue
from ..schema.snapshot import Dataset, tag_slug

ISSUES = "issues"                    # an issue's page: issues/<date>/
ENTITIES = "entities"                # an entity's page: entities/<id>/
ENTITIES_INDEX = f"{ENTITIES}/index.md"
ARCHIVE_INDEX = "archive/index.md"   # the browse pages: archive/, archive/<year>/, tags/, tags/<tag>/
TAGS_INDEX = "tags/index.md"
LATEST = "latest.md"
DATA_PAGE = "data.md"
DISCLAIMER = "about/disclaimer.md"
RATINGS = "about/ratings.md"
FEED_PATH = "feed.xml"
ENTITY_FEED = "feed.xml"            # beside each entity page: /entities/<id>/feed.xml
DATA_ZIP = "data.zip"                # beside an issue's page: every file of its snapshot and every chart's CSV
ALL_DATA_DIR = "data/downloads"      # the whole archive's rows, one CSV per dataset and one workbook
ALL_DATA_XLSX = f"{ALL_DATA_DIR}/suanli-weekly.xlsx"


def issue_path(issue: Issue) -> str:
    """Where an issue's page lives in the docs tree; its URL is /issues/YYYY-MM-DD/."""
    return f"{ISSUES}/{issue.slug}.md"


def issue_folder(issue: Issue) -> str:
    """The docs folder of the files beside an issue's page (its chart CSVs, its ZIP)."""
    return f"{ISSUES}/{issue.slug}"


def issue_url(issue: Issue) -> str:
    """An issue's URL relative to the site root (the feed makes it absolute)."""
    return f"{ISSUES}/{issue.slug}/"


def sibling_issue_url(issue: Issue) -> str:
    """An issue's URL from another issue's page (both at /issues/<date>/)."""
    return f"../{issue.slug}/"


def issue_slug(docs_path: str) -> str | None:
    """The slug of the issue whose page is ``docs_path``, or None for any other page."""
    if docs_path.startswith(f"{ISSUES}/") and docs_path.endswith(".md"):
        return docs_path[len(ISSUES) + 1:-len(".md")]
    return None


def up(levels: int) -> str:
    """The way from a page ``levels`` folders below the site root back up to it."""
    return "../" * levels


def entity_path(entity: Entity) -> str:
    """Where an entity's page lives in the docs tree; its URL is /entities/<id>/."""
    return f"{ENTITIES}/{entity.id}.md"


def entity_folder(entity_id: str) -> str:
    """The docs folder of the files beside an entity's page (its chart CSVs)."""
    return f"{ENTITIES}/{entity_id}"


def year_path(year: int) -> str:
    """A year page's docs path; its URL is /archive/YYYY/."""
    return f"archive/{year}.md"


def tag_path(tag: str) -> str:
    """A tag page's docs path; its URL is /tags/<slug>/."""
    return f"tags/{tag_slug(tag)}.md"


def page_url(docs_path: str) -> str:
    """A page's URL below the site root, from its docs path: tags/财报.md → tags/%E8%B4%A2%E6%8A%A5/."""
    return quote(docs_path.removesuffix(".md")) + "/"


def rel_link(from_path: str, to_path: str) -> str:
    """A relative Markdown link between two docs-tree paths."""
    up = from_path.count("/")
    return "../" * up + to_path


def chart_csv_name(chart: Chart) -> str | None:
    """The CSV file name of a chart, next to its page (None when the chart has no data)."""
    return f"chart-{chart.number}.csv" if chart.figure["data"] else None


def all_data_csv(dataset: Dataset) -> str:
    """The whole archive's rows of one dataset, at a URL that never changes."""
    return f"{ALL_DATA_DIR}/{dataset.name}.csv"


def entity_feed_path(entity: Entity) -> str:
    """Where an entity's feed is served: beside its page, /entities/<id>/feed.xml."""
    return f"{ENTITIES}/{entity.id}/{ENTITY_FEED}"


def pdf_name(issue: Issue) -> str:
    """The file name of an issue's PDF edition (``weekly pdf``), beside its page: 算力周跟踪-YYYY-MM-DD.pdf."""
    return f"算力周跟踪-{issue.slug}.pdf"


def pdf_path(issue: Issue) -> str:
    """Where an issue's PDF edition lives in the built site."""
    return f"{ISSUES}/{issue.slug}/{pdf_name(issue)}"
