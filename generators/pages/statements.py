"""The statements an issue carries in print: the analyst's statement, the general and special
statements and the rating definitions, from the hand-written pages that hold them on screen.

On screen an issue links to ``about/disclaimer.md`` and ``about/ratings.md``; a printed issue or
its PDF edition travels alone, so it ends with their full text (``print.css`` shows the block in
print only; it is kept out of search). The text is written once, in those two pages.
"""
from __future__ import annotations

import re

import markdown

STATEMENTS_CLASS = "wk-statements"
RATINGS_HEADING = "投资评级声明"


def statements_html(disclaimer_md: str, ratings_md: str) -> str:
    """The print-only block: the disclaimer page's sections with the rating definitions under
    the report's own heading (投资评级声明) before the contact details, without the page titles."""
    ratings = f"## {RATINGS_HEADING}\n\n" + re.sub(r"^## ", "### ", _without_title(ratings_md), flags=re.M)
    statements = _without_title(disclaimer_md)
    contact = statements.find("## 联系方式")     # the report ends with its contact details
    if contact >= 0:
        body = statements[:contact] + ratings + "\n\n" + statements[contact:]
    else:
        body = statements + "\n\n" + ratings
    html = markdown.markdown(body, extensions=["tables"], output_format="html")
    return f'<section class="{STATEMENTS_CLASS}" data-search-exclude aria-label="声明">\n{html}\n</section>\n'


def _without_title(page: str) -> str:
    """A page's Markdown from its first section on: its # title and opening line dropped."""
    start = page.find("\n## ")
    return page[start + 1:] if start >= 0 else page
