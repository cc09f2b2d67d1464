"""Whatever the admin accepts exports to files that load back identically; what they cannot hold, it refuses.

Every edit goes through the change page the way a browser sends it: the whole form, CSRF token and
inline management fields included, textarea line breaks as CRLF.
"""

import html
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from statuscodes import content
from statuscodes.models import Cause, Comparison, Fix, Source, StatusClass, StatusCode
from statuscodes.tests.conftest import comparison_file

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------
# A browser, as far as the admin's forms can tell


class FormReader(HTMLParser):
    """What a browser would submit for one <form id=...>: every successful control and its value."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.values = form_id, False, {}
        self.textarea = self.select = None
        self.text, self.options = "", []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "reset", "file", "image"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.values[name] = attrs.get("value") or ("on" if attrs.get("type") == "checkbox" else "")
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""
        elif tag == "select" and name:
            self.select, self.options = name, []
        elif tag == "option" and self.select:
            self.options.append((attrs.get("value", ""), "selected" in attrs))

    def handle_data(self, data):
        if self.textarea:
            self.text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea:
            # The newline after <textarea> is markup, not value: browsers drop it.
            self.values[self.textarea] = self.text.removeprefix("\r\n").removeprefix("\n")
            self.textarea = None
        elif tag == "select" and self.select:
            chosen = [value for value, selected in self.options if selected] or [v for v, _ in self.options[:1]]
            if chosen:
                self.values[self.select] = chosen[-1]
            self.select = None


def form_values(page: str, form_id: str) -> dict:
    reader = FormReader(form_id)
    reader.feed(page)
    assert "csrfmiddlewaretoken" in reader.values, f"no form #{form_id} with a CSRF token"
    return reader.values


def as_sent(value: str) -> str:
    """A value as a browser submits it: every line break CRLF."""
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


def submit(client: Client, url: str, changes: dict, browser: bool = True):
    """Open the change page, change some fields, and save the whole form; -> (response, what was sent)."""
    values = form_values(client.get(url).content.decode(), form_id(url))
    values.update(changes)
    # None: the control is not sent, as an unticked checkbox.
    sent = {name: as_sent(value) if browser else value for name, value in values.items() if value is not None}
    return client.post(url, {**sent, "_save": "Save"}), sent


def form_id(url: str) -> str:
    return url.split("/")[3] + "_form"  # /admin/statuscodes/<model>/<pk>/change/


def page_errors(response) -> str:
    """Every error message on a refused change page, as text."""
    assert response.status_code == 200, response.status_code
    forms = [response.context["adminform"].form]
    forms += [f for inline in response.context["inline_admin_formsets"] for f in inline.formset.forms]
    return " ".join(str(error) for form in forms for errors in form.errors.values() for error in errors)


def change_url(obj) -> str:
    return f"/admin/statuscodes/{obj._meta.model_name}/{obj.pk}/change/"


@pytest.fixture
def editor():
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_superuser("editor", "editor@example.com", "a-long-password-1"))
    return client


def not_found() -> StatusCode:
    return StatusCode.objects.get(number=404, source__slug="iana")


def assert_round_trips(folder: Path) -> None:
    """Export everything, read it back: no errors, every record as stored, and a load that changes nothing."""
    content.export_content(folder)
    tree = content.read_tree(folder)
    assert tree.errors == []
    for kind in content.KINDS:
        stored = {key: kind.data_of(obj) for key, obj in kind.existing().items()}
        read = {key: {k: v for k, v in data.items() if k != "_doc"} for key, data in tree.of(kind).items()}
        assert read == stored
    report = content.sync_content(folder)
    assert (report.changed, report.skipped) == (False, [])


# ---------------------------------------------------------------------------------------------
# Line endings and whitespace: normalised on save


def test_a_browsers_crlf_is_stored_as_lf_without_trailing_whitespace(editor, small_site, tmp_path):
    response, _ = submit(editor, change_url(not_found()), {"description": "First line.  \n\nSecond line.\t\n\n"})
    assert response.status_code == 302
    assert not_found().description == "First line.\n\nSecond line."
    assert_round_trips(tmp_path / "exported")


def test_a_file_exported_after_a_crlf_edit_still_loads_its_later_changes(editor, small_site, tmp_path):
    """The bug: a stored CR made the record differ from its file forever, so every load skipped it."""
    code = not_found()
    submit(editor, change_url(code), {"when": "Line one.\nLine two.", "causes-0-body": "Because.\nReally."})
    exported = tmp_path / "exported"
    content.export_content(exported)
    assert content.sync_content(exported).skipped == []
    path = exported / "codes" / "404-iana.md"
    path.write_text(path.read_text().replace("Line two.", "Line two, edited in the file."))
    report = content.sync_content(exported)
    assert (report.updated, report.skipped) == (["codes/404-iana"], [])
    assert not_found().when == "Line one.\nLine two, edited in the file."


def test_a_record_stored_with_cr_before_the_fix_exports_and_loads_unchanged(small_site, tmp_path):
    StatusCode.objects.filter(pk=not_found().pk).update(description="Old edit.\r\nWith CRLF.  \r\n")
    Cause.objects.filter(code=not_found(), position=0).update(body="Old\r\nbody")
    assert_round_trips(tmp_path / "exported")


def test_every_text_form_normalises_its_markdown(editor, small_site, tmp_path):
    sync_comparison(small_site)
    edits = [
        (StatusClass.objects.get(digit=4), "overview", "4xx errors.  \nAll of them.", "4xx errors.\nAll of them."),
        (Source.objects.get(slug="nginx"), "description", "nginx  \n\n\ndefines these.", "nginx\n\n\ndefines these."),
        (Comparison.objects.get(), "guidance", "Send 410.\t\nOtherwise 404.", "Send 410.\nOtherwise 404."),
    ]
    for obj, name, value, normalised in edits:
        response, _ = submit(editor, change_url(obj), {name: value})
        assert response.status_code == 302, page_errors(response)
        obj.refresh_from_db()
        assert getattr(obj, name) == normalised
    submit(editor, change_url(not_found()), {"fixes-1-body": "Send a 301.  \nOr a 308."})
    assert Fix.objects.get(code=not_found(), position=1).body == "Send a 301.\nOr a 308."
    assert_round_trips(tmp_path / "exported")


def sync_comparison(root: Path) -> None:
    (root / "comparisons" / "404-vs-410.md").write_text(comparison_file(404, 410))
    content.sync_content(root)


# ---------------------------------------------------------------------------------------------
# What the files cannot hold: refused, with the line and the way out


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"description": "Intro.\n\n## Background\n\nMore."},
         "Line 3 starts a '## Background' section, which would end this text in the file; use ### or bold text."),
        ({"when": "Here.\n```\nnever closed"},
         "Line 2 opens a code block that is never closed, so the rest of the file would be read as code; "
         "close it with a ``` line."),
        ({"causes-0-body": "Because.\n\n### Note\n\nMore."},
         "Line 3 starts a '### Note' heading, which the file would read as another cause; use #### or bold text."),
        ({"fixes-2-body": "Give up.\n## Aside"}, "Line 2 starts a '## Aside' section"),
        ({"fixes-0-audience": "", "fixes-0-title": "[Optional] Raise the limit"},
         "The file would read '[...]' at the start of the title as its audience; choose the audience instead."),
        ({"fixes-0-audience": "", "fixes-0-title": "[owner] Raise the limit"}, "as its audience"),
        ({"causes-1-title": "Two\nlines"}, "A title must be a single line."),
        ({"name": "Not\nFound"}, "Must be a single line."),
        ({"summary": "One line,\u2028then another."}, "Must be a single line."),
        ({"aliases": "Gone\nMissing, Lost"}, "Must be a list of names, each on a single line."),
        ({"retry_note": ""}, "Must be non-empty text."),
        ({"example": "GET / HTTP/1.1\n```\n## Injected"}, "Line 2 starts with ``` or ~~~"),
        ({"spec_url": "ftp://rfc-editor.org/rfc9110"}, "Must be an http(s) URL"),
        ({"spec_document": "RFC\n9110"}, "Must be a single line."),
        ({"official": None}, "Tick it exactly for the codes of a standard source (IANA)."),
        ({"related": "410, 404"}, "A code cannot be related to itself (404)."),
    ],
)  # fmt: skip
def test_the_admin_refuses_what_the_file_cannot_hold(editor, small_site, changes, message):
    before = content.CodeKind().data_of(not_found())
    response, _ = submit(editor, change_url(not_found()), changes)
    assert message in page_errors(response)
    assert content.CodeKind().data_of(not_found()) == before


def test_a_fix_title_in_brackets_is_fine_once_it_has_an_audience(editor, small_site, tmp_path):
    changes = {"fixes-0-audience": "visitor", "fixes-0-title": "[Optional] Raise the limit"}
    response, _ = submit(editor, change_url(not_found()), changes)
    assert response.status_code == 302, page_errors(response)
    assert Fix.objects.get(code=not_found(), position=0).title == "[Optional] Raise the limit"
    assert_round_trips(tmp_path / "exported")


def test_headings_inside_a_code_block_and_yaml_lookalikes_are_accepted(editor, small_site, tmp_path):
    changes = {
        "description": "Intro.\n\n```markdown\n## Not a section\n### Nor an item\n```\n\n### A subheading is fine",
        "causes-0-body": "Like this:\n\n~~~\n### not an item\n~~~\n\n#### A deeper heading is fine",
        "name": "yes",
        "aliases": "null, 123, - x, : x, #x, 'quoted', \"double\", 2026-01-01, ~, [x",
        "summary": "  : a summary: with # and - and 'quotes'  ",
        "retry_note": "@at the start, and a trailing colon:",
        "causes-1-title": "[A cause in brackets] is fine",
    }
    response, _ = submit(editor, change_url(not_found()), changes)
    assert response.status_code == 302, page_errors(response)
    code = not_found()
    assert (code.name, code.summary) == ("yes", ": a summary: with # and - and 'quotes'")
    assert code.aliases == ["null", "123", "- x", ": x", "#x", "'quoted'", '"double"', "2026-01-01", "~", "[x"]
    assert_round_trips(tmp_path / "exported")


def test_every_form_refuses_by_the_loaders_rules(editor, small_site):
    sync_comparison(small_site)
    refusals = [
        (Source.objects.get(slug="nginx"), {"slug": "Nginx_Server"}, "Must be a lowercase slug"),
        (Source.objects.get(slug="nginx"), {"url": "ftp://nginx.example/"}, "Must be an http(s) URL"),
        (Source.objects.get(slug="nginx"), {"kind": "standard"}, "Its codes say otherwise"),
        (StatusClass.objects.get(digit=4), {"summary": "Two\u2028lines"}, "Must be a single line."),
        (Comparison.objects.get(), {"key_difference": "Gone.\n## When to use which\nNow."},
         "Line 2 starts a '## When to use which' section"),
        (Comparison.objects.get(), {"title": "404 vs\n410"}, "Must be a single line."),
    ]  # fmt: skip
    for obj, changes, message in refusals:
        response, _ = submit(editor, change_url(obj), changes)
        assert message in html.unescape(page_errors(response)), (changes, page_errors(response))


def test_a_source_description_may_hold_any_heading(editor, small_site, tmp_path):
    # Nothing after the front matter is cut into sections in sources/, so the loader reads it whole.
    response, _ = submit(editor, change_url(Source.objects.get(slug="nginx")), {"description": "## Who\n\nnginx."})
    assert response.status_code == 302, page_errors(response)
    assert_round_trips(tmp_path / "exported")


# ---------------------------------------------------------------------------------------------
# The property: whatever the admin accepts round-trips through the files


NASTY = [
    "## Background", "### Note", "#### Deep", "# Top", "##", "```", "```py", "~~~", "    indented", "- x", ": x",
    "#x", "yes", "null", "123", "1e3", "0x1f", ".inf", "~", "2026-01-01", "'", '"', "''", "[Optional] ", "[owner] ",
    "[", "]", "{", "}", ",", "|", ">", "?", "!tag", "&anchor", "*alias", "@", "%", "---", "...", "* item", "> quote",
    "<b>bold</b>", "&amp;", "\\", "  ", "\t", "\u00a0", "\u2028", "\x85", "\ufeff", "\x7f", "é", "日本語", "🙂",
    "\r\n", "\r", "\n", "\n\n", "Plain words.", "A sentence, with: colons # and hashes.",
]  # fmt: skip
fragment = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=6),
)
# How a line may start: mostly as prose, sometimes as what the loader cuts at or toggles on.
line_start = st.sampled_from(["", "", "", "", "## ", "### ", "#### ", "```", "~~~", "- ", "    ", "> ", "[visitor] "])
line = st.tuples(line_start, st.lists(fragment, max_size=4).map("".join)).map("".join)
markdown = st.lists(line, min_size=1, max_size=5).map("\n".join)
one_line = st.lists(fragment, min_size=1, max_size=3).map("".join)

TEXT_FIELDS = {
    "name": one_line, "summary": one_line, "retry_note": one_line, "aliases": one_line,
    "description": markdown, "when": markdown,
    "causes-0-title": one_line, "causes-0-body": markdown,
    "fixes-0-title": one_line, "fixes-0-body": markdown,
    "fixes-0-audience": st.sampled_from(["", "visitor", "owner", "developer", "client"]),
}  # fmt: skip
MARKDOWN_FIELDS = {"description", "when", "causes-0-body", "fixes-0-body"}


def expected(name: str, sent: str):
    """What the admin stores for what was sent: Django strips each value, markdown is normalised too."""
    if name == "aliases":
        return [alias.strip() for alias in sent.split(",") if alias.strip()]
    return content.normalise_markdown(sent.strip()) if name in MARKDOWN_FIELDS else sent.strip()


def as_stored(code: StatusCode) -> dict:
    """The edited fields exactly as the database holds them (data_of would normalise them again)."""
    return {
        "name": code.name, "summary": code.summary, "retry_note": code.retry_note, "aliases": code.aliases,
        "description": code.description, "when": code.when,
        "causes": [{"title": c.title, "body": c.body} for c in code.causes.all()],
        "fixes": [{"title": f.title, "body": f.body, "audience": f.audience} for f in code.fixes.all()],
    }  # fmt: skip


def read_back(root: Path) -> dict:
    data = content.read_tree(root).of(content.CodeKind())[(404, "iana")]
    return {name: data[name] for name in as_stored(not_found())}


def stored(name: str):
    code = not_found()
    if name.startswith(("causes-0-", "fixes-0-")):
        prefix, _, field = name.split("-")
        return getattr(getattr(code, prefix).get(position=0), field)
    return getattr(code, name)


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
@given(changes=st.fixed_dictionaries({}, optional=TEXT_FIELDS), browser=st.booleans())
def test_whatever_the_admin_accepts_loads_back_identically(editor, small_site, changes, browser):
    with transaction.atomic():  # each example starts from the loaded site
        response, sent = submit(editor, change_url(not_found()), changes, browser=browser)
        event("refused" if response.status_code == 200 else "accepted")
        if response.status_code == 200:  # refused: fine, as long as it said why
            assert page_errors(response) or response.context["adminform"].form.non_field_errors()
        else:
            assert response.status_code == 302
            for name in changes:
                assert stored(name) == expected(name, sent[name]), name
            with tempfile.TemporaryDirectory() as folder:
                assert_round_trips(Path(folder) / "content")
                assert read_back(Path(folder) / "content") == as_stored(not_found())
        transaction.set_rollback(True)
