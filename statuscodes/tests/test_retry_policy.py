"""Retry policy as data: the rule per meaning and platform error, its checks, the API and the pages."""

import datetime
import io
import random

import pytest
from django.core.management import CommandError, call_command

from statuscodes import retry_policy
from statuscodes.content import export_content
from statuscodes.retry_policy import build, decide
from statuscodes.tests.conftest import VENDORS, code_file, error_file
from statuscodes.tests.test_platform_errors import load_errors

NOW = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC)


def with_policy(text: str, block: str) -> str:
    """A content file with a `retry_policy:` block after its retry_note."""
    lines = text.split("\n")
    at = next(n for n, line in enumerate(lines) if line.startswith("retry_note:")) + 1
    return "\n".join(lines[:at] + ["retry_policy:", *(f"  {line}" for line in block.split("\n"))] + lines[at:])


# ---------------------------------------------------------------------------------------------
# The rule: defaults by label, overrides, and the decision for one response


def test_a_label_gives_its_defaults_and_a_5xx_that_is_never_retried_is_never_not_after_change():
    backoff = build("backoff", 502, "Usually transient. More.", {})
    assert (backoff.when, backoff.methods, backoff.max_retries, backoff.circuit_breaker) == (
        "always", "idempotent", 3, True
    )  # fmt: skip
    assert backoff.backoff == {"base": 1.0, "cap": 30.0, "jitter": "full"} and backoff.reason == "Usually transient."
    assert build("never", 404, "x.", {}).when == "after-change"
    assert build("never", 501, "x.", {}).when == "never"
    assert (
        build("retry-after", 429, "x.", {}).ratelimit_headers and not build("backoff", 502, "x.", {}).ratelimit_headers
    )
    assert not build("retry-after", 429, "x.", {}).circuit_breaker  # your rate, not the host's health
    assert build("not-applicable", 200, "", {}).reason == "Not a failure: there is nothing to retry."
    logs = build("backoff", 499, "x.", {}, logs_only=True)
    assert logs.when == "not-applicable" and logs.max_retries == 0 and logs.backoff is None


def test_a_wait_too_long_to_block_on_is_scheduled_not_retried():
    rule = build("backoff", 529, "Sleep 15 to 30 minutes.", {"when": "later", "reason": "Schedule it for later."})
    assert (rule.when, rule.methods, rule.max_retries, rule.backoff) == ("later", "none", 0, None)
    decision = decide(rule, "GET", None, 1)
    assert decision["retry"] is False and decision["reason"] == "Schedule it for later."
    assert retry_policy.record_problems(529, "backoff", {"when": "later"}, False) == []
    assert retry_policy.record_problems(404, "never", {"when": "later"}, False) == [
        ("retry", "the label never says no retry but retry_policy.when says later")
    ]


def test_overrides_change_only_what_they_name():
    rule = build("backoff", 521, "Note.", {"not_processed": "It never arrived.", "max_retries": 2})
    assert (rule.methods, rule.not_processed, rule.max_retries, rule.backoff["cap"]) == (
        "any",
        "It never arrived.",
        2,
        30.0,
    )
    only_with_date = build("retry-after", 413, "Note.", {"when": "retry-after"})
    assert only_with_date.when == "retry-after" and only_with_date.methods == "idempotent"


@pytest.mark.parametrize(
    "method, label, overrides, retry_after, attempt, retried",
    [
        ("GET", "backoff", {}, None, 1, True),
        ("POST", "backoff", {}, None, 1, False),  # RFC 9110 9.2.2: maybe processed
        ("POST", "backoff", {"not_processed": "Refused before it arrived."}, None, 1, True),
        ("PUT", "backoff", {}, None, 3, True),
        ("PUT", "backoff", {}, None, 4, False),  # three retries, then the last response stands
        ("GET", "never", {}, 5, 1, False),
        ("GET", "retry-after", {"when": "retry-after"}, None, 1, False),  # no date, no retry
        ("GET", "retry-after", {"when": "retry-after"}, 30, 1, True),
        ("GET", "retry-after", {}, 301, 1, False),  # longer than a program should block
    ],
)
def test_the_decision_follows_method_attempts_and_retry_after(method, label, overrides, retry_after, attempt, retried):
    rule = build(label, 503 if label != "never" else 400, "Note.", overrides)
    assert decide(rule, method, retry_after, attempt)["retry"] is retried


def test_the_wait_is_retry_after_else_ratelimit_else_full_jitter_within_the_window():
    rule = build("retry-after", 429, "Note.", {})
    assert decide(rule, "GET", 7.0, 1)["delay_seconds"] == 7.0
    assert decide(rule, "GET", None, 1, ratelimit_reset=12.0)["delay_seconds"] == 12.0
    assert decide(build("backoff", 502, "Note.", {}), "GET", None, 1, ratelimit_reset=12.0)["delay_range"] == [0, 1.0]
    rng = random.Random(7)
    for attempt, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (5, 16.0), (6, 32.0), (7, 60.0)]:
        decision = decide(rule, "GET", None, attempt, rng=rng) if attempt <= 5 else None
        if decision:
            assert decision["delay_range"] == [0, min(60.0, ceiling)] and 0 <= decision["delay_seconds"] <= ceiling
    delays = {decide(rule, "GET", None, 5, rng=rng)["delay_seconds"] for _ in range(50)}
    assert len(delays) > 40 and max(delays) <= 16.0  # drawn from the whole window, not a fixed step


@pytest.mark.parametrize(
    "value, seconds",
    [
        ("120", 120.0),
        ("0", 0.0),
        ("Mon, 30 Nov 2026 12:01:00 GMT", 60.0),
        ("Sun, 29 Nov 2026 12:00:00 GMT", 0.0),  # past: no wait
        ("Monday, 30-Nov-26 12:02:00 GMT", 120.0),  # the obsolete RFC 850 form
        ("Mon Nov 30 12:03:00 2026", 180.0),  # asctime: no zone, but every HTTP-date is GMT
    ],
)
def test_retry_after_is_seconds_or_an_http_date(value, seconds):
    assert retry_policy.parse_retry_after(value, NOW) == seconds


@pytest.mark.parametrize(
    "value", ["soon", "-5", "1.5", "30 Nov 2026", "9" * 11, "Mon, 30 Nov 2026 12:01:00", "\u00b2", "\u0661\u0662"]
)
def test_a_retry_after_that_is_neither_is_refused_by_name(value):
    with pytest.raises(retry_policy.BadParameter) as problem:
        retry_policy.parse_retry_after(value, NOW)
    assert problem.value.name == "retry_after"


# ---------------------------------------------------------------------------------------------
# Content: the optional retry_policy block, its checks, and the export


@pytest.fixture
def policy_site(write_tree, db):
    root = write_tree(
        {
            "codes/200-iana.md": code_file(
                200, name="OK", caching="default", extra="\n## How to use it\n\nUse.\n\n## Common mistakes\n\nNo.\n"
            ),
            "codes/413-iana.md": with_policy(
                code_file(413, name="Content Too Large", retry="retry-after"),
                "when: retry-after\nreason: Only a Retry-After makes the limit temporary.",
            ),
            "codes/429-iana.md": code_file(429, name="Too Many Requests", retry="retry-after"),
            "codes/502-iana.md": code_file(502, name="Bad Gateway", retry="backoff"),
            "codes/503-iana.md": code_file(503, name="Service Unavailable", retry="retry-after"),
            "codes/521-cloudflare.md": with_policy(
                code_file(521, "cloudflare", name="Web Server Is Down", retry="backoff"),
                "not_processed: The origin refused the connection, so the request never reached it.",
            ),
        },
        extra_sources=VENDORS,
    )
    (root / "errors/cloudflare").mkdir(parents=True)
    (root / "errors/cloudflare/1015.md").write_text(
        with_policy(
            error_file("1015", name="You are being rate limited", statuses="[429]", retry="retry-after"),
            "not_processed: Cloudflare blocked it at the edge, before the origin.\ncircuit_breaker: false",
        )
    )
    call_command("load_content", path=root, stdout=io.StringIO())
    return root


def test_overrides_are_read_served_and_written_back_byte_for_byte(client, policy_site, tmp_path):
    rule = client.get("/api/v1/codes/521").json()["retry"]
    assert rule["policy"] == "backoff" and rule["methods"] == "any" and rule["not_processed"].startswith("The origin")
    assert client.get("/api/v1/codes/502").json()["retry"]["methods"] == "idempotent"
    assert client.get("/api/v1/errors/cloudflare/1015").json()["retry"]["circuit_breaker"] is False
    export_content(tmp_path / "out")
    for name in ("codes/521-cloudflare.md", "codes/502-iana.md", "errors/cloudflare/1015.md"):
        assert (tmp_path / "out" / name).read_text() == (policy_site / name).read_text()
    assert "retry_policy" not in (tmp_path / "out/codes/502-iana.md").read_text()  # written only when set


@pytest.mark.parametrize(
    "block, message",
    [
        ("when: sometimes", "retry_policy: when must be one of: always, retry-after, later, after-change, never"),
        ("max_retries: 0", "retry_policy: max_retries must be a whole number from 1 to 10"),
        ("max_retries: '3'", "retry_policy: max_retries must be a whole number from 1 to 10"),
        ("circuit_breaker: maybe", "retry_policy: circuit_breaker must be true or false"),
        ("reason: Too short", "retry_policy: reason must be a sentence of 10 to 300 characters"),
        ("reason: No full stop at the end", "retry_policy: reason must be one sentence ending with a full stop"),
        ("jitter: none", "retry_policy: unknown key 'jitter'"),
    ],
)
def test_a_bad_override_is_refused_with_file_line_and_field(policy_site, block, message):
    path = policy_site / "codes/502-iana.md"
    path.write_text(with_policy(path.read_text(), block))
    problems = load_errors(policy_site)
    assert "codes/502-iana.md:" in problems and message in problems


@pytest.mark.parametrize(
    "name, label, block, message",
    [
        (
            "codes/404-iana.md",
            "never",
            "when: always",
            "the label never says no retry but retry_policy.when says always",
        ),
        (
            "codes/502-iana.md",
            "backoff",
            "when: never",
            "the label backoff says retry but retry_policy.when says never",
        ),
        ("codes/404-iana.md", "never", "not_processed: It never got there at all.", "not_processed only matters"),
        ("codes/404-iana.md", "never", "max_retries: 3", "max_retries only matters for a code that is retried"),
        ("codes/404-iana.md", "never", "circuit_breaker: true", "circuit_breaker only counts responses of a code"),
        ("codes/200-iana.md", "not-applicable", "when: never", "a code below 400 is not a failure"),
    ],
)
def test_check_content_refuses_a_rule_that_contradicts_itself(policy_site, name, label, block, message):
    number = int(name.split("/")[1][:3])
    extra = "\n## How to use it\n\nUse.\n\n## Common mistakes\n\nNo.\n" if number < 400 else None
    fields = {"retry": label, **({"extra": extra} if extra else {})}
    (policy_site / name).write_text(
        with_policy(code_file(number, name="Some name", caching="default", **fields), block)
    )
    call_command("load_content", path=policy_site, stdout=io.StringIO())
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("check_content", path=policy_site, stdout=out, stderr=out)
    assert message in out.getvalue()


# ---------------------------------------------------------------------------------------------
# The API


def test_the_table_is_compact_versioned_cacheable_and_downloadable(client, policy_site):
    response = client.get("/api/v1/retry-policy")
    assert response.status_code == 200 and b"\n" not in response.content  # compact: no indentation
    assert response["Content-Disposition"] == 'inline; filename="statuscodes-retry-policy-v1.json"'
    assert "max-age" in response["Cache-Control"] and response["Access-Control-Allow-Origin"] == "*"
    assert client.get("/api/v1/retry-policy", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    download = client.get("/api/v1/retry-policy?download")
    assert download["Content-Disposition"].startswith("attachment;")
    table = response.json()
    assert table["version"] == 1 and table["idempotent_methods"][0] == "GET"
    rows = {(row["status"], row["source"]): row for row in table["codes"]}
    assert rows[(521, "cloudflare")]["methods"] == "any" and rows[(413, "iana")]["when"] == "retry-after"
    assert rows[(200, "iana")]["when"] == "not-applicable" and rows[(503, "iana")]["primary"] is True
    (error,) = table["errors"]
    assert (error["error"], error["methods"], error["url"]) == ("1015", "any", "/cloudflare/1015")
    assert table["connection_refused"]["methods"] == "any"


@pytest.mark.parametrize(
    "query, retry, reason_part",
    [
        ("status=503&retry_after=30", True, ""),
        ("status=503&method=POST&retry_after=30", False, "POST is not idempotent"),
        ("status=521&method=POST", True, ""),  # refused before it reached the origin
        ("status=502&method=post", False, "POST is not idempotent"),
        ("status=413", False, "carries Retry-After"),
        ("status=413&retry_after=Mon,%2030%20Nov%202099%2012:00:00%20GMT", False, "longer than a program should block"),
        ("status=503&attempt=6", False, "Gave up"),
        ("status=429&source=cloudflare&error=1015&method=POST&retry_after=30", True, ""),
        ("status=200", False, "Not a failure"),
    ],
)
def test_one_decision_per_response(client, policy_site, query, retry, reason_part):
    response = client.get(f"/api/v1/retry?{query}")
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    answer = response.json()
    assert answer["retry"] is retry and reason_part in answer["reason"]
    if retry and "retry_after=30" in query:
        assert answer["delay_seconds"] == 30.0
    if not retry:
        assert answer["delay_seconds"] is None


def test_a_backoff_decision_is_drawn_from_the_attempts_window(client, policy_site):
    answers = [client.get("/api/v1/retry?status=502&attempt=3").json() for _ in range(5)]
    assert all(a["delay_range"] == [0, 4.0] and 0 <= a["delay_seconds"] <= 4.0 for a in answers)
    assert answers[0]["meaning"] == "/502" and answers[0]["circuit_breaker"] is True


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("", "status"),
        ("status=abc", "status"),
        ("status=600", "status"),
        ("status=418", "status"),  # not a code this site has
        ("status=503&method=G%20T", "method"),
        ("status=503&retry_after=soon", "retry_after"),
        ("status=503&attempt=0", "attempt"),
        ("status=503&attempt=%C2%B2", "attempt"),  # a superscript two is a digit to str.isdigit, not to us
        ("status=5%D9%A103", "status"),
        ("status=503&ratelimit_reset=%D9%A1", "ratelimit_reset"),
        ("status=503&ratelimit_reset=-1", "ratelimit_reset"),
        ("status=503&source=nobody", "source"),
        ("status=503&source=cloud%00flare", "source"),
        ("status=503&source=" + "a" * 41, "source"),  # a NUL PostgreSQL would refuse to compare
        ("status=429&source=cloudflare&error=10%0015", "error"),
        ("status=429&error=1015", "source"),
        ("status=429&source=cloudflare&error=9999", "error"),
        ("status=503&source=cloudflare&error=1015", "status"),  # 1015 comes with 429
        ("status=503&colour=blue", "colour"),
    ],
)
def test_a_bad_parameter_is_a_json_400_that_names_it(client, policy_site, query, parameter):
    response = client.get(f"/api/v1/retry?{query}")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["parameter"] == parameter and f"Parameter '{parameter}'" in body["error"]


def test_the_decision_endpoint_is_read_only(client, policy_site):
    assert client.post("/api/v1/retry?status=503").status_code == 405


# ---------------------------------------------------------------------------------------------
# Pages


def test_every_code_and_error_page_has_a_for_programs_box_in_its_outline(client, policy_site):
    html = client.get("/521").content.decode()
    box = html[html.index('id="programs"') :]
    assert '<a href="#programs">For programs</a>' in html
    assert "any method." in box and "The origin refused the connection" in box
    assert '<a href="/api/v1/retry?status=521">' in box
    error = client.get("/cloudflare/1015").content.decode()
    assert '<a href="/api/v1/retry?status=429&amp;source=cloudflare&amp;error=1015">' in error
    assert "Does not count against the host." in error
    assert "idempotent methods only" in client.get("/502").content.decode()
    assert "Not applicable." in client.get("/200").content.decode()


def test_the_retries_page_explains_lists_and_negotiates(client, policy_site):
    html = client.get("/retries").content.decode()
    for anchor in ('id="algorithm"', 'id="breaker"', 'id="table"', 'id="recipes"', 'id="recipe-go-net-http"'):
        assert anchor in html
        assert f'href="#{anchor[4:-1]}"' in html or anchor in ('id="breaker"', 'id="recipes"')  # "On this page"
    assert '<a href="/521">521 Web Server Is Down</a>: The origin refused the connection' in html
    assert '<a href="/413">413 Content Too Large</a></th><td>if Retry-After</td>' in html
    assert '<a href="/200">' not in html.split('id="table"')[1]
    data = client.get("/retries", HTTP_ACCEPT="application/json").json()
    assert data["version"] == 1 and len(data["codes"]) == 6
    text = client.get("/retries", HTTP_ACCEPT="text/plain").content.decode()
    assert text.splitlines()[1].split()[:3] == ["413", "iana", "if"]
    assert "/retries" in client.get("/sitemap.xml").content.decode()


# ---------------------------------------------------------------------------------------------
# Editing the rule in the admin


@pytest.fixture
def editor_client(db):
    from django.contrib.auth.models import User

    from statuscodes.tests.admin_forms import editor

    return editor(User.objects.create_superuser("alice", "alice@example.com", "x"))


def test_an_override_edited_in_the_admin_is_kept_served_and_exported(policy_site, editor_client, client, tmp_path):
    from statuscodes.models import StatusCode
    from statuscodes.tests.admin_forms import open_form, submit

    code = StatusCode.objects.get(number=502)
    url = f"/admin/statuscodes/statuscode/{code.pk}/change/"
    form = open_form(editor_client, url)
    assert form["retry_policy"] == "{}"
    rule = '{"max_retries": 2, "reason": "A gateway that failed twice is failing for everyone."}'
    assert submit(editor_client, url, form, retry_policy=rule).status_code == 302
    assert client.get("/api/v1/codes/502").json()["retry"]["max_retries"] == 2
    export_content(tmp_path / "out")
    text = (tmp_path / "out/codes/502-iana.md").read_text()
    assert "retry_policy:\n  max_retries: 2\n  reason: A gateway that failed twice is failing for everyone.\n" in text
    emptied = submit(editor_client, url, open_form(editor_client, url), retry_policy="")
    assert emptied.status_code == 302
    code.refresh_from_db()
    assert code.retry_policy == {}


@pytest.mark.parametrize(
    "value, message",
    [
        ('{"when": "never"}', "the label backoff says retry but retry_policy.when says never"),
        ('{"jitter": "none"}', "unknown key"),
        ('{"max_retries": 50}', "max_retries must be a whole number from 1 to 10"),
        ("[1, 2]", "must be a mapping"),
    ],
)
def test_the_admin_refuses_a_rule_the_file_or_check_content_would_refuse(policy_site, editor_client, value, message):
    from statuscodes.models import StatusCode
    from statuscodes.tests.admin_forms import open_form, submit

    code = StatusCode.objects.get(number=502)
    url = f"/admin/statuscodes/statuscode/{code.pk}/change/"
    response = submit(editor_client, url, open_form(editor_client, url), retry_policy=value)
    assert response.status_code == 200 and message in response.content.decode().lower()  # "The label ..."
    code.refresh_from_db()
    assert code.retry_policy == {}


def test_the_text_pages_give_the_rule_and_the_address_that_applies_it(client, policy_site):
    text = client.get("/521", HTTP_ACCEPT="text/plain").content.decode()
    assert "For programs: retry any method, at most 3 times" in text
    assert "http://testserver/api/v1/retry?status=521" in text
    error = client.get("/cloudflare/1015", HTTP_ACCEPT="text/plain").content.decode()
    assert "For programs: retry any method, at most 5 times" in error
    assert "/api/v1/retry?status=429&source=cloudflare&error=1015" in error
    only_with_a_date = client.get("/413", HTTP_ACCEPT="text/plain").content.decode()
    assert "For programs: retry only with Retry-After, idempotent methods only" in only_with_a_date
    assert "For programs: nothing to retry." in client.get("/200", HTTP_ACCEPT="text/plain").content.decode()
