"""What search engines and link previews read: JSON-LD, Open Graph tags, canonical links, favicon."""

import json
import re

import pytest

from statuscodes.models import StatusCode

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def structured_data(html: str) -> dict:
    blocks = JSON_LD.findall(html)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_a_code_page_describes_its_meaning_and_its_breadcrumbs_in_json_ld(client, small_site):
    data = structured_data(client.get("/499").content.decode())
    article, breadcrumbs = data["@graph"]
    assert data["@context"] == "https://schema.org"
    assert article["@type"] == "TechArticle"
    assert article["headline"] == "499 Client Closed Request (nginx)"
    assert article["url"] == "http://testserver/499"
    assert [term["name"] for term in article["about"]] == ["499 Client Closed Request"]
    assert [item["item"] for item in breadcrumbs["itemListElement"]] == [
        "http://testserver/",
        "http://testserver/4xx",
        "http://testserver/499",
    ]
    assert breadcrumbs["itemListElement"][1]["name"] == "4xx Client Error"


def test_a_meaning_page_describes_that_meaning_under_its_number(client, small_site):
    article, breadcrumbs = structured_data(client.get("/esri/499").content.decode())["@graph"]
    assert article["headline"] == "499 Token Required (Esri)"
    assert article["url"] == "http://testserver/esri/499"
    assert [term["name"] for term in article["about"]] == ["499 Token Required"]
    assert [item["item"] for item in breadcrumbs["itemListElement"]][2:] == [
        "http://testserver/499",
        "http://testserver/esri/499",
    ]


def test_structured_data_uses_the_site_url_when_one_is_set(client, small_site, settings):
    settings.SITE_URL = "https://statuscodes.example"
    article, breadcrumbs = structured_data(client.get("/521").content.decode())["@graph"]
    assert article["url"] == "https://statuscodes.example/521"
    assert breadcrumbs["itemListElement"][0]["item"] == "https://statuscodes.example/"


def test_text_in_the_json_ld_cannot_close_the_script_element(client, small_site):
    code = StatusCode.objects.get(number=410)
    code.summary = "Gone </script><script>alert(1)</script> & done"
    code.save()
    html = client.get("/410").content.decode()
    assert "<script>alert(1)" not in html
    article = structured_data(html)["@graph"][0]
    assert article["description"] == "Gone </script><script>alert(1)</script> & done"


def test_a_code_page_has_open_graph_tags_and_a_canonical_link(client, small_site):
    html = client.get("/521").content.decode()
    assert '<meta property="og:title" content="521 Web Server Is Down (Cloudflare)">' in html
    assert '<meta property="og:description" content="What 521 means in one line.">' in html
    assert '<meta property="og:url" content="http://testserver/521">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<link rel="canonical" href="http://testserver/521">' in html


def test_class_and_home_pages_have_their_own_open_graph_titles(client, small_site):
    assert '<meta property="og:title" content="4xx Client Error: HTTP status codes 400-499">' in (
        client.get("/4xx").content.decode()
    )
    assert '<meta property="og:title" content="HTTP status codes explained">' in client.get("/").content.decode()
    assert "application/ld+json" not in client.get("/").content.decode()


def test_every_page_links_the_svg_favicon(client, small_site):
    for path in ("/", "/521", "/5xx", "/999"):
        html = client.get(path).content.decode()
        assert re.search(r'<link rel="icon" href="/static/favicon\.[0-9a-f]+\.svg" type="image/svg\+xml">', html)


def test_favicon_ico_redirects_to_the_svg_icon_so_browsers_log_no_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert re.fullmatch(r"/static/favicon\.[0-9a-f]+\.svg", response["Location"])
    assert "max-age=86400" in response["Cache-Control"]
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert icon["Content-Type"] == "image/svg+xml"
