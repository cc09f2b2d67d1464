"""Parsing content files: no database needed, every error names its file, line and field."""

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
        "status, aliases, sent_by, summary, spec, retry, retry_note, cacheable, headers, related, reviewed)"
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
    assert errors == ["content/codes/404-iana.md:18: related: related code 410 does not exist"]


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
    assert errors == ["content/codes/404-iana.md:18: related: a code cannot be related to itself (404)"]


def test_two_sources_may_not_share_a_rank_so_the_primary_meaning_is_never_a_tie(write_tree):
    root = write_tree({}, extra_sources=[("nginx", "nginx", "vendor", 20), ("esri", "Esri", "vendor", 20)])
    errors = [str(e) for e in read_tree(root).errors]
    assert errors == ["content/sources/nginx.md:6: rank: rank 20 is already taken by esri; ranks must differ"]


def test_a_duplicate_number_and_source_is_named_as_such_with_both_files(write_tree):
    root = write_tree({"codes/404-iana.md": code_file(404), "codes/404-iana-copy.md": code_file(404)})
    errors = [str(e) for e in read_tree(root).errors]
    twice = "content/codes/404-iana.md:2: codes/404-iana is defined twice: also in content/codes/404-iana-copy.md"
    assert twice in errors
