"""Markdown to safe HTML: the one place that knows the extensions and the sanitising rules."""

from html import unescape

import markdown
import nh3

EXTENSIONS = ["fenced_code", "tables", "sane_lists", "smarty"]

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h3", "h4",
    "h5", "h6", "hr", "i", "kbd", "li", "ol", "p", "pre", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "code": {"class"},
    "td": {"align"},
    "th": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def render(text: str) -> str:
    """Render markdown and keep only harmless HTML: no script, style, iframe, on* or javascript:."""
    if not text:
        return ""
    html = markdown.markdown(text, extensions=EXTENSIONS, output_format="html")
    return sanitise(html)


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def plain(text: str) -> str:
    """Markdown reduced to plain words, for terminals, snippets and meta descriptions."""
    html = markdown.markdown(text or "", extensions=EXTENSIONS)
    return " ".join(unescape(nh3.clean(html, tags=set())).split())
