"""The OpenAPI 3.1 description of /api/v1/, built as a dict so schemas share their pieces."""

from statuscodes import cache_rules, retry_policy, search
from statuscodes.models import Comparison, Fix, PlatformError, Source, StatusCode

CLASS_SLUGS = ["1xx", "2xx", "3xx", "4xx", "5xx"]
API = "/api/v1"


def choices(field_choices) -> list[str]:
    return [value for value, _ in field_choices]


def nullable(schema: dict) -> dict:
    return {**schema, "type": [schema["type"], "null"]}


def obj(properties: dict, description: str = "") -> dict:
    """A closed object: every key documented and always present, so drift fails the tests."""
    schema = {"type": "object", "required": list(properties), "properties": properties, "additionalProperties": False}
    return {**schema, "description": description} if description else schema


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def array(items: dict) -> dict:
    return {"type": "array", "items": items}


STRING = {"type": "string"}
COMPARED_CODE_FIELDS = ["code", "name", "source", "source_name", "official", "class", "status", "summary", "url"]
PATH = {"type": "string", "description": "a path on this site, e.g. /521 or /esri/499"}
CODE = {"type": "integer", "minimum": 100, "maximum": 599}
CLASS = {"type": "string", "enum": CLASS_SLUGS}
TOKEN = "[1-5][0-9]{2}(-[a-z0-9]+)?"
COMPARISON_SLUG = {"type": "string", "pattern": f"^{TOKEN}(-vs-{TOKEN}){{1,3}}$", "maxLength": 200}


BACKOFF = obj({"base": {"type": "number"}, "cap": {"type": "number"}, "jitter": {"type": "string", "const": "full"}})
RETRY_RULE = {
    "when": {"type": "string", "enum": list(retry_policy.WHEN)},
    "methods": {"type": "string", "enum": ["any", "idempotent", "none"]},
    "not_processed": {"type": "string", "description": "why any method may be retried; empty otherwise"},
    "retry_after": {"type": "boolean", "description": "honour Retry-After (seconds or HTTP-date)"},
    "ratelimit_headers": {"type": "boolean", "description": "without Retry-After, wait the RateLimit field's t"},
    "backoff": {**BACKOFF, "type": ["object", "null"]},
    "max_retries": {"type": "integer", "minimum": 0},
    "circuit_breaker": {"type": "boolean"},
    "reason": STRING,
}


def schemas(source_slugs: list[str]) -> dict:
    source_slug = {"type": "string", "enum": source_slugs}
    summary = {
        "code": CODE,
        "name": {"type": "string", "description": "the reason phrase"},
        "class": CLASS,
        "source": source_slug,
        "source_name": {"type": "string", "description": "who defines this meaning, e.g. Cloudflare"},
        "official": {"type": "boolean", "description": "in the IANA registry"},
        "status": {"type": "string", "enum": choices(StatusCode.STATUS_CHOICES)},
        "summary": {"type": "string", "description": "one plain-text sentence"},
        "url": PATH,
        "api_url": {"type": "string", "description": "this meaning's JSON: /api/v1/codes/{code}/{source}"},
    }
    code = {
        **summary,
        "aliases": array(STRING),
        "sent_by": {"type": "string", "enum": choices(StatusCode.SENT_BY_CHOICES)},
        "description": ref("Prose"),
        "when": ref("Prose"),
        "usage": {"oneOf": [ref("Prose"), {"type": "null"}], "description": "how to send it (1xx-3xx)"},
        "mistakes": {"oneOf": [ref("Prose"), {"type": "null"}], "description": "common mistakes (1xx-3xx)"},
        "causes": array(ref("Cause")),
        "fixes": array(ref("Fix")),
        "retry": ref("Retry"),
        "caching": {
            "type": "object",
            "description": "What a cache may do with this response, and the rule it comes from.",
            "required": ["policy", "rule"],
            "properties": {
                "policy": {"type": "string", "enum": list(cache_rules.POLICIES)},
                "rule": STRING,
            },
        },
        "cacheable": {
            "type": "boolean",
            "deprecated": True,
            "description": "Deprecated, kept for API version 1: use caching. True when caching.policy is default.",
        },
        "request_headers": {**array(STRING), "description": "Headers the client sends that matter here."},
        "response_headers": {**array(STRING), "description": "Headers the response carries that matter here."},
        "headers": {
            **array(STRING),
            "deprecated": True,
            "description": "Deprecated, kept for API version 1: request_headers and response_headers in one list.",
        },
        "related": array(ref("CodeSummary")),
        "reference": obj({"document": STRING, "section": nullable(STRING), "url": STRING}),
        "example": nullable({"type": "string", "description": "an HTTP exchange: request, blank line, response"}),
        "reviewed": {"type": "string", "format": "date"},
        "updated": {"type": "string", "format": "date-time"},
    }
    status_class = {
        "class": CLASS,
        "name": STRING,
        "summary": STRING,
        "overview": ref("Prose"),
        "url": PATH,
        "api_url": STRING,
    }
    error_summary = {
        "source": source_slug,
        "source_name": STRING,
        "code": {"type": "string", "description": "as the platform writes it: 1020, 500.19, H12"},
        "name": STRING,
        "statuses": {**array(CODE), "description": "the HTTP statuses it arrives with; empty when undocumented"},
        "summary": STRING,
        "url": PATH,
        "api_url": {"type": "string", "description": "this error's JSON: /api/v1/errors/{source}/{code}"},
    }
    platform_error = {
        **error_summary,
        "status_note": nullable({"type": "string", "description": "what the platform documents about the status"}),
        "shows_in": array({"type": "string", "enum": choices(PlatformError.SHOWN_IN_CHOICES)}),
        "aliases": array(STRING),
        "description": ref("Prose"),
        "when": ref("Prose"),
        "compared": {
            "oneOf": [ref("Prose"), {"type": "null"}],
            "description": "curated: how it differs from what readers confuse it with",
        },
        "causes": array(ref("Cause")),
        "fixes": array(ref("Fix")),
        "retry": ref("Retry"),
        "related_codes": array(ref("CodeSummary")),
        "related_errors": array(ref("PlatformErrorSummary")),
        "reference": obj({"document": STRING, "url": STRING}),
        "reviewed": {"type": "string", "format": "date"},
        "updated": {"type": "string", "format": "date-time"},
    }
    return {
        "PlatformErrorSummary": obj(error_summary, "The short form of a platform's own error."),
        "PlatformError": obj(platform_error, "A platform's own error (Cloudflare 1020, IIS 500.19, Heroku H12)."),
        "PlatformErrorList": obj({"count": {"type": "integer"}, "results": array(ref("PlatformErrorSummary"))}),
        "PlatformErrorHit": obj(
            {
                **error_summary,
                "score": {"type": "number", "description": "relevance; higher is better"},
                "exact": {
                    "type": "boolean",
                    "description": "the query named this error by its code (1015, error 500.19, h12); "
                    "the /search page goes straight to it when it is the only one",
                },
            },
            "A platform error that matches a search.",
        ),
        "Error": obj({"error": STRING, "status": {"type": "integer"}}, "Every error, with its HTTP status."),
        "ParameterError": obj(
            {"error": STRING, "status": {"type": "integer", "const": 400}, "parameter": STRING},
            "A 400 naming the query parameter at fault.",
        ),
        "RetryRule": obj(RETRY_RULE, "What a program should do after this response: see /retries."),
        "Retry": obj(
            {
                "policy": {"type": "string", "enum": choices(StatusCode.RETRY_CHOICES), "description": "the label"},
                "note": {"type": "string", "description": "the advice for people"},
                **RETRY_RULE,
            },
            "Retry advice for people (policy, note) and the rule for programs (the other keys).",
        ),
        "RetryPolicyTable": obj(
            {
                "version": {"type": "integer", "description": "of this document's shape"},
                "revision": {"type": "integer", "description": "the content revision it was made from"},
                "updated": {"type": "string", "format": "date-time"},
                "documentation": PATH,
                "idempotent_methods": array(STRING),
                "max_retry_after": {"type": "integer", "description": "seconds; a longer wait is not retried"},
                "circuit_breaker": obj(
                    {
                        "failures": {"type": "integer"},
                        "open_seconds": {"type": "integer"},
                        "half_open_probes": {"type": "integer"},
                    },
                    "The per-host breaker: opens after this many counted failures in a row.",
                ),
                "connection_refused": ref("RetryRule"),
                "codes": array(
                    obj(
                        {
                            "status": CODE,
                            "source": source_slug,
                            "primary": {"type": "boolean"},
                            "name": STRING,
                            "url": PATH,
                            **RETRY_RULE,
                        }
                    )
                ),
                "errors": array(
                    obj(
                        {
                            "source": source_slug,
                            "error": STRING,
                            "statuses": array(CODE),
                            "name": STRING,
                            "url": PATH,
                            **RETRY_RULE,
                        }
                    )
                ),
            },
            "Every meaning's and platform error's retry rule: a file a client can vendor.",
        ),
        "RetryDecision": obj(
            {
                "retry": {"type": "boolean"},
                "delay_seconds": {"type": ["number", "null"], "description": "wait this long, then send again"},
                "delay_range": {
                    "type": ["array", "null"],
                    "items": {"type": "number"},
                    "minItems": 2,
                    "maxItems": 2,
                    "description": "the window the delay was drawn from (full jitter)",
                },
                "circuit_breaker": {"type": "boolean", "description": "count this response toward the host's breaker"},
                "reason": STRING,
                "attempt": {"type": "integer"},
                "max_retries": {"type": "integer"},
                "status": CODE,
                "method": STRING,
                "policy": obj(
                    {"when": RETRY_RULE["when"], "methods": RETRY_RULE["methods"], "backoff": RETRY_RULE["backoff"]}
                ),
                "meaning": PATH,
                "table": STRING,
            },
            "The decision for one response.",
        ),
        "Prose": obj({"markdown": STRING, "html": {"type": "string", "description": "sanitised HTML"}}),
        "Source": obj(
            {
                "slug": source_slug,
                "name": STRING,
                "kind": {"type": "string", "enum": choices(Source.KIND_CHOICES)},
                "url": STRING,
            }
        ),
        "Cause": obj({"title": STRING, "body": ref("Prose")}),
        "Fix": obj(
            {
                "title": STRING,
                "body": ref("Prose"),
                "audience": {"type": ["string", "null"], "enum": [*filter(None, choices(Fix.AUDIENCE_CHOICES)), None]},
            }
        ),
        "CodeSummary": obj(summary, "The short form of one meaning."),
        "Code": obj(code, "One meaning of a code, every field."),
        "CodeDetail": obj(
            {**code, "other_meanings": array(ref("CodeSummary"))},
            "The primary meaning of a number, and the other meanings vendors give it.",
        ),
        "CodeList": obj({"count": {"type": "integer"}, "results": array(ref("CodeSummary"))}),
        "StatusClass": obj(status_class),
        "ClassList": obj({"count": {"type": "integer"}, "results": array(ref("StatusClass"))}),
        "ClassDetail": obj({**status_class, "codes": array(ref("CodeSummary"))}),
        "Export": obj(
            {
                "revision": {"type": "integer", "description": "moves on every content change"},
                "updated": {"type": "string", "format": "date-time"},
                "sources": array(ref("Source")),
                "classes": array(ref("StatusClass")),
                "count": {"type": "integer"},
                "codes": array(ref("Code")),
                "errors": array(ref("PlatformError")),
            }
        ),
        "Index": obj({"docs": STRING, "openapi": STRING, "endpoints": array(STRING)}),
        "SearchResults": obj(
            {
                "query": {"type": "string", "description": "the query as received"},
                "results": {
                    **array(
                        obj(
                            {
                                "code": CODE,
                                "name": STRING,
                                "source": source_slug,
                                "source_name": {
                                    "type": "string",
                                    "description": "who defines this meaning, e.g. Cloudflare",
                                },
                                "summary": STRING,
                                "url": PATH,
                                "score": {"type": "number", "description": "relevance; higher is better"},
                            }
                        )
                    ),
                    "description": "the meanings that match, best first; empty when the query is nothing but "
                    "platform errors' codes (1015, error 500.19), which no status code is",
                },
                "errors": {
                    **array(ref("PlatformErrorHit")),
                    "description": "platform errors that match, apart from the codes: the code as the platform "
                    "writes it (1020, error 500.19, h12) or their words; at most 8",
                },
            },
            "The best matches first, at most 20.",
        ),
        "ComparedCode": obj({name: summary[name] for name in COMPARED_CODE_FIELDS}),
        "Comparison": obj(
            {
                "codes": {**array(ref("ComparedCode")), "minItems": 2, "maxItems": 4},
                "title": STRING,
                "summary": STRING,
                "rows": array(obj({"field": STRING, "label": STRING, "values": array(STRING)})),
                "differences": {
                    **array(STRING),
                    "description": "sentences on what is particular to these codes (a shared number, who sends "
                    "them, headers, caching); may be empty",
                },
                "shared": {**array(STRING), "description": "fields whose value is the same for all"},
                "guidance": obj(
                    {
                        "heading": {"type": "string", "enum": choices(Comparison.GUIDANCE_CHOICES)},
                        "text": {"type": "string", "description": "paragraphs separated by blank lines"},
                    }
                ),
                "curated": {"oneOf": [ref("CuratedNotes"), {"type": "null"}]},
                "url": PATH,
            },
            "Two to four meanings side by side.",
        ),
        "CuratedNotes": obj(
            {
                "title": STRING,
                "summary": STRING,
                "markdown": STRING,
                "html": STRING,
                "reviewed": {"type": "string", "format": "date"},
            },
            "An editor's notes on a pair people confuse.",
        ),
    }


# ---------------------------------------------------------------------------------------------
# Operations

CACHING_HEADERS = {
    "ETag": {"description": "changes with every content edit", "required": True, "schema": STRING},
    "Last-Modified": {"description": "when the content last changed", "required": True, "schema": STRING},
    "Cache-Control": {"description": "public, max-age=...", "required": True, "schema": STRING},
    "Access-Control-Allow-Origin": {"required": True, "schema": {"type": "string", "const": "*"}},
}
ERRORS = {
    400: "A query parameter is missing or has a value that is not allowed; the message says what to send.",
    404: "No such code, meaning, class, comparison or path.",
}


def json_content(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


MOVED = {
    "description": "Another spelling of the same set of codes: Location is the canonical address.",
    "headers": {"Location": {"required": True, "schema": STRING}},
}


def operation(summary: str, schema: dict, *, errors=(), parameters=(), content=None, description="") -> dict:
    responses = {
        "200": {"description": "OK", "headers": CACHING_HEADERS, "content": content or json_content(schema)},
        "304": {"description": "Not Modified: the If-None-Match or If-Modified-Since validator still holds."},
    }
    if 301 in errors:
        responses["301"] = MOVED
    for status in set(errors) - {301}:
        responses[str(status)] = {"description": ERRORS[status], "content": json_content(ref("Error"))}
    result = {"summary": summary, "parameters": list(parameters), "responses": responses}
    return {**result, "description": description} if description else result


PREFLIGHT = {
    "summary": "CORS preflight",
    "responses": {
        "204": {
            "description": "Any origin may GET and HEAD.",
            "headers": {
                name: {"required": True, "schema": STRING}
                for name in (
                    "Allow",
                    "Access-Control-Allow-Origin",
                    "Access-Control-Allow-Methods",
                    "Access-Control-Allow-Headers",
                    "Access-Control-Max-Age",
                )
            },
        }
    },
}


def query(name: str, enum: list[str], description: str) -> dict:
    schema = {"type": "string", "enum": enum}
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def path_param(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": schema}


def paths(source_slugs: list[str], csv_columns: dict[str, str]) -> dict:
    code = path_param("code", CODE, "the status code")
    columns = "\n".join(f"- `{name}`: {meaning}" for name, meaning in csv_columns.items())
    operations = {
        "/": operation("Where to start: the docs and this document", ref("Index")),
        "/codes": operation(
            "Every meaning of every code, in number order",
            ref("CodeList"),
            errors=[400],
            parameters=[
                query("class", CLASS_SLUGS, "only codes of this class"),
                query("source", source_slugs, "only meanings defined by this source"),
                query("official", ["true", "false"], "only codes in (or not in) the IANA registry"),
            ],
        ),
        "/codes/{code}": operation(
            "A code's primary meaning in full, and its other meanings",
            ref("CodeDetail"),
            errors=[404],
            parameters=[code],
        ),
        "/codes/{code}/{source}": operation(
            "One meaning of a code, as one source defines it",
            ref("Code"),
            errors=[404],
            parameters=[code, path_param("source", {"type": "string", "enum": source_slugs}, "who defines it")],
        ),
        "/classes": operation("The five classes", ref("ClassList")),
        "/classes/{class}": operation(
            "A class and its codes",
            ref("ClassDetail"),
            errors=[404],
            parameters=[path_param("class", CLASS, "1xx to 5xx")],
        ),
        "/export": operation("The whole dataset in one document", ref("Export")),
        "/export.csv": operation(
            "The whole dataset as CSV, one row per meaning",
            STRING,
            content={"text/csv": {"schema": STRING}},
            description=(
                "RFC 4180 CSV with a header row. A cell a spreadsheet would run as a formula (one starting "
                "with =, +, -, @, a tab or a carriage return) starts with an added ': strip one leading ' "
                f"to get the text. Columns, in order:\n\n{columns}"
            ),
        ),
        "/search": operation(
            "Search by number, name, vendor or symptom",
            ref("SearchResults"),
            errors=[400],
            parameters=[
                {
                    "name": "q",
                    "in": "query",
                    "required": True,
                    "description": "what to look for: 504, gateway timeout, cloudflare origin down, rate limited",
                    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": search.SOMETHING},
                }
            ],
            description="A number ranks its own meanings first; vendor words match that vendor's codes; "
            "misspellings are corrected and the last word completes as a prefix. A query that is empty, "
            "only spaces, or longer than 200 characters answers 400.",
        ),
        "/compare/{slug}": operation(
            "Two to four codes side by side",
            ref("Comparison"),
            errors=[301, 404],
            parameters=[path_param("slug", COMPARISON_SLUG, "codes joined by -vs-, e.g. 401-vs-403")],
            description="Codes go lowest first; a number alone is its primary meaning, another meaning "
            "is named with its source (`499-vs-499-esri`). Any other spelling of the same set answers "
            "301 to the canonical one.",
        ),
        "/errors": operation(
            "Every platform error (Cloudflare 1xxx, IIS sub-status, Heroku H codes)",
            ref("PlatformErrorList"),
            errors=[400],
            parameters=[
                query("source", source_slugs, "only this platform's errors"),
                {
                    "name": "status",
                    "in": "query",
                    "required": False,
                    "description": "only errors that arrive with this HTTP status",
                    "schema": {"type": "string", "pattern": "^[1-5][0-9]{2}$"},
                },
            ],
        ),
        "/errors/{source}/{code}": operation(
            "One platform error in full",
            ref("PlatformError"),
            errors=[301, 404],
            parameters=[
                path_param("source", {"type": "string", "enum": source_slugs}, "the platform"),
                path_param("code", {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9.]{0,19}$"}, "as written"),
            ],
            description="Codes are matched as the platform writes them; another letter case answers 301.",
        ),
        "/errors.csv": operation(
            "Every platform error as CSV, one row each",
            STRING,
            content={"text/csv": {"schema": STRING}},
            description="RFC 4180 CSV with a header row, guarded against spreadsheet formulas as /export.csv is.",
        ),
        "/retry-policy": operation(
            "Every code's and platform error's retry rule, as one file a client can vendor",
            ref("RetryPolicyTable"),
            parameters=[
                {
                    "name": "download",
                    "in": "query",
                    "required": False,
                    "schema": STRING,
                    "description": "present: Content-Disposition says attachment, to save the file",
                },
            ],
            description="Compact JSON. `version` changes when the shape does; `revision` and the ETag when the "
            "content does. The algorithm is on /retries; /api/v1/retry applies it to one response.",
        ),
        "/retry": retry_operation(),
        "/openapi.json": operation("This document", {"type": "object", "required": ["openapi", "info", "paths"]}),
    }
    return {API + path: path_item(get) for path, get in operations.items()}


def retry_operation() -> dict:
    """/retry answers each call afresh (its delay is drawn at random), so no ETag, no 304."""

    def parameter(name, schema, description, required=False):
        return {"name": name, "in": "query", "required": required, "description": description, "schema": schema}

    seconds = {"type": "string", "pattern": "^[0-9]{1,10}$"}
    bad = {"description": "A parameter is missing, unknown or malformed: `parameter` names it.",
           "content": json_content(ref("ParameterError"))}  # fmt: skip
    return {
        "summary": "Whether and when to retry after one response",
        "description": "Applies the retry rule of the response's meaning (or platform error) to it. "
        "`attempt` is the attempt that just failed, 1 for the first request.",
        "parameters": [
            parameter("status", {"type": "string", "pattern": "^[1-5][0-9]{2}$"}, "the response's status", True),
            parameter("method", {"type": "string", "maxLength": 20}, "the request's method; GET if absent"),
            parameter(
                "retry_after",
                {"type": "string", "maxLength": 40},
                "the response's Retry-After: seconds or an HTTP-date",
            ),
            parameter("ratelimit_reset", seconds, "the RateLimit field's t: seconds until quota returns"),
            parameter("source", {"type": "string", "maxLength": 40}, "whose meaning of the status, e.g. cloudflare"),
            parameter("error", {"type": "string", "maxLength": 20}, "a platform error, e.g. 1015 (needs source)"),
            parameter("attempt", {"type": "string", "pattern": "^[0-9]{1,3}$"}, "the attempt that failed; 1 if absent"),
        ],
        "responses": {
            "200": {"description": "The decision", "content": json_content(ref("RetryDecision"))},
            "400": bad,
        },
    }


def path_item(get: dict) -> dict:
    """GET and its CORS preflight; path parameters belong to the path, so both share them.

    A preflight for a path naming nothing (/codes/600) answers that 404; query parameters are
    the GET's business, so they never fail a preflight.
    """
    in_path = [parameter for parameter in get["parameters"] if parameter["in"] == "path"]
    in_query = [parameter for parameter in get["parameters"] if parameter["in"] != "path"]
    preflight = PREFLIGHT
    if in_path:
        not_found = {"description": ERRORS[404], "content": json_content(ref("Error"))}
        preflight = {**PREFLIGHT, "responses": {**PREFLIGHT["responses"], "404": not_found}}
    return {"parameters": in_path, "get": {**get, "parameters": in_query}, "options": preflight}


DESCRIPTION = """Every HTTP status code and the vendor codes met in the wild, as JSON. Read-only and
public: any origin may call it (CORS), nothing needs a key.

- Codes are integers; one number can have several meanings, one per source (IANA, Cloudflare,
  nginx, ...). The primary meaning is the one with the lowest source rank (IANA first).
- Prose comes as `{"markdown": ..., "html": ...}`, the HTML sanitised. Dates are ISO 8601.
- Every key listed in a schema is always present; a missing value is `null`.
- Errors are `{"error": "...", "status": N}`: 400 for a bad parameter, 404 for anything unknown,
  405 (with `Allow`) for a method other than GET, HEAD or OPTIONS.
- Every GET carries `ETag`, `Last-Modified` and `Cache-Control: public, max-age=...`; send
  `If-None-Match` to get a 304 while nothing changed. Any content edit changes every ETag.
- The site's pages answer the same JSON for `Accept: application/json`: `/521`, `/5xx`, `/`,
  `/compare/401-vs-403`; `text/plain` (or curl's bare `*/*`) gets a short text page.
"""


def document(csv_columns: dict[str, str]) -> dict:
    """The OpenAPI document; source enums come from the database, so it follows the content."""
    source_slugs = list(Source.objects.values_list("slug", flat=True))
    return {
        "openapi": "3.1.0",
        "info": {"title": "statuscodes API", "version": "1.0.0", "description": DESCRIPTION},
        "paths": paths(source_slugs, csv_columns),
        "components": {"schemas": schemas(source_slugs)},
    }
