"""What differs between two to four codes: the data behind /compare/... pages and the compare API.

A comparison is addressed by a slug: two to four codes joined by `-vs-`, lowest number first,
e.g. `401-vs-403` or `500-vs-502-vs-503-vs-504`. A plain number means the number's primary
meaning (its lowest-ranked source); another meaning is named with its source, `499-esri`, so
`/compare/499-vs-499-esri` sets nginx's 499 beside Esri's. Every set of meanings has exactly one
canonical slug: build_comparison raises Redirect for any other spelling of it (`521-vs-100`,
`499-nginx-vs-499-esri`, `404-vs-404`) and Http404 for anything that names no such set.

Everything here is computed on request from the stored meanings (pages are cached by
`cached_page`); nothing is stored per pair except the curated notes in content/comparisons/.
"""

import re
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse

from statuscodes import markup
from statuscodes.addresses import SOURCE_SLUG
from statuscodes.content import ERROR_CODE
from statuscodes.models import Cause, Fix, PlatformError, StatusClass, StatusCode
from statuscodes.models import Comparison as CuratedComparison

MIN_CODES, MAX_CODES = 2, 4
MAX_SLUG_LENGTH = 200  # four long tokens fit easily; anything longer is not worth parsing
SEPARATOR = "-vs-"
TOKEN = re.compile(r"(?P<number>[1-5][0-9]{2})(?:-(?P<source>[a-z0-9]+(?:-[a-z0-9]+)*))?")


class Redirect(Exception):
    """The slug names a comparison by another spelling; send the reader to the canonical one.

    `target` is the canonical slug (`100-vs-521`), or the number as a string when every token
    named the same meaning (`404-vs-404` -> `"404"`), or a platform error's ref when the slug sets
    one beside status codes (`1015-vs-429` -> `"cloudflare/1015"`); `url` is the page to redirect to.
    """

    def __init__(self, target: str, url: str):
        super().__init__(target)
        self.target, self.url = target, url


def build_comparison(slug: str) -> "Comparison":
    """The comparison a slug names; Http404 for anything bad, Redirect for a non-canonical slug."""
    try:
        meanings = resolve(slug)
    except Http404:
        error = platform_error_named(slug)
        if error is None:
            raise
        anchor = "#compared" if error.compared else ""
        raise Redirect(error.ref, error.get_absolute_url() + anchor) from None
    if len(meanings) == 1:
        only = meanings[0]
        raise Redirect(str(only.number), only.get_absolute_url())
    canonical = SEPARATOR.join(token_for(meaning) for meaning in meanings)
    if canonical != slug:
        raise Redirect(canonical, reverse("comparison_detail", args=[canonical]))
    classes = {c.digit: c for c in StatusClass.objects.filter(digit__in={m.digit for m in meanings})}
    curated = CuratedComparison.objects.filter(slug=canonical).first()
    return Comparison(meanings, classes, curated)


def platform_error_named(slug: str):
    """The platform error a comparison slug is about (`1015-vs-429`, `heroku-h12-vs-504`,
    `1015-vs-1020`): its page is where it is compared, in a curated "Compared with" section and by
    the statuses it arrives with, linked. A generated table would set a platform's error beside
    the status line it rides on, which is not a like-for-like comparison. Of several errors, the
    first whose curated section names another token wins; None if a token names nothing."""
    if len(slug) > MAX_SLUG_LENGTH:
        return None
    tokens = slug.lower().split(SEPARATOR)
    if not MIN_CODES <= len(tokens) <= MAX_CODES:
        return None
    errors = []
    for token in tokens:
        if TOKEN.fullmatch(token):
            continue
        source, _, code = token.rpartition("-")
        if not ERROR_CODE.fullmatch(code) or (source and not re.fullmatch(SOURCE_SLUG, source)):
            return None  # not a code any platform writes (and nothing to put in a query: NUL, say)
        found = PlatformError.objects.filter(code__iexact=code).select_related("source")
        found = list((found.filter(source__slug=source) if source else found)[:2])
        if len(found) != 1:
            return None
        errors.append(found[0])
    for error in errors:
        others = [token.rpartition("-")[2] for token in tokens if token.rpartition("-")[2] != error.code.lower()]
        if any(re.search(rf"\b{re.escape(other)}\b", error.compared, re.IGNORECASE) for other in others):
            return error
    return errors[0] if errors else None


def slug_from_choices(values: list[str]) -> str:
    """What a person typed in the compare form ("499/esri", " 404 ") as a slug to resolve."""
    tokens = [re.sub(r"[\s/]+", "-", value.strip().lower()) for value in values if value.strip()]
    return SEPARATOR.join(tokens)


def resolve(slug: str) -> list[StatusCode]:
    """The distinct meanings a slug names, sorted as the canonical slug lists them."""
    if len(slug) > MAX_SLUG_LENGTH:
        raise Http404("That comparison address is too long.")
    tokens = slug.split(SEPARATOR)
    if not MIN_CODES <= len(tokens) <= MAX_CODES:
        raise Http404(f"A comparison sets {MIN_CODES} to {MAX_CODES} codes side by side.")
    for token in tokens:
        if token.isdigit() and not TOKEN.fullmatch(token):
            raise Http404(f"There is no status code {token[:12]}: codes run from 100 to 599.")
    matches = [TOKEN.fullmatch(token) for token in tokens]
    if not all(matches):
        raise Http404("A comparison names codes such as 404 or 499-esri.")
    by_number: dict[int, list[StatusCode]] = {}
    query = (
        StatusCode.objects.filter(number__in={int(m["number"]) for m in matches})
        .select_related("source")
        .prefetch_related("fixes", Prefetch("causes", queryset=Cause.objects.only("code_id", "title", "position")))
        .order_by("number", "source__rank", "source__slug")
    )
    for meaning in query:
        by_number.setdefault(meaning.number, []).append(meaning)
    found: dict[int, StatusCode] = {}
    for match in matches:
        options = by_number.get(int(match["number"]), [])
        meaning = next((m for m in options if match["source"] in (None, m.source.slug)), None)
        if meaning is None:
            raise Http404(f"There is no status code {match[0]}.")
        meaning.primary_rank = options[0].source.rank  # lets is_primary answer without a query
        meaning.primary_pk = options[0].pk  # and names exactly one primary even if two ranks tie
        found[meaning.pk] = meaning
    return sorted(found.values(), key=lambda m: (m.number, m.source.rank, m.source.slug))


def token_for(meaning: StatusCode) -> str:
    """A meaning as the slug writes it: the plain number for the primary meaning, else 499-esri."""
    primary = meaning.pk == meaning.primary_pk
    return str(meaning.number) if primary else f"{meaning.number}-{meaning.source.slug}"


# ---------------------------------------------------------------------------------------------
# Words: the small pieces every generated sentence is made of


def join(words: list[str], conjunction: str = "and") -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def verb(group: list, singular: str, plural: str) -> str:
    return singular if len(group) == 1 else plural


def capitalised(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def grouped(meanings: list[StatusCode], key) -> list[tuple[object, list[StatusCode]]]:
    """Meanings grouped by a value, groups in order of first appearance."""
    groups: dict[object, list[StatusCode]] = {}
    for meaning in meanings:
        groups.setdefault(key(meaning), []).append(meaning)
    return list(groups.items())


def first_point(text: str, limit: int = 280) -> str:
    """The first list item or paragraph of a markdown section, as plain text of a readable length.

    A lead-in that ends with a colon ("You may meet it:") brings the first item of its list along.
    """
    blocks = [markup.plain(b) for b in re.split(r"\n\s*\n|\n(?=\s*(?:[-*+]|\d+\.)\s)", text.strip())]
    blocks = [b for b in blocks if b]
    plain = blocks[0] if blocks else ""
    if plain.endswith(":") and len(blocks) > 1:
        plain = f"{plain} {blocks[1]}"
    if len(plain) <= limit:
        return plain
    sentences = re.split(r"(?<=[.!?])\s+", plain)
    kept = sentences[0]
    for sentence in sentences[1:]:
        if len(kept) + 1 + len(sentence) > limit:
            break
        kept += " " + sentence
    return kept if len(kept) <= limit else plain[:limit].rsplit(" ", 1)[0] + "…"


CLASS_WORDS = {1: "interim response", 2: "success response", 3: "redirection", 4: "client error", 5: "server error"}
PLURAL_CLASS_WORDS = {digit: f"{word}s" for digit, word in CLASS_WORDS.items()}
SENT_BY_PHRASES = {
    "origin": "sent by the origin server",
    "proxy": "sent by a proxy or gateway",
    "cdn": "sent by a CDN edge",
    "load-balancer": "sent by a load balancer",
    "any": "",
    "logs-only": "only ever logged, never sent",
}

SENT_BY_NOUNS = {
    "origin": "the origin server",
    "proxy": "a proxy or gateway",
    "cdn": "the CDN's edge",
    "load-balancer": "the load balancer",
    "any": "whichever server handled the request",
    "logs-only": "no one, since it is only logged",
}


def article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def source_phrase(meaning: StatusCode) -> str:
    """Who the number belongs to, as it reads after the code: 'used only by Cloudflare'."""
    if meaning.official:
        return ""
    if meaning.source.slug == "informal":  # no owner to name
        return "by informal convention"
    return f"used only by {meaning.source.name}"


# ---------------------------------------------------------------------------------------------
# The side-by-side table


@dataclass
class Cell:
    text: str
    href: str = ""
    items: list[str] = field(default_factory=list)


@dataclass
class Row:
    field: str
    label: str
    cells: list[Cell]

    @property
    def same(self) -> bool:
        """Every code has the same value: the page shows it once, across the columns."""
        return len({(cell.text, cell.href) for cell in self.cells}) == 1

    def to_dict(self) -> dict:
        return {"field": self.field, "label": self.label, "values": [cell.text for cell in self.cells]}


# The final responses that end with their header section (RFC 9110 sections 15.3.5, 15.3.6, 15.4.5).
NO_CONTENT = {204: "15.3.5", 205: "15.3.6", 304: "15.4.5"}
REDIRECTS_WITH_NOTE = {301, 302, 303, 307, 308}


SENDER_CELLS = {"logs-only": "Nobody: logged only"}  # the model's label is a sentence; a cell wants a value


def body_key(meaning: StatusCode) -> str:
    if meaning.sent_by == "logs-only":
        return "unsent"
    return "none" if meaning.digit == 1 or (meaning.official and meaning.number in NO_CONTENT) else "allowed"


def body_text(meaning: StatusCode) -> str:
    """The table's value, in a few words: a class-wide rule written out would read the same on
    hundreds of pages, and a code's own rule (204, 205, 304) is explained under Key differences."""
    number = meaning.number
    if meaning.sent_by == "logs-only":
        return "Nothing is sent"
    if meaning.digit == 1:
        return "No (RFC 9110, section 15.2)"
    if meaning.official and number in NO_CONTENT:
        return f"No (RFC 9110, section {NO_CONTENT[number]})"
    if meaning.official and number in REDIRECTS_WITH_NOTE:
        return "Yes, usually a link"
    if meaning.official and meaning.digit in (4, 5):
        return "Yes, explaining the error"
    return "Yes"


def cache_key(meaning: StatusCode) -> str:
    """The meaning's caching policy (cache_rules.py), with 304's own role: it freshens a stored copy."""
    if meaning.official and meaning.number == 304:
        return "validation"
    return CACHE_KEYS[meaning.caching]


CACHE_KEYS = {"not-applicable": "unsent", "never": "interim", "must-not-store": "never", "default": "heuristic",
              "explicit": "explicit"}  # fmt: skip


CACHE_TEXT = {
    "unsent": "Never sent",
    "interim": "No (RFC 9111, section 3)",
    "validation": "Not itself (RFC 9111, section 4.3.4)",
    "never": "Never (RFC 6585)",
    "heuristic": "Yes, even without Cache-Control",
    "explicit": "Only with Cache-Control or Expires",
}


def fix_cell(meaning: StatusCode) -> Cell:
    fixes = list(meaning.fixes.all())
    if not fixes:
        if meaning.digit < 4:
            return Cell("Nothing: not an error")
        return Cell("See the code's page.", href=meaning.get_absolute_url())
    labels = dict(Fix.AUDIENCE_CHOICES)
    items = [f"{labels[fix.audience]}: {fix.title}" if fix.audience else fix.title for fix in fixes]
    return Cell("; ".join(items), items=items)


def spec_cell(meaning: StatusCode) -> Cell:
    section = f", section {meaning.spec_section}" if meaning.spec_section else ""
    return Cell(f"{meaning.spec_document}{section}", href=meaning.spec_url)


def table_rows(meanings: list[StatusCode], classes: dict[int, StatusClass]) -> list[Row]:
    def row(name: str, label: str, cell) -> Row:
        return Row(name, label, [cell(m) for m in meanings])

    def class_cell(m: StatusCode) -> Cell:
        status_class = classes.get(m.digit)
        return Cell(f"{m.class_slug} {status_class.name}" if status_class else m.class_slug, href=f"/{m.class_slug}")

    def source_cell(m: StatusCode) -> Cell:
        kind = "Official: IANA registry" if m.official else f"Vendor: {m.source.name}"
        return Cell(kind, href=m.source.url)

    rows = [
        row("class", "Class", class_cell),
        row("source", "Official or vendor", source_cell),
        row("sent_by", "Who sends it", lambda m: Cell(SENDER_CELLS.get(m.sent_by) or m.get_sent_by_display())),
        row("spec", "Specification", spec_cell),
        row("retry", "Retry", lambda m: Cell(f"{m.get_retry_display()}. {m.retry_note}".strip())),
        row("cacheable", "Caching", lambda m: Cell(CACHE_TEXT[cache_key(m)])),
        row("body", "Body allowed", lambda m: Cell(body_text(m))),
        row("headers", "Headers", lambda m: Cell(", ".join(m.headers) or "None in particular.", items=m.headers)),
        row("meaning", "Meaning", lambda m: Cell(m.summary)),
        row("when", "When you see it", lambda m: Cell(first_point(m.when))),
        row("fix", "How to fix", fix_cell),
    ]
    if any(m.status != "current" for m in meanings):
        rows.insert(2, row("status", "Status", lambda m: Cell(m.get_status_display())))
    return rows


# ---------------------------------------------------------------------------------------------
# Key differences: a sentence only where the codes differ in a way particular to them.
#
# A value that whole classes share (the class itself, the owner, the retry policy, default
# caching, a 1xx having no body) is the table's to show. Written out as a sentence it would read
# the same on hundreds of pages and tell the reader of any one of them nothing new.


def shared_number(meanings: list[StatusCode], label) -> str:
    sentences = []
    for number, group in grouped(meanings, lambda m: m.number):
        if len(group) > 1:
            uses = [f"{'the standard' if m.official else m.source.name} uses it for {m.name}" for m in group]
            sentences.append(f"The number {number} is shared, but the meanings are unrelated: {join(uses)}.")
    return " ".join(sentences)


# Verbs in the phrase tables agree with their subject: "{x} {is}" reads "503 is" or "500 and 502 are".
PLURALS = {"is": "are", "comes": "come", "goes": "go", "it": "them", "itself": "themselves"}


def say(template: str, group: list, conjunction: str = "and", label=str) -> str:
    forms = {word: word if len(group) == 1 else plural for word, plural in PLURALS.items()}
    return template.format(x=join([label(m) for m in group], conjunction), **forms)


def sentence_of(parts: list[str]) -> str:
    """Two clauses contrast ('..., while ...'); more are listed ('...; ...; ...')."""
    return capitalised(f"{parts[0]}, while {parts[1]}." if len(parts) == 2 else f"{'; '.join(parts)}.")


SENDERS = {
    "origin": "{x} {comes} from the origin server itself",
    "proxy": "{x} {comes} from a proxy or gateway in front of the origin",
    "cdn": "{x} {comes} from the CDN's edge, not from your server",
    "load-balancer": "{x} {comes} from the load balancer, not from the application behind it",
    "any": "{x} can come from any server on the path",
    "logs-only": "{x} never {goes} over the wire: the code only appears in logs",
}
WHERE_TO_LOOK = {
    "origin": "the application's own logs",
    "proxy": "the proxy's error log",
    "cdn": "the CDN's dashboard and the origin's logs",
    "load-balancer": "the load balancer's access logs",
    "logs-only": "the access log that recorded it",
}
OWN_SERVER = {"origin", "any"}  # "any" includes the origin: between these two there is nowhere else to look


def sender_difference(meanings, label) -> str:
    """Who sends each and where its trace is, when one of them is not the server's own answer."""
    groups = grouped(meanings, lambda m: m.sent_by)
    if len(groups) < 2 or all(sent_by in OWN_SERVER for sent_by, _ in groups):
        return ""
    sentence = capitalised("; ".join(say(SENDERS[sent_by], group, label=label) for sent_by, group in groups) + ".")
    places = [say(f"{{x}} in {WHERE_TO_LOOK[s]}", group, label=label) for s, group in groups if s in WHERE_TO_LOOK]
    if len(places) >= 2:
        sentence += f" So look for {join(places)}."
    return sentence


STATUSES = {
    "current": "{x} {is} in current use",
    "deprecated": "{x} {is} deprecated",
    "experimental": "{x} {is} still experimental",
    "obsolete": "{x} {is} obsolete",
    "unused": "{x} {is} reserved and unused",
    "temporary": "{x} {is} only provisionally registered",
}


def status_difference(meanings, label) -> str:
    groups = grouped(meanings, lambda m: m.status)
    if len(groups) < 2:
        return ""
    return sentence_of([say(STATUSES[status], group, label=label) for status, group in groups])


# The caching rules that belong to particular codes rather than to a class.
CACHING = {
    "never": "{x} must never be stored by a cache (RFC 6585)",
    "validation": "{x} {is} not stored {itself} but freshens the copy a cache already holds (RFC 9111, section 4.3.4)",
}


def cache_difference(meanings, label) -> str:
    groups = grouped([m for m in meanings if m.sent_by != "logs-only"], cache_key)
    rules = [(key, group) for key, group in groups if key in CACHING]
    if len(groups) < 2 or not rules:
        return ""
    return capitalised("; ".join(say(CACHING[key], group, label=label) for key, group in rules) + ".")


def no_body_section(meaning: StatusCode) -> str:
    return "15.2" if meaning.digit == 1 else NO_CONTENT[meaning.number]


def body_difference(meanings, label) -> str:
    """Said only for 204, 205 and 304, whose own definitions end them with the header section."""
    groups = dict(grouped([m for m in meanings if m.sent_by != "logs-only"], body_key))
    none = groups.get("none", [])
    if "allowed" not in groups or not any(m.official and m.number in NO_CONTENT for m in none):
        return ""
    sections = sorted({no_body_section(m) for m in none})
    where = f"RFC 9110, {verb(sections, 'section', 'sections')} {join(sections)}"
    return (
        f"{capitalised(say('{x} can carry content', groups['allowed'], label=label))}, while "
        f"{say('{x} never', none, label=label)} {verb(none, 'does', 'do')} ({where})."
    )


# On nearly every response, whatever its status: never what sets one code apart from another.
EVERYDAY_HEADERS = {"Server", "Date", "Content-Type", "Content-Length", "Cache-Control", "Vary"}


def named_headers(meaning: StatusCode) -> list[str]:
    """The headers a code's meaning names, less the everyday ones."""
    return [header for header in meaning.headers if header not in EVERYDAY_HEADERS]


def header_difference(meanings, label) -> str:
    named = {meaning.pk: named_headers(meaning) for meaning in meanings}
    if len({frozenset(headers) for headers in named.values()}) < 2:
        return ""
    common = set.intersection(*(set(headers) for headers in named.values()))
    groups = grouped(meanings, lambda m: tuple(h for h in named[m.pk] if h not in common))
    parts = [f"{join(list(own))} for {join([label(m) for m in group])}" for own, group in groups if own]
    parts += [f"none in particular for {join([label(m) for m in group])}" for own, group in groups if not own]
    sentence = f"The headers that matter differ: {'; '.join(parts)}."
    if common:
        everyone = "Both" if len(meanings) == 2 else "All of them"
        sentence += f" {everyone} involve {join([h for h in named[meanings[0].pk] if h in common])}."
    return sentence


def spec_difference(meanings, label) -> str:
    if not all(m.official for m in meanings):
        return ""  # a vendor's documentation is named in the table, beside the IANA registry
    groups = grouped(meanings, lambda m: m.spec_document)
    if len(groups) < 2:
        return ""
    (document, first), *others = groups
    rest = [say(f"{{x}} in {other}", group, label=label) for other, group in others]
    return capitalised(f"{say('{x} {is}', first, label=label)} defined in {document}, {join(rest)}.")


DIFFERENCES = [shared_number, sender_difference, status_difference, cache_difference, body_difference,
               header_difference, spec_difference]  # fmt: skip

# What the one-line summary names when codes of one class and one owner part: each field of the
# table that differs, as (topic, value of a meaning, whether a code that is never sent counts).
TOPICS = [
    ("who sends them", lambda m: m.sent_by, True),
    ("status", lambda m: m.status, True),
    ("retrying", lambda m: m.retry, False),
    ("caching", cache_key, False),
    ("whether they carry a body", body_key, False),
    ("the headers involved", lambda m: frozenset(named_headers(m)), True),
    ("the document that defines them", lambda m: m.spec_document, True),
]


def topics(meanings: list[StatusCode]) -> list[str]:
    sent = [m for m in meanings if m.sent_by != "logs-only"]
    return [
        topic
        for topic, value, unsent_count in TOPICS
        if len({value(m) for m in (meanings if unsent_count else sent)}) > 1
    ]


RETRY_SHORT = {
    "not-applicable": "not applicable",
    "safe": "safe to retry",
    "retry-after": "after Retry-After",
    "backoff": "with backoff",
    "never": "do not retry",
}
CACHE_SHORT = {
    "unsent": "never sent",
    "interim": "never stored",
    "validation": "freshens a stored copy",
    "never": "never stored",
    "heuristic": "cacheable by default",
    "explicit": "only with explicit freshness",
}
SHARED_FIELDS = [
    ("class", lambda m: m.class_slug),
    ("source", lambda m: m.source.name),
    ("sender", lambda m: SENT_BY_NOUNS[m.sent_by]),
    ("retry", lambda m: RETRY_SHORT[m.retry]),
    ("caching", lambda m: CACHE_SHORT[cache_key(m)]),
]


# ---------------------------------------------------------------------------------------------
# Guidance: when a server author picks between them, what each code's own advice says

# The headers RFC 9110 makes part of a code's definition (MUST, or SHOULD for redirects).
HEADERS_TO_SEND = {
    101: ("must", "Upgrade"), 401: ("must", "WWW-Authenticate"), 405: ("must", "Allow"),
    407: ("must", "Proxy-Authenticate"), 426: ("must", "Upgrade"), 301: ("should", "Location"),
    302: ("should", "Location"), 303: ("should", "Location"), 307: ("should", "Location"),
    308: ("should", "Location"),
}  # fmt: skip
CHOICE_OF_CODE = {304: "when a conditional request shows that the client's stored copy is still current"}
CHOICES = {
    1: "while the request is still being handled",
    2: "when the request succeeded",
    3: "when the client has to take a further step",
    4: "when the request itself is at fault",
    5: "when the request was valid but your side failed",
}


def when_to_send(meaning: StatusCode) -> str:
    return (meaning.official and CHOICE_OF_CODE.get(meaning.number)) or CHOICES[meaning.digit]


def is_a_choice(meanings: list[StatusCode]) -> bool:
    """Would a server author pick one of these? Only among official codes their own server sends."""
    digits = {m.digit for m in meanings}
    own = all(m.official and m.sent_by in OWN_SERVER for m in meanings)
    return own and (len(digits) == 1 or digits <= {2, 3} or digits <= {4, 5})


def choosing(meanings: list[StatusCode], label) -> list[str]:
    paragraphs = []
    groups = grouped(meanings, when_to_send)
    if len({m.digit for m in meanings}) > 1:
        picks = [f"{join([label(m) for m in group], 'or')} {when}" for when, group in groups]
        paragraphs.append(f"Send {join(picks)}.")
    retries = dict(grouped(meanings, lambda m: m.retry))
    if "retry-after" in retries and "never" in retries:
        later = join([label(m) for m in retries["retry-after"]], "or")
        final = join([label(m) for m in retries["never"]], "or")
        paragraphs.append(f"If waiting would help, answer {later} with a Retry-After header; if repeating the "
                          f"request cannot help, answer {final}.")  # fmt: skip
    bound = [m for m in meanings if m.official and m.number in HEADERS_TO_SEND]
    needs = [
        say(f"{{x}} {strength} carry {header}", group, label=label)
        for (strength, header), group in grouped(bound, lambda m: HEADERS_TO_SEND[m.number])
    ]
    if needs:
        paragraphs.append(f"Whichever you choose, send the header its definition calls for: {join(needs)}.")
    # Each code's own "How to use it" (1xx to 3xx); the meanings are in the table already.
    paragraphs += [f"Sending {label(m)}: {first_point(m.usage)}" for m in meanings if m.usage.strip()]
    return paragraphs + typical_causes(meanings, label)


TOP_CAUSES = 3


def typical_causes(meanings: list[StatusCode], label) -> list[str]:
    """What usually leads to each code: its first causes, which the table does not show."""
    paragraphs = []
    for meaning in meanings:
        titles = [cause.title.rstrip(".") for cause in list(meaning.causes.all())[:TOP_CAUSES]]
        if titles:
            paragraphs.append(f"Typical causes of {label(meaning)}: {'. '.join(titles)}.")
    return paragraphs


@dataclass
class Guidance:
    heading: str
    paragraphs: list[str]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    def to_dict(self) -> dict:
        return {"heading": self.heading, "text": self.text}


# ---------------------------------------------------------------------------------------------
# The comparison itself


@dataclass
class Comparison:
    meanings: list[StatusCode]
    classes: dict[int, StatusClass]
    curated: CuratedComparison | None = None

    @cached_property
    def slug(self) -> str:
        return SEPARATOR.join(token_for(meaning) for meaning in self.meanings)

    @property
    def url(self) -> str:
        return reverse("comparison_detail", args=[self.slug])

    def label(self, meaning: StatusCode) -> str:
        """How sentences name a meaning: the number, with its owner where a number repeats."""
        owner = "IANA" if meaning.official else meaning.source.name
        return f"{meaning.number} ({owner})" if self.repeated(meaning) else str(meaning.number)

    def repeated(self, meaning: StatusCode) -> bool:
        return sum(1 for m in self.meanings if m.number == meaning.number) > 1

    @cached_property
    def title(self) -> str:
        return "HTTP " + " vs ".join(self.heading_name(m) for m in self.meanings)

    def heading_name(self, meaning: StatusCode) -> str:
        vendor = self.repeated(meaning) and not meaning.official
        return f"{meaning.number} {meaning.name}" + (f" ({meaning.source.name})" if vendor else "")

    @cached_property
    def generated_summary(self) -> str:
        """How they differ, in one line: what they have in common, then what sets them apart."""
        first = self.meanings[0]
        if any((m.digit, m.source_id) != (first.digit, first.source_id) for m in self.meanings):
            return "; ".join(self.describe(m) for m in self.meanings) + "."
        word = PLURAL_CLASS_WORDS[first.digit]
        owner = f"standard {word}" if first.official else f"{word} {source_phrase(first)}"
        same_sender = all(m.sent_by == first.sent_by for m in self.meanings)
        sender = SENT_BY_PHRASES[first.sent_by] if same_sender else ""
        everyone = capitalised(self.everyone)
        differing = topics(self.meanings)
        apart = f"they differ in {join(differing)}" if differing else "only their meanings set them apart"
        return f"{everyone} are {owner}{', ' + sender if sender else ''}; {apart}."

    @property
    def everyone(self) -> str:
        return {2: "both", 3: "all three", 4: "all four"}[len(self.meanings)]

    def describe(self, m: StatusCode) -> str:
        word = CLASS_WORDS[m.digit]
        kind = f"a standard {word}" if m.official else f"{article(word)} {word} {source_phrase(m)}"
        sender = SENT_BY_PHRASES[m.sent_by]
        return f"{m.number} {m.name} is {kind}{', ' + sender if sender else ''}"

    @property
    def summary(self) -> str:
        return self.curated.summary if self.curated else self.generated_summary

    @cached_property
    def rows(self) -> list[Row]:
        return table_rows(self.meanings, self.classes)

    @cached_property
    def differences(self) -> list[str]:
        """A sentence for each difference particular to these codes; the table shows the rest."""
        found = (difference(self.meanings, self.label) for difference in DIFFERENCES)
        return [sentence for sentence in found if sentence]

    @cached_property
    def shared(self) -> list[str]:
        """What the codes have in common, for the sentence under the differences."""
        same = []
        for name, value in SHARED_FIELDS:
            values = {value(m) for m in self.meanings}
            if len(values) == 1:
                same.append(f"{name} ({values.pop()})")
        return same

    @cached_property
    def guidance(self) -> Guidance:
        """Advice for a server author choosing between them; for codes nobody chooses between, what
        leads to each (who answered and how each is met are the differences' and the table's)."""
        if is_a_choice(self.meanings):
            return Guidance(CuratedComparison.WHEN_TO_USE, choosing(self.meanings, self.label))
        return Guidance(CuratedComparison.TELL_APART, typical_causes(self.meanings, self.label))

    def to_dict(self) -> dict:
        """The comparison as JSON, the body of GET /api/v1/compare/<slug>.

        {
          "codes": [{"code": 100, "name": "Continue", "source": "iana", "source_name": "IANA ...",
                     "official": true, "class": "1xx", "status": "current", "summary": "...",
                     "url": "/100"}, ...],              # 2 to 4 meanings, in slug order
          "title": "HTTP 100 Continue vs 521 Web Server Is Down",
          "summary": "...",                             # the curated summary when there is one
          "rows": [{"field": "class", "label": "Class", "values": ["1xx Informational", ...]}, ...],
                                                        # one value per code, plain text; fields:
                                                        # class, source, status (only when a code is
                                                        # not current), sent_by, spec, retry,
                                                        # cacheable, body, headers, meaning, when, fix
          "differences": ["...", ...],                  # sentences, only for differences particular
                                                        # to these codes (who sends them and where
                                                        # to look, status, a code's own caching or
                                                        # body rule, headers, the defining document)
          "shared": ["class (4xx)", ...],               # fields whose value is the same for all
          "guidance": {"heading": "When to use which" | "How to tell them apart",
                       "text": "..."},                  # paragraphs separated by blank lines; empty
                                                        # when nothing particular to them is known
          "curated": {"title", "summary", "markdown", "html", "reviewed"} or null,
          "url": "/compare/100-vs-521"                  # the canonical page
        }
        """
        return {
            "codes": [
                {
                    "code": m.number,
                    "name": m.name,
                    "source": m.source.slug,
                    "source_name": m.source.name,
                    "official": m.official,
                    "class": m.class_slug,
                    "status": m.status,
                    "summary": m.summary,
                    "url": m.get_absolute_url(),
                }
                for m in self.meanings
            ],
            "title": self.title,
            "summary": self.summary,
            "rows": [row.to_dict() for row in self.rows],
            "differences": self.differences,
            "shared": self.shared,
            "guidance": self.guidance.to_dict(),
            "curated": self.curated.to_dict() if self.curated else None,
            "url": self.url,
        }
