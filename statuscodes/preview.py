"""Preview: the page as it will look with the editor's unsaved changes, before they save.

The form is validated and saved exactly as a real save would be, the public page is rendered
by its own view, and the transaction is rolled back: nothing is stored, no version recorded
(reversion records only inside its revision blocks, which a preview never opens), and the page
cache is untouched because the view is called beneath its caching decorator.
"""

import inspect
import re

from django.contrib.admin.utils import unquote
from django.db import transaction
from django.forms.formsets import all_valid
from django.http import HttpResponse
from django.urls import path, resolve

BANNER = (
    '<div role="status" style="position:sticky;top:0;z-index:9;padding:.6em 1em;background:#ffe08a;'
    'color:#222;font:600 1rem system-ui,sans-serif;text-align:center">Preview: not saved. '
    "Close this tab and save the form to publish it.</div>"
)


class PreviewAdmin:
    """Adds a Preview button (templates/admin/statuscodes/submit_line.html) posting to preview/."""

    def get_urls(self):
        opts = self.model._meta
        view = self.admin_site.admin_view(self.preview_view)
        name = f"{opts.app_label}_{opts.model_name}_preview"
        urls = [path("add/preview/", view, name=name), path("<path:object_id>/change/preview/", view, name=name)]
        return [*urls, *super().get_urls()]

    def preview_view(self, request, object_id=None):
        if request.method != "POST":
            return HttpResponse("Preview a form by its Preview button.", status=405, headers={"Allow": "POST"})
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        change = obj is not None
        if not (self.has_change_permission(request, obj) if change else self.has_add_permission(request)):
            return HttpResponse("You may not edit this record.", status=403)
        with transaction.atomic():
            form = self.get_form(request, obj, change=change)(request.POST, request.FILES, instance=obj)
            problems = [] if form.is_valid() else [form.errors.as_text()]
            if not problems:
                new = self.save_form(request, form, change=change)
                formsets, _ = self._create_formsets(request, new, change=change)
                if all_valid(formsets):
                    self.save_model(request, new, form, change)
                    self.save_related(request, form, formsets, change)
                    response = rendered_page(request, new)
                else:
                    problems = [str(formset.errors) for formset in formsets if formset.errors]
            transaction.set_rollback(True)
        if problems:
            message = "The form has problems; fix them in the other tab, then preview again.\n\n" + "\n".join(problems)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return response


def rendered_page(request, obj) -> HttpResponse:
    """The object's public page, rendered by its view's own HTML function, with a banner."""
    match = resolve(obj.get_absolute_url().partition("#")[0])
    html_view = inspect.unwrap(match.func)  # beneath read_only, cached_page and negotiation
    page = html_view(request, *match.args, **match.kwargs)
    body = re.sub(r"(<body[^>]*>)", lambda found: found.group(1) + BANNER, page.content.decode(), count=1)
    response = HttpResponse(body, status=page.status_code, content_type=page["Content-Type"])
    response["X-Robots-Tag"] = "noindex"
    return response
