"""Editing in the admin: every field and inline, filters, search, and the change shows at once."""

import pytest
from django.contrib.auth.models import User

from statuscodes.models import StatusCode

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    user = User.objects.create_superuser("editor", "editor@example.com", "a-long-password-1")
    client.force_login(user)
    return client


def change_form_data(code: StatusCode, **changes) -> dict:
    data = {
        "number": code.number, "source": code.source_id, "name": code.name, "official": "on" if code.official else "",
        "status": code.status, "aliases": ", ".join(code.aliases), "sent_by": code.sent_by, "summary": code.summary,
        "description": code.description, "when": code.when, "usage": code.usage, "mistakes": code.mistakes,
        "spec_document": code.spec_document, "spec_section": code.spec_section, "spec_url": code.spec_url,
        "retry": code.retry, "retry_note": code.retry_note, "caching": code.caching,
        "request_headers": ", ".join(code.request_headers),
        "response_headers": ", ".join(code.response_headers), "related": ", ".join(map(str, code.related)),
        "example": code.example, "reviewed": code.reviewed.isoformat(),
        "based_on": code.updated_at.isoformat(),  # the version the form was opened at (history.py)
    }  # fmt: skip
    for prefix, items in (("causes", code.causes.all()), ("fixes", code.fixes.all())):
        data[f"{prefix}-TOTAL_FORMS"] = len(items)
        data[f"{prefix}-INITIAL_FORMS"] = len(items)
        for i, item in enumerate(items):
            data.update({f"{prefix}-{i}-id": item.pk, f"{prefix}-{i}-code": code.pk,
                         f"{prefix}-{i}-position": item.position, f"{prefix}-{i}-title": item.title,
                         f"{prefix}-{i}-body": item.body})  # fmt: skip
            if prefix == "fixes":
                data[f"{prefix}-{i}-audience"] = item.audience
    data.update(changes)
    return data


def test_an_admin_edit_shows_on_the_page_at_once(editor_client, small_site):
    assert "Not Found" in editor_client.get("/404").content.decode()  # now cached
    code = StatusCode.objects.get(number=404)
    data = change_form_data(code, name="Not Found Here", **{"causes-0-title": "A mistyped address"})
    response = editor_client.post(f"/admin/statuscodes/statuscode/{code.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    html = editor_client.get("/404").content.decode()
    assert "<title>404 Not Found Here: meaning, causes and fixes</title>" in html
    assert "A mistyped address" in html


def test_the_admin_rejects_a_related_code_that_does_not_exist(editor_client, small_site):
    code = StatusCode.objects.get(number=404)
    response = editor_client.post(
        f"/admin/statuscodes/statuscode/{code.pk}/change/", change_form_data(code, related="410, 598")
    )
    assert response.status_code == 200
    assert "There is no code 598." in str(response.context["adminform"].form.errors["related"])
    assert StatusCode.objects.get(number=404).related == [410, 521]


def test_the_admin_lists_filters_and_searches(editor_client, small_site):
    assert editor_client.get("/admin/statuscodes/statuscode/?class=5").content.decode().count("Web Server Is Down") >= 1
    listing = editor_client.get("/admin/statuscodes/statuscode/?class=5").content.decode()
    assert "Not Found" not in listing
    found = editor_client.get("/admin/statuscodes/statuscode/?q=499").content.decode()
    assert "Client Closed Request" in found and "Token Required" in found
    assert "Web Server Is Down" in editor_client.get("/admin/statuscodes/statuscode/?q=server").content.decode()
    assert editor_client.get("/admin/statuscodes/statuscode/?official__exact=0").status_code == 200


def test_view_on_site_points_at_the_code_page(editor_client, small_site):
    esri = StatusCode.objects.get(number=499, source__slug="esri")
    assert esri.get_absolute_url() == "/esri/499"
    nginx = StatusCode.objects.get(number=499, source__slug="nginx")
    assert nginx.get_absolute_url() == "/499"
