"""Editors' safety: every version kept (django-reversion), stale saves refused, versions compared.

Versions are django-reversion's: a code is kept with its causes and fixes, and every change
is recorded, whoever makes it (the admin, load_content, a restore). A version is shown and
compared as the content file it would export to, so a diff reads like the one git would show.
"""

import difflib
from datetime import datetime

from django import forms
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from reversion.admin import VersionAdmin
from reversion.models import Version

from statuscodes.content import KINDS
from statuscodes.models import Cause, Fix, StatusCode

KIND_OF = {kind.model: kind for kind in KINDS}


# ---------------------------------------------------------------------------------------------
# A version as its content file


def file_text(obj, items: dict | None = None) -> str:
    """The record as load_content would read it: the export's canonical text.

    `items` gives a code's causes and fixes as they were in a version, instead of the current ones.
    """
    if items is not None:
        obj._prefetched_objects_cache = {name: prefetched(model, items[name]) for name, model in ITEM_MODELS.items()}
    kind = KIND_OF[type(obj)]
    return kind.serialize(kind.data_of(obj))


ITEM_MODELS = {"causes": Cause, "fixes": Fix}


def prefetched(model, objects: list):
    """A queryset that answers .all() from a list, as prefetch_related leaves one."""
    queryset = model.objects.none()
    queryset._result_cache = sorted(objects, key=lambda item: item.position)
    queryset._prefetch_done = True
    return queryset


def version_text(version: Version) -> str:
    obj = version._object_version.object
    if not isinstance(obj, StatusCode):
        return file_text(obj)
    items = {name: [] for name in ITEM_MODELS}
    for other in version.revision.version_set.all():
        item = other._object_version.object
        for name, model in ITEM_MODELS.items():
            if isinstance(item, model) and item.code_id == obj.pk:
                items[name].append(item)
    return file_text(obj, items)


def unified_diff(before: str, after: str, before_name: str, after_name: str) -> list[str]:
    return list(
        difflib.unified_diff(before.splitlines(), after.splitlines(), before_name, after_name, lineterm="", n=2)
    )


# ---------------------------------------------------------------------------------------------
# Conflicts: a save based on a version that is no longer the current one is refused


class ConflictCheckedForm(forms.ModelForm):
    """Carries the version the editor started from and refuses the save if it moved on.

    The token is the record's updated_at when the form was rendered; every save of the record,
    its causes and fixes included (the admin saves the code with them), moves it on. On
    PostgreSQL the row stays locked from this check until the save commits, so two saves cannot
    both pass it.
    """

    based_on = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # bound too, so that an unchanged token is no change in the admin's log
            self.initial["based_on"] = self.instance.updated_at.isoformat()

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        model = type(self.instance)
        rows = model.objects.filter(pk=self.instance.pk)
        if connection.features.has_select_for_update:
            rows = rows.select_for_update()
        current = rows.values_list("updated_at", flat=True).first()
        based_on = self.data.get(self.add_prefix("based_on"), "")
        if current is not None and based_on != current.isoformat():
            raise forms.ValidationError(conflict_message(self.instance, based_on), code="edit_conflict")
        return cleaned


def conflict_message(obj, based_on: str):
    """Who changed the record since the editor opened it, and what changed, as a diff."""
    try:  # versions keep times to the millisecond (Django's serializer)
        started = datetime.fromisoformat(based_on)
        started = started.replace(microsecond=started.microsecond // 1000 * 1000)
    except ValueError:
        started = None
    versions = list(Version.objects.get_for_object(obj).select_related("revision", "revision__user"))  # newest first
    # The version the editor opened is the one saved with that updated_at; all after it are news.
    opened = next((i for i, v in enumerate(versions) if v.field_dict.get("updated_at") == started), len(versions))
    before = versions[opened] if opened < len(versions) else None
    since = versions[:opened]
    who = format_html_join(
        ", ", "{} at {}", ((v.revision.user or "load_content", f"{v.revision.date_created:%H:%M:%S}") for v in since)
    )
    current = type(obj).objects.get(pk=obj.pk)
    diff = unified_diff(version_text(before), file_text(current), "when you opened it", "now") if before else []
    return format_html(
        "Someone else saved this {} after you opened it{}{}. Nothing was saved: your changes are still in the "
        "form below. Compare them with what changed (shown here), then save again to keep yours on top of "
        "theirs, or reload the page to start from the current version.{}",
        obj._meta.verbose_name,
        ": " if since else "",
        who,
        format_html("<pre class='edit-conflict-diff'>{}</pre>", "\n".join(diff[2:])) if diff else "",
    )


# ---------------------------------------------------------------------------------------------
# The admin: history with restore and recovery (VersionAdmin), conflict checks, comparisons


class HistoryAdmin(VersionAdmin):
    """Every admin model: versions kept, any two compared, any restored, deleted ones recovered."""

    object_history_template = "admin/statuscodes/object_history.html"
    history_latest_first = True

    def get_form(self, request, obj=None, **kwargs):
        base = kwargs.get("form", self.form)
        kwargs["form"] = type(f"ConflictChecked{base.__name__}", (ConflictCheckedForm, base), {})
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        return [*super().get_fieldsets(request, obj), (None, {"fields": ["based_on"], "classes": ["hidden"]})]

    def get_urls(self):
        opts = self.model._meta
        compare = path("<path:object_id>/history/compare/", self.admin_site.admin_view(self.compare_view),
                       name=f"{opts.app_label}_{opts.model_name}_compare")  # fmt: skip
        return [compare, *super().get_urls()]

    def history_view(self, request, object_id, extra_context=None):
        """reversion's history, newest first, with each version's id for choosing two to compare."""
        opts = self.model._meta
        versions = Version.objects.get_for_object_reference(self.model, unquote(object_id))
        action_list = [
            {
                "revision": version.revision,
                "version": version,
                "url": reverse(
                    f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_revision",
                    args=(quote(version.object_id), version.id),
                ),  # fmt: skip
            }
            for version in versions.select_related("revision", "revision__user").order_by("-pk")
        ]
        return super().history_view(request, object_id, {"action_list": action_list, **(extra_context or {})})

    def compare_view(self, request, object_id):
        """Two versions of a record (?a=&b= version ids) as a diff of their content files."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        ids = [request.GET.get(name, "") for name in ("a", "b")]
        if not all(value.isdigit() for value in ids):
            raise Http404("Choose two versions to compare.")
        versions = Version.objects.get_for_object_reference(self.model, unquote(object_id)).select_related("revision")
        chosen = [get_object_or_404(versions, pk=int(value)) for value in ids]
        older, newer = sorted(chosen, key=lambda version: version.revision.date_created)
        names = [f"{v.revision.date_created:%Y-%m-%d %H:%M:%S} ({v.revision.user or 'load_content'})"
                 for v in (older, newer)]  # fmt: skip
        diff = unified_diff(version_text(older), version_text(newer), *names)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Compare versions of {newer.object_repr}",
            "object_id": object_id,
            "older": older,
            "newer": newer,
            "diff": diff,
        }
        return render(request, "admin/statuscodes/compare_versions.html", context)
