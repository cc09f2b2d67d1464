"""Which first path segments a source may take: /<source> and /<source>/<number> are its pages."""

import re

from django.conf import settings

SOURCE_SLUG = r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*"  # a letter first: /404 and /5xx are never a source


def reserved_words(patterns) -> frozenset[str]:
    """Every literal first segment of these URL patterns (admin, api, search, sitemap.xml, ...)
    and the static files' prefix: a source with one of these names would be shadowed."""
    words = {settings.STATIC_URL.strip("/").split("/")[0]}
    for pattern in patterns:
        found = re.match(r"\^?([A-Za-z0-9._-]+)", str(pattern.pattern))
        if found:
            words.add(found.group(1).lower())
    return frozenset(words)


def source_slug_problem(slug: str) -> str | None:
    if not re.fullmatch(SOURCE_SLUG, slug) or len(slug) > 40:
        return "must be a lowercase slug of at most 40 characters that starts with a letter, such as 'aws-elb'"
    from statuscodes.urls import RESERVED_WORDS  # the URL map imports views, which import the loader

    if slug in RESERVED_WORDS:
        return f"'{slug}' is taken by the site's own address /{slug}: choose another slug"
    return None
