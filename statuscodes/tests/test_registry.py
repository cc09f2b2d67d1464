"""The real content/ against the registries: every IANA code present, named as RFC 9110 names it."""

from http import HTTPStatus

import pytest
from django.conf import settings

from statuscodes.content import editorial_problems, read_tree

# The IANA HTTP Status Code Registry: every assigned code (unassigned ranges left out).
IANA_REGISTRY = (
    [100, 101, 102, 103, 104]
    + [200, 201, 202, 203, 204, 205, 206, 207, 208, 226]
    + [300, 301, 302, 303, 304, 305, 306, 307, 308]
    + list(range(400, 419))
    + [421, 422, 423, 424, 425, 426, 428, 429, 431, 451]
    + [500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511]
)

# Where our name deliberately differs from Python's http.HTTPStatus, and why. Python 3.11 keeps
# pre-RFC 9110 phrases; newer Pythons adopted some of RFC 9110's, so either is accepted.
DELIBERATE_DIFFERENCES = {
    413: ("Content Too Large", {"Request Entity Too Large"}, "RFC 9110 renamed it (was Payload Too Large)"),
    414: ("URI Too Long", {"Request-URI Too Long"}, "RFC 9110 name; RFC 2616 said Request-URI"),
    416: ("Range Not Satisfiable", {"Requested Range Not Satisfiable"}, "RFC 9110 name (RFC 7233 renamed it)"),
    418: ("(Unused)", {"I'm a Teapot", "I'm a teapot"}, "RFC 9110 reserves 418 as (Unused); the teapot is RFC 2324"),
    422: ("Unprocessable Content", {"Unprocessable Entity"}, "RFC 9110 renamed WebDAV's Unprocessable Entity"),
}
# Registry codes Python 3.11's HTTPStatus does not have at all.
MISSING_FROM_PYTHON = {
    104: "Upload Resumption Supported is a temporary registration (2024) for resumable uploads",
    306: "(Unused): reserved, never defined as a working code",
}


@pytest.fixture(scope="module")
def official():
    tree = read_tree(settings.CONTENT_DIR)
    assert tree.errors == [], "\n".join(map(str, tree.errors))
    return {number: data for (number, source), data in tree.records["codes"].items() if source == "iana"}


def test_every_code_in_the_iana_registry_has_a_page_and_no_other_code_is_official(official):
    assert sorted(official) == IANA_REGISTRY


def test_official_names_match_python_except_where_rfc_9110_renamed_them(official):
    for number, data in official.items():
        if number in MISSING_FROM_PYTHON:
            continue
        python_phrase = HTTPStatus(number).phrase
        if number in DELIBERATE_DIFFERENCES:
            ours, pythons, _why = DELIBERATE_DIFFERENCES[number]
            assert data["name"] == ours, number
            assert python_phrase in pythons | {ours}, (number, python_phrase)
        else:
            assert data["name"] == python_phrase, (number, data["name"], python_phrase)


def test_every_code_python_knows_is_in_our_registry():
    assert {s.value for s in HTTPStatus} <= set(IANA_REGISTRY)


def test_codes_python_lacks_are_exactly_the_listed_ones():
    missing = set(IANA_REGISTRY) - {s.value for s in HTTPStatus}
    assert missing <= set(MISSING_FROM_PYTHON)


def test_former_names_are_kept_as_aliases(official):
    assert {"Payload Too Large", "Request Entity Too Large"} <= set(official[413]["aliases"])
    assert "Unprocessable Entity" in official[422]["aliases"]
    assert "I'm a teapot" in official[418]["aliases"]


@pytest.mark.parametrize(
    "number, status",
    [(102, "deprecated"), (103, "experimental"), (104, "temporary"), (305, "deprecated"),
     (306, "unused"), (418, "unused"), (510, "obsolete"), (425, "current"), (200, "current")],
)  # fmt: skip
def test_status_flags_follow_the_registry(official, number, status):
    assert official[number]["status"] == status


def test_425_is_too_early_not_the_old_unordered_collection(official):
    assert official[425]["name"] == "Too Early"
    assert official[425]["spec"]["document"] == "RFC 8470"


def test_vendor_codes_are_present_with_their_sources():
    codes = read_tree(settings.CONTENT_DIR).records["codes"]
    expected = {
        (520, "cloudflare"), (521, "cloudflare"), (522, "cloudflare"), (523, "cloudflare"), (524, "cloudflare"),
        (525, "cloudflare"), (526, "cloudflare"), (527, "cloudflare"), (530, "cloudflare"),
        (444, "nginx"), (494, "nginx"), (495, "nginx"), (496, "nginx"), (497, "nginx"), (499, "nginx"),
        (440, "microsoft"), (449, "microsoft"), (450, "microsoft"), (451, "microsoft"),
        (460, "aws-elb"), (463, "aws-elb"), (464, "aws-elb"), (561, "aws-elb"),
        (218, "informal"), (419, "laravel"), (420, "twitter"), (420, "spring"), (430, "shopify"),
        (498, "esri"), (499, "esri"), (509, "cpanel"), (529, "qualys"), (530, "pantheon"), (530, "shopify"),
        (598, "informal"), (599, "informal"),
    }  # fmt: skip
    assert expected <= set(codes)


def test_the_real_content_meets_the_editorial_bar():
    tree = read_tree(settings.CONTENT_DIR)
    assert [str(p) for p in tree.errors + editorial_problems(tree)] == []
