"""Admin login throttling: counted in the shared database, a 429 page, the client's address.

The tests over HTTP run real gunicorn instances on one SQLite file with production settings,
and log in as a browser does: GET the form for its CSRF token, POST it back with the cookie.
"""

import re
import sqlite3
import subprocess
import sys
import urllib.parse
from contextlib import closing
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import RequestFactory

from statuscodes.login_throttle import client_ip
from statuscodes.tests.servers import BASE_DIR, HOST, production_env

PASSWORD = "a-long-password-for-the-editor-1"
WRONG_FORM = b"Please enter the correct username and password"
PAUSED = b"logins are paused for 15 minutes"


def copy_sqlite(source: Path, target: Path) -> Path:
    """A consistent copy even while a server reads the source."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    return target


@pytest.fixture(scope="module")
def editor_database(real_site_database, tmp_path_factory) -> Path:
    """The real site's database plus a superuser "editor", made once for this module."""
    path = copy_sqlite(Path(real_site_database.removeprefix("sqlite:///")), tmp_path_factory.mktemp("login") / "db")
    env = production_env(f"sqlite:///{path}", DJANGO_SUPERUSER_PASSWORD=PASSWORD)
    subprocess.run([sys.executable, "manage.py", "createsuperuser", "--noinput", "--username", "editor",
                    "--email", "editor@example.com"], cwd=BASE_DIR, env=env, check=True, timeout=60)  # fmt: skip
    return path


@pytest.fixture
def database(editor_database, tmp_path) -> Path:
    """A fresh copy for each test, so no test sees another's failed logins."""
    return copy_sqlite(editor_database, tmp_path / "site.sqlite3")


def log_in(server, password: str, username: str = "editor", headers: dict | None = None):
    """GET the login form, then POST it back with its CSRF cookie and token, as a browser would."""
    status, response_headers, body = server.request("GET", "/admin/login/?next=/admin/", headers)
    assert status == 200, body[:300]
    cookie = re.search(r"csrftoken=([^;]+)", response_headers["set-cookie"]).group(1)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"}
    body = urllib.parse.urlencode(form).encode()
    return server.request("POST", "/admin/login/?next=/admin/", {
        "Cookie": f"csrftoken={cookie}",
        "Content-Type": "application/x-www-form-urlencoded",
        "Content-Length": str(len(body)),  # server.request sends headers as given
        "Origin": f"http://{HOST}",
        "Referer": f"http://{HOST}/admin/login/?next=/admin/",
        **(headers or {}),
    }, body)  # fmt: skip


def assert_wrong_password_form(response):
    status, _, body = response
    assert status == 200, body[:300]
    assert WRONG_FORM in body


def assert_paused(response):
    status, headers, body = response
    assert status == 429, body[:300]
    assert PAUSED in body
    assert b"Wait 15 minutes" in body
    assert headers["retry-after"] == "900"
    assert "no-store" in headers["cache-control"]


def counted_addresses(database: Path) -> set[str]:
    with closing(sqlite3.connect(database)) as connection:
        return {row[0] for row in connection.execute("SELECT DISTINCT ip_address FROM axes_accessattempt")}


# Over HTTP, with real gunicorn instances


def test_five_failures_through_two_instances_pause_logins_on_both_even_with_the_right_password(
    database, start_gunicorn
):
    first, second = start_gunicorn(f"sqlite:///{database}"), start_gunicorn(f"sqlite:///{database}")
    for attempt in range(4):
        assert_wrong_password_form(log_in((first, second)[attempt % 2], "wrong-password"))
    assert_paused(log_in(first, "wrong-password"))  # the fifth failure starts the pause
    assert_paused(log_in(first, PASSWORD))
    assert_paused(log_in(second, PASSWORD))


def test_a_spoofed_x_forwarded_for_does_not_reset_the_count_without_a_trusted_proxy(database, start_gunicorn):
    server = start_gunicorn(f"sqlite:///{database}")
    for attempt in range(4):
        assert_wrong_password_form(
            log_in(server, "wrong-password", headers={"X-Forwarded-For": f"203.0.113.{attempt}"})
        )
    assert_paused(log_in(server, "wrong-password", headers={"X-Forwarded-For": "203.0.113.4"}))
    assert_paused(log_in(server, PASSWORD, headers={"X-Forwarded-For": "198.51.100.77"}))
    assert counted_addresses(database) == {"127.0.0.1"}


def test_behind_one_trusted_proxy_the_address_it_appended_is_counted(database, start_gunicorn):
    server = start_gunicorn(f"sqlite:///{database}", DJANGO_TRUSTED_PROXY_COUNT="1")
    for attempt in range(4):  # whatever the client writes in front, the proxy's entry is the last
        headers = {"X-Forwarded-For": f"10.0.0.{attempt}, 203.0.113.7"}
        assert_wrong_password_form(log_in(server, "wrong-password", headers=headers))
    assert_paused(log_in(server, "wrong-password", headers={"X-Forwarded-For": "203.0.113.7"}))
    assert counted_addresses(database) == {"203.0.113.7"}
    status, headers, _ = log_in(server, PASSWORD, headers={"X-Forwarded-For": "203.0.113.8"})
    assert (status, headers["location"]) == (302, "/admin/")


def test_the_right_password_after_four_wrong_ones_logs_in(database, start_gunicorn):
    server = start_gunicorn(f"sqlite:///{database}")
    for _ in range(4):
        assert_wrong_password_form(log_in(server, "wrong-password"))
    status, headers, _ = log_in(server, PASSWORD)
    assert (status, headers["location"]) == (302, "/admin/")
    assert "sessionid=" in headers["set-cookie"]


# In process, with a fast password hasher: the limits' arithmetic and what the page says


@pytest.fixture
def editor(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return User.objects.create_superuser("editor", "editor@example.com", PASSWORD)


def post_login(client, username: str, password: str, address: str):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password},
                       REMOTE_ADDR=address)  # fmt: skip


def test_twenty_failures_from_one_address_pause_it_for_every_username(client, editor):
    for attempt in range(19):  # never more than one failure per username
        assert post_login(client, f"guess-{attempt}", "wrong-password", "192.0.2.1").status_code == 200
    assert post_login(client, "guess-19", "wrong-password", "192.0.2.1").status_code == 429
    assert post_login(client, "editor", PASSWORD, "192.0.2.1").status_code == 429
    assert post_login(client, "editor", PASSWORD, "192.0.2.2").status_code == 302


def test_a_successful_login_clears_no_failures_counted_against_another_address(client, editor):
    for _ in range(4):
        assert post_login(client, "editor", "wrong-password", "192.0.2.1").status_code == 200
    assert post_login(client, "editor", PASSWORD, "192.0.2.2").status_code == 302
    client.logout()
    assert post_login(client, "editor", "wrong-password", "192.0.2.1").status_code == 429


def test_the_pause_page_is_the_same_whether_the_username_exists_or_not(client, editor):
    pages = []
    for username, address in (("editor", "192.0.2.1"), ("nobody-by-this-name", "192.0.2.2")):
        for _ in range(5):
            response = post_login(client, username, "wrong-password", address)
        assert response.status_code == 429
        pages.append(response.content)
    assert pages[0] == pages[1]
    assert PAUSED in pages[0] and b"nobody-by-this-name" not in pages[1]


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, "203.0.113.7", "192.0.2.10"),  # no trusted proxy: the header is the client's own words
        (1, "10.1.1.1, 203.0.113.7", "203.0.113.7"),
        (2, "10.1.1.1, 203.0.113.7, 198.51.100.2", "203.0.113.7"),
        (2, "203.0.113.7", "192.0.2.10"),  # fewer entries than proxies: it bypassed them
        (1, "not-an-address", "192.0.2.10"),
        (1, "", "192.0.2.10"),
    ],
)
def test_the_client_address_comes_from_x_forwarded_for_only_through_trusted_proxies(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/admin/login/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
