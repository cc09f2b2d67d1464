"""Editing in Django admin: every field, causes and fixes inline, comparisons, lists as comma-separated text."""

from django import forms
from django.contrib import admin
from django.db import models

from statuscodes.content import RELATED_REF, comparison_codes, comparison_order_problem
from statuscodes.history import HistoryAdmin
from statuscodes.models import Cause, Comparison, Fix, Source, StatusClass, StatusCode, comparison_slug
from statuscodes.preview import PreviewAdmin
from statuscodes.references import ReferenceCheckedForm, refusal


class CommaSeparatedField(forms.CharField):
    """A list stored as JSON, edited as 'a, b, c'."""

    def prepare_value(self, value):
        return ", ".join(str(v) for v in value) if isinstance(value, list) else value

    def to_python(self, value):
        return [item.strip() for item in (value or "").split(",") if item.strip()]


# Django 6 will assume https for scheme-less URLs; say so now.
URL_AS_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class StatusCodeForm(forms.ModelForm):
    aliases = CommaSeparatedField(required=False, help_text="Former names, comma-separated.")
    headers = CommaSeparatedField(required=False, help_text="Header names, comma-separated.")
    related = CommaSeparatedField(required=False, help_text="Codes such as 502, 504, 499/esri.")
    spec_url = forms.URLField(max_length=300, assume_scheme="https")

    class Meta:
        model = StatusCode
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose and order them

    def clean_related(self):
        refs = []
        for ref in self.cleaned_data["related"]:
            if not RELATED_REF.fullmatch(ref):
                raise forms.ValidationError(f"{ref!r} is not a code such as 504 or 499/nginx.")
            number, _, source = ref.partition("/")
            meanings = StatusCode.objects.filter(number=int(number))
            if source:
                meanings = meanings.filter(source__slug=source)
            if not meanings.exists():
                raise forms.ValidationError(f"There is no code {ref}.")
            refs.append(ref if source else int(number))
        return refs


class ClassFilter(admin.SimpleListFilter):
    title = "class"
    parameter_name = "class"

    def lookups(self, request, model_admin):
        return [(str(d), f"{d}xx") for d in range(1, 6)]

    def queryset(self, request, queryset):
        if self.value() in ("1", "2", "3", "4", "5"):
            return queryset.in_class(int(self.value()))
        return queryset


class CauseInline(admin.StackedInline):
    model = Cause
    extra = 0
    fields = ["position", "title", "body"]


class FixInline(admin.StackedInline):
    model = Fix
    extra = 0
    fields = ["position", "audience", "title", "body"]


@admin.register(StatusCode)
class StatusCodeAdmin(PreviewAdmin, HistoryAdmin):
    form = StatusCodeForm
    formfield_overrides = URL_AS_HTTPS
    inlines = [CauseInline, FixInline]
    list_display = ["number", "name", "class_slug", "source", "official", "status", "reviewed", "updated_at"]
    list_display_links = ["number", "name"]
    list_filter = [ClassFilter, "official", "source", "status", "retry", "cacheable"]
    search_fields = ["=number", "name", "aliases", "summary"]
    list_select_related = ["source"]
    ordering = ["number", "source__rank"]
    fieldsets = [
        (None, {"fields": ["number", "source", "name", "official", "status", "aliases", "sent_by", "summary"]}),
        ("Prose (markdown)", {"fields": ["description", "when", "usage", "mistakes"]}),
        ("Specification", {"fields": ["spec_document", "spec_section", "spec_url"]}),
        ("Behaviour", {"fields": ["retry", "retry_note", "cacheable", "headers", "related"]}),
        (None, {"fields": ["example", "reviewed"]}),
    ]

    @admin.display(description="class")
    def class_slug(self, obj):
        return obj.class_slug

    def get_form(self, request, obj=None, **kwargs):
        base = kwargs.get("form", self.form)
        kwargs["form"] = type(base.__name__, (ReferenceCheckedForm, base), {})
        return super().get_form(request, obj, **kwargs)

    def get_deleted_objects(self, objs, request):
        """A meaning that comparisons or related lists name is protected: the page lists them."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        protected = [*protected, *filter(None, (refusal(code, "deleted") for code in objs))]
        return deleted, counts, perms_needed, protected


@admin.register(StatusClass)
class StatusClassAdmin(PreviewAdmin, HistoryAdmin):
    list_display = ["digit", "name", "summary", "updated_at"]
    fields = ["digit", "name", "summary", "overview"]

    def get_deleted_objects(self, objs, request):
        """A class with codes in it is protected: every code page names its class."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for status_class in objs:
            codes = StatusCode.objects.in_class(status_class.digit).count()
            if codes:
                protected = [*protected, f"{codes} code(s) of the {status_class.slug} class: delete or move them first"]
        return deleted, counts, perms_needed, protected


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
    formfield_overrides = URL_AS_HTTPS
    list_display = ["slug", "name", "kind", "rank", "url"]
    list_filter = ["kind"]
    search_fields = ["slug", "name"]
    fields = ["slug", "name", "kind", "url", "rank", "description"]


class ComparisonForm(forms.ModelForm):
    codes = CommaSeparatedField(help_text="Two to four codes, lowest number first: 401, 403 or 499, 499/esri.")

    class Meta:
        model = Comparison
        fields = "__all__"  # noqa: DJ007 - the admin's fields choose and order them

    def clean_codes(self):
        """The same rules as content/comparisons/: the codes exist, in their one canonical order."""
        refs = [int(ref) if ref.isdigit() else ref for ref in self.cleaned_data["codes"]]
        try:
            refs = comparison_codes(refs)
        except ValueError as exc:
            raise forms.ValidationError(f"The list {exc}.") from None
        meanings: dict[int, list[str]] = {}
        numbers = {int(str(ref).partition("/")[0]) for ref in refs}
        for code in StatusCode.objects.filter(number__in=numbers).order_by("number", "source__rank", "source__slug"):
            meanings.setdefault(code.number, []).append(code.source.slug)
        problem = comparison_order_problem(refs, meanings)
        if problem:
            raise forms.ValidationError(problem[0].upper() + problem[1:] + ".")
        if Comparison.objects.filter(slug=comparison_slug(refs)).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("These codes already have a comparison.")
        return refs


@admin.register(Comparison)
class ComparisonAdmin(PreviewAdmin, HistoryAdmin):
    form = ComparisonForm
    list_display = ["slug", "title", "reviewed", "updated_at"]
    search_fields = ["slug", "title", "summary"]
    readonly_fields = ["slug"]
    fields = ["slug", "codes", "title", "summary", "key_difference", "guidance_heading", "guidance", "reviewed"]
