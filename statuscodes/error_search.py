"""Search over platform errors (Cloudflare 1020, IIS 500.19, Heroku H12), beside the codes' search.

Kept apart from statuscodes.search on purpose: errors are listed in a section of their own, so
they can never push a status code down for a query that means the code. A code as the platform
writes it ("1020", "error 1020", "500.19", "h12", "cloudflare 1015") finds its error first; names,
printed texts and summaries find the rest by their words.
"""

import re
from dataclasses import dataclass

from statuscodes import caching
from statuscodes.models import PlatformError
from statuscodes.search import normalise, stem, words

LIMIT = 8
# Words that say "an error" without saying which: "error 1020", "http error 500.19", "code H12".
FILLER = {"error", "errors", "code", "codes", "http", "status", "the", "a", "an", "of", "is", "what", "means"}
CODE_LIKE = re.compile(r"^(?:\d{4}|\d{3}\.\d{1,3}|h\d{2})$")
FIELD_WEIGHTS = {"name": 3.0, "aliases": 2.0, "summary": 1.0}
MIN_SCORE = 2.0  # one word in the name, or two elsewhere: anything less is noise


@dataclass(frozen=True)
class ErrorHit:
    error: PlatformError
    score: float
    exact: bool  # the query named its code

    def to_dict(self) -> dict:
        return {**self.error.summary_dict(), "score": round(self.score, 3)}


@dataclass(eq=False)
class Indexed:
    error: PlatformError
    code: str
    source_words: frozenset
    order: tuple  # (source rank, code): ties in score list in this order


@dataclass
class ErrorIndex:
    """Each error once, found by its code or through the stems of its words (weighted by field)."""

    entries: list[Indexed]
    by_code: dict[str, list[Indexed]]
    postings: dict[str, list[tuple[Indexed, float]]]


_index: tuple[tuple, ErrorIndex] | None = None


def indexed() -> ErrorIndex:
    """The errors' index, built once per content revision."""
    global _index
    # changed_at as well as the number, as the codes' index does: a database rolled back (tests)
    # can reuse a number for other content.
    revision = caching.current_revision()
    if _index is None or _index[0] != revision:
        entries, by_code, postings = [], {}, {}
        for error in PlatformError.objects.select_related("source"):
            source_words = frozenset(stem(w) for w in words(f"{error.source.slug} {error.source.name}"))
            entry = Indexed(error, error.code.lower(), source_words, (error.source.rank, error.code))
            entries.append(entry)
            by_code.setdefault(entry.code, []).append(entry)
            fields = {"name": error.name, "aliases": " ".join(error.aliases), "summary": error.summary}
            weights: dict[str, float] = {}  # a stem in several fields: one posting, its weights summed
            for field, text in fields.items():
                for word_stem in {stem(w) for w in words(text)} - source_words:
                    weights[word_stem] = weights.get(word_stem, 0.0) + FIELD_WEIGHTS[field]
            for word_stem, weight in weights.items():
                postings.setdefault(word_stem, []).append((entry, weight))
        _index = (revision, ErrorIndex(entries, by_code, postings))
    return _index[1]


def search_errors(query: str, limit: int = LIMIT) -> list[ErrorHit]:
    index = indexed()
    tokens = [token for token in normalise(query).replace("-", " ").split() if token not in FILLER]
    codes = {token for token in tokens if CODE_LIKE.match(token)}
    stems = {stem(token) for token in tokens if token not in codes and len(token) > 2}
    scored: list[tuple[float, Indexed, bool]] = []
    if codes:
        for code in codes:
            for entry in index.by_code.get(code, ()):
                scored.append((100.0 + bool(stems & entry.source_words), entry, True))
        if any(score > 100 for score, _, _ in scored):  # "cloudflare 1015": the platform named beside the code decides
            scored = [hit for hit in scored if hit[0] > 100]
    else:
        scores: dict[Indexed, float] = {}
        for word_stem in stems:
            for entry, weight in index.postings.get(word_stem, ()):
                scores[entry] = scores.get(entry, 0.0) + weight
        scored = [
            (score + bool(stems & entry.source_words), entry, False)
            for entry, score in scores.items()
            if score >= MIN_SCORE
        ]
    # Sorted on plain tuples, and a hit made only for what is shown: this runs beside every code search.
    scored.sort(key=lambda hit: (-hit[0], hit[1].order))
    return [ErrorHit(entry.error, score, exact) for score, entry, exact in scored[:limit]]


def forget() -> None:
    global _index
    _index = None
