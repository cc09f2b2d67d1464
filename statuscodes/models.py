"""The data model: sources, classes, each meaning of a status code with its causes and fixes, comparisons."""

import re

import reversion
from django.db import models
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from statuscodes import cache_rules, markup
from statuscodes.retry_policy import policy_of


def retry_policy_field() -> models.JSONField:
    """A meaning's or a platform error's overrides of its retry label's rule (statuscodes.retry_policy)."""
    return models.JSONField(
        "retry policy overrides",
        default=dict,
        blank=True,
        help_text="Only what differs from the label's defaults: when, not_processed, max_retries, circuit_breaker, "
        "reason. See /retries.",
    )


class Revision(models.Model):
    """One row whose counter moves on every content change: the key of every cached page."""

    number = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField(default=timezone.now)
    local_changes = 0  # not a field: how many bumps this process made, so it sees its own at once

    def __str__(self) -> str:
        return f"revision {self.number} at {self.changed_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def current(cls) -> "Revision":
        revision, _ = cls.objects.get_or_create(pk=1)
        return revision

    @classmethod
    def bump(cls) -> None:
        if not cls.objects.filter(pk=1).update(number=F("number") + 1, changed_at=timezone.now()):
            cls.objects.get_or_create(pk=1)
        cls.local_changes += 1  # this process reads the new revision at once (caching.current_revision)


class RenderedModel(models.Model):
    """Markdown rendered to sanitised HTML on save, and a content revision bump on every change."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.render()
        super().save(*args, **kwargs)
        Revision.bump()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        Revision.bump()
        return result

    def render(self) -> None:
        """Fill the *_html fields from their markdown; subclasses name the pairs. References to a
        meaning ("499/esri") link to its page when its source exists."""
        sources = frozenset(Source.objects.values_list("slug", flat=True)) if self.markdown_fields else frozenset()
        for name in self.markdown_fields:
            setattr(self, f"{name}_html", markup.render(getattr(self, name), sources))

    def prose(self, name: str) -> dict:
        """A markdown field with its sanitised HTML, the way the API returns prose."""
        return {"markdown": getattr(self, name), "html": getattr(self, f"{name}_html")}

    markdown_fields: tuple[str, ...] = ()


class ContentModel(RenderedModel):
    """What everything loaded from a file of its own in content/ shares."""

    # sha256 of the record as its content file said when last loaded or exported; an edit made
    # since then (in the admin) shows as a difference, and load_content will not overwrite it.
    loaded_hash = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Source(ContentModel):
    """Who defines a meaning: IANA, or a vendor such as Cloudflare or nginx."""

    STANDARD, VENDOR = "standard", "vendor"
    KIND_CHOICES = [(STANDARD, "Standard"), (VENDOR, "Vendor")]

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=KIND_CHOICES, default=VENDOR)
    url = models.URLField(max_length=300)
    # Unique, so that the primary meaning of a shared number (the lowest rank) is never a tie.
    rank = models.PositiveIntegerField(
        unique=True, help_text="Lower ranks come first when one number has several meanings."
    )
    description = models.TextField(blank=True)
    description_html = models.TextField(blank=True, editable=False)

    markdown_fields = ("description",)

    class Meta:
        ordering = ["rank", "slug"]

    def __str__(self) -> str:
        return self.name

    def to_dict(self) -> dict:
        return {"slug": self.slug, "name": self.name, "kind": self.kind, "url": self.url}


class StatusClassQuerySet(models.QuerySet):
    def by_slug(self, slug: str) -> "StatusClass | None":
        return self.filter(digit=int(slug[0])).first() if slug[:1] in "12345" else None


class StatusClass(ContentModel):
    """A class of codes (1xx ... 5xx) with the rules that apply to all of it."""

    digit = models.PositiveSmallIntegerField(unique=True, choices=[(d, f"{d}xx") for d in range(1, 6)])
    name = models.CharField(max_length=60)
    summary = models.CharField(max_length=300)
    overview = models.TextField()
    overview_html = models.TextField(blank=True, editable=False)

    objects = StatusClassQuerySet.as_manager()
    markdown_fields = ("overview",)

    class Meta:
        ordering = ["digit"]
        verbose_name_plural = "status classes"

    def __str__(self) -> str:
        return f"{self.slug} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("class_detail", args=[self.slug])

    @property
    def slug(self) -> str:
        return f"{self.digit}xx"

    def to_dict(self) -> dict:
        return {
            "class": self.slug,
            "name": self.name,
            "summary": self.summary,
            "overview": self.prose("overview"),
            "url": self.get_absolute_url(),
            "api_url": reverse("api_class_detail", args=[self.slug]),
        }


class StatusCodeQuerySet(models.QuerySet):
    def for_number(self, number: int):
        """Every meaning of a number, the primary one (lowest source rank) first."""
        return self.filter(number=number).select_related("source").order_by("source__rank")

    def in_class(self, digit: int):
        return self.filter(number__gte=digit * 100, number__lt=digit * 100 + 100)

    def listing(self):
        """Every meaning in page order, each knowing whether it is its number's primary one."""
        first_rank = (
            StatusCode.objects.filter(number=models.OuterRef("number"))
            .order_by("source__rank")
            .values("source__rank")[:1]
        )
        return (
            self.select_related("source")
            .annotate(primary_rank=models.Subquery(first_rank))
            .order_by("number", "source__rank")
        )


class StatusCode(ContentModel):
    """One meaning of a status code: a number as one source defines it."""

    STATUS_CHOICES = [
        ("current", "Current"),
        ("deprecated", "Deprecated"),
        ("obsolete", "Obsolete"),
        ("unused", "Unused"),
        ("experimental", "Experimental"),
        ("temporary", "Temporary"),
    ]
    SENT_BY_CHOICES = [
        ("origin", "The origin server"),
        ("proxy", "A proxy or gateway"),
        ("cdn", "A CDN edge"),
        ("load-balancer", "A load balancer"),
        ("any", "Any server"),
        ("logs-only", "Nobody: it appears only in logs"),
    ]
    RETRY_CHOICES = [
        ("not-applicable", "Not applicable"),
        ("safe", "Safe to retry"),
        ("retry-after", "Retry after Retry-After"),
        ("backoff", "Retry with backoff"),
        ("never", "Do not retry"),
    ]

    number = models.PositiveSmallIntegerField(db_index=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="codes")
    name = models.CharField("reason phrase", max_length=100)
    official = models.BooleanField(default=False, help_text="In the IANA registry.")
    status = models.CharField(max_length=12, choices=STATUS_CHOICES, default="current")
    aliases = models.JSONField("former names", default=list, blank=True)
    sent_by = models.CharField(max_length=13, choices=SENT_BY_CHOICES, default="origin")
    summary = models.CharField(max_length=300)
    description = models.TextField()
    description_html = models.TextField(blank=True, editable=False)
    when = models.TextField("when you see it")
    when_html = models.TextField(blank=True, editable=False)
    usage = models.TextField("how to use it", blank=True)
    usage_html = models.TextField(blank=True, editable=False)
    mistakes = models.TextField("common mistakes", blank=True)
    mistakes_html = models.TextField(blank=True, editable=False)
    spec_document = models.CharField(max_length=200)
    spec_section = models.CharField(max_length=40, blank=True)
    spec_url = models.URLField(max_length=300)
    retry = models.CharField(max_length=14, choices=RETRY_CHOICES, default="not-applicable")
    retry_note = models.CharField(max_length=500, blank=True)
    retry_policy = retry_policy_field()
    caching = models.CharField(
        max_length=14, choices=list(cache_rules.POLICIES.items()), default="explicit",
        help_text="What a cache may do with this response (check_content holds it to the RFCs).",
    )  # fmt: skip
    request_headers = models.JSONField(
        "request headers", default=list, blank=True, help_text="Headers the client sends that matter here."
    )
    response_headers = models.JSONField(
        "response headers", default=list, blank=True, help_text="Headers the response carries that matter here."
    )
    related = models.JSONField(
        "related codes", default=list, blank=True, help_text='Numbers, or "499/esri" for one meaning.'
    )
    example = models.TextField("example HTTP exchange", blank=True)
    reviewed = models.DateField("last reviewed")

    objects = StatusCodeQuerySet.as_manager()
    retry_rule = policy_of  # the whole policy: the label's defaults and the overrides merged

    markdown_fields = ("description", "when", "usage", "mistakes")

    class Meta:
        ordering = ["number", "source__rank"]
        constraints = [
            models.UniqueConstraint(fields=["number", "source"], name="one_meaning_per_source"),
            models.CheckConstraint(condition=models.Q(number__gte=100, number__lte=599), name="number_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name} ({self.source.slug})"

    def get_absolute_url(self) -> str:
        """/499 for a number's primary meaning, /esri/499 for any other: one address per meaning."""
        if self.is_primary:
            return reverse("code_detail", args=[self.number])
        return reverse("meaning_detail", args=[self.source.slug, self.number])

    def retry_question(self) -> str:
        """This meaning's /api/v1/retry address: its decision for a GET."""
        query = f"status={self.number}" if self.is_primary else f"status={self.number}&source={self.source.slug}"
        return f"{reverse('api_retry')}?{query}"

    @property
    def digit(self) -> int:
        return self.number // 100

    @property
    def class_slug(self) -> str:
        return f"{self.digit}xx"

    @property
    def heading_name(self) -> str:
        """The name for titles and headings: a registry placeholder such as "(Unused)" is led by the
        name people search for, its first alias: "418 I'm a teapot (Unused)"."""
        if self.name.startswith("(") and self.aliases:
            return f"{self.aliases[0]} {self.name}"
        return self.name

    @property
    def headers(self) -> list[str]:
        """Request and response headers in one list, each once (the API's first version had only this)."""
        return list(dict.fromkeys(self.request_headers + self.response_headers))

    @property
    def cacheable(self) -> bool:
        """Heuristically cacheable: the old yes/no, kept for the API's first version."""
        return self.caching == "default"

    @property
    def caching_rule(self) -> str:
        """The rule the caching policy comes from, in a sentence."""
        policy, rule = cache_rules.caching_rule(self.number, self.official, self.sent_by)
        return rule if policy == self.caching else cache_rules.POLICIES[self.caching] + "."

    @property
    def caching_text(self) -> str:
        return cache_rules.POLICIES[self.caching]

    @property
    def is_primary(self) -> bool:
        if hasattr(self, "primary_rank"):  # annotated by listing(): no query
            return self.source.rank == self.primary_rank
        first = StatusCode.objects.for_number(self.number).values_list("pk", flat=True).first()
        return first == self.pk

    def related_codes(self, index: dict[int, list["StatusCode"]] | None = None) -> list["StatusCode"]:
        """Resolve the related list to meanings, in the order the editor gave.

        `index` maps each number to its meanings, primary first: given it, nothing is queried,
        which is how the API's export resolves every code's list at once.
        """
        found = []
        for ref in self.related:
            number, _, source = str(ref).partition("/")
            if index is not None:
                meanings = index.get(int(number), [])
                meaning = next((m for m in meanings if m.source.slug == source or not source), None)
            else:
                meanings = StatusCode.objects.for_number(int(number))
                meaning = meanings.filter(source__slug=source).first() if source else meanings.first()
            if meaning is not None:
                found.append(meaning)
        return found

    def summary_dict(self) -> dict:
        """The short form the API lists: enough to label a code and follow its links."""
        return {
            "code": self.number,
            "name": self.name,
            "class": self.class_slug,
            "source": self.source.slug,
            "source_name": self.source.name,
            "official": self.official,
            "status": self.status,
            "summary": self.summary,
            "url": self.get_absolute_url(),
            "api_url": reverse("api_meaning", args=[self.number, self.source.slug]),
        }

    def to_dict(self, related: list["StatusCode"] | None = None) -> dict:
        """Every field, prose as markdown and HTML; `related` saves resolving the list again."""
        related = self.related_codes() if related is None else related
        optional = {name: self.prose(name) if getattr(self, name) else None for name in ("usage", "mistakes")}
        return {
            **self.summary_dict(),
            "aliases": list(self.aliases),
            "sent_by": self.sent_by,
            "description": self.prose("description"),
            "when": self.prose("when"),
            **optional,
            "causes": [cause.to_dict() for cause in self.causes.all()],
            "fixes": [fix.to_dict() for fix in self.fixes.all()],
            "retry": {"policy": self.retry, "note": self.retry_note, **self.retry_rule().to_dict()},
            "caching": {"policy": self.caching, "rule": self.caching_rule},
            "cacheable": self.cacheable,  # deprecated in OpenAPI: "caching" says more
            "request_headers": list(self.request_headers),
            "response_headers": list(self.response_headers),
            "headers": self.headers,  # deprecated in OpenAPI: both lists in one
            "related": [meaning.summary_dict() for meaning in related],
            "reference": {
                "document": self.spec_document,
                "section": self.spec_section or None,
                "url": self.spec_url,
            },
            "example": self.example or None,
            "reviewed": self.reviewed.isoformat(),
            "updated": self.updated_at.isoformat(),
        }


class CodeItem(RenderedModel):
    """An ordered, titled piece of markdown belonging to one meaning: a cause or a fix."""

    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    body = models.TextField()
    body_html = models.TextField(blank=True, editable=False)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    markdown_fields = ("body",)

    def __str__(self) -> str:
        return self.title

    def to_dict(self) -> dict:
        return {"title": self.title, "body": {"markdown": self.body, "html": self.body_html}}


class Cause(CodeItem):
    """Why a code happens."""

    code = models.ForeignKey(StatusCode, on_delete=models.CASCADE, related_name="causes")

    class Meta(CodeItem.Meta):
        pass


class Fix(CodeItem):
    """How to fix a code, optionally for one audience."""

    AUDIENCE_CHOICES = [
        ("", "Everyone"),
        ("visitor", "Visitors"),
        ("owner", "Site owners"),
        ("developer", "Developers"),
        ("client", "Client programs"),
    ]

    code = models.ForeignKey(StatusCode, on_delete=models.CASCADE, related_name="fixes")
    audience = models.CharField(max_length=10, choices=AUDIENCE_CHOICES, blank=True)

    class Meta(CodeItem.Meta):
        verbose_name_plural = "fixes"

    def to_dict(self) -> dict:
        return {**super().to_dict(), "audience": self.audience or None}


def comparison_slug(refs: list) -> str:
    """[499, "499/esri"] -> "499-vs-499-esri": a comparison's address and file name."""
    return "-vs-".join(str(ref).replace("/", "-") for ref in refs)


class ComparisonQuerySet(models.QuerySet):
    def mentioning(self, number: int) -> list["Comparison"]:
        """The curated comparisons that include any meaning of a number.

        There are a few dozen, so they are filtered in Python: JSON containment lookups are not
        available on SQLite.
        """
        return [comparison for comparison in self if number in comparison.numbers]


class Comparison(ContentModel):
    """Curated notes on two to four codes people confuse, shown above the generated comparison."""

    WHEN_TO_USE = "When to use which"
    TELL_APART = "How to tell them apart"
    GUIDANCE_CHOICES = [(WHEN_TO_USE, WHEN_TO_USE), (TELL_APART, TELL_APART)]

    slug = models.CharField(max_length=200, unique=True, editable=False)
    codes = models.JSONField(help_text='Two to four codes, lowest number first: "401, 403" or "499, 499/esri".')
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300)
    key_difference = models.TextField()
    key_difference_html = models.TextField(blank=True, editable=False)
    guidance_heading = models.CharField(max_length=30, choices=GUIDANCE_CHOICES, default=WHEN_TO_USE)
    guidance = models.TextField()
    guidance_html = models.TextField(blank=True, editable=False)
    reviewed = models.DateField("last reviewed")

    objects = ComparisonQuerySet.as_manager()
    markdown_fields = ("key_difference", "guidance")

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.slug = comparison_slug(self.codes)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("comparison_detail", args=[self.slug])

    @property
    def numbers(self) -> list[int]:
        return [int(str(ref).partition("/")[0]) for ref in self.codes]

    @property
    def markdown(self) -> str:
        """The notes as the file writes them: the two sections under their headings."""
        key, guidance = self.key_difference.strip(), self.guidance.strip()
        return f"## Key difference\n\n{key}\n\n## {self.guidance_heading}\n\n{guidance}"

    @property
    def html(self) -> str:
        return format_html(
            "<h2>Key difference</h2>\n{}\n<h2>{}</h2>\n{}",
            mark_safe(self.key_difference_html),  # noqa: S308 - sanitised by markup.render on save
            self.guidance_heading,
            mark_safe(self.guidance_html),  # noqa: S308 - sanitised by markup.render on save
        )

    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "summary": self.summary,
            "markdown": self.markdown,
            "html": str(self.html),
            "reviewed": self.reviewed.isoformat(),
        }


class PlatformErrorQuerySet(models.QuerySet):
    def arriving_with(self, number: int) -> list["PlatformError"]:
        """The platform errors documented to come with an HTTP status, by source then code.

        A few hundred at most, filtered in Python: JSON containment lookups are not portable.
        """
        errors = self.select_related("source").order_by("source__rank", "code")
        return [error for error in errors if number in error.statuses]


class PlatformError(ContentModel):
    """An error a platform reports on top of the status line: Cloudflare 1020, IIS 500.19, Heroku H12."""

    SHOWN_IN_CHOICES = [("page", "The error page"), ("header", "A response header"), ("log", "A log line")]

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="errors")
    code = models.CharField(max_length=20, help_text="As the platform writes it: 1020, 500.19, H12.")
    name = models.CharField(max_length=100)
    statuses = models.JSONField(
        "HTTP statuses", default=list, blank=True, help_text="The statuses it is documented to arrive with."
    )
    status_note = models.CharField(max_length=300, blank=True, help_text="Needed when no status is documented.")
    shows_in = models.JSONField("where it shows", default=list, blank=True)
    aliases = models.JSONField("other names", default=list, blank=True)
    summary = models.CharField(max_length=300)
    description = models.TextField()
    description_html = models.TextField(blank=True, editable=False)
    when = models.TextField("when you see it")
    when_html = models.TextField(blank=True, editable=False)
    compared = models.TextField(
        "compared with", blank=True, help_text="Curated: how it differs from the codes or errors it is confused with."
    )
    compared_html = models.TextField(blank=True, editable=False)
    spec_document = models.CharField(max_length=200)
    spec_url = models.URLField(max_length=300)
    retry = models.CharField(max_length=14, choices=StatusCode.RETRY_CHOICES, default="not-applicable")
    retry_note = models.CharField(max_length=500, blank=True)
    retry_policy = retry_policy_field()
    related_codes = models.JSONField(default=list, blank=True, help_text="Status codes such as 403 or 499/esri.")
    related_errors = models.JSONField(default=list, blank=True, help_text="Errors such as cloudflare/1015.")
    reviewed = models.DateField("last reviewed")

    objects = PlatformErrorQuerySet.as_manager()
    retry_rule = policy_of  # the whole policy: the label's defaults and the overrides merged

    markdown_fields = ("description", "when", "compared")

    class Meta:
        ordering = ["source__rank", "code"]
        constraints = [models.UniqueConstraint(fields=["source", "code"], name="one_error_per_source_and_code")]

    def __str__(self) -> str:
        return f"{self.source.name} {self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("error_detail", args=[self.source.slug, self.code])

    def retry_question(self) -> str:
        """This error's /api/v1/retry address, for the first status it arrives with (500 if none is documented)."""
        status = self.statuses[0] if self.statuses else 500
        return f"{reverse('api_retry')}?status={status}&source={self.source.slug}&error={self.code}"

    @property
    def ref(self) -> str:
        return f"{self.source.slug}/{self.code}"

    def compared_topics(self) -> list[str]:
        """The bold leads of the curated comparison ("1015 and a plain 429"): what it is set beside."""
        return [lead.rstrip(".:") for lead in re.findall(r"\*\*(.+?)\*\*", self.compared)]

    def status_codes(self) -> list[StatusCode]:
        """The primary meaning of each status it arrives with, in the listed order."""
        by_number = {}
        for code in StatusCode.objects.listing().filter(number__in=self.statuses):
            by_number.setdefault(code.number, code)
        return [by_number[number] for number in self.statuses if number in by_number]

    def related_code_meanings(self, index: dict[int, list[StatusCode]] | None = None) -> list[StatusCode]:
        """The related codes as meanings; given `index` (number -> meanings), nothing is queried."""
        return StatusCode(related=self.related_codes).related_codes(index)

    def related_error_list(self, by_ref: dict[str, "PlatformError"] | None = None) -> list["PlatformError"]:
        """The related errors in the editor's order; given `by_ref` ("cloudflare/1015" -> error), no query."""
        if by_ref is None:
            codes = [ref.split("/", 1)[1] for ref in self.related_errors]
            by_ref = {
                error.ref: error for error in PlatformError.objects.select_related("source").filter(code__in=codes)
            }
        return [by_ref[ref] for ref in self.related_errors if ref in by_ref]

    def summary_dict(self) -> dict:
        return {
            "source": self.source.slug,
            "source_name": self.source.name,
            "code": self.code,
            "name": self.name,
            "statuses": list(self.statuses),
            "summary": self.summary,
            "url": self.get_absolute_url(),
            "api_url": reverse("api_error_detail", args=[self.source.slug, self.code]),
        }

    def to_dict(self, index: dict | None = None, by_ref: dict | None = None) -> dict:
        """Every field; `index` and `by_ref` resolve the related lists from memory (the export)."""
        return {
            **self.summary_dict(),
            "status_note": self.status_note or None,
            "shows_in": list(self.shows_in),
            "aliases": list(self.aliases),
            "description": self.prose("description"),
            "when": self.prose("when"),
            "compared": self.prose("compared") if self.compared else None,
            "causes": [cause.to_dict() for cause in self.causes.all()],
            "fixes": [fix.to_dict() for fix in self.fixes.all()],
            "retry": {"policy": self.retry, "note": self.retry_note, **self.retry_rule().to_dict()},
            "related_codes": [meaning.summary_dict() for meaning in self.related_code_meanings(index)],
            "related_errors": [error.summary_dict() for error in self.related_error_list(by_ref)],
            "reference": {"document": self.spec_document, "url": self.spec_url},
            "reviewed": self.reviewed.isoformat(),
            "updated": self.updated_at.isoformat(),
        }


class ErrorCause(CodeItem):
    """Why a platform error happens."""

    error = models.ForeignKey(PlatformError, on_delete=models.CASCADE, related_name="causes")


class ErrorFix(CodeItem):
    """How to fix a platform error, optionally for one audience."""

    error = models.ForeignKey(PlatformError, on_delete=models.CASCADE, related_name="fixes")
    audience = models.CharField(max_length=10, choices=Fix.AUDIENCE_CHOICES, blank=True)

    class Meta(CodeItem.Meta):
        verbose_name_plural = "error fixes"

    def to_dict(self) -> dict:
        return {**super().to_dict(), "audience": self.audience or None}


# Every change to content is kept as a version (django-reversion), whoever makes it: a code is
# versioned together with its causes and fixes, so restoring it restores them too.
for _model, _follow in [(Source, ()), (StatusClass, ()), (StatusCode, ("causes", "fixes")), (Cause, ()), (Fix, ()),
                        (Comparison, ()), (PlatformError, ("causes", "fixes")), (ErrorCause, ()),
                        (ErrorFix, ())]:  # fmt: skip
    reversion.register(_model, follow=_follow)
