"""The last word on what a generated page may contain: an allow-list sanitiser (nh3) for the HTML
MkDocs renders from generated Markdown, and the escape for text Plotly draws.

The render stage already escapes what the analyst wrote (raw HTML shows as text); this is the
guarantee behind it. Whatever Markdown trick slips past the escaping, the HTML that reaches the
page has no script, no event handler, no ``javascript:``/``data:`` URL, no iframe, object or
form and no inline style beyond a table cell's alignment.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

import nh3

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
    "nav", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "time", "tr", "u", "ul",
}
ATTRIBUTES = {
    "*": {"class", "id", "title", "role", "aria-label", "aria-hidden", "aria-labelledby", "data-search-exclude",
          "data-wk-slot", "data-chart"},
    "a": {"href", "rel", "download"},
    "img": {"src", "alt", "width", "height", "loading"},
    "time": {"datetime"},
    "details": {"open"},
    "th": {"scope", "colspan", "rowspan", "style"},
    "td": {"colspan", "rowspan", "style"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Python-Markdown's tables write alignment as style="text-align: …"; nothing else may style.
_ALIGN = re.compile(r"text-align:\s*(left|right|center);?")
# Classes the site's CSS and Material give meaning to; any other class is dropped, so no text can
# borrow a class that positions an element outside its box (Material's md-header, md-dialog …).
_CLASS = re.compile(r"(wk-[\w-]*|md-typeset__[\w-]+|admonition(-title)?|note|abstract|info|tip|success|question|"
                    r"warning|failure|danger|bug|example|quote|footnote(-ref|-backref)?|headerlink|toclink|"
                    r"twemoji|language-[\w-]+|highlight|codehilite|md-button(--primary)?)")


def _filter(element: str, attribute: str, value: str) -> str | None:
    if attribute == "style":
        m = _ALIGN.fullmatch(value.strip())
        return f"text-align: {m.group(1)};" if m else None
    if attribute == "class":
        kept = [c for c in value.split() if _CLASS.fullmatch(c)]
        return " ".join(kept) or None
    return value


def clean_html(html: str) -> str:
    """Generated page HTML through the allow-list: what is not listed is dropped (its text kept)."""
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, attribute_filter=_filter,
                     link_rel=None, strip_comments=True)


# Plotly draws trace names, tick labels and hover text as pseudo-HTML (<a href>, <b>, <br>,
# <span style>) and decodes entities for display, so text escaped this way shows as written.
_PLOTLY = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# Figure keys whose strings come from data/ (names, categories, labels); templates are ours.
PLOTLY_TEXT_KEYS = frozenset({"name", "x", "y", "text", "customdata", "ticktext", "hovertext", "labels", "legendgroup"})


def plotly_text(value: str) -> str:
    """One data-derived string as Plotly shows it literally."""
    return value.translate(_PLOTLY)


def inert_figure(figure):
    """A copy of a figure whose data-derived strings (``PLOTLY_TEXT_KEYS``) are Plotly-escaped."""
    return _inert(figure, False)


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _inert(value, text: bool):
    if isinstance(value, str):
        return value.translate(_PLOTLY) if text and ("<" in value or ">" in value or "&" in value) else value
    if isinstance(value, Mapping):
        return {k: _inert(v, k in PLOTLY_TEXT_KEYS) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        # A figure's arrays hold thousands of dates and numbers: looked at whole (types and text in
        # C), an element at a time only where one needs escaping or is itself a container.
        types = set(map(type, value))
        if not types <= _SCALARS:
            return [_inert(v, text) for v in value]
        if text and str in types:
            joined = "".join(value if len(types) == 1 else [v for v in value if type(v) is str])
            if "<" in joined or ">" in joined or "&" in joined:
                return [v.translate(_PLOTLY) if type(v) is str else v for v in value]
        return value
    return value
