"""Curated comparisons in content/comparisons/: parsing, cross-file checks, the bar, loading and the admin."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from statuscodes.content import editorial_problems, read_tree
from statuscodes.models import Comparison
from statuscodes.tests.conftest import VENDORS, code_file, comparison_file

CODES = {
    "codes/404-iana.md": code_file(404, name="Not Found"),
    "codes/410-iana.md": code_file(410, name="Gone"),
    "codes/499-nginx.md": code_file(499, "nginx", name="Client Closed Request"),
    "codes/499-esri.md": code_file(499, "esri", name="Token Required"),
}
LONG_NOTES = " ".join(["A sentence of the curated notes that says something specific."] * 15)


def errors_of(write_tree, comparisons: dict[str, str]) -> list[str]:
    return [str(e) for e in read_tree(write_tree(CODES | comparisons, extra_sources=VENDORS)).errors]


def test_it_reads_a_comparison_file(write_tree):
    root = write_tree(CODES | {"comparisons/404-vs-410.md": comparison_file(404, 410)}, extra_sources=VENDORS)
    tree = read_tree(root)
    assert tree.errors == []
    data = tree.records["comparisons"]["404-vs-410"]
    assert data["codes"] == [404, 410]
    assert data["key_difference"] == "The curated key difference."
    assert (data["guidance_heading"], data["guidance"]) == ("When to use which", "The curated advice on which to send.")


def test_it_reads_how_to_tell_them_apart_and_a_second_meaning(write_tree):
    text = comparison_file(499, "499/esri", guidance_heading="How to tell them apart")
    root = write_tree(CODES | {"comparisons/499-vs-499-esri.md": text}, extra_sources=VENDORS)
    data = read_tree(root).records["comparisons"]["499-vs-499-esri"]
    assert data["codes"] == [499, "499/esri"] and data["guidance_heading"] == "How to tell them apart"


@pytest.mark.parametrize(
    "name, text, error",
    [
        ("404-vs-999.md", comparison_file(404, 999), "codes: 999 is not a code such as 504 or 499/nginx"),
        ("404-vs-418.md", comparison_file(404, 418), "comparisons/404-vs-418.md:2: codes: code 418 does not exist"),
        ("410-vs-404.md", comparison_file(410, 404), "codes: must put the lowest number first: [404, 410]"),
        ("404.md", comparison_file(404, title="Only 404"), "codes: must list 2 to 4 codes, e.g. [401, 403]"),
        ("404-vs-410-vs-499-vs-499-esri-vs-404.md", comparison_file(404, 410, 499, "499/esri", 404),
         "codes: must list 2 to 4 codes"),
        ("404-vs-404.md", comparison_file(404, 404), "codes: lists the same code twice"),
        ("404-vs-teapot.md", comparison_file(404, "teapot"), "codes: 'teapot' is not a code such as 504 or 499/nginx"),
        ("499-nginx-vs-499-esri.md", comparison_file("499/nginx", "499/esri"),
         "codes: 499/nginx is the primary meaning of 499: write it as 499"),
        ("499-esri-vs-499.md", comparison_file("499/esri", 499),
         "codes: list one number's meanings primary first, then by source rank: [499, 499/esri]"),
    ],
)  # fmt: skip
def test_it_rejects_codes_that_do_not_name_one_canonical_comparison(write_tree, name, text, error):
    errors = errors_of(write_tree, {f"comparisons/{name}": text})
    assert len(errors) == 1 and error in errors[0], errors


def test_the_file_name_must_be_the_comparisons_address(write_tree):
    errors = errors_of(write_tree, {"comparisons/gone-vs-not-found.md": comparison_file(404, 410)})
    assert errors == ["content/comparisons/gone-vs-not-found.md:2: the file name must be 404-vs-410.md"]


@pytest.mark.parametrize(
    "body, message",
    [
        ("## When to use which\n\nAdvice.\n", "the sections must be '## Key difference' then"),
        ("## Key difference\n\nText.\n", "the sections must be '## Key difference' then"),
        ("## Key difference\n\nText.\n\n## Why\n\nText.\n", "(found: 'Key difference', 'Why')"),
        ("## Key difference\n\nText.\n\n## When to use which\n\nA.\n\n## How to tell them apart\n\nB.\n",
         "the sections must be"),
        ("Text before any heading.\n\n## Key difference\n\nText.\n", "text before the first '##' heading"),
    ],
)  # fmt: skip
def test_it_names_the_file_and_line_of_a_bad_section(write_tree, body, message):
    text = comparison_file(404, 410).split("\n## Key difference")[0] + "\n" + body
    errors = errors_of(write_tree, {"comparisons/404-vs-410.md": text})
    assert len(errors) == 1 and errors[0].startswith("content/comparisons/404-vs-410.md:") and message in errors[0]


def test_an_empty_section_is_an_error_with_its_line(write_tree):
    text = comparison_file(404, 410, guidance="")
    errors = errors_of(write_tree, {"comparisons/404-vs-410.md": text})
    assert errors == ["content/comparisons/404-vs-410.md:12: section '## When to use which' is empty"]


def test_it_names_an_unknown_field(write_tree):
    text = comparison_file(404, 410).replace("reviewed:", "colour: red\nreviewed:")
    errors = errors_of(write_tree, {"comparisons/404-vs-410.md": text})
    assert errors == [
        "content/comparisons/404-vs-410.md:5: colour: unknown field (expected: codes, title, summary, reviewed)"
    ]


def test_the_bar_wants_substantive_notes_and_a_title_naming_the_codes(write_tree):
    files = {
        "comparisons/404-vs-410.md": comparison_file(404, 410, title="Not Found or Gone"),
        "comparisons/499-vs-499-esri.md": comparison_file(499, "499/esri", key_difference=LONG_NOTES),
    }
    tree = read_tree(write_tree(CODES | files, extra_sources=VENDORS))
    problems = [str(p) for p in editorial_problems(tree) if "comparisons/" in str(p)]
    assert problems == [
        "content/comparisons/404-vs-410.md:7: the notes have 11 words; they need 150",
        "content/comparisons/404-vs-410.md:3: title: the title must name 404",
        "content/comparisons/404-vs-410.md:3: title: the title must name 410",
    ]


@pytest.mark.django_db
def test_loading_stores_the_notes_and_a_second_run_changes_nothing(write_tree):
    root = write_tree(
        CODES | {"comparisons/499-vs-499-esri.md": comparison_file(499, "499/esri")}, extra_sources=VENDORS
    )
    call_command("load_content", path=root, stdout=io.StringIO())
    note = Comparison.objects.get()
    assert (note.slug, note.codes) == ("499-vs-499-esri", [499, "499/esri"])
    assert note.key_difference_html == "<p>The curated key difference.</p>"
    out = io.StringIO()
    call_command("load_content", path=root, stdout=out)
    assert out.getvalue().startswith("Nothing changed")
    (root / "comparisons/499-vs-499-esri.md").unlink()
    out = io.StringIO()
    call_command("load_content", path=root, stdout=out)
    assert "1 removed" in out.getvalue() and not Comparison.objects.exists()


@pytest.mark.django_db
def test_an_admin_edit_to_a_note_survives_the_next_load(write_tree):
    root = write_tree(CODES | {"comparisons/404-vs-410.md": comparison_file(404, 410)}, extra_sources=VENDORS)
    call_command("load_content", path=root, stdout=io.StringIO())
    note = Comparison.objects.get()
    note.summary = "An editor's sharper summary."
    note.save()
    err = io.StringIO()
    call_command("load_content", path=root, stdout=io.StringIO(), stderr=err)
    assert "skipped comparisons/404-vs-410: edited in the admin" in err.getvalue()
    assert Comparison.objects.get().summary == "An editor's sharper summary."


# ---------------------------------------------------------------------------------------------
# The admin


@pytest.fixture
def editor_client(client, small_site):
    client.force_login(User.objects.create_superuser("editor", "editor@example.com", "a-long-password-1"))
    return client


def form_data(**changes) -> dict:
    data = {
        "codes": "404, 410",
        "title": "404 Not Found vs 410 Gone",
        "summary": "One is silent about the past; the other is not.",
        "key_difference": "Only 410 says the removal is *permanent*.",
        "guidance_heading": "When to use which",
        "guidance": "Send 410 for pages you removed on purpose.",
        "reviewed": "2026-11-21",
    }
    return data | changes


@pytest.mark.django_db
def test_an_editor_adds_a_comparison_and_the_page_shows_it(editor_client):
    response = editor_client.post("/admin/statuscodes/comparison/add/", form_data())
    assert response.status_code == 302
    note = Comparison.objects.get()
    assert (note.slug, note.codes) == ("404-vs-410", [404, 410])
    assert "<em>permanent</em>" in editor_client.get("/compare/404-vs-410").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "codes, message",
    [
        ("410, 404", "The list must put the lowest number first: [404, 410]."),
        ("404", "The list must list 2 to 4 codes"),
        ("404, 999", "The list 999 is not a code such as 504 or 499/nginx."),
        ("404, 418", "Code 418 does not exist."),
        ("499/nginx, 499/esri", "499/nginx is the primary meaning of 499: write it as 499."),
    ],
)
def test_the_admin_holds_codes_to_the_same_rules_as_the_files(editor_client, codes, message):
    response = editor_client.post("/admin/statuscodes/comparison/add/", form_data(codes=codes))
    assert response.status_code == 200
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert not Comparison.objects.exists()
