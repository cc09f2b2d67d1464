"""Reference integrity: the admin never leaves a comparison or related list naming a missing code."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from statuscodes.content import read_tree
from statuscodes.models import Source, StatusClass, StatusCode
from statuscodes.references import references_to
from statuscodes.tests.admin_forms import editor, open_form, submit
from statuscodes.tests.conftest import comparison_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(small_site):
    """small_site, with the curated comparison 404-vs-410 (404 and 410 also name each other)."""
    (small_site / "comparisons" / "404-vs-410.md").write_text(comparison_file(404, 410))
    call_command("load_content", path=small_site, stdout=io.StringIO())
    return small_site


@pytest.fixture
def alice(db):
    return editor(User.objects.create_superuser("alice", "alice@example.com", "x"))


def delete_url(obj) -> str:
    return f"/admin/statuscodes/{obj._meta.model_name}/{obj.pk}/delete/"


def test_every_reference_to_a_meaning_is_found(site):
    assert references_to(StatusCode.objects.get(number=410)) == [
        "the comparison 404-vs-410 (404 vs 410)",
        "the related list of 404 Not Found (IANA)",
    ]
    esri = StatusCode.objects.get(number=499, source__slug="esri")
    assert references_to(esri) == ["the related list of 499 Client Closed Request (nginx)"]
    assert references_to(StatusCode.objects.get(number=200)) == []


def test_deleting_a_referenced_code_is_refused_with_the_list_of_references(site, alice):
    code = StatusCode.objects.get(number=410)
    page = alice.get(delete_url(code)).content.decode()
    assert "the comparison 404-vs-410" in page and "the related list of 404" in page
    token = open_form(alice, delete_url(code), form_id=".*")["csrfmiddlewaretoken"]
    response = alice.post(delete_url(code), {"csrfmiddlewaretoken": token, "post": "yes"})
    assert response.status_code == 403 or "cannot be deleted" in response.content.decode()
    assert StatusCode.objects.filter(number=410).exists()


def test_the_bulk_delete_action_refuses_a_referenced_code_too(site, alice):
    codes = StatusCode.objects.filter(number__in=[200, 410])
    token = open_form(alice, "/admin/statuscodes/statuscode/", form_id=".*")["csrfmiddlewaretoken"]
    data = {"csrfmiddlewaretoken": token, "action": "delete_selected", "_selected_action": [c.pk for c in codes],
            "post": "yes"}  # fmt: skip
    alice.post("/admin/statuscodes/statuscode/", data)
    assert StatusCode.objects.filter(number__in=[200, 410]).count() == 2


def test_a_code_nothing_names_can_be_deleted_and_the_tree_still_loads(site, alice, tmp_path):
    code = StatusCode.objects.get(number=200)
    token = open_form(alice, delete_url(code), form_id=".*")["csrfmiddlewaretoken"]
    assert alice.post(delete_url(code), {"csrfmiddlewaretoken": token, "post": "yes"}).status_code == 302
    assert not StatusCode.objects.filter(number=200).exists()
    from statuscodes.content import export_content

    export_content(tmp_path / "content")
    assert read_tree(tmp_path / "content").errors == []


@pytest.mark.parametrize("change", [{"number": "411"}, {"source": "cloudflare"}])
def test_renumbering_or_moving_a_referenced_code_is_refused(site, alice, change):
    code = StatusCode.objects.get(number=410)
    url = f"/admin/statuscodes/statuscode/{code.pk}/change/"
    form = open_form(alice, url)
    if "source" in change:
        change = {"source": str(Source.objects.get(slug="cloudflare").pk)}
    response = submit(alice, url, form, **change)
    assert response.status_code == 200
    assert "cannot be renumbered or moved to another source" in response.content.decode()
    assert StatusCode.objects.get(pk=code.pk).number == 410


def test_renumbering_a_code_nothing_names_is_allowed(site, alice):
    code = StatusCode.objects.get(number=200)
    url = f"/admin/statuscodes/statuscode/{code.pk}/change/"
    assert submit(alice, url, open_form(alice, url), number="203").status_code == 302
    assert StatusCode.objects.get(pk=code.pk).number == 203


def test_a_class_with_codes_cannot_be_deleted(site, alice):
    status_class = StatusClass.objects.get(digit=4)
    assert "code(s) of the 4xx class" in alice.get(delete_url(status_class)).content.decode()
    token = open_form(alice, delete_url(status_class), form_id=".*")["csrfmiddlewaretoken"]
    alice.post(delete_url(status_class), {"csrfmiddlewaretoken": token, "post": "yes"})
    assert StatusClass.objects.filter(digit=4).exists()
