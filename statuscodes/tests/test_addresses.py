"""Sources own the addresses /<source> and /<source>/<number>; none may shadow the site's own."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import get_resolver, resolve

from statuscodes.models import Source
from statuscodes.urls import RESERVED_WORDS

CONTENT = Path(__file__).resolve().parents[2] / "content"


def first_segments() -> set[str]:
    """The first path segment every fixed route of the site answers to, read off the URL map."""
    words = set()
    for pattern in get_resolver().url_patterns:
        text = str(pattern.pattern).lstrip("^")
        segment = text.split("/")[0].rstrip("$")
        if segment and "(" not in segment and "[" not in segment:
            words.add(segment.replace("\\", ""))
    return words


def test_every_fixed_route_and_the_static_prefix_are_reserved():
    assert first_segments() | {"static"} <= RESERVED_WORDS
    assert {"admin", "api", "search", "compare", "sitemap.xml", "healthz", "livez", "static"} <= RESERVED_WORDS


@pytest.mark.parametrize("word", sorted(RESERVED_WORDS - {"sitemap.xml", "robots.txt", "favicon.ico"}))
def test_a_source_named_like_a_site_address_is_refused_with_file_and_line(write_tree, db, word):
    root = write_tree(extra_sources=[(word, "Shadow", "vendor", 30)])
    errors = io.StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_content", path=root, stdout=io.StringIO(), stderr=errors)
    assert f"sources/{word}.md:2: source: '{word}' is taken by the site's own address /{word}" in errors.getvalue()
    assert not Source.objects.filter(slug=word).exists()


@pytest.mark.parametrize("slug", ["404", "5xx", "9lives"])
def test_a_source_slug_must_start_with_a_letter(write_tree, db, slug):
    root = write_tree(extra_sources=[(slug, "Digits", "vendor", 30)])
    errors = io.StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_content", path=root, stdout=io.StringIO(), stderr=errors)
    assert f"sources/{slug}.md:2: source: must be a lowercase slug" in errors.getvalue()
    assert "starts with a letter" in errors.getvalue()


def test_every_real_source_gets_its_hub_and_meaning_addresses():
    slugs = [path.stem for path in (CONTENT / "sources").glob("*.md")]
    assert slugs
    for slug in slugs:
        assert resolve(f"/{slug}").url_name == "source_detail", slug
        assert resolve(f"/{slug}/404").url_name == "meaning_detail", slug
