"""The OpenAPI document: valid OpenAPI 3.1, complete, and true of the running API (schemathesis)."""

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import URLPattern, get_resolver
from hypothesis import HealthCheck, given
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from statuscodes import openapi, retry_api

pytestmark = pytest.mark.django_db


def test_the_document_is_valid_openapi_3_1(client, small_site):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    validate(document)  # raises on any error: meta-schema, dangling $ref, undeclared path parameter


def test_every_api_url_is_described(client, small_site):
    documented = set(client.get("/api/v1/openapi.json").json()["paths"])
    routes = {
        pattern.name
        for pattern in get_resolver().url_patterns
        if isinstance(pattern, URLPattern) and (pattern.name or "").startswith("api_") and pattern.name != "api_docs"
    }
    # Each named API route, with example arguments, must resolve to a documented path.
    examples = {
        "api_index": "/api/v1/",
        "api_codes": "/api/v1/codes",
        "api_code_detail": "/api/v1/codes/{code}",
        "api_meaning": "/api/v1/codes/{code}/{source}",
        "api_classes": "/api/v1/classes",
        "api_class_detail": "/api/v1/classes/{class}",
        "api_export": "/api/v1/export",
        "api_export_csv": "/api/v1/export.csv",
        "api_openapi": "/api/v1/openapi.json",
        "api_search": "/api/v1/search",
        "api_compare": "/api/v1/compare/{slug}",
        "api_errors": "/api/v1/errors",
        "api_errors_csv": "/api/v1/errors.csv",
        "api_error_detail": "/api/v1/errors/{source}/{code}",
        "api_retry_policy": "/api/v1/retry-policy",
        "api_retry": "/api/v1/retry",
    }
    assert routes <= set(examples), f"name the documented path of {routes - set(examples)} here"
    assert {examples[name] for name in routes} == documented


def test_the_source_enums_follow_the_content(client, small_site):
    document = client.get("/api/v1/openapi.json").json()
    codes = document["paths"]["/api/v1/codes"]["get"]
    source = next(p for p in codes["parameters"] if p["name"] == "source")
    assert source["schema"]["enum"] == ["iana", "nginx", "cloudflare", "esri"]


# ---------------------------------------------------------------------------------------------
# Property-based: schemathesis generates requests from the document, sends them through
# Django's WSGI application, and checks every answer against the document.


@pytest.fixture
def keep_the_test_transaction():
    """Django closes 'old' connections around each request, which would end the test's
    transaction; its own test client switches that off the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(small_site, keep_the_test_transaction, settings):
    settings.ALLOWED_HOSTS = ["localhost"]  # the Host header schemathesis's WSGI client sends
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


# Every operation the document describes; the paths do not depend on the content.
OPERATIONS = [
    (method.upper(), path)
    for path, item in openapi.paths(source_slugs=[], csv_columns={}).items()
    for method in item
    if method != "parameters"
]


# Random codes in 100-599 rarely hit the few the test site has: start from ones that exist.
EXISTING = {
    "/api/v1/codes/{code}": {"path_parameters": {"code": 499}},
    "/api/v1/codes/{code}/{source}": {"path_parameters": {"code": 499, "source": "esri"}},
    "/api/v1/classes/{class}": {"path_parameters": {"class": "4xx"}},
    "/api/v1/compare/{slug}": {"path_parameters": {"slug": "404-vs-410"}},
    "/api/v1/search": {"query": {"q": "gone"}},
    "/api/v1/errors/{source}/{code}": {"path_parameters": {"source": "cloudflare", "code": "1020"}},
    "/api/v1/retry": {"query": {"status": "521", "method": "POST", "attempt": "2"}},
}
# /api/v1/retry's parameters depend on each other (an error needs its source, a status must be one
# the site has), which the document cannot say: there a schema-valid query may be a 400, and the
# check is instead that such a 400 names one of the parameters asked about.
INTERDEPENDENT = {"/api/v1/retry"}
NO_GZIP = {"Accept-Encoding": "identity"}  # the WSGI client does not undo gzip, as a real client would

HYPOTHESIS = hypothesis.settings(
    max_examples=20,  # per operation: the whole module runs in well under a minute
    deadline=None,
    derandomize=True,  # the same cases on every run, so a failure is reproducible
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.parametrize("method, path", OPERATIONS)
def test_the_api_answers_as_its_openapi_document_says(api_schema, method, path):
    """No 5xx, and every status, content type, header and body as documented."""
    operation = api_schema[path][method]
    assert operation.Case(**EXISTING.get(path, {})).call_and_validate(headers=NO_GZIP).status_code < 300
    excluded = [positive_data_acceptance] if path in INTERDEPENDENT else []

    @given(case=operation.as_strategy())
    @HYPOTHESIS
    def check(case):
        response = case.call_and_validate(headers=NO_GZIP, excluded_checks=excluded)
        if excluded and response.status_code == 400:
            assert response.json()["parameter"] in {*(case.query or {}), *retry_api.PARAMETERS}

    check()


WITH_PARAMETERS = [
    ("GET", path)
    for path, item in openapi.paths(source_slugs=["iana"], csv_columns={}).items()
    if item["parameters"] or item["get"]["parameters"]
]


@pytest.mark.parametrize("method, path", WITH_PARAMETERS)
def test_values_outside_the_document_are_refused_with_a_4xx_never_a_5xx(api_schema, method, path):
    @given(case=api_schema[path][method].as_strategy(generation_mode=GenerationMode.NEGATIVE))
    @HYPOTHESIS
    def check(case):
        case.call_and_validate(headers=NO_GZIP)

    check()
