"""Code search: an in-process index of every meaning, ranked the same on any database.

The index is plain Python built from the database, so SQLite and PostgreSQL rank alike. It is
keyed by the content revision and rebuilt lazily, once per revision per process, so an admin
edit is searchable on the next query. A query is split into tokens:

- a number (504) matches that number above everything else; a short number (52, 4) or a class
  (4xx, 52x) matches every code under it;
- a vendor word (cloudflare, nginx) matches that vendor's meanings all alike;
- any other word is scored per field (name > aliases > summary > headings > when > body), each
  word counting once for the best place it appears, BM25-style. An unknown or very rare word is
  also read as the start of a longer word (async, gatew) and as a typo of the nearest common
  ones (gatway; but "linkedin" is not "linked" with two letters more), and a few synonyms stand
  in for words the content does not use.

On top of that: two neighbouring words found side by side count again as a phrase, and three or
more pair after pair (a pasted log line, "upstream prematurely closed") earn a bonus when one
of them is distinctive; a name or former name the query covers closely earns a bonus, so
"gateway timeout" puts 504 above every page that mentions gateways and timeouts; so does a
summary or "when you see it" line holding several of the words; every score is scaled by the
share of the query's words it matched, and a meaning no longer in use (obsolete, unused,
deprecated) steps back behind current ones. Ties go to official meanings, then by number, then
by source rank: the order never depends on anything but the content.

What is listed stops at a relevance floor: a result under a tenth of the best one's score is a
passing mention, and a query whose telling words are found nowhere ("linkedin error") lists
nothing rather than pages that merely say "error". notes() then says what the reference does
not hold: a number that is no status code (999), one nothing here uses (299), the words found
nowhere and who the codes here do come from.
"""

import gc
import heapq
import math
import re
import threading
import unicodedata
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from statuscodes.caching import current_revision
from statuscodes.models import StatusCode

MAX_QUERY_LENGTH = 200
MAX_LIMIT = 100
# What leaves a query empty: white space and control characters, spelled out so that the API's
# OpenAPI pattern (ECMAScript) and this check (Python) agree character for character.
BLANK = r"\t\n\v\f\r \x00-\x1f\x7f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
SOMETHING = f"[^{BLANK}]"  # a query must hold at least one such character
MAX_WORD_LENGTH = 30  # longer than any word in the content; beyond it a word is matched as typed

# How much a word counts in each field; a name match must beat any amount of body text.
FIELD_WEIGHTS = {
    "name": 6.0,
    "aliases": 5.0,
    "summary": 4.0,
    "headings": 3.0,
    "headers": 3.0,
    "when": 2.0,
    "vendor": 2.0,
    "body": 1.0,
}
K1, B = 1.2, 0.75  # BM25's usual term saturation and length normalisation
OTHER_FIELDS = 0.1  # the share of a word's other fields added to its best one
NUMBER_WEIGHT = 40.0  # "504": the code itself, far above pages that mention 504
PREFIX_WEIGHT = 40.0  # "52", "4xx": every code under it, alike
SOURCE_WEIGHT = 12.0  # "nginx": each nginx meaning, alike; about one name word
NAME_BONUS = 20.0  # times how closely the query covers a name or former name
# Several of the query's words in one short passage: times the share of the words it holds.
PASSAGE_BONUS = {"summary": 25.0, "when": 5.0}
PHRASE_WEIGHT = 1.0  # two words side by side ("rate limit") count again as a phrase
# Three or more of the query's words found pair after pair, as in a pasted log line ("upstream
# prematurely closed"): times the share of the query's words the run spans.
RUN_BONUS = 10.0
DISTINCTIVE = 0.1  # ... when one of them is in at most this share of meanings
COORDINATION = 1.0  # scores are scaled by (share of the query's words matched) ** this
OFFICIAL_PRIOR = 1.03  # near-ties go to the official meaning
# The relevance floor: a result scoring under this share of the best one is a passing mention
# that only pads the list, and a list whose best is under MIN_SCORE (a common word mentioned
# once, or a doubtful typo correction) is no answer at all: nothing is listed instead.
FLOOR_SHARE = 0.1
MIN_SCORE = 1.0
# A meaning no longer in use ranks below a current one that matches about as well: "origin refused
# connection" wants 521, not the retired Railgun's 527, which says the same words.
STATUS_PRIOR = {"obsolete": 0.8, "unused": 0.8, "deprecated": 0.9}
RARE = 2  # a word in this few meanings may be a typo of a common one
UBIQUITOUS = 0.8  # a word in more than this share of meanings is nearly a stopword
PREFIX_MATCH, SYNONYM_MATCH = 0.6, 0.6  # what a completed or synonym word is worth
FUZZY_MATCH = {1: 0.7, 2: 0.5}  # ... and a corrected one, by edit distance
PREFIX_EXPANSIONS = 8  # completions tried for a word cut short, the most common first

STOPWORDS = frozenset(
    "a an and are as at be by do does for from how i in is it its me mean means my "
    "of on or that the this to was what why with you your".split()
)
# A few words people type for what the content says in other words (stemmed when used).
SYNONYMS = {
    "url": ("uri",),
    "uri": ("url",),
    "big": ("large",),
    "huge": ("large",),
    "throttled": ("rate limit",),
    "ratelimit": ("rate limit",),
    "password": ("credentials",),
    "login": ("authentication", "credentials"),
    "tls": ("ssl",),
    "ssl": ("tls",),
    "cert": ("certificate",),
    "deleted": ("removed",),
    "modified": ("changed", "transformed"),
    "missing": ("required",),  # many names read "X Required": Length, Precondition, Token
    "denied": ("forbidden",),
    "refused": ("refusal",),
}
# Words that only say "a status code" ("error 999", "http status linkedin"): when every other
# word of a query is found nowhere, matches on these alone are no answer.
FILLER = frozenset("code codes err error errors http https number response status".split())
# A number followed by one of these is a quantity ("100 seconds"), not a status code.
UNITS = frozenset(
    "s sec secs second seconds ms millisecond milliseconds min mins minute minutes "
    "hour hours kb mb gb kib mib gib byte bytes char chars characters".split()
)
WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)*")
DISPLAY_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
MARKDOWN_NOISE = re.compile(r"[*_`#>|]+|^\s*[-+]\s+|\]\([^)]*\)|\[", re.MULTILINE)


class QueryError(ValueError):
    """A query that cannot be searched: empty, too long, or an impossible limit."""


# Said to API clients (/api/v1/search, /search as JSON or text); the HTML page shows its examples.
EMPTY_QUERY = "Missing or empty parameter 'q': type what you are looking for, a code such as 504, a name or a symptom."


# ---------------------------------------------------------------------------------------------
# Words


def normalise(text: str) -> str:
    """Lower case, compatibility forms folded (full-width digits too), apostrophes straightened."""
    return unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'")


def stem(word: str) -> str:
    """A deliberately small stemmer: plurals, -ed/-ing and -ction/-ssion, so "limited" finds "rate
    limit" and "connected" finds "connection"."""
    if len(word) < 4 or not word.isalpha() or word == "https":
        return word
    if word.endswith(("ies", "ied")) and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if word[-1] == word[-2] and word[-1] not in "lsz":  # stopped -> stop
                word = word[:-1]
            break
    if word.endswith("e") and len(word) > 3:  # refuse, refused -> refus
        word = word[:-1]
    elif word.endswith(("ction", "ssion")) and len(word) > 7:  # connection -> connect, like connected
        word = word[:-3]
    return word


def words(text: str) -> list[str]:
    """The searchable words of a text: apostrophes dropped (I'm -> im), short numbers left out."""
    found = []
    for word in WORD.findall(normalise(text)):
        word = word.replace("'", "")
        if word not in STOPWORDS and not (word.isdigit() and len(word) < 3):
            found.append(word)
    return found


def deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, or limit + 1 when beyond it."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def allowed_typos(word: str) -> int:
    """Edits a word may be away from what was meant; none for a word longer than any real one,
    whose candidate set (deletions of deletions) would grow with the square of its length."""
    if len(word) > MAX_WORD_LENGTH:
        return 0
    return 0 if len(word) < 4 else 1 if len(word) < 8 else 2


# ---------------------------------------------------------------------------------------------
# What is indexed


@dataclass
class Entry:
    """One meaning as the index sees it: identity, ranking facts and text by field."""

    number: int
    source: str
    source_name: str
    source_rank: int
    official: bool
    name: str
    aliases: list[str]
    summary: str
    url: str
    texts: dict[str, str]  # field name (a key of FIELD_WEIGHTS) -> text
    status: str = "current"  # current, deprecated, obsolete, unused, experimental or temporary

    @cached_property
    def passages(self) -> tuple[tuple[str, frozenset], ...]:
        """Snippet candidates, stemmed once per index rather than for every results page."""
        return passages_of(self)


def entry_for(code) -> Entry:
    causes, fixes = list(code.causes.all()), list(code.fixes.all())
    items = causes + fixes
    body = [code.description, code.usage, code.mistakes, code.retry_note] + [item.body for item in items]
    return Entry(
        number=code.number,
        source=code.source.slug,
        source_name=code.source.name,
        source_rank=code.source.rank,
        official=code.official,
        name=code.name,
        aliases=list(code.aliases),
        summary=code.summary,
        url=code.get_absolute_url(),
        status=code.status,
        texts={
            "name": code.name,
            "aliases": "\n".join(code.aliases),
            "summary": code.summary,
            "headings": "\n".join(item.title for item in items),
            "headers": " ".join(code.headers + [code.spec_document]),  # request and response
            "when": code.when,
            "vendor": code.source.name,
            "body": "\n".join(body),
        },
    )


def entries_from_database() -> list[Entry]:
    return [entry_for(code) for code in StatusCode.objects.listing().prefetch_related("causes", "fixes")]


def vendor_words(slug: str, name: str) -> set[str]:
    """What people type for a vendor: its slug's parts and the first word of its name."""
    return {stem(word) for word in slug.split("-") + words(name)[:1]}


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class SearchResult:
    code: int
    name: str
    source: str
    source_name: str
    official: bool
    summary: str
    url: str
    score: float
    terms: frozenset = field(default=frozenset(), repr=False, compare=False)  # stems matched
    entry: "Entry | None" = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "source": self.source,
            "source_name": self.source_name,
            "summary": self.summary,
            "url": self.url,
            "score": round(self.score, 3),
        }

    @property
    def digit(self) -> int:
        return self.code // 100

    def marked_name(self) -> SafeString:
        return mark(self.name, self.terms)

    def marked_snippet(self) -> SafeString:
        """The passage that holds the most matched words (the summary on a tie), marked up."""
        best, best_hits = self.summary, 0
        for passage, stems in self.entry.passages if self.entry else ():
            hits = len(stems & self.terms)
            if hits > best_hits:
                best, best_hits = passage, hits
        return mark(shorten(best, self.terms), self.terms)


def mark(text: str, terms: frozenset) -> SafeString:
    """Escape text and wrap each word whose stem was matched in <mark>."""
    out, last = [], 0
    for match in DISPLAY_WORD.finditer(text):
        word = normalise(match.group()).replace("'", "")
        if stem(word) in terms:
            out.append(escape(text[last : match.start()]))
            out.append(f"<mark>{escape(match.group())}</mark>")
            last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def shorten(text: str, terms: frozenset, width: int = 240) -> str:
    """Cut a long passage around its first matched word."""
    if len(text) <= width:
        return text
    start = 0
    for match in DISPLAY_WORD.finditer(text):
        if stem(normalise(match.group()).replace("'", "")) in terms:
            start = max(0, match.start() - width // 3)
            break
    if start:
        start = text.find(" ", start) + 1 or start
    piece = text[start : start + width].rsplit(" ", 1)[0]
    return ("\u2026" if start else "") + piece + "\u2026"


def passages_of(entry: Entry) -> tuple[tuple[str, frozenset], ...]:
    """Sentences a snippet can be cut from, markdown syntax removed, each with its stems."""
    text = "\n".join([entry.texts["when"], entry.texts["headings"], entry.texts["body"]])
    text = MARKDOWN_NOISE.sub("", text)
    sentences = (p.strip() for p in SENTENCE_END.split(text))
    return tuple((p, frozenset(stem(w) for w in words(p))) for p in sentences if len(p) > 20)


# ---------------------------------------------------------------------------------------------
# The index


@dataclass
class Token:
    kind: str  # "number", "prefix" or "word"
    text: str
    after_not: bool = False


def parse(query: str) -> list[Token]:
    raw = [w.replace("'", "") for w in WORD.findall(normalise(query))]
    if len(raw) == 1 and raw[0].isdigit() and len(raw[0]) < 3 and raw[0][0] in "12345":
        return [Token("prefix", raw[0])]  # a lone "52" or "4" is a number being typed
    tokens = []
    for position, word in enumerate(raw):
        quantity = position + 1 < len(raw) and raw[position + 1] in UNITS
        if re.fullmatch(r"[1-5](?:[0-9]x|xx)", word):
            tokens.append(Token("prefix", word.rstrip("x")))
        elif word.isdigit() and len(word) == 3 and 100 <= int(word) <= 599 and not quantity:
            tokens.append(Token("number", word))
        elif word not in STOPWORDS and not (word.isdigit() and len(word) < 3):
            tokens.append(Token("word", word, after_not=position > 0 and raw[position - 1] == "not"))
    return tokens


def phrases(stems: list[str]) -> list[str]:
    return [f"{a} {b}" for a, b in zip(stems, stems[1:], strict=False)]


class Index:
    """Every meaning's words, weighted by field, with what a query needs precomputed."""

    def __init__(self, entries: list[Entry]):
        self.entries = sorted(entries, key=lambda e: (e.number, e.source_rank, e.source))
        self.postings: dict[str, dict[int, float]] = {}  # stem or "stem stem" -> {entry: score}
        self.stems: dict[str, str] = {}  # every word seen -> its stem
        self.name_sizes: list[list[int]] = []  # per entry: how many words its name and each alias have
        self.by_prefix: dict[str, list[int]] = defaultdict(list)  # "5", "52", "521" -> entries
        self.by_vendor: dict[str, list[int]] = defaultdict(list)  # vendor word -> entries
        self.by_name: dict[str, list[tuple]] = defaultdict(list)  # stem -> (entry, which name)
        self.by_passage: dict[str, list[int]] = defaultdict(list)  # stem -> passages that hold it
        self.passages: list[tuple[int, float]] = []  # passage -> (its entry, its bonus)
        passage_terms: list[frozenset] = []
        for doc, entry in enumerate(self.entries):
            number = str(entry.number)
            for prefix in (number[:1], number[:2], number):
                self.by_prefix[prefix].append(doc)
            for term in vendor_words(entry.source, entry.source_name):
                self.by_vendor[term].append(doc)
                self.stems.setdefault(term, term)
            names = [self.stem_set(text) for text in [entry.name, *entry.aliases]]
            self.name_sizes.append([len(name) for name in names])
            for which, name in enumerate(names):
                for term in name:
                    self.by_name[term].append((doc, which))
            for kind, bonus in PASSAGE_BONUS.items():
                for passage in SENTENCE_END.split(entry.texts.get(kind, "")):
                    passage_terms.append(self.stem_set(passage))
                    self.passages.append((doc, bonus))
        self.synonyms = {
            stem(word): tuple(" ".join(stem(w) for w in other.split()) for other in others)
            for word, others in SYNONYMS.items()
        }
        ranks = {entry.source_name: (entry.source_rank, entry.source) for entry in self.entries}
        self.source_names = sorted(ranks, key=ranks.get)  # who defines the meanings, by rank
        # One float object per distinct prior, shared: the ranking reads one per candidate, and
        # ten thousand scattered floats cost it a few percent in cache misses.
        shared: dict[float, float] = {}
        priors = ((OFFICIAL_PRIOR if e.official else 1.0) * STATUS_PRIOR.get(e.status, 1.0) for e in self.entries)
        self.priors = [shared.setdefault(prior, prior) for prior in priors]
        for entry in self.entries:
            entry.passages  # noqa: B018 - stemmed now, once, rather than by the first results page
        self.score_fields()
        self.common_in_passage: list[frozenset] = []  # passage -> the ubiquitous words it holds
        for passage, terms in enumerate(passage_terms):
            for term in terms - self.ubiquitous:
                self.by_passage[term].append(passage)
            self.common_in_passage.append(terms & self.ubiquitous)
        self.vocabulary = sorted(self.stems)
        self.typos: dict[str, list[str]] = defaultdict(list)  # one letter deleted -> words
        for word in self.vocabulary:
            if allowed_typos(word):
                for variant in deletions(word):
                    self.typos[variant].append(word)

    def stem_set(self, text: str) -> frozenset:
        return frozenset(self.stem(word) for word in words(text))

    def stem(self, word: str) -> str:
        found = self.stems.get(word)
        if found is None:
            found = self.stems[word] = stem(word)
        return found

    def terms(self, text: str) -> Counter:
        stems = [self.stem(word) for word in words(text)]
        return Counter(stems + phrases(stems))

    def score_fields(self) -> None:
        """BM25 per field; a term's score in an entry is its best field plus a share of the rest."""
        per_entry: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
        for name, weight in FIELD_WEIGHTS.items():
            counts = [self.terms(entry.texts.get(name, "")) for entry in self.entries]
            lengths = [sum(n for t, n in c.items() if " " not in t) for c in counts]
            average = max(sum(lengths) / max(len(lengths), 1), 1.0)
            for doc, counter in enumerate(counts):
                norm = K1 * (1 - B + B * lengths[doc] / average)
                for term, tf in counter.items():
                    per_entry[term][doc].append(weight * tf * (K1 + 1) / (tf + norm))
        total = len(self.entries)
        self.ubiquitous = frozenset(
            t for t, docs in per_entry.items() if len(docs) > UBIQUITOUS * total and t not in self.by_vendor
        )
        for term, docs in per_entry.items():
            idf = math.log(1 + (total - len(docs) + 0.5) / (len(docs) + 0.5))
            self.postings[term] = {
                doc: idf * (max(scores) + OTHER_FIELDS * (sum(scores) - max(scores))) for doc, scores in docs.items()
            }

    # -- what a typed word may stand for -----------------------------------------------------

    def alternatives(self, token: Token) -> dict[str, float]:
        """The stems a typed word may stand for, each with what a match on it is worth."""
        word = token.text
        found: dict[str, float] = {}
        exact = self.stems.get(word) or stem(word)
        if exact in self.postings or exact in self.by_vendor:
            found[exact] = 1.0
        negated = self.stems.get("un" + word) if token.after_not else None  # not reachable
        if negated:
            found.setdefault(negated, SYNONYM_MATCH)
        for synonym in self.synonyms.get(exact, ()):
            if synonym in self.postings:
                found.setdefault(synonym, SYNONYM_MATCH)
        if len(word) >= 3 and self.frequency(exact) <= RARE:  # still being typed, or cut short: async
            for completion in self.completions(word):
                found.setdefault(self.stems[completion], PREFIX_MATCH)
        if allowed_typos(word) and max((self.frequency(t) for t in found), default=0) <= RARE:
            # unknown, or so rare that a common word one typo away is the likelier meaning
            known = self.frequency(exact)
            for correction, distance in self.corrections(word):
                if not known or self.frequency(correction) >= 3 * known:
                    found.setdefault(correction, FUZZY_MATCH[distance])
        return found

    def completions(self, prefix: str) -> list[str]:
        start = bisect_left(self.vocabulary, prefix)
        stop = bisect_left(self.vocabulary, prefix + "\uffff", start)
        candidates = [w for w in self.vocabulary[start:stop] if w != prefix]
        return heapq.nlargest(PREFIX_EXPANSIONS, candidates, key=lambda w: (self.frequency(self.stems[w]), w))

    def corrections(self, word: str) -> list[tuple[str, int]]:
        """Stems of the indexed words closest to word within the allowed edit distance."""
        limit = allowed_typos(word)
        variants = {word} | deletions(word)
        if limit > 1:
            variants |= {d for v in deletions(word) for d in deletions(v)}
        candidates = {c for v in variants for c in self.typos.get(v, ())}
        candidates |= {v for v in variants if v in self.stems}
        candidates.discard(word)
        scored = [(c, edit_distance(word, c, limit)) for c in candidates]
        # Two letters more than a known word is another word, not a typo of it: "linkedin" is
        # not "linked", as "cloudflared" (one letter more) may well be "cloudflare".
        scored = [(c, d) for c, d in scored if d <= limit and not (d > 1 and word.startswith(c))]
        best = min((d for _, d in scored), default=None)
        return sorted({(self.stems[c], d) for c, d in scored if d == best})

    def frequency(self, term: str) -> int:
        return len(self.postings.get(term, ())) + len(self.by_vendor.get(term, ()))

    # -- ranking -----------------------------------------------------------------------------

    def search(self, query: str, limit: int) -> list[SearchResult]:
        tokens = parse(query)
        if not tokens:  # punctuation, emoji or only the commonest words: nothing to look for
            return []
        options = [self.alternatives(token) if token.kind == "word" else None for token in tokens]
        if self.nothing_specific(tokens, options):
            return []
        # A word in nearly every meaning ("request", "not") tells little and costs the most: it
        # is left out of scoring when the query has other words, but still counts in names.
        common = [o is not None and not (o.keys() - self.ubiquitous) for o in options]
        if all(common):
            common = [False] * len(tokens)
        per_token: list[dict[int, float]] = []  # each token's score in each entry it matched
        matches = []  # per word token: ({stem: worth}, the entries its vendor explained)
        telling = []  # the same, for the words that are not common
        common_words = []  # the options of the common ones
        for token, found, is_common in zip(tokens, options, common, strict=True):
            if token.kind == "prefix":
                per_token.append(dict.fromkeys(self.by_prefix.get(token.text, ()), PREFIX_WEIGHT))
            elif token.kind == "number":
                scores, _ = self.token_scores({token.text: 1.0})
                scores.update(dict.fromkeys(self.by_prefix.get(token.text, ()), NUMBER_WEIGHT))
                per_token.append(scores)
            elif is_common:
                matches.append((found, set()))
                common_words.append(found)
            else:
                scores, vendor_docs = self.token_scores(found)
                per_token.append(scores)
                matches.append((found, vendor_docs))
                telling.append((found, vendor_docs))
        totals: dict[int, float] = defaultdict(float)
        matched: dict[int, int] = defaultdict(int)  # how many tokens each entry matched
        for scores in per_token:
            for doc, score in scores.items():
                totals[doc] += score
                matched[doc] += 1
        phrase_scores, runs = self.phrase_scores(matches)
        for doc, score in phrase_scores.items():
            totals[doc] += score
        for doc, run in runs.items():
            if run >= 2:  # two pairs in a row: three words
                totals[doc] += RUN_BONUS * (run + 1) / len(matches)
        for doc, cover in self.name_covers(matches).items():
            totals[doc] += NAME_BONUS * cover
        for doc, bonus in self.passage_bonuses(telling, common_words).items():
            totals[doc] += bonus
        shares = [(count / len(per_token)) ** COORDINATION for count in range(len(per_token) + 1)]
        priors = self.priors
        finals = {doc: total * shares[matched[doc]] * priors[doc] for doc, total in totals.items()}
        terms = frozenset(t for options, _ in matches for t in options if " " not in t)
        terms |= {t.text for t in tokens if t.kind == "number"}
        top = self.best(finals, limit)
        # The codes a number or class names are listed whatever they score; the floor weighs
        # the rest against the best of the rest, so "504" still lists the pages that cite 504.
        anchors = tuple(token.text for token in tokens if token.kind != "word")
        named = [bool(anchors) and str(self.entries[doc].number).startswith(anchors) for doc, _ in top]
        rest = [score for (_, score), is_named in zip(top, named, strict=True) if not is_named]
        floor = max(MIN_SCORE, FLOOR_SHARE * rest[0]) if rest else 0.0
        return [
            self.result(doc, score, terms)
            for (doc, score), is_named in zip(top, named, strict=True)
            if is_named or score >= floor
        ]

    @staticmethod
    def nothing_specific(tokens: list[Token], options: list) -> bool:
        """A query whose telling words are all found nowhere, the rest filler: "linkedin error",
        "status 999". A list of pages that merely say "error" would not answer it."""
        unknown = [not found for found in options if found is not None]
        if not any(unknown) or len(unknown) < len(tokens):  # numbers and classes are specific
            return False
        return all(missing or token.text in FILLER for token, missing in zip(tokens, unknown, strict=True))

    def token_scores(self, options: dict[str, float]) -> tuple[dict[int, float], set[int]]:
        """Each entry's best score for any of the options; a vendor word counts as the vendor."""
        scores: dict[int, float] = {}
        vendor_scores: dict[int, float] = {}
        for term, worth in sorted(options.items(), key=lambda option: -option[1]):
            postings = self.postings.get(term, {})
            # another page that mentions a vendor ranks below that vendor's own meanings
            cap = SOURCE_WEIGHT / 2 if any(w in self.by_vendor for w in term.split()) else math.inf
            if not scores and worth == 1.0 and cap == math.inf:
                scores = dict(postings)  # the common case, copied at C speed
            else:
                for doc, score in postings.items():
                    score = worth * min(score, cap)
                    if score > scores.get(doc, 0.0):
                        scores[doc] = score
            for doc in self.by_vendor.get(term, ()):
                vendor_scores[doc] = max(vendor_scores.get(doc, 0.0), worth * SOURCE_WEIGHT)
        scores.update(vendor_scores)  # exactly alike for all of a vendor's meanings
        return scores, set(vendor_scores)

    def phrase_scores(self, matches: list) -> tuple[dict[int, float], dict[int, int]]:
        """Two neighbouring words found side by side ("rate limit") count again, as a phrase.

        Also, per entry, the longest run of two or more neighbouring pairs it holds one after
        another that takes in a distinctive word: "upstream prematurely" then "prematurely
        closed" is most likely those three words as written, the log line a reader pasted. Runs
        of everyday words ("redirect after post") say little more than their pairs do.
        """
        found: dict[int, float] = defaultdict(float)
        holders: list[tuple] = []  # per pair: the entries that hold it, and those its vendors explain
        for (first, vendor_first), (second, vendor_second) in zip(matches, matches[1:], strict=False):
            pairs = {f"{a} {b}": wa * wb for a, wa in first.items() for b, wb in second.items()}
            scores, _ = self.token_scores(pairs)
            for doc, score in scores.items():
                if doc not in vendor_first and doc not in vendor_second:  # "microsoft iis" is one vendor
                    found[doc] += PHRASE_WEIGHT * score
            if len(matches) > 2:
                holders.append((scores.keys(), vendor_first | vendor_second))  # a view: no copy
        return found, self.runs(matches, holders)

    def runs(self, matches: list, holders: list[tuple]) -> dict[int, int]:
        """Entry -> its longest run of consecutive pairs (two or more) with a distinctive word."""
        runs: dict[int, int] = {}
        if len(holders) < 2:
            return runs
        bar = DISTINCTIVE * len(self.entries)
        distinctive = [0]  # how many of the first i words are distinctive
        for options, _ in matches:
            distinctive.append(distinctive[-1] + any(self.frequency(t) <= bar for t in options))
        starts: dict[int, int] = {}  # entry -> the first pair of its run through the previous pair
        for position in range(1, len(holders)):
            (before, explained_before), (holding, explained) = holders[position - 1], holders[position]
            both = (before & holding) - explained_before - explained
            starts = {doc: starts.get(doc, position - 1) for doc in both}
            for doc, start in starts.items():  # the run holds words start .. position + 1
                if distinctive[position + 2] > distinctive[start]:
                    runs[doc] = max(runs.get(doc, 0), position + 1 - start)
        return runs

    def name_covers(self, matches: list) -> dict[int, float]:
        """How closely the query's words cover each name or alias (Jaccard, 0 to 1), best per entry.

        Words a vendor explained for an entry ("nginx" for nginx's meanings) are left out of
        the query for that entry. Found through the name words, so only named entries cost.
        """
        sums: dict[tuple, list] = {}  # (entry, which name) -> [worth of the words found, how many]
        for options, vendor_docs in matches:
            found: dict[tuple, float] = {}
            for term, worth in options.items():
                for key in self.by_name.get(term, ()):
                    if worth > found.get(key, 0.0) and key[0] not in vendor_docs:
                        found[key] = worth
            for key, worth in found.items():
                hit = sums.setdefault(key, [0.0, 0])
                hit[0] += worth
                hit[1] += 1
        explained = Counter(doc for _, vendor_docs in matches for doc in vendor_docs)
        covers: dict[int, float] = {}
        for (doc, which), (worth, count) in sums.items():
            query = len(matches) - explained[doc]
            cover = worth / (query + self.name_sizes[doc][which] - count)
            covers[doc] = max(covers.get(doc, 0.0), cover)
        return covers

    def passage_bonuses(self, telling: list, common: list) -> dict[int, float]:
        """For each entry, its best short passage (summary, a "when" line) holding two or more
        of the query's words: the passage's bonus times the share of the words it holds.

        Passages are found through the telling words; common words are then counted only in
        those, which is enough, since a passage needs two words to earn anything. A vendor word
        counts for that vendor's meanings only: another summary that mentions Cloudflare is not
        what "cloudflare dns error" asks for.
        """
        words = len(telling) + len(common)
        if words < 2:
            return {}
        worths: dict[int, float] = defaultdict(float)  # passage -> worth of the words it holds
        counts: dict[int, int] = defaultdict(int)  # passage -> how many of the words
        for options, _ in telling:
            found: dict[int, float] = {}
            for term, worth in options.items():
                for passage in () if term in self.by_vendor else self.by_passage.get(term, ()):
                    if worth > found.get(passage, 0.0):
                        found[passage] = worth
            for passage, worth in found.items():
                worths[passage] += worth
                counts[passage] += 1
        for passage in counts if common else ():
            held = self.common_in_passage[passage]
            for options in common if held else ():
                worth = max((w for t, w in options.items() if t in held), default=0.0)
                if worth:
                    worths[passage] += worth
                    counts[passage] += 1
        vendor_hits = Counter(doc for _, vendor_docs in telling for doc in vendor_docs)
        bonuses: dict[int, float] = {}
        for passage, count in counts.items():
            doc, bonus = self.passages[passage]
            if count + vendor_hits[doc] >= 2:
                value = bonus * (worths[passage] + vendor_hits[doc]) / words
                if value > bonuses.get(doc, 0.0):
                    bonuses[doc] = value
        return bonuses

    def best(self, finals: dict[int, float], limit: int) -> list[tuple[int, float]]:
        """The top entries in a fixed order: score, then official first, number, source rank."""
        top = heapq.nlargest(limit, finals.items(), key=itemgetter(1))
        if not top:
            return []
        bar = round(top[-1][1], 9)  # every entry tied with the last place competes for it
        near = [(doc, score) for doc, score in finals.items() if score >= bar - 1e-6]
        tied = [(doc, score) for doc, score in near if round(score, 9) >= bar and score > 0]
        return sorted(tied, key=lambda item: self.order(*item))[:limit]

    def order(self, doc: int, score: float) -> tuple:
        entry = self.entries[doc]
        return (-round(score, 9), not entry.official, entry.number, entry.source_rank, entry.source)

    def result(self, doc: int, score: float, terms: frozenset) -> SearchResult:
        entry = self.entries[doc]
        return SearchResult(
            code=entry.number,
            name=entry.name,
            source=entry.source,
            source_name=entry.source_name,
            official=entry.official,
            summary=entry.summary,
            url=entry.url,
            score=score,
            terms=terms,
            entry=entry,
        )


# ---------------------------------------------------------------------------------------------
# What to say beyond the results: honest answers for what the reference does not hold

FIRST_CODE, LAST_CODE = 100, 599  # RFC 9110, section 15: every valid status code is in this range
NOT_A_CODE = "{n} is not a registered HTTP status code: standard codes run from 100 to 599."
NOBODY_DEFINES = (  # ... and when nothing here even mentions it
    "No source in this reference defines {n}. Some sites send numbers outside the registry; only the site "
    "that sends one can say what it means."
)
UNUSED_NUMBER = "Nothing in this reference is numbered {n}: none of the registered or vendor codes listed here uses it."


def quoted(words: list[str]) -> str:
    marked = [f"\u201c{word}\u201d" for word in words]
    return marked[0] if len(marked) == 1 else ", ".join(marked[:-1]) + " or " + marked[-1]


def notes_for(index: "Index", query: str, listed: bool) -> list[str]:
    """Plain sentences about a normalised query: each number no meaning has (999 is no status
    code; 299 is in range but unused), the words found nowhere in the reference and, when
    nothing is listed, who the codes here come from, so "linkedin" learns that LinkedIn is not
    among them. A query whose words are only mentioned in passing is told so.
    """
    raw = [w.replace("'", "") for w in WORD.findall(query)]
    tokens = parse(query)
    notes, unknown, numbers = [], [], set()
    not_a_code = NOT_A_CODE if listed else NOT_A_CODE + " " + NOBODY_DEFINES
    if len(raw) == 1 and raw[0].isdigit() and not (tokens and tokens[0].kind in ("prefix", "number")):
        numbers.add(raw[0])  # a lone number of any length that is no code and no class: 0, 60, 1016
        notes.append(not_a_code.format(n=raw[0]))
    for token in tokens:
        if token.kind == "number" and token.text not in index.by_prefix:
            notes.append(UNUSED_NUMBER.format(n=token.text))
        elif token.kind == "word" and token.text.isdigit() and len(token.text) == 3:
            # 999, 600, 000: three digits outside 100-599 (one inside is a quantity: 100 seconds)
            if not FIRST_CODE <= int(token.text) <= LAST_CODE and token.text not in numbers:
                numbers.add(token.text)
                notes.append(not_a_code.format(n=token.text))
        elif token.kind == "word" and not index.alternatives(token) and token.text not in unknown:
            unknown.append(token.text)
    if unknown:
        which = "it is not the name of any source here" if len(unknown) == 1 else "none of them names a source here"
        notes.append(f"No page here mentions {quoted(unknown)}, and {which}.")
        if not listed:
            notes.append(f"The codes here are defined by {', '.join(index.source_names)}.")
    elif not listed and not notes and any(token.kind == "word" for token in tokens):
        notes.append("Those words turn up here only in passing: no code is about them.")
    return notes


# ---------------------------------------------------------------------------------------------
# The one function


class IndexCache:
    """The index of the current content revision, built at most once per revision per process."""

    def __init__(self):
        self.key = None
        self.index: Index | None = None
        self.lock = threading.Lock()

    def get(self) -> Index:
        # changed_at as well as the number: a test database rolled back can reuse a number.
        key = current_revision()
        with self.lock:
            if self.key != key or self.index is None:
                self.index = Index(entries_from_database())
                self.key = key
                # Hundreds of thousands of long-lived objects: moved out of the collector's
                # reach, a full collection no longer walks them all (a 40-50 ms pause in some
                # request). They hold no reference cycles, so an old index is still freed.
                gc.freeze()
            return self.index

    def clear(self) -> None:
        with self.lock:
            self.key, self.index = None, None


index_cache = IndexCache()


def notes(query: str, results: list[SearchResult]) -> list[str]:
    """What a reader should know beyond the results of a query search() accepted (see notes_for)."""
    return notes_for(index_cache.get(), normalise(query)[:MAX_QUERY_LENGTH], listed=bool(results))


def search(query: str, limit: int = 20) -> list[SearchResult]:
    """The meanings that best match what someone typed, best first."""
    if not isinstance(query, str) or not re.search(SOMETHING, query):
        raise QueryError(EMPTY_QUERY)
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(f"The search is {len(query)} characters long; the limit is {MAX_QUERY_LENGTH}.")
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"The limit must be between 1 and {MAX_LIMIT}.")
    # NFKC spells one character out as up to 18 ("㎉" -> "kcal"): the work is bounded by the
    # normalised text, so that is cut to the limit too (no real query comes near it).
    return index_cache.get().search(normalise(query)[:MAX_QUERY_LENGTH], limit)
