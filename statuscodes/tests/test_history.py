"""Editors' work is never lost: stale saves refused with what changed, every version kept and restorable.

Through the admin with CSRF enforced, as two editors in two browsers would use it.
"""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from reversion.models import Version

from statuscodes.models import Comparison, Source, StatusClass, StatusCode
from statuscodes.tests.admin_forms import editor, open_form, submit
from statuscodes.tests.conftest import comparison_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def editors(db):
    return [User.objects.create_superuser(name, f"{name}@example.com", "x") for name in ("alice", "bob")]


def change_url(obj) -> str:
    return f"/admin/statuscodes/{obj._meta.model_name}/{obj.pk}/change/"


def test_a_load_records_one_version_per_record_and_a_second_load_none(small_site):
    code = StatusCode.objects.get(number=404)
    versions = Version.objects.get_for_object(code)
    assert [v.revision.comment for v in versions] == ["load_content"]
    call_command("load_content", path=small_site, stdout=io.StringIO())
    assert Version.objects.get_for_object(code).count() == 1


def test_a_stale_save_is_refused_with_who_changed_what_and_nothing_is_overwritten(small_site, editors):
    alice, bob = editor(editors[0]), editor(editors[1])
    code = StatusCode.objects.get(number=404)
    url = change_url(code)
    alice_form, bob_form = open_form(alice, url), open_form(bob, url)
    assert submit(alice, url, alice_form, summary="Alice's new summary.").status_code == 302
    # Bob only touched the description, but his form still holds the old summary.
    refused = submit(bob, url, bob_form, description=bob_form["description"] + "\n\nBob's paragraph.")
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Someone else saved this status code after you opened it: alice at" in page
    assert "+summary: Alice&#x27;s new summary." in page or "+summary: Alice's new summary." in page
    assert "Bob&#x27;s paragraph." in page  # his text is still in the form for him to keep
    code.refresh_from_db()
    assert code.summary == "Alice's new summary." and "Bob's paragraph" not in code.description


def test_a_save_made_after_seeing_the_conflict_goes_through(small_site, editors):
    alice, bob = editor(editors[0]), editor(editors[1])
    url = change_url(StatusCode.objects.get(number=404))
    alice_form, bob_form = open_form(alice, url), open_form(bob, url)
    submit(alice, url, alice_form, summary="Alice's new summary.")
    assert submit(bob, url, bob_form, when="Bob's when.").status_code == 200
    fresh = open_form(bob, url)
    assert submit(bob, url, fresh, when="Bob's when.").status_code == 302
    code = StatusCode.objects.get(number=404)
    assert (code.summary, code.when) == ("Alice's new summary.", "Bob's when.")


def test_a_change_to_a_cause_alone_makes_other_open_forms_stale(small_site, editors):
    alice, bob = editor(editors[0]), editor(editors[1])
    url = change_url(StatusCode.objects.get(number=404))
    alice_form, bob_form = open_form(alice, url), open_form(bob, url)
    assert submit(alice, url, alice_form, **{"causes-0-body": "Alice explains."}).status_code == 302
    assert submit(bob, url, bob_form, **{"causes-1-body": "Bob explains."}).status_code == 200
    assert StatusCode.objects.get(number=404).causes.get(position=1).body == "Explained."


@pytest.mark.parametrize(
    "model, lookup, field",
    [(StatusClass, {"digit": 4}, "summary"), (Source, {"slug": "esri"}, "name"), (Comparison, {}, "summary")],
)
def test_classes_sources_and_comparisons_refuse_stale_saves_too(small_site, editors, model, lookup, field):
    if model is Comparison:
        (small_site / "comparisons" / "404-vs-410.md").write_text(comparison_file(404, 410))
        call_command("load_content", path=small_site, stdout=io.StringIO())
    obj = model.objects.get(**lookup)
    alice, bob = editor(editors[0]), editor(editors[1])
    url = change_url(obj)
    alice_form, bob_form = open_form(alice, url), open_form(bob, url)
    assert submit(alice, url, alice_form, **{field: "Alice's words."}).status_code == 302
    refused = submit(bob, url, bob_form, **{field: "Bob's words."})
    assert refused.status_code == 200 and "Someone else saved this" in refused.content.decode()
    obj.refresh_from_db()
    assert getattr(obj, field) == "Alice's words."


def test_every_admin_save_is_a_version_with_its_editor_and_any_two_compare_as_a_diff(small_site, editors):
    alice = editor(editors[0])
    code = StatusCode.objects.get(number=404)
    url = change_url(code)
    submit(alice, url, open_form(alice, url), summary="First edit.")
    submit(alice, url, open_form(alice, url), summary="Second edit.")
    versions = list(Version.objects.get_for_object(code))  # newest first
    assert [v.revision.user and v.revision.user.username for v in versions] == ["alice", "alice", None]
    history = alice.get(f"/admin/statuscodes/statuscode/{code.pk}/history/").content.decode()
    assert history.count('name="a"') == 3 and "load_content" in history and "alice" in history
    compare = alice.get(f"/admin/statuscodes/statuscode/{code.pk}/history/compare/",
                        {"a": versions[2].pk, "b": versions[0].pk})  # fmt: skip
    page = compare.content.decode()
    assert compare.status_code == 200
    assert "-summary: What 404 means in one line." in page and "+summary: Second edit." in page


@pytest.mark.parametrize("query", ["", "?a=1", "?a=x&b=y", "?a=999999&b=999998"])
def test_a_comparison_of_versions_that_do_not_exist_is_a_404(small_site, editors, query):
    code = StatusCode.objects.get(number=404)
    response = editor(editors[0]).get(f"/admin/statuscodes/statuscode/{code.pk}/history/compare/{query}")
    assert response.status_code == 404


def test_restoring_a_version_brings_back_its_fields_causes_and_fixes_as_a_new_version(small_site, editors):
    alice = editor(editors[0])
    code = StatusCode.objects.get(number=404)
    url = change_url(code)
    original = Version.objects.get_for_object(code).get()
    submit(alice, url, open_form(alice, url), summary="A bad edit.", **{"causes-0-title": "A bad title"})
    restore_url = f"/admin/statuscodes/statuscode/{code.pk}/history/{original.pk}/"
    form = open_form(alice, restore_url)
    assert form["summary"] == "What 404 means in one line." and form["causes-0-title"] == "The first cause"
    assert StatusCode.objects.get(number=404).summary == "A bad edit."  # only shown, not yet restored
    assert submit(alice, restore_url, form).status_code == 302
    code.refresh_from_db()
    assert code.summary == "What 404 means in one line."
    assert code.causes.get(position=0).title == "The first cause"
    assert Version.objects.get_for_object(code).count() == 3  # the load, the bad edit, the restore


def test_a_deleted_code_is_listed_and_recovered_with_its_causes_and_fixes(small_site, editors):
    alice = editor(editors[0])
    StatusCode.objects.filter(number=404).update(related=[410])  # so that nothing names 521
    code = StatusCode.objects.get(number=521)
    delete_url = f"/admin/statuscodes/statuscode/{code.pk}/delete/"
    token = open_form(alice, delete_url, form_id=".*")["csrfmiddlewaretoken"]
    assert alice.post(delete_url, {"csrfmiddlewaretoken": token, "post": "yes"}).status_code == 302
    assert not StatusCode.objects.filter(number=521).exists()
    recover_list = alice.get("/admin/statuscodes/statuscode/recover/").content.decode()
    assert "521" in recover_list
    version = Version.objects.get_deleted(StatusCode).get()
    recover_url = f"/admin/statuscodes/statuscode/recover/{version.pk}/"
    assert submit(alice, recover_url, open_form(alice, recover_url)).status_code == 302
    recovered = StatusCode.objects.get(number=521)
    assert recovered.causes.count() == 3 and recovered.fixes.count() == 3


def test_a_forced_load_is_recorded_as_such(small_site, editors):
    alice = editor(editors[0])
    url = change_url(StatusCode.objects.get(number=404))
    submit(alice, url, open_form(alice, url), summary="Edited in the admin.")
    call_command("load_content", path=small_site, force=True, stdout=io.StringIO())
    versions = Version.objects.get_for_object(StatusCode.objects.get(number=404))
    assert [v.revision.comment for v in versions][0] == "load_content --force"
    assert StatusCode.objects.get(number=404).summary == "What 404 means in one line."
