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


@dataclass
class Indexed:
    error: PlatformError
    code: str
    source_words: frozenset
    stems: dict[str, frozenset]


_index: tuple[int, list[Indexed]] | None = None


def indexed() -> list[Indexed]:
    """Every error with its stemmed words, built once per content revision."""
    global _index
    revision = caching.current_revision()[0]
    if _index is None or _index[0] != revision:
        errors = PlatformError.objects.select_related("source")
        entries = [
            Indexed(
                error,
                error.code.lower(),
                frozenset(stem(w) for w in words(f"{error.source.slug} {error.source.name}")),
                {
                    "name": frozenset(stem(w) for w in words(error.name)),
                    "aliases": frozenset(stem(w) for w in words(" ".join(error.aliases))),
                    "summary": frozenset(stem(w) for w in words(error.summary)),
                },
            )
            for error in errors
        ]
        _index = (revision, entries)
    return _index[1]


def search_errors(query: str, limit: int = LIMIT) -> list[ErrorHit]:
    tokens = [token for token in normalise(query).replace("-", " ").split() if token not in FILLER]
    codes = {token for token in tokens if CODE_LIKE.match(token)}
    stems = {stem(token) for token in tokens if token not in codes and len(token) > 2}
    hits = []
    for entry in indexed():
        named_source = bool(stems & entry.source_words)
        if codes:
            if entry.code in codes:
                hits.append(ErrorHit(entry.error, 100.0 + named_source, exact=True))
            continue
        content_stems = stems - entry.source_words
        score = sum(weight * len(content_stems & entry.stems[field]) for field, weight in FIELD_WEIGHTS.items())
        if score >= MIN_SCORE:
            hits.append(ErrorHit(entry.error, score + named_source, exact=False))
    if any(hit.score > 100 for hit in hits):  # "cloudflare 1015": the platform named beside the code decides
        hits = [hit for hit in hits if hit.score > 100]
    hits.sort(key=lambda hit: (-hit.score, hit.error.source.rank, hit.error.code))
    return hits[:limit]


def forget() -> None:
    global _index
    _index = None
