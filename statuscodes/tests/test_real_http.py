"""Behaviour the test client hides, checked over a socket against gunicorn with production settings:
CSRF, Host validation and ports, gunicorn's own request limits."""

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from statuscodes.tests.servers import HOST


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_writes_to_the_api_get_a_json_405_not_a_csrf_page(production_server, method):
    status, headers, body = production_server.request(method, "/api/v1/codes/404", {"Content-Type": "text/plain"},
                                                      body=b"x")  # fmt: skip
    assert status == 405
    assert headers["content-type"] == "application/json"
    assert headers["allow"] == "GET, HEAD, OPTIONS"
    assert json.loads(body)["status"] == 405


@pytest.mark.parametrize("path", ["/521", "/", "/search?q=x", "/compare/404-vs-410", "/healthz", "/api/"])
def test_writes_to_pages_get_a_405_not_a_csrf_page(production_server, path):
    status, headers, body = production_server.request("POST", path, body=b"")
    assert status == 405, body[:200]
    assert "CSRF" not in body.decode()


def test_the_admin_still_refuses_a_login_without_its_csrf_token(production_server):
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, _ = production_server.request("POST", "/admin/login/", form, body=b"username=a&password=b")
    assert status == 403


def test_a_preflight_for_a_code_that_does_not_exist_is_a_404(production_server):
    status, _, body = production_server.request(
        "OPTIONS", "/api/v1/codes/600", {"Origin": "https://x.example", "Access-Control-Request-Method": "GET"}
    )
    assert status == 404 and json.loads(body)["status"] == 404
    assert production_server.request("OPTIONS", "/api/v1/codes/521")[0] == 204


@pytest.mark.parametrize("host", [f"{HOST}:1", f"{HOST}:400", f"{HOST}:65535", "127.0.0.1:9"])
def test_any_port_on_an_allowed_host_gets_links_to_the_one_canonical_address(production_server, host):
    _, _, page = production_server.request("GET", "/521", {"Host": host, "Accept": "text/html"})
    assert f'<link rel="canonical" href="https://{HOST}/521">' in page.decode()
    _, _, robots = production_server.request("GET", "/robots.txt", {"Host": host})
    assert f"Sitemap: https://{HOST}/sitemap.xml" in robots.decode()
    assert host not in page.decode() and host not in robots.decode()


def test_a_host_that_is_not_allowed_is_a_400(production_server):
    status, _, body = production_server.request("GET", "/521", {"Host": "evil.example"})
    assert status == 400 and b"Traceback" not in body


@pytest.mark.parametrize("path", ["/50x", "/50x/"])
def test_a_common_term_like_50x_is_a_404_not_a_redirect_loop(production_server, path):
    assert production_server.request("GET", path)[0] == 404


def test_gunicorn_refuses_an_overlong_request_line_itself(production_server):
    status, _, _ = production_server.request("GET", "/search?q=" + "a" * 5000)
    assert status == 414  # URI Too Long, before Django sees it


@pytest.mark.parametrize("character", ["\u3389", "\ufdfa"])  # NFKC spells ㎉ as "kcal", ﷺ as 18 letters
def test_a_search_that_normalising_spells_out_is_answered_not_refused(production_server, character):
    """Its cost is bounded by cutting the normalised text (test_search); bench/abuse.py measures it."""
    for path in (f"/api/v1/search?q={quote(character * 200)}", f"/search?q={quote(character * 199)}x"):
        status, _, _ = production_server.request("GET", path, {"Accept": "text/html"})
        assert status == 200


@pytest.mark.parametrize("host", ["10.1.2.3:8000", "[::1]", "container-id"])
def test_health_probes_answer_whatever_host_they_send(production_server, host):
    """A container's health check calls it by an address that is rarely an allowed host."""
    assert production_server.request("GET", "/healthz", {"Host": host})[:1] == (200,)
    assert production_server.request("GET", "/livez", {"Host": host})[:1] == (200,)
    assert production_server.request("GET", "/521", {"Host": host})[0] == 400


def test_schemathesis_with_every_check_finds_nothing_against_gunicorn(production_server, tmp_path):
    """The CLI with --checks all: negative data, unsupported methods, headers, links between operations."""
    schemathesis = Path(sys.executable).with_name("schemathesis")
    result = subprocess.run(
        [str(schemathesis), "--config-file", str(Path(__file__).with_name("schemathesis.toml")),
         "run", f"http://127.0.0.1:{production_server.port}/api/v1/openapi.json",
         "--checks", "all", "--max-examples", "25", "--seed", "1", "--workers", "1", "--header", f"Host: {HOST}"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-5000:]
    assert "No issues found" in result.stdout
