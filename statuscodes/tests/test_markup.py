"""Sanitising: nothing executable survives from a content file or the admin."""

import pytest

from statuscodes import markup
from statuscodes.models import StatusCode

DANGEROUS = [
    "<script>alert(1)</script>",
    "<style>body{display:none}</style>",
    '<iframe src="https://evil.example"></iframe>',
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    '<p onclick="alert(1)">hi</p>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
]


@pytest.mark.parametrize("source", DANGEROUS)
def test_nothing_executable_survives_rendering(source):
    html = markup.render(source).lower()
    for marker in ("<script", "<style", "<iframe", "onerror", "onclick", "javascript:"):
        assert marker not in html


def test_ordinary_markdown_renders():
    html = markup.render("Use `Retry-After`, see [RFC 9110](https://www.rfc-editor.org/rfc/rfc9110).\n\n- one\n- two")
    assert "<code>Retry-After</code>" in html
    assert '<a href="https://www.rfc-editor.org/rfc/rfc9110" rel="noopener noreferrer">RFC 9110</a>' in html
    assert "<li>one</li>" in html


def test_fenced_code_keeps_its_text_escaped():
    html = markup.render("```http\nHTTP/1.1 200 OK\n<b>\n```")
    assert "HTTP/1.1 200 OK" in html and "&lt;b&gt;" in html


def test_plain_drops_markup_and_unescapes():
    assert markup.plain("**Bold** and `code` & more") == "Bold and code & more"


@pytest.mark.django_db
def test_a_script_saved_through_the_model_never_reaches_the_page(client, small_site):
    code = StatusCode.objects.get(number=404)
    code.description = 'Text <script>alert("x")</script> <a href="javascript:alert(1)">link</a>'
    code.save()
    html = client.get("/404").content.decode()
    assert 'alert("x")' not in html and "javascript:alert" not in html


def test_a_reference_to_one_meaning_links_to_its_page_in_text_only():
    from statuscodes.markup import render

    sources = frozenset({"esri", "nginx"})
    html = render(
        "See 499/esri, or 499/nginx. Not `499/esri`, /api/v1/codes/499/esri, 443/reports or 499/foo.", sources
    )
    assert '<a href="/esri/499">499/esri</a>' in html and '<a href="/nginx/499">499/nginx</a>' in html
    assert "<code>499/esri</code>" in html
    assert "/api/v1/codes/499/esri" in html and 'href="/esri/499">' not in html.split("<code>")[1].split("</code>")[0]
    assert html.count("<a ") == 2  # nothing else became a link
    assert render("[a link about 499/esri](https://example.com)", sources).count("<a ") == 1
