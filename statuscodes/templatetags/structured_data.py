"""JSON-LD for search engines: what a code page is about, and where it sits in the site."""

import json
from urllib.parse import urljoin

from django import template
from django.utils.safestring import SafeString, mark_safe

from statuscodes.models import StatusClass, StatusCode

register = template.Library()

# The same escapes as Django's json_script: no "</script>" or "<!--" can end the block early.
SCRIPT_SAFE = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data: dict) -> SafeString:
    """A data block, not a script: CSP `script-src` does not apply because it is never executed."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(SCRIPT_SAFE)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


def defined_term(code: StatusCode, site: str) -> dict:
    return {
        "@type": "DefinedTerm",
        "name": f"{code.number} {code.name}",
        "termCode": str(code.number),
        "description": code.summary,
        "inDefinedTermSet": {"@type": "DefinedTermSet", "name": "HTTP status codes", "url": site},
    }


def breadcrumb_list(trail: list[tuple[str, str]]) -> dict:
    """(name, URL) pairs, the site first, as schema.org's BreadcrumbList."""
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": item}
            for position, (name, item) in enumerate(trail, start=1)
        ],
    }


@register.simple_tag(takes_context=True)
def code_structured_data(context, code: StatusCode, status_class: StatusClass | None, number_page: bool) -> SafeString:
    """A TechArticle about the meaning the page describes, and the page's breadcrumb trail."""
    url = context["canonical_url"]
    site = urljoin(url, "/")
    class_name = f"{status_class.slug} {status_class.name}" if status_class else code.class_slug
    trail = [("Status codes", site), (class_name, urljoin(url, f"/{code.class_slug}"))]
    if number_page:
        trail.append((str(code.number), url))
    else:
        trail += [(str(code.number), urljoin(url, f"/{code.number}")), (code.source.name, url)]
    article = {
        "@type": "TechArticle",
        "headline": f"{code.number} {code.name}" + ("" if code.official else f" ({code.source.name})"),
        "description": code.summary,
        "url": url,
        "inLanguage": "en",
        "dateModified": code.reviewed.isoformat(),
        "about": [defined_term(code, site)],
        "isPartOf": {"@type": "WebSite", "name": "statuscodes", "url": site},
    }
    return json_ld({"@context": "https://schema.org", "@graph": [article, breadcrumb_list(trail)]})


@register.simple_tag(takes_context=True)
def error_structured_data(context, error) -> SafeString:
    """A TechArticle about a platform error, under its platform's hub."""
    url = context["canonical_url"]
    site = urljoin(url, "/")
    trail = [("Status codes", site), (error.source.name, urljoin(url, f"/{error.source.slug}")), (error.code, url)]
    article = {
        "@type": "TechArticle",
        "headline": f"{error.source.name} error {error.code}: {error.name}",
        "description": error.summary,
        "url": url,
        "inLanguage": "en",
        "dateModified": error.reviewed.isoformat(),
        "about": {"@type": "DefinedTerm", "name": f"{error.code} {error.name}", "termCode": error.code,
                  "description": error.summary},
        "isPartOf": {"@type": "WebSite", "name": "statuscodes", "url": site},
    }  # fmt: skip
    return json_ld({"@context": "https://schema.org", "@graph": [article, breadcrumb_list(trail)]})
