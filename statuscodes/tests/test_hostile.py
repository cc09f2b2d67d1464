"""Hostile requests against a real gunicorn with production settings (hostile_corpus.CORPUS).

Every request, whatever it is, must be answered: without a 5xx, without a traceback in the log,
without echoing an injected marker where a browser would run it, within a second (a bound that
catches pathological cost, not a performance target), and with redirects that stay on the site
and end within five hops.
"""

import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPException
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

import pytest

from statuscodes.tests.hostile_corpus import CORPUS, EXPECTATIONS, Hostile
from statuscodes.tests.servers import HOST

SECONDS = 1.0
MAX_REDIRECTS = 5
# An injected marker as a browser would run it; an HTML-escaped copy does not match.
REFLECTED = re.compile(
    rb"<script>hx\d+|<img src=x onerror=hx\d+|(?:href|src|action|formaction)\s*=\s*[\"']?\s*javascript:hx\d+"
)
OFF_SITE_LINK = re.compile(rb"(?:href|src|action)\s*=\s*[\"']?\s*(?:[a-z]+:)?//[^/\"'\s>]*evil", re.IGNORECASE)
LEAKED = re.compile(rb"root:x:0:0|SECRET_KEY|SQLite format 3|repositoryformatversion")
LOG_PROBLEM = re.compile(r"Traceback|\[ERROR\]|\[CRITICAL\]| ERROR |Internal Server Error|WORKER TIMEOUT")
NOT_FOLLOWED = ("if-", "range", "content-", "transfer-encoding")
REDIRECTS = (301, 302, 303, 307, 308)


class Answer(NamedTuple):
    status: int  # 0 when nothing came back
    headers: dict[str, str]
    body: bytes
    seconds: float
    error: str = ""


@pytest.fixture(scope="module")
def server(production_server):
    """The module's gunicorn, warmed: each worker has built its search index and cached the big pages."""
    paths = ["/", "/404", "/5xx", "/search?q=warm", "/api/v1/search?q=warm", "/api/v1/export", "/api/v1/export.csv",
             "/sitemap.xml", "/api/v1/openapi.json", "/compare/404-vs-410", "/admin/login/"]  # fmt: skip
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda path: production_server.request("GET", path), paths * 4))
    production_server.first_workers = sorted(production_server.worker_pids())
    return production_server


@pytest.mark.parametrize("case", CORPUS, ids=[case.label for case in CORPUS])
def test_a_hostile_request_is_answered_safely(server, case: Hostile):
    log_start = server.log_path.stat().st_size
    answer = send(server, case)
    problems = problems_of(case, answer)
    if answer.status in REDIRECTS and not problems:
        problems += follow_redirects(server, case, answer)
    problems += log_problems(server, log_start)
    assert not problems, f"{case.label}: {describe(answer)}\n  " + "\n  ".join(problems)


def test_the_corpus_has_at_least_500_requests():
    assert len(CORPUS) >= 500
    assert {case.expect for case in CORPUS} <= set(EXPECTATIONS)


def test_no_worker_died_or_timed_out(server):
    assert sorted(server.worker_pids()) == server.first_workers, server.log()[-3000:]
    problems = log_problems(server, 0)
    assert not problems, problems


PORT_HOSTS = [f"{HOST}:1", f"{HOST}:8443", f"{HOST}:99999"]
LINKING_PAGES = ["/", "/404", "/597", "/5xx", "/robots.txt", "/sitemap.xml", "/search?q=gone", "/api/",
                 "/compare/404-vs-410", "/api/v1/codes/404", "/compare?a=410&b=404", "/50x/"]  # fmt: skip


def test_links_never_carry_the_port_the_client_named(start_gunicorn, real_site_database):
    """Without SITE_URL, links come from the allowed host name, never from `Host: name:port`."""
    server = start_gunicorn(real_site_database, workers=1, SITE_URL="")
    leaks = []
    for host in PORT_HOSTS:
        for path in LINKING_PAGES:
            status, headers, body = server.request("GET", path, {"Host": host, "Accept": "text/html"})
            found = [text for text in (*headers.values(), body.decode(errors="replace")) if host in text]
            if found:
                line = next(line for line in found[0].splitlines() if host in line).strip()
                leaks.append(f"Host {host} on {path} ({status}): {line[:160]}")
    assert not leaks, "\n".join(leaks)


# ---------------------------------------------------------------------------------------------
# Sending and checking


def send(server, case: Hostile, timeout: float = 5.0) -> Answer:
    start = time.perf_counter()
    try:
        if case.raw:
            status, headers, body = parse_response(server.raw(raw_request(case), timeout=timeout))
        else:
            status, headers, body = server.request(case.method, case.path, dict(case.headers), case.body, timeout)
    except (OSError, HTTPException) as problem:
        return Answer(0, {}, b"", time.perf_counter() - start, f"{type(problem).__name__}: {problem}")
    return Answer(status, headers, body, time.perf_counter() - start)


def raw_request(case: Hostile) -> bytes:
    line = case.path if " HTTP/" in case.path else f"{case.path} HTTP/1.1"
    lines = [f"{case.method} {line}"]
    lines += [name if value is None else f"{name}: {value}" for name, value in case.headers]
    names = {name.lower() for name, _ in case.headers}
    if case.body is not None and not names & {"content-length", "transfer-encoding"}:
        lines.append(f"Content-Length: {len(case.body)}")
    lines.append("Connection: close")
    return "\r\n".join(lines).encode("latin-1") + b"\r\n\r\n" + (case.body or b"")


def parse_response(data: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parts = status_line.split(" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    headers = {}
    for header_line in header_lines:
        name, _, value = header_line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


def problems_of(case: Hostile, answer: Answer) -> list[str]:
    problems = []
    if answer.status == 0:
        problems.append(f"no answer ({answer.error or 'the connection closed without a status line'})")
    if answer.status >= 500 and not (case.expect == "501" and answer.status == 501):
        problems.append(f"answered {answer.status}")
    if answer.seconds >= SECONDS:
        problems.append(f"took {answer.seconds:.2f} s (the bound is {SECONDS:.0f} s)")
    problems += reflection_problems(answer)
    problems += header_problems(answer)
    if LEAKED.search(answer.body):
        problems.append(f"leaks {LEAKED.search(answer.body)[0]!r}")
    if OFF_SITE_LINK.search(answer.body):
        problems.append(f"links off the site: {OFF_SITE_LINK.search(answer.body)[0]!r}")
    if answer.status and not expected(case.expect, answer):
        problems.append(f"expected {EXPECTATIONS[case.expect]}")
    return problems


def reflection_problems(answer: Answer) -> list[str]:
    found = REFLECTED.search(answer.body)
    if not found:
        return []
    content_type = answer.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json" and parses_as_json(answer.body):
        return []  # only inside JSON strings, which browsers never run
    if content_type in ("text/plain", "text/csv") and answer.headers.get("x-content-type-options") == "nosniff":
        return []
    return [f"reflects {found[0]!r} unescaped in {content_type or 'a body without a Content-Type'}"]


def parses_as_json(body: bytes) -> bool:
    try:
        json.loads(body)
    except ValueError:
        return False
    return True


def header_problems(answer: Answer) -> list[str]:
    problems = []
    if "x-injected" in answer.headers:
        problems.append("a header was injected: X-Injected")
    if re.search(r"\bhx=", answer.headers.get("set-cookie", "")):
        problems.append(f"a cookie was injected: {answer.headers['set-cookie'][:80]}")
    if answer.status in REDIRECTS and (problem := location_problem(answer.headers.get("location", ""))):
        problems.append(problem)
    return problems


def location_problem(location: str) -> str:
    """Why a redirect target is not on this site, or ''."""
    if not location:
        return "a redirect without a Location"
    if re.search(r"[\x00-\x20\x7f\\]", location) or location.startswith("//"):
        return f"redirects to an unsafe Location {location[:120]!r}"
    target = urlsplit(location)
    if target.scheme not in ("", "http", "https") or target.netloc not in ("", HOST):
        return f"redirects off the site, to {location[:120]!r}"
    return ""


def expected(expect: str, answer: Answer) -> bool:
    status, content_type = answer.status, answer.headers.get("content-type", "")
    return {
        "": True,
        "4xx": 400 <= status < 500,
        "404": status == 404,
        "403": status == 403,
        "501": status == 501,
        "not-200": status != 200,
        "json": content_type.startswith("application/json") or status in (204, 301, 308),
        "json-405": status == 405
        and content_type.startswith("application/json")
        and "GET" in answer.headers.get("allow", ""),
    }[expect]


def follow_redirects(server, case: Hostile, answer: Answer) -> list[str]:
    """Follow same-site redirects as a browser would; a loop or more than five hops is a problem."""
    headers = {} if case.raw else {k: v for k, v in case.headers if not k.lower().startswith(NOT_FOLLOWED)}
    method = "HEAD" if case.method == "HEAD" else "GET"
    seen = [case.path]
    for _ in range(MAX_REDIRECTS):
        target = urlsplit(urljoin(seen[-1], answer.headers["location"]))
        path = target.path + (f"?{target.query}" if target.query else "")
        if path in seen:
            return [f"redirect loop: {' -> '.join(seen + [path])}"]
        seen.append(path)
        answer = send(server, Hostile(f"{case.label}, redirected", method, path, tuple(headers.items())))
        problems = [
            f"after {' -> '.join(seen)}: {problem}" for problem in problems_of(case._replace(expect=""), answer)
        ]
        if problems or answer.status not in REDIRECTS:
            return problems
    return [f"more than {MAX_REDIRECTS} redirects: {' -> '.join(seen)}"]


def log_problems(server, start: int) -> list[str]:
    """Tracebacks and errors the request wrote to gunicorn's log (Django logs them before answering)."""
    with open(server.log_path, "rb") as log:
        log.seek(start)
        text = log.read().decode(errors="replace")
    lines = text.splitlines()
    found = [n for n, line in enumerate(lines) if LOG_PROBLEM.search(line)]
    if not found:
        return []
    first = found[0]
    context = [line for line in lines[max(0, first - 1) : first + 12] if not line.startswith("127.0.0.1 ")]
    last = next((line for line in reversed(lines) if re.match(r"[\w.]+(Error|Exception|Host)\b", line)), "")
    return [f"the log holds {len(found)} error line(s): {context[0][:200]}" + (f" ... {last[:200]}" if last else "")]


def describe(answer: Answer) -> str:
    if answer.status == 0:
        return f"no answer after {answer.seconds:.2f} s"
    content_type = answer.headers.get("content-type", "-")
    location = f" -> {answer.headers['location'][:100]}" if "location" in answer.headers else ""
    snippet = re.sub(rb"\s+", b" ", answer.body[:160]).decode(errors="replace")
    return f"{answer.status} {content_type}{location} in {answer.seconds * 1000:.0f} ms: {snippet}"
