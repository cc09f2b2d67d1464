"""Search speed: query time p50/p99 over the relevance set, on the real corpus and on 10,000 codes.

Usage:  .venv/bin/python bench/search_bench.py [--rounds 20] [--synthetic 10000] [--against OLD_SEARCH_PY]
        .venv/bin/python bench/search_bench.py --quality [--misses tuned|all]

Loads content/ into a throwaway SQLite database with production settings, then times:
- building the index from the database (what the first query after an edit pays);
- `search()` as the views call it (one revision lookup in the database, then the ranking);
- the ranking alone, on the real corpus and on a synthetic corpus generated in memory from the
  real text (names, summaries and sentences recombined, numbers and vendors drawn at random).
- the platform errors' search (statuscodes/error_search.py) that /search and the API run beside
  it, as the ratio of search() with it to search() alone, in turn in one process; and the same
  for the /search page on a cache miss, with its errors' section against without it.
Every query of statuscodes/tests/relevance.tsv is run `rounds` times; times are per query.

With --against, another version of statuscodes/search.py (say `git show HEAD:statuscodes/search.py
> /tmp/search_head.py`) ranks the same corpora too, query by query in turn with this one, so a
busy machine slows both alike: a before/after comparison that two separate runs cannot give.

With --quality it times nothing and measures how good the answers are instead, on the tuned set
(relevance.tsv) and on the held-out one (relevance_heldout.tsv): top-1, top-3, MRR and nDCG@5
(see `quality` for the definitions), and how many of the queries nothing answers got nothing.
statuscodes/tests/test_search_quality.py holds the ranker to floors on the same figures.
"""

import argparse
import io
import math
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TUNED = ROOT / "statuscodes/tests/relevance.tsv"
HELD_OUT = ROOT / "statuscodes/tests/relevance_heldout.tsv"


def setup_django(database: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "statuscodes.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-key")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost")  # the /search page is rendered for this host
    os.environ["DJANGO_DEBUG"] = "False"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("load_content", stdout=io.StringIO())


def relevance_queries() -> list[str]:
    return [judged.query for judged in relevance_set(TUNED)]


# ---------------------------------------------------------------------------------------------
# Quality: how good the answers are, on a set of judged queries


@dataclass(frozen=True)
class Judged:
    """A query, the meanings that answer it with their grades ("504/iana" -> 3), and its kind.

    No grades means nothing in the reference answers it: the honest answer is an empty list.
    """

    query: str
    grades: dict
    kind: str

    @property
    def best(self) -> set[str]:
        top = max(self.grades.values(), default=0)
        return {key for key, grade in self.grades.items() if grade == top}


def meaning_key(text: str) -> str:
    return text if "/" in text else f"{text}/iana"


def relevance_set(path: Path) -> list[Judged]:
    """Rows of a relevance file. relevance.tsv names one expected meaning per query (grade 3);
    relevance_heldout.tsv grades several (`521/cloudflare=3 522/cloudflare=1`), or `-` for none.
    """
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        query, judgements, kind = line.split("\t")
        grades = {}
        for judgement in judgements.split():
            if judgement != "-":
                key, _, grade = judgement.partition("=")
                grades[meaning_key(key)] = int(grade or 3)
        rows.append(Judged(query, grades, kind))
    return rows


DEPTH = 10  # MRR looks this far down; a best answer below it counts as not found


def reciprocal_rank(found: list[str], judged: Judged) -> float:
    """1 / the rank of the first best-graded meaning in the results (0 when not in the top 10)."""
    for rank, key in enumerate(found[:DEPTH], 1):
        if key in judged.best:
            return 1 / rank
    return 0.0


def ndcg(found: list[str], judged: Judged, depth: int = 5) -> float:
    """Normalised discounted cumulative gain at depth: gain 2^grade - 1, discount log2(rank + 1)."""

    def dcg(grades: list[int]) -> float:
        return sum((2**grade - 1) / math.log2(rank + 1) for rank, grade in enumerate(grades[:depth], 1))

    ideal = dcg(sorted(judged.grades.values(), reverse=True))
    return dcg([judged.grades.get(key, 0) for key in found]) / ideal if ideal else 0.0


@dataclass
class Quality:
    queries: int = 0  # those with an answer; the figures below are over these
    top1: float = 0.0  # share whose first result is a best-graded meaning
    top3: float = 0.0  # share with a best-graded meaning in the first three
    mrr: float = 0.0  # mean reciprocal rank of the first best-graded meaning (within 10)
    ndcg5: float = 0.0  # mean nDCG@5 over every graded meaning
    unanswerable: int = 0  # queries nothing in the reference answers
    empty: int = 0  # ... of which the search listed nothing, as it should
    misses: tuple = ()  # a line per query whose first result is not a best one

    def row(self, label: str) -> str:
        honest = f" | {self.empty} of {self.unanswerable}" if self.unanswerable else " | n/a"
        return (
            f"| {label} | {self.queries} | {self.top1:.1%} | {self.top3:.1%} | {self.mrr:.3f} | {self.ndcg5:.3f}"
            + honest
            + " |"
        )


def quality(search, rows: list[Judged]) -> Quality:
    """The figures for one set; `search(query)` returns results with .code and .source, best first."""
    measured = Quality()
    misses = []
    for judged in rows:
        found = [f"{r.code}/{r.source}" for r in search(judged.query)]
        if not judged.grades:
            measured.unanswerable += 1
            measured.empty += not found
            if found:
                misses.append(f"{judged.kind:8} {judged.query!r}: want nothing, got {found[:5]}")
            continue
        measured.queries += 1
        measured.top1 += bool(found[:1]) and found[0] in judged.best
        measured.top3 += bool(judged.best & set(found[:3]))
        measured.mrr += reciprocal_rank(found, judged)
        measured.ndcg5 += ndcg(found, judged)
        if not found[:1] or found[0] not in judged.best:
            misses.append(f"{judged.kind:8} {judged.query!r}: want {sorted(judged.best)}, got {found[:5]}")
    count = max(measured.queries, 1)
    measured.top1, measured.top3 = measured.top1 / count, measured.top3 / count
    measured.mrr, measured.ndcg5 = measured.mrr / count, measured.ndcg5 / count
    measured.misses = tuple(misses)
    return measured


def report_quality(show_misses: str) -> None:
    from statuscodes import search

    print("| set | queries | top-1 | top-3 | MRR | nDCG@5 | nothing listed where nothing answers |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    measured = {}
    for label, path in (("tuned (relevance.tsv)", TUNED), ("held out (relevance_heldout.tsv)", HELD_OUT)):
        measured[label] = quality(lambda q: search.search(q, limit=DEPTH), relevance_set(path))
        print(measured[label].row(label))
    for label, figures in measured.items():
        if show_misses == "all" or (show_misses == "tuned" and label.startswith("tuned")):
            print(f"\n{label}: {len(figures.misses)} not first")
            print("\n".join(figures.misses))


def timed(function, queries: list[str], rounds: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds per query, every query `rounds` times, after a warm-up pass.

    CPU time is what a query costs; wall time adds whatever else the machine was doing.
    """
    for query in queries:
        function(query)
    wall, cpu = [], []
    for _ in range(rounds):
        for query in queries:
            start, start_cpu = time.perf_counter(), time.process_time()
            function(query)
            cpu.append((time.process_time() - start_cpu) * 1000)
            wall.append((time.perf_counter() - start) * 1000)
    return wall, cpu


def timed_against(ours, theirs, queries: list[str], rounds: int) -> tuple[list[float], list[float]]:
    """CPU milliseconds per query of two ranking functions, each query run by both, in turn
    (which goes first alternates by round)."""
    for query in queries:
        ours(query), theirs(query)
    samples: tuple[list[float], list[float]] = ([], [])
    for round_number in range(rounds):
        turns = [(ours, samples[0]), (theirs, samples[1])]
        for query in queries:
            for function, times in turns if round_number % 2 else reversed(turns):
                start = time.process_time()
                function(query)
                times.append((time.process_time() - start) * 1000)
    return samples


def search_page_against_no_errors(queries: list[str], rounds: int) -> tuple[list[float], list[float]]:
    """The /search page as a reader gets it on a cache miss (ranking, the errors' section,
    rendering), against the same view with the errors' search answering nothing: the page as it
    was before platform errors. The view is called under its page cache, so every call is a miss."""
    import inspect

    from django.test import RequestFactory

    from statuscodes import search_page

    view = inspect.unwrap(search_page.search)  # the HTML page, below the cache and negotiation
    factory = RequestFactory(SERVER_NAME="localhost", HTTP_ACCEPT="text/html")
    requests = {query: factory.get("/search", {"q": query}) for query in queries}
    real = search_page.error_search.search_errors

    def without_errors(query: str):
        search_page.error_search.search_errors = lambda query, limit=8: []
        try:
            return view(requests[query])
        finally:
            search_page.error_search.search_errors = real

    return timed_against(lambda query: view(requests[query]), without_errors, queries, rounds)


def load_other(path: str):
    """Another version of statuscodes/search.py, as a module of its own beside the real one."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("search_against", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def compare(label: str, samples: tuple[list[float], list[float]]) -> None:
    for name, values in zip(("this", "--against"), samples, strict=True):
        cuts = statistics.quantiles(values, n=100, method="inclusive")
        print(f"{label + ', cpu, ' + name:<44} p50 {cuts[49]:7.3f} ms   p99 {cuts[98]:7.3f} ms   "
              f"mean {statistics.mean(values):7.3f} ms")  # fmt: skip
    ratio = statistics.mean(samples[0]) / statistics.mean(samples[1])
    print(f"{label + ', mean time, this / --against':<44} {ratio:.3f}")


def report(label: str, samples: tuple[list[float], list[float]]) -> None:
    for clock, values in zip(("wall", "cpu"), samples, strict=True):
        cuts = statistics.quantiles(values, n=100, method="inclusive")
        print(f"{label + ', ' + clock:<44} p50 {cuts[49]:7.3f} ms   p99 {cuts[98]:7.3f} ms   max {max(values):7.3f} ms")


def synthetic_entries(real: list, count: int, seed: int = 0) -> list:
    """count meanings recombined from the real text, so word statistics stay realistic."""
    from statuscodes.search import Entry, passages_of

    rng = random.Random(seed)
    name_words = sorted({w for e in real for w in (e.name + " " + " ".join(e.aliases)).split()})
    sentences = [text for e in real for text, _ in passages_of(e)]  # (sentence, its stems) pairs
    vendors = [(f"vendor{n}", f"Vendor {n} Platform", 10 + n) for n in range(400)]
    entries = []
    for n in range(count):
        slug, vendor_name, rank = rng.choice(vendors)
        base = rng.choice(real)
        name = " ".join(rng.sample(name_words, rng.randint(1, 4)))
        entries.append(
            Entry(
                number=rng.randint(100, 599),
                source=slug,
                source_name=vendor_name,
                source_rank=rank,
                official=False,
                name=name,
                aliases=[" ".join(rng.sample(name_words, 3))] if n % 3 == 0 else [],
                summary=rng.choice(real).summary,
                url=f"/{n}",
                texts={
                    "name": name,
                    "summary": rng.choice(real).summary,
                    "headings": "\n".join(rng.sample(sentences, 4)),
                    "headers": base.texts["headers"],
                    "when": " ".join(rng.sample(sentences, 3)),
                    "vendor": vendor_name,
                    "body": " ".join(rng.sample(sentences, 25)),
                },
            )
        )
    return entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--synthetic", type=int, default=10_000)
    parser.add_argument("--against", metavar="SEARCH_PY", help="also time this other version of search.py, in turn")
    parser.add_argument("--quality", action="store_true", help="measure answers (top-1, MRR, nDCG@5), not time")
    parser.add_argument(
        "--misses",
        choices=["tuned", "all"],
        help="with --quality: list the queries not answered first, of the tuned set only (tune on those) or all",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        setup_django(Path(work) / "bench.sqlite3")
        if args.quality:
            report_quality(args.misses)
            return
        from statuscodes import search

        queries = relevance_queries()
        start = time.perf_counter()
        real = search.entries_from_database()
        read_ms = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        index = search.Index(real)
        build_ms = (time.perf_counter() - start) * 1000
        print(f"{len(queries)} queries x {args.rounds} rounds; Python {sys.version.split()[0]}; "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start")  # fmt: skip
        print(f"real corpus: {len(real)} meanings, {len(index.postings)} terms")
        print(f"  read from the database {read_ms:.1f} ms, index built in {build_ms:.1f} ms")
        search.search("warm up")  # builds the cached index of the current revision
        report("  search() with the revision lookup", timed(search.search, queries, args.rounds))
        report("  ranking alone", timed(lambda q: index.search(q, 20), queries, args.rounds))
        from statuscodes import error_search

        error_search.search_errors("warm up")
        print(f"  platform errors: {len(error_search.indexed().entries)}, searched beside the codes (/search, the API)")
        with_errors = timed_against(
            lambda q: (search.search(q), error_search.search_errors(q)), search.search, queries, args.rounds
        )
        compare("  search() with the errors' search, vs alone", with_errors)
        compare("  /search page, uncached, with errors vs without", search_page_against_no_errors(queries, args.rounds))
        other = load_other(args.against) if args.against else None
        if other:
            theirs = other.Index(real)
            pair = timed_against(lambda q: index.search(q, 20), lambda q: theirs.search(q, 20), queries, args.rounds)
            compare("  ranking alone", pair)
        if not args.synthetic:
            return

        entries = synthetic_entries(real, args.synthetic)
        start = time.perf_counter()
        big = search.Index(entries)
        build_ms = (time.perf_counter() - start) * 1000
        print(f"synthetic corpus: {len(entries)} meanings, {len(big.postings)} terms")
        print(f"  index built in {build_ms:.0f} ms")
        rounds = max(1, args.rounds // 4)
        report("  ranking alone", timed(lambda q: big.search(q, 20), queries, rounds))
        if other:
            start = time.perf_counter()
            theirs = other.Index(entries)
            print(f"  --against: index built in {(time.perf_counter() - start) * 1000:.0f} ms")
            compare(
                "  ranking alone",
                timed_against(lambda q: big.search(q, 20), lambda q: theirs.search(q, 20), queries, rounds),
            )


if __name__ == "__main__":
    main()
