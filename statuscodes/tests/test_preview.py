"""Preview: the public page with the editor's unsaved changes, and nothing stored."""

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from reversion.models import Version

from statuscodes.caching import current_revision
from statuscodes.models import StatusClass, StatusCode
from statuscodes.tests.admin_forms import editor, open_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(db):
    return editor(User.objects.create_superuser("alice", "alice@example.com", "x"))


def test_the_change_form_has_a_preview_button_opening_a_new_tab(small_site, alice):
    code = StatusCode.objects.get(number=404)
    page = alice.get(f"/admin/statuscodes/statuscode/{code.pk}/change/").content.decode()
    assert 'name="_preview" formaction="preview/" formtarget="_blank"' in page


def test_a_preview_shows_the_page_with_the_unsaved_changes_and_stores_nothing(small_site, alice, client):
    code = StatusCode.objects.get(number=404)
    public_before = client.get("/404").content
    revision_before, versions_before = current_revision(), Version.objects.count()
    url = f"/admin/statuscodes/statuscode/{code.pk}/change/"
    form = open_form(alice, url)
    changes = {"summary": "A previewed summary.", "causes-0-title": "A previewed cause"}
    response = alice.post(url + "preview/", {**form, **changes, "_preview": "Preview"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Preview: not saved" in page
    assert "A previewed summary." in page and "A previewed cause" in page
    assert "<h1" in page and "Not Found" in page  # the real page template
    code.refresh_from_db()
    assert code.summary == "What 404 means in one line."
    assert code.causes.get(position=0).title == "The first cause"
    assert (current_revision(), Version.objects.count()) == (revision_before, versions_before)
    cache.clear()
    assert client.get("/404").content == public_before


def test_a_preview_of_an_invalid_form_says_what_is_wrong(small_site, alice):
    code = StatusCode.objects.get(number=404)
    url = f"/admin/statuscodes/statuscode/{code.pk}/change/"
    response = alice.post(url + "preview/", {**open_form(alice, url), "name": ""})
    assert response.status_code == 400 and b"name" in response.content


def test_a_class_page_can_be_previewed(small_site, alice):
    status_class = StatusClass.objects.get(digit=4)
    url = f"/admin/statuscodes/statusclass/{status_class.pk}/change/"
    response = alice.post(url + "preview/", {**open_form(alice, url), "summary": "Previewed class summary."})
    assert "Previewed class summary." in response.content.decode()
    assert StatusClass.objects.get(digit=4).summary == "Codes of the 4xx class."


def test_preview_needs_a_post_and_a_login(small_site, alice, client):
    code = StatusCode.objects.get(number=404)
    url = f"/admin/statuscodes/statuscode/{code.pk}/change/preview/"
    assert alice.get(url).status_code == 405
    assert client.post(url).status_code == 302  # to the admin login
