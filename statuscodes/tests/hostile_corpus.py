"""Hostile requests for test_hostile.py: data only, each one labelled so a failure names it.

Every request obeys the rules test_hostile.py checks for all of them (no 5xx, no traceback,
nothing reflected unescaped, an answer within a second, redirects that stay on the site); a few
carry one extra expectation in `expect` (see EXPECTATIONS). Markers injected into requests are
unique (`hx` and a number), so a reflected one says which request put it there.
"""

import random
import string
from itertools import count
from typing import NamedTuple
from urllib.parse import quote

from statuscodes.tests.servers import HOST

# What `expect` may say, on top of the rules every request obeys.
EXPECTATIONS = {
    "": "nothing more",
    "4xx": "refused with a 4xx",
    "404": "answered 404, whatever the conditional headers say",
    "not-200": "not served as a page (a 4xx, or a redirect to the canonical address)",
    "json": "answered in JSON, as everything under /api/ is",
    "json-405": "a JSON 405 that names the allowed methods in Allow",
    "403": "refused with a 403 (CSRF)",
    "501": "gunicorn's 501 for a transfer coding it does not know, as RFC 9112 asks: the one 5xx allowed",
}


class Hostile(NamedTuple):
    label: str
    method: str
    path: str
    headers: tuple[tuple[str, str | None], ...] = ()  # None: a raw line with no colon
    body: bytes | None = None
    # Sent byte for byte over a socket, with exactly these headers (Host too): duplicates and bytes
    # http.client refuses. A path that ends with its own HTTP version is sent as it is.
    raw: bool = False
    expect: str = ""


_numbers = count(1)


def script() -> str:
    return f"<script>hx{next(_numbers)}</script>"


def img() -> str:
    return f'"><img src=x onerror=hx{next(_numbers)}>'


def javascript() -> str:
    return f"javascript:hx{next(_numbers)}"


def q(text: str) -> str:
    return quote(text, safe="")


PAGES = ["/", "/404", "/521", "/5xx", "/search?q=gone", "/compare", "/compare/404-vs-410", "/api/"]
API = [
    "/api/v1/",
    "/api/v1/codes",
    "/api/v1/codes/404",
    "/api/v1/codes/499/nginx",
    "/api/v1/classes",
    "/api/v1/classes/4xx",
    "/api/v1/compare/404-vs-410",
    "/api/v1/search?q=gone",
    "/api/v1/openapi.json",
    "/api/v1/export.csv",
]
# Addresses of nothing: what a conditional request must not turn into a 304.
MISSING = ["/597", "/compare/404-vs-597", "/api/v1/codes/597", "/api/v1/codes/404/nope", "/api/v1/compare/404-vs-597"]
SMALL = ["/robots.txt", "/sitemap.xml", "/favicon.ico", "/healthz"]
HTML = (("Accept", "text/html"),)


def traversal() -> list[Hostile]:
    paths = [
        "/../../etc/passwd",
        "/../../../../../../etc/passwd",
        "/static/../settings.py",
        "/static/../../statuscodes/settings.py",
        "/static/../db.sqlite3",
        "/static/css/../../manage.py",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/static/%2e%2e/statuscodes/settings.py",
        "/static/..%2f..%2fstatuscodes%2fsettings.py",
        "/static/%252e%252e%252fstatuscodes%252fsettings.py",
        "/%252e%252e%252f%252e%252e%252fetc%252fpasswd",
        "/static/..%5c..%5cstatuscodes%5csettings.py",
        "/static/..\\..\\statuscodes\\settings.py",
        "/static/%c0%ae%c0%ae/%c0%ae%c0%ae/statuscodes/settings.py",
        "/static/%c0%af..%c0%afsettings.py",
        "/static//etc/passwd",
        "//etc/passwd",
        "/..;/admin/",
        "/.env",
        "/.git/config",
        "/db.sqlite3",
        "/statuscodes/settings.py",
        "/content/codes/404-iana.md",
        "/compare/..%2f..%2fetc%2fpasswd",
        "/compare/../../etc/passwd",
        "/api/v1/codes/..%2f..%2fetc%2fpasswd",
        "/api/v1/compare/..%2f..%2fsettings.py",
        "/api/v1/classes/..%2f5xx",
        "/api/v1/codes/404/..%2f..%2fsettings",
        "/favicon.ico/../statuscodes/settings.py",
        "/admin/../../etc/passwd",
    ]
    cases = [Hostile(f"traversal {path}", "GET", path, HTML, expect="not-200") for path in paths]
    cases.append(Hostile("traversal in a search", "GET", "/search?q=../../etc/passwd", HTML))
    cases.append(Hostile("traversal in an API search", "GET", "/api/v1/search?q=..%2f..%2fetc%2fpasswd", HTML))
    return cases


def control_bytes() -> list[Hostile]:
    bases = ["/", "/404", "/5xx", "/compare/404-vs-410", "/api/v1/codes/404", "/api/v1/compare/404-vs-410"]
    suffixes = {
        "NUL": "%00",
        "NUL then text": "%00.html",
        "CRLF header": "%0d%0aX-Injected:%20hx",
        "CRLF cookie": "%0d%0aSet-Cookie:%20hx=1",
        "bare LF": "%0aX-Injected:%20hx",
        "DEL and ESC": "%7f%1b[31m",
        "tab and vertical tab": "%09%0b",
    }
    cases = [
        Hostile(f"{name} after {base}", "GET", base + suffix, HTML)
        for base in bases
        for name, suffix in suffixes.items()
    ]
    queries = {
        "NUL in q": "q=%00",
        "NUL inside q": "q=gate%00way",
        "CRLF in q": "q=a%0d%0aX-Injected:%20hx",
        "CRLF location in q": "q=%0d%0aLocation:%20//evil.example",
        "control bytes in q": "q=" + "".join(f"%{n:02x}" for n in range(32)),
        "NUL as a key": "%00=1",
    }
    for target in ["/search", "/api/v1/search", "/compare", "/api/v1/codes", "/admin/login/"]:
        cases += [Hostile(f"{name} on {target}", "GET", f"{target}?{query}", HTML) for name, query in queries.items()]
    cases.append(Hostile("CRLF in next", "GET", "/admin/login/?next=%0d%0aLocation:%20//evil.example", HTML))
    cases.append(Hostile("CRLF in compare a", "GET", "/compare?a=404%0d%0aX-Injected:%201&b=410", HTML))
    # What http.client refuses to send: raw control bytes on the request line and in headers.
    raw = {
        "raw NUL in the path": ("GET", "/404\x00", ()),
        "raw NUL in the query": ("GET", "/search?q=a\x00b", ()),
        "raw CR in the path": ("GET", "/404\rX-Injected: hx", ()),
        "raw ESC in the path": ("GET", "/\x1b[2J", ()),
        "raw DEL in the path": ("GET", "/4\x7f04", ()),
        "raw tab in the path": ("GET", "/40\t4", ()),
        "raw NUL in a header": ("GET", "/404", (("User-Agent", "a\x00b"),)),
        "raw CR in a header": ("GET", "/404", (("User-Agent", "a\rX-Injected: hx"),)),
        "raw NUL in a header name": ("GET", "/404", (("X-A\x00b", "1"),)),
        "raw space before colon": ("GET", "/404", (("X-Space ", "1"),)),
        "raw header without colon": ("GET", "/404", (("X-No-Colon-Here", None),)),
        "raw folded header": ("GET", "/404", (("X-Folded", "a\r\n b"),)),
        "raw UTF-8 in the path": ("GET", "/ü".encode().decode("latin-1"), ()),
        "raw latin-1 in the path": ("GET", "/\xe9\xff", ()),
        "raw UTF-8 in a header": ("GET", "/", (("User-Agent", "ü😀".encode().decode("latin-1")),)),
    }
    cases += [
        Hostile(label, method, path, ((("Host", HOST),) + headers), raw=True)
        for label, (method, path, headers) in raw.items()
    ]
    return cases


def invalid_utf8() -> list[Hostile]:
    escapes = {
        "ff fe": "%ff%fe",
        "overlong slash": "%c0%af",
        "overlong dots": "%c0%ae%c0%ae",
        "surrogate": "%ed%a0%80",
        "truncated": "%e2%82",
        "five bytes": "%f8%88%80%80%80",
        "lone continuation": "%80",
        "bad escape": "%zz%",
    }
    cases = []
    for name, escape in escapes.items():
        cases += [
            Hostile(f"{name} in a path", "GET", f"/40{escape}", HTML),
            Hostile(f"{name} as a comparison", "GET", f"/compare/404-vs-{escape}", HTML),
            Hostile(f"{name} in an API path", "GET", f"/api/v1/classes/{escape}", HTML),
            Hostile(f"{name} under /api/", "GET", f"/api/{escape}", HTML, expect="json"),
            Hostile(f"{name} in q", "GET", f"/search?q=gate{escape}way", HTML),
            Hostile(f"{name} in an API q", "GET", f"/api/v1/search?q={escape}", HTML, expect="json"),
            Hostile(f"{name} in an API class", "GET", f"/api/v1/codes?class={escape}", HTML, expect="json"),
            Hostile(f"{name} as a key", "GET", f"/404?{escape}={escape}", HTML),
            Hostile(f"{name} in next", "GET", f"/admin/login/?next=/{escape}", HTML),
        ]
    return cases


def overlong_urls() -> list[Hostile]:
    """gunicorn refuses request lines over 4094 bytes itself; just under must reach Django and survive."""
    limit = 4094
    cases = []
    for target in ["/search?q=", "/api/v1/search?q=", "/compare/404-vs-", "/api/v1/codes/", "/", "/404?x="]:
        fixed = len("GET ") + len(target) + len(" HTTP/1.1")
        for name, length in {"just under": limit - 2, "at": limit, "just over": limit + 1, "far over": 20000}.items():
            path = target + "a" * (length - fixed)
            cases.append(
                Hostile(
                    f"{name} the request line on {target}", "GET", path, HTML, expect="4xx" if length > limit else ""
                )
            )
    cases.append(Hostile("a 4,000-byte path of slashes", "GET", "/" * 4000, HTML))
    cases.append(Hostile("a 4,000-byte path of dots", "GET", "/" + "./" * 1990, HTML))
    return cases


def huge_headers() -> list[Hostile]:
    """gunicorn allows 100 headers of 8190 bytes each ("Name: value"); past that it answers 4xx."""
    limit = 8190
    cases = []
    for name in ["User-Agent", "Referer", "Cookie", "Accept", "If-None-Match", "Accept-Language", "X-Forwarded-For"]:
        for size_name, size in {"just under": limit - 10, "at": limit, "just over": limit + 1}.items():
            value = ("a," if name in ("Accept-Language", "X-Forwarded-For") else "a") * (size - len(name) - 2)
            value = value[: size - len(name) - 2]
            cases.append(
                Hostile(
                    f"{name} {size_name} the field limit",
                    "GET",
                    "/404",
                    ((name, value),),
                    expect="4xx" if size > limit else "",
                )
            )
    for total in (99, 100, 150):  # Host counts as one
        headers = tuple((f"X-Filler-{n}", "x") for n in range(total - 1))
        cases.append(Hostile(f"{total} headers", "GET", "/", headers, expect="4xx" if total > 100 else ""))
    big = tuple((f"X-Big-{n}", "y" * 8000) for n in range(60))
    cases.append(Hostile("60 headers of 8,000 bytes", "GET", "/", big))
    cases.append(Hostile("a cookie of 400 pairs", "GET", "/", (("Cookie", "; ".join(f"c{n}=v" for n in range(400))),)))
    cases.append(
        Hostile(
            "a huge csrftoken cookie",
            "POST",
            "/admin/login/",
            (("Cookie", "csrftoken=" + "A" * 8000),),
            b"username=a&password=b",
            expect="403",
        )
    )
    return cases


def odd_methods() -> list[Hostile]:
    unsafe = ["POST", "PUT", "DELETE", "PATCH"]
    other = ["TRACE", "PROPFIND", "MKCOL", "FOO"]
    refused_by_gunicorn = {"lowercase get": "get", "mixed-case GeT": "GeT", "a 1000-char method": "X" * 1000}
    body = b'{"code": 999}'
    json_body = (("Content-Type", "application/json"),)
    cases = []
    for path in PAGES + ["/robots.txt", "/healthz"]:
        cases += [Hostile(f"{method} {path}", method, path, json_body, body) for method in unsafe + other]
        cases += [Hostile(f"{label} {path}", method, path) for label, method in refused_by_gunicorn.items()]
        cases.append(Hostile(f"OPTIONS {path}", "OPTIONS", path))
        cases.append(Hostile(f"HEAD {path}", "HEAD", path))
    for path in API:
        # A read-only API answers every other method with a JSON 405 naming GET, HEAD, OPTIONS.
        cases += [
            Hostile(f"{method} {path}", method, path, json_body, body, expect="json-405") for method in unsafe + other
        ]
        cases += [Hostile(f"{label} {path}", method, path) for label, method in refused_by_gunicorn.items()]
        cases.append(Hostile(f"OPTIONS {path}", "OPTIONS", path))
    for method in unsafe + other + ["OPTIONS"]:
        cases.append(
            Hostile(f"{method} an unknown API path", method, "/api/v1/nothing-here", json_body, body, expect="json")
        )
    connect = {
        "CONNECT to an authority": ("CONNECT", "evil.example:443"),
        "CONNECT to the site": ("CONNECT", f"{HOST}:443"),
        "CONNECT to a path": ("CONNECT", "/"),
        "absolute-form GET to another host": ("GET", "http://evil.example/404"),
        "absolute-form GET to the site": ("GET", f"http://{HOST}/404"),
        "asterisk-form OPTIONS": ("OPTIONS", "*"),
        "asterisk-form GET": ("GET", "*"),
    }
    cases += [Hostile(label, method, path, (("Host", HOST),), raw=True) for label, (method, path) in connect.items()]
    cases.append(
        Hostile("POST with a body of 1 MB", "POST", "/api/v1/codes", json_body, b"[" * 1_000_000, expect="json-405")
    )
    framing = {
        "POST with a lying Content-Length": ((("Content-Length", "100000000"),), b"x"),
        "POST with two Content-Lengths": ((("Content-Length", "1"), ("Content-Length", "2")), b"xy"),
        "POST chunked and with a Content-Length": (
            (("Transfer-Encoding", "chunked"), ("Content-Length", "3")),
            b"0\r\n\r\n",
        ),
        "POST with a bogus Transfer-Encoding": ((("Transfer-Encoding", "gzip, chunked, x"),), b"0\r\n\r\n"),
    }
    cases += [
        Hostile(
            label, "POST", "/404", (("Host", HOST),) + headers, body, raw=True, expect="501" if "bogus" in label else ""
        )
        for label, (headers, body) in framing.items()
    ]
    return cases


def odd_accept() -> list[Hostile]:
    accepts = {
        "empty": "",
        "bad quality": "*/*;q=abc",
        "NaN quality": "text/html;q=NaN",
        "inf quality": "application/json;q=inf",
        "huge exponent": "application/json;q=1e400",
        "negative quality": "text/plain;q=-1",
        "refuse all": "application/json;q=0, text/html;q=0",
        "refuse everything": "*/*;q=0",
        "only an image": "image/png",
        "semicolons": ";;;;",
        "commas": ",,,,",
        "no slash": "html",
        "many parameters": "text/html;" + ";".join(f"p{n}=v" for n in range(500)),
        "2,000 ranges": ",".join(f"t/{n % 10}" for n in range(2000)),
        "5,000 ranges": ",".join(f"a/{n}" for n in range(5000)),
        "5,000 commas": "," * 5000,
        "a marker": script(),
    }
    return [
        Hostile(
            f"Accept {name} on {path}", "GET", path, (("Accept", value),), expect="4xx" if len(value) + 8 > 8190 else ""
        )
        for name, value in accepts.items()
        for path in ["/", "/404", "/5xx", "/597", "/compare/404-vs-410", "/search?q=gone", "/api/v1/codes/404"]
    ]


def odd_conditionals() -> list[Hostile]:
    many_etags = ", ".join(f'"{n}"' for n in range(1000))
    many_ranges = ",".join(f"{n}-{n}" for n in range(1000))
    conditionals = {
        "If-None-Match *": (("If-None-Match", "*"),),
        "If-None-Match unquoted": (("If-None-Match", "garbage"),),
        "If-None-Match unterminated": (("If-None-Match", '"abc'),),
        "If-None-Match weak only": (("If-None-Match", "W/"),),
        "If-None-Match 1,000 tags": (("If-None-Match", many_etags),),
        "If-Modified-Since in 2099": (("If-Modified-Since", "Thu, 01 Jan 2099 00:00:00 GMT"),),
        "If-Modified-Since garbage": (("If-Modified-Since", "yesterday-ish"),),
        "If-Modified-Since year 99999": (("If-Modified-Since", "Mon, 01 Jan 99999 00:00:00 GMT"),),
        "If-Modified-Since epoch": (("If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT"),),
        "If-Unmodified-Since in 1970": (("If-Unmodified-Since", "Thu, 01 Jan 1970 00:00:00 GMT"),),
        "If-Match a stranger": (("If-Match", '"nope"'),),
        "If-Range with one range": (("If-Range", '"nope"'), ("Range", "bytes=0-0")),
        "If-Range a date": (("If-Range", "Thu, 01 Jan 2099 00:00:00 GMT"), ("Range", "bytes=0-10")),
        "Range 1,000 ranges": (("Range", "bytes=" + many_ranges),),
        "Range huge": (("Range", "bytes=99999999999999999999999-"),),
        "Range suffix": (("Range", "bytes=-1"),),
    }
    # Nothing exists at MISSING, so no condition can make it a 304 (or a 412): it is a 404.
    about_existence = {"If-None-Match *", "If-Modified-Since in 2099", "If-Modified-Since year 99999"}
    cases = []
    for name, headers in conditionals.items():
        cases += [
            Hostile(f"{name} on {path}", "GET", path, HTML + headers)
            for path in ["/", "/404", "/5xx", "/api/v1/codes/404", "/sitemap.xml", "/api/v1/export.csv"]
        ]
        cases += [
            Hostile(
                f"{name} on missing {path}",
                "GET",
                path,
                HTML + headers,
                expect="404" if name in about_existence else "",
            )
            for path in MISSING
        ]
    return cases


def host_spoofing() -> list[Hostile]:
    refused = [
        "evil.example",
        "statuscodes.example.evil.example",
        "evil.example@statuscodes.example",
        "statuscodes.example@evil.example",
        "statuscodes.example:80@evil.example",
        "statuscodes.example:abc",
        "statuscodes.example:-1",
        "statuscodes.example/evil.example",
        "statuscodes.example#@evil.example",
        "",
        "[::1",
        script(),
        "statuscodes.example%2eevil.example",
    ]
    ports = ["statuscodes.example:1", "statuscodes.example:443", "statuscodes.example:99999", "statuscodes.example:0"]
    targets = [
        "/",
        "/robots.txt",
        "/sitemap.xml",
        "/search?q=gone",
        "/api/",
        "/404",
        "/50x/",
        "/admin/",
        "/compare?a=410&b=404",
        "/favicon.ico",
        "/api/v1/compare/410-vs-404",
    ]
    cases = [
        Hostile(f"Host {host!r} on {path}", "GET", path, (("Host", host),) + HTML, expect="4xx")
        for host in refused
        for path in targets[:6]
    ]
    cases += [
        Hostile(f"Host {host!r} on {path}", "GET", path, (("Host", host),) + HTML) for host in ports for path in targets
    ]
    cases += [
        Hostile(
            f"X-Forwarded-Host evil on {path}",
            "GET",
            path,
            (("X-Forwarded-Host", "evil.example"), ("X-Forwarded-Proto", "javascript")) + HTML,
        )
        for path in targets
    ]
    cases += [
        Hostile(f"Forwarded host evil on {path}", "GET", path, (("Forwarded", "host=evil.example"),) + HTML)
        for path in targets[:4]
    ]
    raw = {
        "two Host headers, ours first": (("Host", HOST), ("Host", "evil.example")),
        "two Host headers, theirs first": (("Host", "evil.example"), ("Host", HOST)),
        "two Host headers, both ours": (("Host", HOST), ("Host", HOST)),
        "Host with a space inside": (("Host", "statuscodes.example evil.example"),),
        "Host folded over two lines": (("Host", HOST + "\r\n\tevil.example"),),
    }
    for label, headers in raw.items():
        cases.append(Hostile(label, "GET", "/robots.txt", headers + HTML, raw=True, expect="4xx"))
    # Without a Host, Django falls back to the address gunicorn binds, allowed or not by the deployment.
    cases.append(Hostile("no Host header", "GET", "/robots.txt", HTML, raw=True))
    cases.append(Hostile("HTTP/1.0 without a Host", "GET", "/robots.txt HTTP/1.0", (), raw=True))
    cases.append(Hostile("Host with a trailing space", "GET", "/robots.txt", (("Host", HOST + " "),) + HTML, raw=True))
    return cases


def odd_numbers() -> list[Hostile]:
    missing = [
        "/0",
        "/000",
        "/0521",
        "/00404",
        "/999",
        "/600",
        "/99999999999999999999",
        "/-1",
        "/+404",
        "/404.0",
        "/4O4",
        "/4_04",
        "/1e3",
        "/0x194",
        "/%EF%BC%94%EF%BC%90%EF%BC%94",
        "/%D9%A4%D9%A0%D9%A4",
        "/0xx",
        "/6xx",
        "/xxx",
        "/5XX",
        "/50x",
        "/5x",
        "/5xxx",
        "/5xx.json",
    ]
    cases = [Hostile(f"number {path}", "GET", path, HTML) for path in missing]
    cases += [
        Hostile(f"number {path} with a slash", "GET", path, HTML)
        for path in ["/50x/", "/5xx/", "/521/", "/999/", "/0xx/", "/404//", "/404/."]
    ]
    api = [
        "/api/v1/codes/0",
        "/api/v1/codes/99",
        "/api/v1/codes/600",
        "/api/v1/codes/99999999",
        "/api/v1/codes/-1",
        "/api/v1/codes/999999",
        "/api/v1/codes/%EF%BC%94%EF%BC%90%EF%BC%94",
        "/api/v1/codes/404/",
        "/api/v1/codes/404/NGINX",
        "/api/v1/codes/499/nginx/",
        "/api/v1/codes/499/-",
        "/api/v1/classes/6xx",
        "/api/v1/classes/5XX",
        "/api/v1/classes/",
        "/api/v1/codes/404.json",
    ]
    cases += [Hostile(f"API number {path}", "GET", path, HTML, expect="json") for path in api]
    # A zero-padded number is the same code spelled twice: not a second page.
    cases += [
        Hostile(f"API number {path}", "GET", path, HTML, expect="not-200")
        for path in ["/api/v1/codes/0521", "/api/v1/codes/000404", "/api/v1/codes/0499/nginx"]
    ]
    return cases


def compare_slugs() -> list[Hostile]:
    rng = random.Random(50)
    fifty = "-vs-".join(str(n) for n in rng.sample(range(100, 600), 50))
    slugs = {
        "1 code": "404",
        "1 vendor code": "499-esri",
        "2 codes": "404-vs-410",
        "2 codes reversed": "410-vs-404",
        "5 codes": "400-vs-401-vs-402-vs-403-vs-404",
        "50 codes": fifty,
        "the same code twice": "404-vs-404",
        "a missing code": "404-vs-597",
        "an unknown vendor": "404-vs-499-nope",
        "upper case": "404-VS-410",
        "empty halves": "-vs-",
        "a trailing separator": "404-vs-",
        "a leading separator": "-vs-404",
        "Arabic-Indic digits": "\u0664\u0660\u0664-vs-410",
        "full-width digits": "\uff14\uff10\uff14-vs-410",
        "a marker": script() + "-vs-404",
        "200 characters": "-vs-".join(["404"] * 29) + "-vs-" + "4" * 200,
        "a long vendor": "499-" + "e" * 150 + "-vs-404",
    }
    cases = []
    for name, slug in slugs.items():
        cases.append(Hostile(f"compare {name}", "GET", "/compare/" + q(slug), HTML))
        cases.append(Hostile(f"API compare {name}", "GET", "/api/v1/compare/" + q(slug), HTML, expect="json"))
    form = {
        "one code": "a=404",
        "the same code": "a=404&b=404",
        "four blanks": "a=&b=&c=&d=",
        "a marker": f"a={q(img())}&b=404",
        "a javascript: code": f"a={q(javascript())}&b=404",
        "an off-site code": "a=//evil.example&b=404",
        "fifty a": "&".join(["a=404"] * 50) + "&b=410",
        "long values": "a=" + "4" * 3000 + "&b=410",
    }
    cases += [Hostile(f"compare form {name}", "GET", f"/compare?{query}", HTML) for name, query in form.items()]
    return cases


def search_texts() -> dict[str, str]:
    """Worst cases for the search: NFKC expansion, long single words, many words, odd scripts."""
    rng = random.Random(200)
    return {
        "200 squared kcal": "\u3389" * 200,  # ㎉ -> "kcal"
        "200 squared cal": "\u3388" * 200,  # ㎈ -> "cal"
        "200 ligatures": "\ufdfa" * 200,  # ﷺ -> 18 characters in four words
        "200 ffi ligatures": "\ufb03" * 200,
        "100 squared hPa": "\u3371" * 100,
        "200 random letters": "".join(rng.choice(string.ascii_lowercase) for _ in range(200)),
        "100 short words": " ".join(rng.choice(string.ascii_lowercase) for _ in range(100)),
        "66 two-letter words": " ".join("".join(rng.sample(string.ascii_lowercase, 2)) for _ in range(66)),
        "emoji": "\U0001f600\U0001f525\U0001f4a9" * 33,
        "RTL overrides": "\u202egateway\u202c \u202btimeout\u202c " * 10,
        "zero-width joiners": "gate\u200dway\u200b time\u2060out" * 8,
        "combining marks": "g" + "\u0301" * 190,
        "full-width number": "\uff15\uff10\uff14",
        "a number with spaces": "  504  ",
        "regular expression": ".*[(+?{\\",
        "SQL": "' OR 1=1 -- ",
        "percent signs": "%%%_%",
        "a marker": script(),
        "an img marker": img(),
        "201 characters": "a" * 201,
        "10,000 characters": "a" * 10000,
    }


def search() -> list[Hostile]:
    cases = []
    for name, text in search_texts().items():
        for target in ["/search?q=", "/api/v1/search?q="]:
            path = target + q(text)
            too_long = len(path) + 13 > 4094  # gunicorn's request line limit
            kind = "API search" if "api" in target else "search"
            cases.append(Hostile(f"{kind} {name}", "GET", path, HTML, expect="4xx" if too_long else ""))
    cases.append(Hostile("search q 1,000 times", "GET", "/search?" + "&".join(["q=a"] * 1000), HTML))
    cases.append(Hostile("API search q 1,000 times", "GET", "/api/v1/search?" + "&".join(["q=a"] * 1000), HTML))
    cases.append(Hostile("search with an empty q", "GET", "/search?q=", HTML))
    cases.append(Hostile("search with q as a list", "GET", "/search?q[]=gone&q[0]=x", HTML))
    cases.append(Hostile("API search limit 0", "GET", "/api/v1/search?q=gone&limit=0", HTML, expect="json"))
    cases.append(
        Hostile("API search huge limit", "GET", "/api/v1/search?q=gone&limit=99999999999999999", HTML, expect="json")
    )
    return cases


def api_parameters() -> list[Hostile]:
    queries = [
        "class=bogus",
        "class=",
        "class=5xx&class=bogus",
        "class=9xx",
        "class=5",
        "source=../x",
        "source=%00",
        "source=",
        "official=maybe",
        "official=TRUE",
        "official[]=true",
        f"class={q(script())}",
        f"source={q(img())}",
        f"official={q(javascript())}",
        "limit=-1&offset=99999999999999999999",
        "format=xml",
        "callback=alert",
        "class=" + "x" * 3000,
        "&".join(f"k{n}=v" for n in range(300)),
    ]
    cases = [
        Hostile(f"API codes ?{query[:40]}", "GET", f"/api/v1/codes?{query}", HTML, expect="json") for query in queries
    ]
    for path in ["/api/v1/export", "/api/v1/export.csv", "/api/v1/openapi.json", "/api/v1/classes", "/api/"]:
        cases.append(Hostile(f"junk query on {path}", "GET", f"{path}?x={q(script())}&%ff=%00&a=1&a=2", HTML))
    return cases


def admin() -> list[Hostile]:
    nexts = [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "///evil.example",
        "http:evil.example",
        javascript(),
        script(),
        "/%0d%0aLocation:%20//evil.example",
        "%2f%2fevil.example",
    ]
    cases = [
        Hostile(f"admin login next={value[:30]}", "GET", "/admin/login/?next=" + q(value), HTML) for value in nexts
    ]
    form = b"username=admin&password=admin&next=//evil.example"
    form_type = (("Content-Type", "application/x-www-form-urlencoded"),)
    cases += [
        Hostile("admin login POST without CSRF", "POST", "/admin/login/", form_type, form, expect="403"),
        Hostile(
            "admin login POST with a forged token",
            "POST",
            "/admin/login/",
            form_type + (("Cookie", "csrftoken=" + "a" * 32),),
            form + b"&csrfmiddlewaretoken=" + b"a" * 32,
            expect="403",
        ),
        Hostile(
            "admin login POST with an evil Origin",
            "POST",
            "/admin/login/",
            form_type + (("Origin", "https://evil.example"),),
            form,
            expect="403",
        ),
        Hostile("admin logout POST without CSRF", "POST", "/admin/logout/", form_type, b"", expect="403"),
        Hostile("admin index", "GET", "/admin/", HTML),
        Hostile("admin model list", "GET", "/admin/statuscodes/statuscode/", HTML),
        Hostile("admin change form", "GET", "/admin/statuscodes/statuscode/1/change/", HTML),
        Hostile("admin view-on-site shortcut", "GET", "/admin/r/1/1/", HTML),
        Hostile("admin logout by GET", "GET", "/admin/logout/", HTML),
        Hostile("admin password reset", "GET", "/admin/password_reset/", HTML),
        Hostile("admin jsi18n", "GET", "/admin/jsi18n/", HTML),
        Hostile("admin without a slash", "GET", "/admin", HTML),
        Hostile("admin login with a marker", "GET", f"/admin/login/?{q(script())}=1", HTML),
    ]
    return cases


def small_files() -> list[Hostile]:
    junk = {
        "a marker": f"x={q(script())}",
        "invalid UTF-8": "%ff%fe=%c0%af",
        "repeated keys": "&".join(["a=1"] * 500),
        "empty pairs": "=&&&=&",
        "a long value": "x=" + "y" * 3900,
        "NUL": "q=%00",
        "an off-site next": "next=//evil.example",
    }
    return [
        Hostile(f"{path} ?{name}", "GET", f"{path}?{query}", HTML) for path in SMALL for name, query in junk.items()
    ]


def reflected_markers() -> list[Hostile]:
    """Markers in places a page might echo: the path, the query, request headers."""
    cases = []
    for path in [
        "/" + q(script()),
        "/" + q(img()),
        "/compare/" + q(img()),
        "/api/v1/" + q(script()),
        "/search?q=" + q(img()),
        "/search?q=" + q(javascript()),
        "/" + javascript(),
        "/5xx?" + q(script()),
        "/404;" + q(script()),
    ]:
        cases.append(Hostile(f"marker in {path[:30]}", "GET", path, HTML))
        cases.append(Hostile(f"marker in {path[:30]}, text wanted", "GET", path, (("Accept", "text/plain"),)))
    headers = [
        "Referer",
        "User-Agent",
        "Accept-Language",
        "Cookie",
        "X-Forwarded-For",
        "Origin",
        "If-None-Match",
        "X-Requested-With",
        "X-Forwarded-Proto",
        "Via",
    ]
    for name in headers:
        for path in ["/", "/597", "/search?q=gone", "/api/v1/codes/404"]:
            cases.append(Hostile(f"marker in {name} on {path}", "GET", path, ((name, img() + script()),) + HTML))
    return cases


def corpus() -> list[Hostile]:
    return (
        traversal()
        + control_bytes()
        + invalid_utf8()
        + overlong_urls()
        + huge_headers()
        + odd_methods()
        + odd_accept()
        + odd_conditionals()
        + host_spoofing()
        + odd_numbers()
        + compare_slugs()
        + search()
        + api_parameters()
        + admin()
        + small_files()
        + reflected_markers()
    )


CORPUS = corpus()
