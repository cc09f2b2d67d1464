"""Search speed: query time p50/p99 over the relevance set, on the real corpus and on 10,000 codes.

Usage:  .venv/bin/python bench/search_bench.py [--rounds 20] [--synthetic 10000]

Loads content/ into a throwaway SQLite database with production settings, then times:
- building the index from the database (what the first query after an edit pays);
- `search()` as the views call it (one revision lookup in the database, then the ranking);
- the ranking alone, on the real corpus and on a synthetic corpus generated in memory from the
  real text (names, summaries and sentences recombined, numbers and vendors drawn at random).
Every query of statuscodes/tests/relevance.tsv is run `rounds` times; times are per query.
"""

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(database: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "statuscodes.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-key")
    os.environ["DJANGO_DEBUG"] = "False"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("load_content", stdout=io.StringIO())


def relevance_queries() -> list[str]:
    lines = (ROOT / "statuscodes/tests/relevance.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[0] for line in lines if line and not line.startswith("#")]


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


def report(label: str, samples: tuple[list[float], list[float]]) -> None:
    for clock, values in zip(("wall", "cpu"), samples, strict=True):
        cuts = statistics.quantiles(values, n=100, method="inclusive")
        print(f"{label + ', ' + clock:<44} p50 {cuts[49]:7.3f} ms   p99 {cuts[98]:7.3f} ms   max {max(values):7.3f} ms")


def synthetic_entries(real: list, count: int, seed: int = 0) -> list:
    """count meanings recombined from the real text, so word statistics stay realistic."""
    from statuscodes.search import Entry, passages_of

    rng = random.Random(seed)
    name_words = sorted({w for e in real for w in (e.name + " " + " ".join(e.aliases)).split()})
    sentences = [p for e in real for p in passages_of(e)]
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        setup_django(Path(work) / "bench.sqlite3")
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

        entries = synthetic_entries(real, args.synthetic)
        start = time.perf_counter()
        big = search.Index(entries)
        build_ms = (time.perf_counter() - start) * 1000
        print(f"synthetic corpus: {len(entries)} meanings, {len(big.postings)} terms")
        print(f"  index built in {build_ms:.0f} ms")
        report("  ranking alone", timed(lambda q: big.search(q, 20), queries, max(1, args.rounds // 4)))


if __name__ == "__main__":
    main()
