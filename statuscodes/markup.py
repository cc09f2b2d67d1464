"""Markdown to safe HTML: the one place that knows the extensions and the sanitising rules."""

import re
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


def render(text: str, sources: frozenset[str] = frozenset()) -> str:
    """Render markdown and keep only harmless HTML: no script, style, iframe, on* or javascript:.

    A reference to one meaning, such as "499/esri", becomes a link to its page when `sources`
    names its source.
    """
    if not text:
        return ""
    html = markdown.markdown(text, extensions=EXTENSIONS, output_format="html")
    return link_meaning_references(sanitise(html), sources)


# "499/esri" as a word of its own: not the tail of a path or a URL ("/api/v1/codes/499/esri", ":443/x").
MEANING_REFERENCE = re.compile(r"(?<![\w/.:#-])([1-5][0-9]{2})/([a-z][a-z0-9]*(?:-[a-z0-9]+)*)(?![\w/-])")
TAG = re.compile(r"(<[^>]*>)")
NOT_LINKED_INSIDE = {"a", "code", "pre"}


def link_meaning_references(html: str, sources: frozenset[str]) -> str:
    """Link "499/esri" in running text to /esri/499 (which redirects to /499 for a primary meaning);
    text inside links and code is left alone."""
    if not sources:
        return html
    parts, open_tags = TAG.split(html), []
    for index, part in enumerate(parts):
        if part.startswith("<"):
            name = re.match(r"</?([a-zA-Z0-9]+)", part)
            if name and name.group(1).lower() in NOT_LINKED_INSIDE:
                if part.startswith("</"):
                    if open_tags:
                        open_tags.pop()
                elif not part.endswith("/>"):
                    open_tags.append(name.group(1))
        elif not open_tags and part:
            parts[index] = MEANING_REFERENCE.sub(
                lambda found: (
                    f'<a href="/{found.group(2)}/{found.group(1)}">{found.group(0)}</a>'
                    if found.group(2) in sources
                    else found.group(0)
                ),
                part,
            )
    return "".join(parts)


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
