"""The weight budget on the real content: a page's HTML, CSS and JS at most 50 KB gzipped together."""

import base64
import gzip
import hashlib
import io
import re

import pytest
from django.core.management import call_command

BUDGET = 50 * 1024
PAGES = ["/", "/521", "/5xx", "/compare/100-vs-521", "/search?q=gateway+timeout"]
ASSET = re.compile(r'<(?:link rel="stylesheet" href|script[^>]* src)="([^"]+)"')
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>")


@pytest.fixture
def real_site(db):
    call_command("load_content", stdout=io.StringIO())


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def page_html(client, path: str) -> str:
    response = client.get(path, HTTP_ACCEPT="text/html")
    assert response.status_code == 200, path
    return response.content.decode()


def page_weight(client, path: str) -> dict[str, int]:
    """Gzipped bytes of the page and of every stylesheet and script it links."""
    html = page_html(client, path)
    assets = ASSET.findall(html)
    linked = html.count('rel="stylesheet"') + len(re.findall(r"<script[^>]* src=", html))
    assert len(assets) == linked, "every linked file is counted"
    assert any(url.endswith(".css") for url in assets) and any(url.endswith(".js") for url in assets)
    sizes = {path: gzipped(html.encode())}
    for url in assets:
        response = client.get(url)
        assert response.status_code == 200, url
        sizes[url] = gzipped(b"".join(response.streaming_content))
    return sizes


def test_every_page_with_its_stylesheet_and_scripts_weighs_at_most_50_kb_gzipped(client, real_site):
    for path in PAGES:
        sizes = page_weight(client, path)
        assert sum(sizes.values()) <= BUDGET, sizes


def test_no_script_blocks_the_parser_and_the_only_inline_code_is_the_theme_script_the_csp_allows(client, real_site):
    for path in PAGES:
        response = client.get(path, HTTP_ACCEPT="text/html")
        html, policy = response.content.decode(), response["Content-Security-Policy"]
        for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.DOTALL):
            if " src=" in attributes:
                assert re.search(r"\b(defer|async)\b", attributes), f"{path}: <script{attributes}> blocks the parser"
            elif 'type="application/ld+json"' not in attributes:
                digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
                assert f"'sha256-{digest}'" in policy, f"{path}: inline script not allowed by the CSP"
                assert len(body.encode()) < 1024, "the inline theme script stays tiny"


def test_no_script_holds_the_first_paint(client, real_site):
    for path in PAGES:
        assert 'blocking="render"' not in page_html(client, path)
