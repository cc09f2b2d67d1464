"""Parsing content files: no database needed, every error names its file, line and field."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from statuscodes.content import CodeKind, ContentError, read_tree
from statuscodes.tests.conftest import CAUSES_AND_FIXES, code_file


def errors_of(write_tree, files):
    return [str(e) for e in read_tree(write_tree(files)).errors]


def test_it_reads_a_complete_code_file(write_tree):
    tree = read_tree(write_tree({"codes/404-iana.md": code_file(404, name="Not Found")}))
    assert tree.errors == []
    data = tree.records["codes"][(404, "iana")]
    assert data["name"] == "Not Found"
    assert data["spec"]["section"] == "15.5.5"
    assert [c["title"] for c in data["causes"]] == ["The first cause", "The second cause", "The third cause"]
    assert [f["audience"] for f in data["fixes"]] == ["visitor", "owner", "client"]
    assert data["fixes"][1]["title"] == "Add a redirect"


def test_it_reports_broken_yaml_with_the_line(write_tree):
    text = code_file(404).replace("name: Name of 404", "name: [unclosed")
    errors = errors_of(write_tree, {"codes/404-iana.md": text})
    assert len(errors) == 1
    assert errors[0].startswith("content/codes/404-iana.md:")
    assert "invalid YAML" in errors[0]


def test_it_names_an_unknown_field_and_its_line(write_tree):
    text = code_file(404).replace("status: current", "status: current\ncolour: red")
    errors = errors_of(write_tree, {"codes/404-iana.md": text})
    assert errors == [
        "content/codes/404-iana.md:7: colour: unknown field (expected: code, source, name, official, "
        "status, aliases, sent_by, summary, spec, retry, retry_note, retry_policy, caching, request_headers, "
        "response_headers, "
        "related, reviewed)"
    ]


def test_it_names_a_missing_field(write_tree):
    text = code_file(404).replace("summary: What 404 means in one line.\n", "")
    assert any("summary: missing required field" in e for e in errors_of(write_tree, {"codes/404-iana.md": text}))


def test_it_rejects_a_bad_value_with_the_field_line(write_tree):
    text = code_file(404).replace("retry: never", "retry: sometimes")
    errors = errors_of(write_tree, {"codes/404-iana.md": text})
    assert errors == [
        "content/codes/404-iana.md:14: retry: must be one of: not-applicable, safe, retry-after, backoff, never"
    ]


def test_it_rejects_a_related_code_that_does_not_exist(write_tree):
    errors = errors_of(write_tree, {"codes/404-iana.md": code_file(404, related="[410]")})
    assert errors == ["content/codes/404-iana.md:19: related: related code 410 does not exist"]


def test_it_rejects_a_related_meaning_of_another_source_that_does_not_exist(write_tree):
    files = {"codes/404-iana.md": code_file(404, related="[404/esri]")}
    assert "related code 404/esri does not exist" in errors_of(write_tree, files)[0]


def test_it_rejects_a_file_whose_name_does_not_match_its_code(write_tree):
    errors = errors_of(write_tree, {"codes/405-iana.md": code_file(404)})
    assert errors == ["content/codes/405-iana.md:2: the file name must be 404-iana.md"]


def test_a_duplicate_key_is_an_error(write_tree):
    text = code_file(404).replace("status: current", "status: current\nstatus: obsolete")
    assert "status: the field appears twice" in errors_of(write_tree, {"codes/404-iana.md": text})[0]


def test_it_rejects_an_unknown_source(write_tree):
    errors = errors_of(write_tree, {"codes/521-acme.md": code_file(521, "acme")})
    assert any("no source 'acme'" in e for e in errors)


def test_official_must_match_the_source_kind(write_tree):
    text = code_file(404).replace("official: true", "official: false")
    assert any("official must be true" in e for e in errors_of(write_tree, {"codes/404-iana.md": text}))


def test_an_unknown_audience_is_reported_at_its_heading(write_tree):
    text = code_file(404).replace("### [owner] Add a redirect", "### [boss] Add a redirect")
    errors = errors_of(write_tree, {"codes/404-iana.md": text})
    assert len(errors) == 1 and "unknown audience [boss]" in errors[0]
    line = int(errors[0].split(":")[1])
    assert text.split("\n")[line - 1] == "### [boss] Add a redirect"


def test_an_unknown_section_is_reported_at_its_heading(write_tree):
    text = code_file(404) + "\n## Trivia\n\nFun facts.\n"
    errors = errors_of(write_tree, {"codes/404-iana.md": text})
    line = int(errors[0].split(":")[1])
    assert "unknown section '## Trivia'" in errors[0]
    assert text.split("\n")[line - 1] == "## Trivia"


def test_headings_inside_fenced_code_are_not_sections(write_tree):
    extra = "\n## Example\n\n```http\n## not a heading\nHTTP/1.1 404 Not Found\n```\n"
    text = code_file(404, extra=CAUSES_AND_FIXES + extra)
    tree = read_tree(write_tree({"codes/404-iana.md": text}))
    assert tree.errors == []
    assert tree.records["codes"][(404, "iana")]["example"] == "## not a heading\nHTTP/1.1 404 Not Found"


def test_a_file_without_front_matter_is_rejected_at_line_one(write_tree):
    errors = errors_of(write_tree, {"codes/404-iana.md": "# Just markdown\n"})
    assert errors == ["content/codes/404-iana.md:1: the file must start with a '---' line opening the front matter"]


def test_an_over_long_name_is_rejected_before_it_reaches_the_database(write_tree):
    errors = errors_of(write_tree, {"codes/404-iana.md": code_file(404, name="x" * 101)})
    assert errors == ["content/codes/404-iana.md:4: name: must be at most 100 characters (it has 101)"]


def test_serialising_a_parsed_file_gives_the_file_back(write_tree):
    text = code_file(404, aliases="[Old Name, 'Older: Name']")
    tree = read_tree(write_tree({"codes/404-iana.md": text}))
    assert CodeKind().serialize(tree.records["codes"][(404, "iana")]) == text


def test_content_error_reads_as_path_line_field_message():
    assert str(ContentError("a.md", "is wrong", 3, "name")) == "a.md:3: name: is wrong"
    assert str(ContentError("a.md", "is unreadable")) == "a.md: is unreadable"


def test_a_bare_number_in_related_means_the_primary_meaning_so_a_vendor_may_name_its_own_number(write_tree):
    files = {
        "codes/451-iana.md": code_file(451, related="[451/iis]"),
        "codes/451-iis.md": code_file(451, "iis", related="[451]"),
    }
    root = write_tree(files, extra_sources=[("iis", "IIS", "vendor", 30)])
    assert read_tree(root).errors == []


def test_a_code_related_to_itself_is_an_error(write_tree):
    errors = errors_of(write_tree, {"codes/404-iana.md": code_file(404, related="[404]")})
    assert errors == ["content/codes/404-iana.md:19: related: a code cannot be related to itself (404)"]


def test_two_sources_may_not_share_a_rank_so_the_primary_meaning_is_never_a_tie(write_tree):
    root = write_tree({}, extra_sources=[("nginx", "nginx", "vendor", 20), ("esri", "Esri", "vendor", 20)])
    errors = [str(e) for e in read_tree(root).errors]
    assert errors == ["content/sources/nginx.md:6: rank: rank 20 is already taken by esri; ranks must differ"]


def test_a_duplicate_number_and_source_is_named_as_such_with_both_files(write_tree):
    root = write_tree({"codes/404-iana.md": code_file(404), "codes/404-iana-copy.md": code_file(404)})
    errors = [str(e) for e in read_tree(root).errors]
    twice = "content/codes/404-iana.md:2: codes/404-iana is defined twice: also in content/codes/404-iana-copy.md"
    assert twice in errors


# Bad input: every problem is one ContentError at its file, line and field, never a traceback.


def code_404_with(old: str, new: str) -> str:
    text = code_file(404)
    assert old in text
    return text.replace(old, new, 1)


REVIEWED, STATUS = "reviewed: 2026-11-21", "status: current"
BAD_FRONT_MATTER = [
    pytest.param(
        REVIEWED, "reviewed: 2025-02-30", "20: reviewed: 2025-02-30 is not a real date (YYYY-MM-DD)", id="no-such-day"
    ),
    pytest.param(REVIEWED, "reviewed: last week", "20: reviewed: must be a date written YYYY-MM-DD", id="text-date"),
    pytest.param(
        REVIEWED, "reviewed: 2025-02-03 10:00:00", "20: reviewed: must be a date written YYYY-MM-DD", id="datetime"
    ),
    pytest.param(
        REVIEWED,
        "reviewed: 2025-02-03T10:00:00+99:00",
        "20: reviewed: must be a date written YYYY-MM-DD",
        id="bad-zone",
    ),
    pytest.param(
        "code: 404", "code: " + "4" * 5001, "2: code: must be a status code from 100 to 599", id="5001-digit-code"
    ),
    pytest.param(
        "code: 404", "code: 0x" + "f" * 5000, "2: code: must be a status code from 100 to 599", id="huge-hex-code"
    ),
    pytest.param(
        "code: 404",
        "code: '404'",
        "2: code: must be a status code from 100 to 599 (write it without quotes)",
        id="code-in-quotes",
    ),
    pytest.param(
        "code: 404",
        "code: 404.0",
        "2: code: must be a status code from 100 to 599 (write it without a decimal point)",
        id="code-as-float",
    ),
    pytest.param("code: 404", "code: true", "2: code: must be a status code from 100 to 599", id="code-as-bool"),
    pytest.param(
        "related: []",
        "related: [" + "5" * 5001 + "]",
        f"19: related: '{'5' * 38}… is not a code such as 504 or 499/nginx",
        id="5001-digit-related-code",
    ),
    pytest.param(
        "summary: What 404 means in one line.",
        'summary: "Oops',
        "9: summary: invalid YAML: this quote is never closed",
        id="unclosed-quote",
    ),
    pytest.param(
        "  section: '15.5.5'",
        "  section: '15.5.5",
        "12: spec: invalid YAML: this quote is never closed",
        id="unclosed-quote-in-spec",
    ),
    pytest.param(
        "aliases: []",
        "aliases: [Old Name",
        "7: aliases: invalid YAML: expected ',' or ']', but got ':' (while parsing a flow sequence)",
        id="unclosed-bracket",
    ),
    pytest.param(
        "sent_by: origin",
        "sent_by origin",
        "8: invalid YAML: could not find expected ':' (while scanning a simple key)",
        id="missing-colon",
    ),
    pytest.param(
        STATUS, "status: current\n404: x", "7: 404: a field name must be a word such as summary", id="int-key"
    ),
    pytest.param(
        STATUS, "status: current\ntrue: x", "7: true: a field name must be a word such as summary", id="bool-key"
    ),
    pytest.param(STATUS, "status: current\n[a, b]: x", "7: a field name must be a word such as summary", id="list-key"),
    pytest.param(
        "aliases: []",
        "aliases: &laugh [lol, lol]\nheaders2: [*laugh, *laugh]",
        "8: headers2: invalid YAML: aliases (*name) are not allowed",
        id="alias",
    ),
    pytest.param(
        "aliases: []",
        "aliases: " + "[" * 5000 + "]" * 5000,
        "7: aliases: invalid YAML: values nest more than 20 levels deep",
        id="nested-5000-deep",
    ),
    pytest.param(
        "name: Name of 404",
        "name: !!bool maybe",
        "4: name: invalid YAML: 'maybe' cannot be read as !!bool",
        id="bad-tag",
    ),
    pytest.param(
        "name: Name of 404",
        "name: !!python/name:os.system ''",
        "4: name: invalid YAML: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/name:os.system'",
        id="python-tag",
    ),
    pytest.param(
        "name: Name of 404",
        "name: Name\x01of 404",
        "4: name: invalid YAML: the control character U+0001 is not allowed",
        id="control-character",
    ),
]


@pytest.mark.parametrize("old, new, error", BAD_FRONT_MATTER)
def test_bad_front_matter_is_one_error_at_its_line_and_field(write_tree, old, new, error):
    errors = errors_of(write_tree, {"codes/404-iana.md": code_404_with(old, new)})
    assert errors == [f"content/codes/404-iana.md:{error}"]


def test_bad_base64_is_an_error_at_its_line(write_tree):
    errors = errors_of(write_tree, {"codes/404-iana.md": code_404_with("name: Name of 404", "name: !!binary 'a'")})
    assert len(errors) == 1
    assert errors[0].startswith("content/codes/404-iana.md:4: name: invalid YAML: failed to decode base64 data")


BAD_FILES = [
    pytest.param(b"", "1: the file is empty", id="empty"),
    pytest.param(b"---\n- a list\n---\n", "2: the front matter must be a mapping of field: value", id="list"),
    pytest.param(b"---\njust text\n---\n", "2: the front matter must be a mapping of field: value", id="scalar"),
    pytest.param(b"---\n---\n", "2: the front matter must be a mapping of field: value", id="no-fields"),
    pytest.param(
        code_file(404).replace("Name of 404", "Name of \xe9").encode("latin-1"),
        "4: is not UTF-8 text (byte 0xe9); save it as UTF-8",
        id="latin-1",
    ),
    pytest.param(
        code_file(404).replace("Explained.", "Expl\0ained.", 1).encode(),
        "35: the file contains a NUL character",
        id="nul-in-body",
    ),
]


@pytest.mark.parametrize("raw, error", BAD_FILES)
def test_a_bad_file_is_one_error_at_its_line(write_tree, raw, error):
    root = write_tree()
    (root / "codes/404-iana.md").write_bytes(raw)
    assert [str(e) for e in read_tree(root).errors] == [f"content/codes/404-iana.md:{error}"]


def test_a_folder_named_like_a_content_file_is_an_error(write_tree):
    root = write_tree()
    (root / "codes/404-iana.md").mkdir()
    assert errors_of(write_tree, {}) == ["content/codes/404-iana.md: is a folder, not a markdown file"]


def test_an_unreadable_file_is_an_error(write_tree, monkeypatch):
    root = write_tree({"codes/404-iana.md": code_file(404)})
    read_bytes = Path.read_bytes

    def refuse_404(path):
        if path.name == "404-iana.md":
            raise PermissionError(13, "Permission denied")
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refuse_404)
    assert [str(e) for e in read_tree(root).errors] == ["content/codes/404-iana.md: cannot be read: Permission denied"]


def test_a_huge_or_quoted_rank_is_an_error_not_a_database_failure(write_tree):
    sources = [("big", "Big", "vendor", "9" * 5001), ("hex", "Hex", "vendor", "0x" + "f" * 20),
               ("wide", "Wide", "vendor", 2**31), ("quoted", "Quoted", "vendor", "'7'")]  # fmt: skip
    errors = [str(e) for e in read_tree(write_tree({}, extra_sources=sources)).errors]
    whole_number = "rank: must be a whole number from 0 to 2147483647"
    assert errors == [
        f"content/sources/big.md:6: {whole_number}",
        f"content/sources/hex.md:6: {whole_number}",
        f"content/sources/quoted.md:6: {whole_number} (write it without quotes)",
        f"content/sources/wide.md:6: {whole_number}",
    ]


def test_a_file_saved_with_a_byte_order_mark_and_crlf_reads_as_its_canonical_form(write_tree):
    root = write_tree()
    text = code_file(404)
    (root / "codes/404-iana.md").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    tree = read_tree(root)
    assert tree.errors == []
    assert CodeKind().serialize(tree.records["codes"][(404, "iana")]) == text


def test_check_content_reports_a_bad_file_as_a_command_error_with_its_line(write_tree):
    root = write_tree({"codes/404-iana.md": code_404_with(REVIEWED, "reviewed: 2025-02-30")})
    err = io.StringIO()
    with pytest.raises(CommandError, match="problem"):
        call_command("check_content", path=root, stdout=io.StringIO(), stderr=err)
    assert "content/codes/404-iana.md:20: reviewed: 2025-02-30 is not a real date (YYYY-MM-DD)" in err.getvalue()
