"""Search over platform errors (Cloudflare 1020, IIS 500.19, Heroku H12), beside the codes' search.

Kept apart from statuscodes.search on purpose: errors are listed in a section of their own, so
they can never push a status code down for a query that means the code. A code as the platform
writes it ("1020", "error 1020", "500.19", "h12", "cloudflare 1015") finds its error first; names,
printed titles and summaries find the rest by their words, a whole name or title first. A
platform named in the query ("heroku timeout", "cloudflare 403") limits the list to its errors,
and then the statuses they arrive with count too.
"""

import re
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from statuscodes import caching
from statuscodes.models import PlatformError, StatusCode
from statuscodes.search import SearchResult, normalise, search, stem, words

LIMIT = 8
# Words that say "an error" without saying which: "error 1020", "http error 500.19", "code H12".
FILLER = {"error", "errors", "code", "codes", "http", "status", "the", "a", "an", "of", "is", "what", "means"}
CODE_LIKE = re.compile(r"^(?:\d{4}|\d{3}\.\d{1,3}|h\d{2})$")
AROUND_A_CODE = "\"'()[]{}<>,.:;!?"  # "1020:" in a pasted banner, "(H12)": the code is what is inside
FIELD_WEIGHTS = {"name": 3.0, "aliases": 2.0, "summary": 1.0}
# The statuses an error arrives with, number and name, count when the query names the platform:
# "cloudflare 403" lists 1020 and its kin, "too many requests cloudflare" 1015. Alone, "service
# unavailable" means the status, and every Heroku error would answer it.
STATUS_WEIGHT = 2.0
MIN_SCORE = 2.0  # one word in the name, or two elsewhere: anything less is noise
# ... unless the query names the platform ("cloudflare blocked me"): its errors alone are listed,
# so one word of a summary is enough.
MIN_SCORE_ON_A_PLATFORM = 1.0
# When the query is an error's whole name ("access denied" is Cloudflare 1012's and 1020's) or
# one of its printed titles ("HTTP Error 500.30 - ASP.NET Core app failed to start"), each of its
# words counts twice more at that field's weight, as much as its words and their pairs earned
# together: ahead of errors whose texts merely hold those words in that order (1003 to 1009 print
# "Access denied" above names of their own; 500.37's title starts with all of 500.30's).
WHOLE_TITLE = 2


@dataclass(frozen=True)
class ErrorHit:
    error: PlatformError
    score: float
    exact: bool  # the query named its code
    listing: SafeString  # its row in the results page's list (see Indexed.listing)
    # ... and said nothing else but filler and platform names ("1015", "error 1015", "cloudflare
    # 1015"): the query is about this error, not a status code, whatever numbers look alike.
    alone: bool = False

    def to_dict(self) -> dict:
        return {**self.error.summary_dict(), "score": round(self.score, 3), "exact": self.exact}


@dataclass(eq=False)
class Indexed:
    error: PlatformError
    code: str
    source: str  # its source's slug
    rank: int  # its place in the order ties in score list in (see indexed)
    # Its row in the results page's list, rendered once per revision rather than on every page
    # that lists it (167 of the 258 relevance queries list errors; the rows were 1.17x a page's cost).
    listing: SafeString


@dataclass
class ErrorIndex:
    """Each error once, found by its code or through the stems of its words (weighted by field)."""

    entries: list[Indexed]
    by_code: dict[str, list[Indexed]]
    postings: dict[str, list[tuple[Indexed, float]]]
    pair_postings: dict[str, list[tuple[Indexed, float]]]  # two words side by side ("web config"), weighted
    status_postings: dict[str, list[Indexed]]  # a stem of a status's number or name -> errors sent with it
    sources_named_by: dict[str, set[str]]  # a stem of a source's slug or name -> those sources
    named_exactly: dict[frozenset, dict[Indexed, float]]  # the words of a name or alias -> its errors, bonus
    stems: dict[str, str]  # each word of the errors' texts -> its stem, so a query's words are not stemmed again

    def stem(self, word: str) -> str:
        known = self.stems.get(word)
        return stem(word) if known is None else known


_index: tuple[tuple, ErrorIndex] | None = None


def indexed() -> ErrorIndex:
    """The errors' index, built once per content revision."""
    global _index
    # changed_at as well as the number, as the codes' index does: a database rolled back (tests)
    # can reuse a number for other content.
    revision = caching.current_revision()
    if _index is None or _index[0] != revision:
        # Ties list first the errors with a curated comparison, the ones editors found readers meet
        # and confuse most ("cloudflare 403" ties a dozen errors; 1020 is the one people mean).
        errors = sorted(
            PlatformError.objects.select_related("source"), key=lambda e: (not e.compared, e.source.rank, e.code)
        )
        status_names: dict[int, str] = {}
        for meaning in StatusCode.objects.listing():  # a number's primary meaning comes first
            status_names.setdefault(meaning.number, meaning.name)
        entries, by_code, postings, pair_postings, status_postings = [], {}, {}, {}, {}
        sources_named_by, named_exactly, stems = {}, {}, {}

        def stems_in_order(text: str) -> list[str]:
            return [stems.setdefault(word, stem(word)) for word in words(text)]

        def stems_of(text: str) -> set[str]:
            return set(stems_in_order(text))

        for rank, error in enumerate(errors):
            source_words = stems_of(f"{error.source.slug} {error.source.name}")
            for word_stem in source_words:
                sources_named_by.setdefault(word_stem, set()).add(error.source.slug)
            listing = render_to_string("statuscodes/_error_result.html", {"error": error})
            entry = Indexed(error, error.code.lower(), error.source.slug, rank, mark_safe(listing.strip()))
            entries.append(entry)
            by_code.setdefault(entry.code, []).append(entry)
            fields = {"name": error.name, "aliases": " ".join(error.aliases), "summary": error.summary}
            weights: dict[str, float] = {}  # a stem in several fields: one posting, its weights summed
            for field, text in fields.items():
                for word_stem in stems_of(text) - source_words:
                    weights[word_stem] = weights.get(word_stem, 0.0) + FIELD_WEIGHTS[field]
            for word_stem, weight in weights.items():
                postings.setdefault(word_stem, []).append((entry, weight))
            pair_weights: dict[str, float] = {}
            for field, texts in (("name", [error.name]), ("aliases", error.aliases), ("summary", [error.summary])):
                for text in texts:
                    for pair in pairs_of(stems_in_order(text)):
                        pair_weights[pair] = pair_weights.get(pair, 0.0) + FIELD_WEIGHTS[field]
            for pair, weight in pair_weights.items():
                pair_postings.setdefault(pair, []).append((entry, weight))
            statuses = " ".join(f"{status} {status_names.get(status, '')}" for status in error.statuses)
            for word_stem in stems_of(statuses) - source_words:
                status_postings.setdefault(word_stem, []).append(entry)
            for field, title in [("aliases", alias) for alias in error.aliases] + [("name", error.name)]:
                if key := name_key(stems_of(title) - source_words):
                    # the name's weight when a name and an alias say the same
                    named_exactly.setdefault(key, {})[entry] = FIELD_WEIGHTS[field] * len(key) * WHOLE_TITLE
        index = ErrorIndex(
            entries, by_code, postings, pair_postings, status_postings, sources_named_by, named_exactly, stems
        )
        _index = (revision, index)
    return _index[1]


FILLER_STEMS = frozenset(stem(word) for word in FILLER)


def pairs_of(word_stems: list[str]) -> set[str]:
    """Words side by side count again: "web.config" is "web" then "config", and 500.19's summary
    says it; "web" alone is in a dozen names."""
    return {f"{first} {second}" for first, second in zip(word_stems, word_stems[1:], strict=False)}


def name_key(word_stems: set[str]) -> frozenset:
    """What a name or title says, for comparing it with a query: its words without the filler
    ("HTTP Error ...") and without numbers (the code is matched as a code)."""
    return frozenset(s for s in word_stems if not s.isdigit()) - FILLER_STEMS


def search_errors(query: str, limit: int = LIMIT) -> list[ErrorHit]:
    index = indexed()
    codes, rest = set(), []
    for token in normalise(query).replace("-", " ").split():
        bare = token.strip(AROUND_A_CODE)
        if CODE_LIKE.match(bare):
            codes.add(bare)
        else:
            rest.append(token)
    # Split into words as the errors' texts were ("ASP.NET" is "asp" and "net"); "ip" counts.
    in_order = [index.stem(word) for word in words(" ".join(rest)) if word not in FILLER]
    stems = set(in_order)
    named: set[str] = set()  # the sources the query names ("cloudflare 1015", "heroku timeout")
    source_stems = set()
    for word_stem in stems:
        if (sources := index.sources_named_by.get(word_stem)) is not None:
            named |= sources
            source_stems.add(word_stem)
    # (-score, rank, entry, exact): plain tuples sort without a key function, and rank is unique,
    # so two entries are never compared. This runs beside every code search.
    scored: list[tuple[float, int, Indexed, bool]] = []
    if codes:
        for code in codes:
            for entry in index.by_code.get(code, ()):
                scored.append((-100.0 - (entry.source in named), entry.rank, entry, True))
        if any(hit[0] < -100 for hit in scored):  # "cloudflare 1015": the platform named beside the code decides
            scored = [hit for hit in scored if hit[0] < -100]
    else:
        scores: dict[Indexed, float] = {}
        matched: dict[Indexed, int] = {}  # how many of the query's words each error has
        for word_stem in stems:
            hits = index.postings.get(word_stem, ())
            if named and word_stem in index.status_postings:
                merged = dict(hits)
                for entry in index.status_postings[word_stem]:
                    merged[entry] = merged.get(entry, 0.0) + STATUS_WEIGHT
                hits = merged.items()
            for entry, weight in hits:
                scores[entry] = scores.get(entry, 0.0) + weight
                matched[entry] = matched.get(entry, 0) + 1
        for pair in pairs_of(in_order):
            for entry, weight in index.pair_postings.get(pair, ()):
                scores[entry] = scores.get(entry, 0.0) + weight
        words_asked = len(stems - source_stems) or 1
        bonuses = index.named_exactly.get(name_key(stems - source_stems), {})
        floor = MIN_SCORE_ON_A_PLATFORM if named else MIN_SCORE
        # When the query names a platform, only its errors ("heroku memory" is no Cloudflare error).
        scored = [
            # Scaled by the share of the query's words it has: "too many requests cloudflare" is
            # 1015 (all three words, two of them in its status's name) before 1041, which has
            # "request" in every field but neither of the others.
            (-(score * matched[entry] / words_asked + bonuses.get(entry, 0.0) + bool(named)), entry.rank, entry, False)
            for entry, score in scores.items()
            # a side-by-side pair alone is two words of its platform's name ("microsoft iis"): no match
            if score >= floor and entry in matched and (not named or entry.source in named)
        ]
    scored.sort()
    alone = not stems - source_stems
    return [
        ErrorHit(entry.error, -score, exact, entry.listing, exact and alone)
        for score, _, entry, exact in scored[:limit]
    ]


def search_with_errors(query: str) -> tuple[list[SearchResult], list[ErrorHit]]:
    """The codes' search and the errors' beside it, as /search and the API list them; a bad query
    raises search.QueryError. A query that is nothing but platform errors' codes (see
    ErrorHit.alone) lists no codes: those would only be numbers that look alike (1015 -> 101, 1016)."""
    results = search(query)
    hits = search_errors(query)
    return ([] if any(hit.alone for hit in hits) else results), hits


def forget() -> None:
    global _index
    _index = None
