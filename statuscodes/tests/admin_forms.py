"""Post admin forms as a browser does: every field the page holds, the CSRF token included."""

import re
from html.parser import HTMLParser

from django.test import Client


class FormReader(HTMLParser):
    """The values a browser would submit from the first form whose id matches."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.data = form_id, False, {}
        self.textarea: str | None = None
        self.select: str | None = None
        self.select_first: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and re.fullmatch(self.form_id, attrs.get("id", "")):
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file", "image"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data[name] = attrs.get("value", "on")
            else:
                self.data[name] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self.textarea, self.data[name] = name, ""
        elif tag == "select" and name:
            self.select, self.select_first = name, None
        elif tag == "option" and self.select:
            value = attrs.get("value", "")
            if self.select_first is None:
                self.select_first = value
            if "selected" in attrs:
                self.data[self.select] = value

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select" and self.select:
            self.data.setdefault(self.select, self.select_first or "")
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            # A browser drops one newline right after <textarea>; Django's widget writes one.
            self.data[self.textarea] += data.removeprefix("\n") if not self.data[self.textarea] else data


def form_values(html: str, form_id: str = r".*_form") -> dict[str, str]:
    reader = FormReader(form_id)
    reader.feed(html)
    return reader.data


def editor(user) -> Client:
    """A logged-in admin client that enforces CSRF, as a real browser session is checked."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def open_form(client: Client, url: str, form_id: str = r".*_form") -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return form_values(response.content.decode(), form_id)


def submit(client: Client, url: str, values: dict[str, str], **changes: str):
    """POST the form as read, with some fields changed; `_save` as the button a browser sends."""
    return client.post(url, {**values, **changes, "_save": "Save"})
