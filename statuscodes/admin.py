"""Editing in Django admin: every field, causes and fixes inline, comparisons, lists as comma-separated text."""

import copy

from django import forms
from django.contrib import admin
from django.db import models

from statuscodes import retry_policy
from statuscodes.content import (
    RELATED_REF,
    comparison_codes,
    comparison_order_problem,
    field_problem,
    normalise_markdown,
    record_problem,
)
from statuscodes.history import HistoryAdmin
from statuscodes.models import (
    Cause,
    Comparison,
    ErrorCause,
    ErrorFix,
    Fix,
    PlatformError,
    Source,
    StatusClass,
    StatusCode,
    comparison_slug,
)
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


def sentence(problem: str) -> str:
    return problem[0].upper() + problem[1:] + "."


class ContentForm(forms.ModelForm):
    """A record kept in content/: markdown saved as the files hold it, every field checked by the loader.

    A value is refused when its content file would not read it back as itself (content.field_problem),
    so that whatever the admin saves, export_content writes and load_content reads back unchanged.
    """

    folder = ""  # the kind's folder in content/
    markdown_fields: tuple[str, ...] = ()
    file_fields: dict[str, str] = {}  # form field -> its field in the content file
    # The file's fields this form does not edit; None when the form is not a whole record.
    record_rest: dict | None = None

    def clean(self):
        cleaned = super().clean()
        for name in self.markdown_fields:
            if isinstance(cleaned.get(name), str):  # browsers send CRLF; files hold LF
                cleaned[name] = normalise_markdown(cleaned[name])
        for name, file_field in self.file_fields.items():
            problem = name in cleaned and field_problem(self.folder, file_field, self.file_value(name, cleaned[name]))
            if problem:
                self.add_error(name, sentence(problem))
        if self.record_rest is not None and not self.errors and all(name in cleaned for name in self.file_fields):
            problem = record_problem(self.folder, self.file_record(cleaned))
            if problem:
                raise forms.ValidationError(sentence(problem))
        return cleaned

    def file_value(self, name: str, value):
        """A cleaned value as its field in the file holds it (a dict fills in part of one)."""
        return value

    def clean_retry_policy(self):
        value = self.cleaned_data.get("retry_policy") or {}  # an emptied box means no overrides, as in the file
        if not isinstance(value, dict):
            raise forms.ValidationError(f"Must be a mapping of some of: {', '.join(retry_policy.OVERRIDES)}.")
        return value

    def check_retry_rule(self, cleaned: dict, number: int | None, logs_only: bool) -> None:
        """The label and the overrides must agree, as check_content holds files to (retry_policy.record_problems)."""
        if number is None or not isinstance(cleaned.get("retry_policy"), dict) or "retry" not in cleaned:
            return
        for name, problem in retry_policy.record_problems(number, cleaned["retry"], cleaned["retry_policy"], logs_only):
            self.add_error(name, sentence(problem))

    def file_record(self, cleaned: dict) -> dict:
        record = copy.deepcopy(self.record_rest)
        for name, file_field in self.file_fields.items():
            value = self.file_value(name, cleaned[name])
            record[file_field] = record.get(file_field, {}) | value if isinstance(value, dict) else value
        return record


class StatusCodeForm(ContentForm):
    aliases = CommaSeparatedField(required=False, help_text="Former names, comma-separated.")
    request_headers = CommaSeparatedField(required=False, help_text="Headers the client sends, comma-separated.")
    response_headers = CommaSeparatedField(required=False, help_text="Headers the response carries, comma-separated.")
    related = CommaSeparatedField(required=False, help_text="Codes such as 502, 504, 499/esri.")
    spec_url = forms.URLField(max_length=300, assume_scheme="https")

    class Meta:
        model = StatusCode
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose and order them

    folder = "codes"
    markdown_fields = ("description", "when", "usage", "mistakes", "example")
    file_fields = {
        "number": "code", "source": "source", "name": "name", "official": "official", "status": "status",
        "aliases": "aliases", "sent_by": "sent_by", "summary": "summary", "description": "description",
        "when": "when", "usage": "usage", "mistakes": "mistakes", "spec_document": "spec", "spec_section": "spec",
        "spec_url": "spec", "retry": "retry", "retry_note": "retry_note", "retry_policy": "retry_policy",
        "caching": "caching",
        "request_headers": "request_headers",
        "response_headers": "response_headers", "related": "related", "example": "example", "reviewed": "reviewed",
    }  # fmt: skip
    record_rest = {"causes": [], "fixes": []}  # inline forms, each checked by CauseForm and FixForm

    def file_value(self, name: str, value):
        if name == "source":
            return value.slug
        if name.startswith("spec_"):
            return {name.removeprefix("spec_"): value}
        return value

    def clean(self):
        """What the loader checks across files, for this one: official means the standard source, no self-reference."""
        cleaned = super().clean()
        source, number = cleaned.get("source"), cleaned.get("number")
        if source and "official" in cleaned and cleaned["official"] != (source.kind == Source.STANDARD):
            self.add_error("official", "Tick it exactly for the codes of a standard source (IANA).")
        if source and number and "related" in cleaned:
            others = StatusCode.objects.filter(number=number).exclude(pk=self.instance.pk)
            primary = not others.filter(source__rank__lt=source.rank).exists()
            for ref in cleaned["related"]:
                if ref == f"{number}/{source.slug}" or (ref == number and primary):
                    self.add_error("related", f"A code cannot be related to itself ({ref}).")
                    break
        self.check_retry_rule(cleaned, number, cleaned.get("sent_by") == "logs-only")
        return cleaned

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


class CauseForm(ContentForm):
    """One '### Title' item of a code's '## Causes'."""

    class Meta:
        model = Cause
        fields = ["position", "title", "body"]

    folder = "codes"
    markdown_fields = ("body",)
    file_fields = {"title": "causes", "body": "causes"}

    def file_value(self, name: str, value):
        return {name: value}


class FixForm(CauseForm):
    """One '### [audience] Title' item of a code's '## Fixes'."""

    class Meta:
        model = Fix
        fields = ["position", "audience", "title", "body"]

    file_fields = {"title": "fixes", "body": "fixes"}

    def file_value(self, name: str, value):
        return {name: value} | ({"audience": self.cleaned_data.get("audience", "")} if name == "title" else {})


class CauseInline(admin.StackedInline):
    model = Cause
    form = CauseForm
    extra = 0
    fields = ["position", "title", "body"]


class FixInline(admin.StackedInline):
    model = Fix
    form = FixForm
    extra = 0
    fields = ["position", "audience", "title", "body"]


@admin.register(StatusCode)
class StatusCodeAdmin(PreviewAdmin, HistoryAdmin):
    form = StatusCodeForm
    formfield_overrides = URL_AS_HTTPS
    inlines = [CauseInline, FixInline]
    list_display = ["number", "name", "class_slug", "source", "official", "status", "reviewed", "updated_at"]
    list_display_links = ["number", "name"]
    list_filter = [ClassFilter, "official", "source", "status", "retry", "caching"]
    search_fields = ["=number", "name", "aliases", "summary"]
    list_select_related = ["source"]
    ordering = ["number", "source__rank"]
    fieldsets = [
        (None, {"fields": ["number", "source", "name", "official", "status", "aliases", "sent_by", "summary"]}),
        ("Prose (markdown)", {"fields": ["description", "when", "usage", "mistakes"]}),
        ("Specification", {"fields": ["spec_document", "spec_section", "spec_url"]}),
        (
            "Behaviour",
            {
                "fields": [
                    "retry",
                    "retry_note",
                    "retry_policy",
                    "caching",
                    "request_headers",
                    "response_headers",
                    "related",
                ]
            },
        ),
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


class StatusClassForm(ContentForm):
    class Meta:
        model = StatusClass
        fields = ["digit", "name", "summary", "overview"]

    folder = "classes"
    markdown_fields = ("overview",)
    file_fields = {"digit": "class", "name": "name", "summary": "summary", "overview": "overview"}
    record_rest = {}

    def file_value(self, name: str, value):
        return f"{value}xx" if name == "digit" else value


class SourceForm(ContentForm):
    url = forms.URLField(max_length=300, assume_scheme="https")

    class Meta:
        model = Source
        fields = ["slug", "name", "kind", "url", "rank", "description"]

    folder = "sources"
    markdown_fields = ("description",)
    file_fields = {"slug": "source", "name": "name", "kind": "kind", "url": "url", "rank": "rank",
                   "description": "description"}  # fmt: skip
    record_rest = {}

    def clean_kind(self):
        """The loader holds every code of a standard source official and no vendor code, so the kind stays."""
        kind = self.cleaned_data["kind"]
        if self.instance.pk and self.instance.codes.filter(official=kind != Source.STANDARD).exists():
            raise forms.ValidationError(
                "Its codes say otherwise: every code of a standard source is official and no vendor code is. "
                "Change the kind and the codes together in content/, then load them."
            )
        return kind


@admin.register(StatusClass)
class StatusClassAdmin(PreviewAdmin, HistoryAdmin):
    form = StatusClassForm
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
    form = SourceForm
    formfield_overrides = URL_AS_HTTPS
    list_display = ["slug", "name", "kind", "rank", "url"]
    list_filter = ["kind"]
    search_fields = ["slug", "name"]
    fields = ["slug", "name", "kind", "url", "rank", "description"]


class ComparisonForm(ContentForm):
    codes = CommaSeparatedField(help_text="Two to four codes, lowest number first: 401, 403 or 499, 499/esri.")

    class Meta:
        model = Comparison
        fields = "__all__"  # noqa: DJ007 - the admin's fields choose and order them

    folder = "comparisons"
    markdown_fields = ("key_difference", "guidance")
    file_fields = {name: name for name in ("codes", "title", "summary", "reviewed", "key_difference",
                                           "guidance_heading", "guidance")}  # fmt: skip
    record_rest = {}

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


class PlatformErrorForm(ContentForm):
    statuses = CommaSeparatedField(required=False, help_text="HTTP statuses it arrives with, such as 403, 503.")
    shows_in = CommaSeparatedField(help_text="Any of: page, header, log.")
    aliases = CommaSeparatedField(required=False, help_text="Other names and printed texts, comma-separated.")
    related_codes = CommaSeparatedField(required=False, help_text="Status codes such as 403, 499/esri.")
    related_errors = CommaSeparatedField(required=False, help_text="Errors such as cloudflare/1015, iis/500.19.")
    spec_url = forms.URLField(max_length=300, assume_scheme="https")

    class Meta:
        model = PlatformError
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose and order them

    folder = "errors"
    markdown_fields = ("description", "when", "compared")
    file_fields = {
        "code": "error", "source": "source", "name": "name", "statuses": "statuses", "status_note": "status_note",
        "shows_in": "shows_in", "aliases": "aliases", "summary": "summary", "spec_document": "spec",
        "spec_url": "spec", "retry": "retry", "retry_note": "retry_note", "retry_policy": "retry_policy",
        "related_codes": "related_codes",
        "related_errors": "related_errors", "reviewed": "reviewed", "description": "description", "when": "when",
        "compared": "compared",
    }  # fmt: skip
    # The inline forms check each cause and fix; an error's file needs one of each, so stand-ins fill them here.
    record_rest = {
        "causes": [{"title": "Cause", "body": "Body."}],
        "fixes": [{"title": "Fix", "body": "Body.", "audience": ""}],
    }

    def file_value(self, name: str, value):
        if name in ("statuses", "related_codes"):  # 403 is a number in the file, 499/esri text
            return [int(v) if str(v).isdigit() else v for v in value]
        return StatusCodeForm.file_value(self, name, value)  # the source's slug, a part of spec

    def clean_statuses(self):
        return self.file_value("statuses", self.cleaned_data["statuses"])

    def clean_related_codes(self):
        return self.file_value("related_codes", self.cleaned_data["related_codes"])

    def clean(self):
        cleaned = super().clean()
        statuses = cleaned.get("statuses")
        self.check_retry_rule(cleaned, statuses[0] if statuses else 500, logs_only=False)
        return cleaned


class ErrorCauseForm(CauseForm):
    class Meta:
        model = ErrorCause
        fields = ["position", "title", "body"]

    folder = "errors"


class ErrorFixForm(FixForm):
    class Meta:
        model = ErrorFix
        fields = ["position", "audience", "title", "body"]

    folder = "errors"


class ErrorCauseInline(CauseInline):
    model, form = ErrorCause, ErrorCauseForm


class ErrorFixInline(FixInline):
    model, form = ErrorFix, ErrorFixForm


@admin.register(PlatformError)
class PlatformErrorAdmin(PreviewAdmin, HistoryAdmin):
    form = PlatformErrorForm
    formfield_overrides = URL_AS_HTTPS
    inlines = [ErrorCauseInline, ErrorFixInline]
    list_display = ["code", "name", "source", "statuses", "retry", "reviewed", "updated_at"]
    list_display_links = ["code", "name"]
    list_filter = ["source", "retry"]
    search_fields = ["code", "name", "aliases", "summary"]
    list_select_related = ["source"]
    fieldsets = [
        (None, {"fields": ["source", "code", "name", "statuses", "status_note", "shows_in", "aliases", "summary"]}),
        ("Prose (markdown)", {"fields": ["description", "when", "compared"]}),
        ("Specification", {"fields": ["spec_document", "spec_url"]}),
        ("Behaviour", {"fields": ["retry", "retry_note", "retry_policy", "related_codes", "related_errors"]}),
        (None, {"fields": ["reviewed"]}),
    ]
