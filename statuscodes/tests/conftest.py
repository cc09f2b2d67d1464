"""Tiny content trees written explicitly, so each test shows the files it depends on."""

import io
import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command

SOURCE = """---
source: {slug}
name: {name}
kind: {kind}
url: https://{slug}.example/docs
rank: {rank}
---

{name} defines these codes.
"""

CLASS = """---
class: {digit}xx
name: {name}
summary: Codes of the {digit}xx class.
---

The rules for every {digit}xx code.
"""

DESCRIPTION = " ".join(["This meaning is described in enough words to pass the bar."] * 9)

CODE = """---
code: {code}
source: {source}
name: {name}
official: {official}
status: current
aliases: {aliases}
sent_by: origin
summary: {summary}
spec:
  document: {document}
  section: '{section}'
  url: https://www.rfc-editor.org/rfc/rfc9110#section-{section}
retry: {retry}
retry_note: Asking again gives the same answer.
caching: {caching}
request_headers: []
response_headers: []
related: {related}
reviewed: 2026-11-21
---

## Description

{description}

## When you see it

{when}
{extra}"""

CAUSES_AND_FIXES = """
## Causes

### The first cause

Explained.

### The second cause

Explained.

### The third cause

Explained.

## Fixes

### [visitor] Check the address

Look again.

### [owner] Add a redirect

Send a 301.

### [client] Stop retrying

Give up.
"""

CLASS_NAMES = {1: "Informational", 2: "Successful", 3: "Redirection", 4: "Client Error", 5: "Server Error"}


def code_file(code: int, source: str = "iana", **fields) -> str:
    official = source == "iana"
    values = {
        "code": code,
        "source": source,
        "name": f"Name of {code}",
        "official": str(official).lower(),
        "aliases": "[]",
        "summary": f"What {code} means in one line.",
        "document": "RFC 9110" if official else "Vendor docs",
        "section": "15.5.5" if official else "",
        "retry": "never" if code >= 400 else "not-applicable",
        "caching": "never" if code < 200 else "explicit",
        "related": "[]",
        "description": DESCRIPTION,
        "when": f"You see {code} when testing.",
        "extra": CAUSES_AND_FIXES if code >= 400 else "",
    }
    values.update(fields)
    return CODE.format(**values)


ERROR = """---
error: '{error}'
source: {source}
name: {name}
statuses: {statuses}
status_note: {status_note}
shows_in: [page]
aliases: {aliases}
summary: {summary}
spec:
  document: Vendor docs, error {error}
  url: https://docs.example/errors/{error}
retry: {retry}
retry_note: Asking again meets the same rule.
related_codes: {related_codes}
related_errors: {related_errors}
reviewed: 2026-11-30
---

## Description

{description}

## When you see it

- A page that says error {error}.

## Causes

### A rule matched

The platform refused the request.

## Fixes

### [visitor] Ask the owner

Tell the site's owner what you were doing.

### [owner] Change the rule

Edit the rule that matched.
"""


def error_file(error: str, source: str = "cloudflare", **fields) -> str:
    values = {
        "error": error,
        "source": source,
        "name": f"Error {error} name",
        "statuses": "[403]",
        "status_note": "''",
        "aliases": "[]",
        "summary": f"What error {error} means in one line.",
        "retry": "never",
        "related_codes": "[]",
        "related_errors": "[]",
        "description": DESCRIPTION,
    }
    values.update(fields)
    return ERROR.format(**values)


COMPARISON = """---
codes: {codes}
title: {title}
summary: {summary}
reviewed: 2026-11-21
---

## Key difference

{key_difference}

## {guidance_heading}

{guidance}
"""


def comparison_file(*codes, **fields) -> str:
    """A curated comparison of codes such as 404, 410 or "499/esri", for comparisons/<a>-vs-<b>.md."""
    values = {
        "codes": f"[{', '.join(map(str, codes))}]",
        "title": " vs ".join(map(str, codes)),
        "summary": "How they differ, in one line.",
        "key_difference": "The curated key difference.",
        "guidance_heading": "When to use which",
        "guidance": "The curated advice on which to send.",
    }
    values.update(fields)
    return COMPARISON.format(**values)


@pytest.fixture
def write_tree(tmp_path):
    """Write a content tree: write_tree({"codes/404-iana.md": text, ...}) -> its root."""

    def write(codes: dict[str, str] | None = None, extra_sources=()) -> Path:
        root = tmp_path / "content"
        for kind in ("sources", "classes", "codes", "comparisons"):
            (root / kind).mkdir(parents=True, exist_ok=True)
        sources = [("iana", "IANA", "standard", 0)] + list(extra_sources)
        for slug, name, kind, rank in sources:
            (root / "sources" / f"{slug}.md").write_text(SOURCE.format(slug=slug, name=name, kind=kind, rank=rank))
        for digit, name in CLASS_NAMES.items():
            (root / "classes" / f"{digit}xx.md").write_text(CLASS.format(digit=digit, name=name))
        for name, text in (codes or {}).items():
            (root / name).write_text(text)
        return root

    return write


VENDORS = [("cloudflare", "Cloudflare", "vendor", 10), ("esri", "Esri", "vendor", 20), ("nginx", "nginx", "vendor", 5)]


@pytest.fixture
def small_site(write_tree, db):
    """A loaded site: 404 and 410 (IANA), 521 (Cloudflare), 499 for nginx and Esri, 200, and one
    platform error (Cloudflare's 1020, said here to come with 404)."""
    root = write_tree(
        {
            "codes/200-iana.md": code_file(
                200,
                name="OK",
                caching="default",
                extra="\n## How to use it\n\nUse it.\n\n## Common mistakes\n\nMistakes.\n",
            ),
            "codes/404-iana.md": code_file(404, name="Not Found", caching="default", related="[410, 521]"),
            "codes/410-iana.md": code_file(410, name="Gone", caching="default", related="[404]"),
            "codes/499-nginx.md": code_file(499, "nginx", name="Client Closed Request", related="[499/esri]"),
            "codes/499-esri.md": code_file(
                499, "esri", name="Token Required", related="[499/nginx]", summary="ArcGIS wanted a token."
            ),
            "codes/521-cloudflare.md": code_file(
                521, "cloudflare", name="Web Server Is Down", retry="backoff", related="[404]"
            ),
        },
        extra_sources=VENDORS,
    )
    (root / "errors/cloudflare").mkdir(parents=True)
    (root / "errors/cloudflare/1020.md").write_text(error_file("1020", name="Access Denied", statuses="[404]"))
    call_command("load_content", path=root, stdout=io.StringIO())
    return root


@pytest.fixture(autouse=True)
def clear_cache():
    """Each test starts cold: no cached pages, and the revision read again (tests roll it back)."""
    from statuscodes import error_search
    from statuscodes.caching import forget_process_state

    cache.clear()
    forget_process_state()
    error_search.forget()
    yield
    cache.clear()
    forget_process_state()
    error_search.forget()


# ---------------------------------------------------------------------------------------------
# pytest-django's live server, which the browser tests drive chromium against.


def pytest_configure(config):
    """The live server by address, not by name (--liveserver or DJANGO_LIVE_TEST_SERVER_ADDRESS still win).

    Chromium resolves "localhost" itself, but Playwright's own HTTP client (page.request) looks a
    name up for IPv4 and IPv6 and waits for both. Where /etc/hosts gives "localhost" no IPv6
    address, as in CI's containers, that lookup goes to DNS, and one lost reply costs glibc's 5 s
    retry: the favicon test's request timed out at 5,000 ms in about one run in fifty. An address
    is never looked up.
    """
    if not config.getoption("liveserver", None) and not os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS"):
        config.option.liveserver = "127.0.0.1"


# ---------------------------------------------------------------------------------------------
# Real gunicorn servers (see servers.py), for what the test client hides.


@pytest.fixture(scope="session")
def real_site_database(tmp_path_factory):
    """A SQLite database holding the real content/, prepared once: its DATABASE_URL."""
    from statuscodes.tests.servers import prepare_sqlite

    return prepare_sqlite(tmp_path_factory.mktemp("real-site"))


@pytest.fixture
def start_gunicorn(tmp_path):
    """start_gunicorn(database_url, workers=2, **env) -> a running Gunicorn, stopped after the test."""
    from statuscodes.tests.servers import Gunicorn, production_env

    started = []

    def start(database_url: str, workers: int = 2, timeout: int | None = None, **env: str):
        server = Gunicorn(production_env(database_url, **env), tmp_path / f"gunicorn-{len(started)}.log",
                          workers=workers, timeout=timeout)  # fmt: skip
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def production_server(real_site_database, tmp_path_factory):
    """One gunicorn with production settings serving the real content, shared by a test module."""
    from statuscodes.tests.servers import Gunicorn, production_env

    server = Gunicorn(production_env(real_site_database), tmp_path_factory.mktemp("gunicorn") / "gunicorn.log")
    yield server
    server.stop()
