"""Abuse benchmark: worker memory and worst-case search time under hostile traffic, through gunicorn.

Usage:  .venv/bin/python bench/abuse.py [--threads 2] [--seconds 100] [--seed 1]

Loads content/ into a throwaway SQLite database, collects the static files and starts gunicorn
with production settings (2 sync workers, gunicorn.conf.py, via statuscodes/tests/servers.py) with
worker recycling off (`--max-requests 0`) so that growth shows. After a warm-up it sends, from
`--threads` client threads, in a shuffled order:

- every port 1..400 on the allowed host, each on /api/v1/export (1.3 MB) and on one other page type;
- 30 distinct junk query strings on each of the 20 page types (the export and the CSV included);
- 600 worst-case searches, half on /search and half on /api/v1/search, each query distinct so no
  cache helps: an NFKC-expanding character repeated 150-198 times (㎉㎉㎉ becomes one word,
  "kcalkcalkcal"), single words of 150-200 letters, and 60 words of one or two letters;
- 300 trivial requests (/robots.txt and /healthz), the reference the search is compared with.

Times are to the first byte on loopback (the request sent to the status line and headers read),
which is the server's time plus a little socket overhead. The run stops by itself after `--seconds`.
Goals: each worker's RSS grows by less than 50 MB; the worst search answers in under 20 ms.
"""

import argparse
import http.client
import os
import random
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GROWTH_GOAL_MB = 50
SEARCH_GOAL_MS = 20
PAGE_TYPES = ["/", "/404", "/521", "/5xx", "/compare", "/compare/404-vs-410", "/search?q=gone", "/sitemap.xml",
              "/robots.txt", "/favicon.ico", "/api/", "/api/v1/", "/api/v1/codes", "/api/v1/codes/404",
              "/api/v1/classes/5xx", "/api/v1/compare/404-vs-410", "/api/v1/search?q=gone", "/api/v1/openapi.json",
              "/api/v1/export", "/api/v1/export.csv"]  # fmt: skip
# Characters NFKC turns into several: ㎉ kcal, ㎈ cal, ﬃ ffi, ㍱ hPa, ㏒ log, ⑴ (1), ﷺ 18 letters.
EXPANDING = "\u3389\u3388\ufb03\u3371\u33d2\u2474\ufdfa"


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "statuscodes.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-key")
    os.environ["DJANGO_DEBUG"] = "False"
    import django

    django.setup()


def junk(rng: random.Random) -> str:
    """A query string no page reads, different every time."""
    token = "".join(rng.choices(string.ascii_letters + string.digits, k=12))
    return f"utm_source={token}&x[]={rng.randrange(10**9)}&%ff=%00&ref=" + quote("<script>" + token)


def with_junk(path: str, rng: random.Random) -> str:
    return path + ("&" if "?" in path else "?") + junk(rng)


SEARCH_KINDS = ["NFKC-expanding", "one long word", "60 short words"]


def worst_case_query(kind: str, rng: random.Random) -> str:
    if kind == "NFKC-expanding":  # one character repeated (㎉㎉㎉ is one long word), two letters make it new
        return rng.choice(EXPANDING) * rng.randint(150, 198) + "".join(rng.choices("xyz", k=2))
    if kind == "one long word":
        return "".join(rng.choices(string.ascii_lowercase, k=rng.randint(150, 200)))
    return " ".join("".join(rng.choices(string.ascii_lowercase, k=rng.randint(1, 2))) for _ in range(60))


def worst_case_queries(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, query): distinct queries, a third of each kind."""
    queries: dict[str, str] = {}
    while len(queries) < count:
        kind = SEARCH_KINDS[len(queries) % len(SEARCH_KINDS)]
        queries.setdefault(worst_case_query(kind, rng)[:200], kind)
    return [(kind, text) for text, kind in queries.items()]


def plan(rng: random.Random) -> list[tuple[str, str, str]]:
    """(kind, Host header, path) for every request, shuffled so each kind meets the same load."""
    from statuscodes.tests.servers import HOST

    requests = []
    for port in range(1, 401):
        requests.append(("host port", f"{HOST}:{port}", with_junk("/api/v1/export", rng)))
        requests.append(("host port", f"{HOST}:{port}", with_junk(PAGE_TYPES[port % len(PAGE_TYPES)], rng)))
    requests += [("junk query", HOST, with_junk(path, rng)) for path in PAGE_TYPES for _ in range(30)]
    for n, (kind, text) in enumerate(worst_case_queries(600, rng)):
        target = "/search?q=" if n % 2 else "/api/v1/search?q="
        requests.append((f"search, {kind}", HOST, target + quote(text)))
    requests += [("trivial", HOST, "/robots.txt" if n % 2 else "/healthz") for n in range(300)]
    rng.shuffle(requests)
    return requests


def timed_get(port: int, host: str, path: str) -> tuple[int, float]:
    """(status, milliseconds to the first byte): from the request sent to the headers read."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", host)
        connection.putheader("Accept", "text/html")
        connection.endheaders()
        start = time.perf_counter()
        response = connection.getresponse()
        elapsed = (time.perf_counter() - start) * 1000
        response.read()
        return response.status, elapsed
    finally:
        connection.close()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=2, choices=[2, 3, 4])
    parser.add_argument("--seconds", type=float, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    setup_django()
    from statuscodes.tests.servers import Gunicorn, prepare_sqlite, production_env, rss_kib

    work = Path(tempfile.mkdtemp(prefix="abuse-"))
    database_url = prepare_sqlite(work)
    env = production_env(database_url, GUNICORN_CMD_ARGS="--max-requests 0")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    server = Gunicorn(env, work / "gunicorn.log", workers=2)
    try:
        return run(server, args, rss_kib)
    finally:
        server.stop()


def run(server, args, rss_kib) -> int:
    from statuscodes.tests.servers import HOST

    rng = random.Random(args.seed)
    requests = plan(rng)
    warm = [path for path in PAGE_TYPES] + ["/search?q=warm", "/api/v1/search?q=warm"]
    with ThreadPoolExecutor(4) as pool:  # both workers build their search index and fill their caches
        list(pool.map(lambda path: timed_get(server.port, HOST, path), warm * 4))
    workers = sorted(server.worker_pids())
    before = {pid: rss_kib(pid) for pid in workers}

    results: dict[str, list[tuple[int, float]]] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + args.seconds
    started = time.monotonic()

    def send(item):
        kind, host, path = item
        if time.monotonic() > deadline:
            return
        outcome = timed_get(server.port, host, path)
        with lock:
            results.setdefault(kind, []).append(outcome)

    with ThreadPoolExecutor(args.threads) as pool:
        list(pool.map(send, requests))
    elapsed = time.monotonic() - started
    after = {pid: rss_kib(pid) for pid in workers}
    sent = sum(len(outcomes) for outcomes in results.values())
    return report(args, server, results, workers, before, after, sent, len(requests), elapsed)


def report(args, server, results, workers, before, after, sent, planned, elapsed) -> int:
    print(f"abuse benchmark: {sent} of {planned} requests in {elapsed:.1f} s from {args.threads} client threads, "
          f"gunicorn with 2 sync workers (production settings, --max-requests 0), {os.cpu_count()} cores")  # fmt: skip
    statuses: dict[int, int] = {}
    for outcomes in list(results.values()):
        for status, _ in outcomes:
            statuses[status] = statuses.get(status, 0) + 1
    print("statuses: " + ", ".join(f"{status} x{count}" for status, count in sorted(statuses.items())))
    print()
    print(f"{'worker':<10} {'RSS before':>11} {'RSS after':>11} {'growth':>9}")
    growths = []
    for pid in workers:
        growth = (after[pid] - before[pid]) / 1024
        growths.append(growth)
        print(f"{pid:<10} {before[pid] / 1024:>8.1f} MB {after[pid] / 1024:>8.1f} MB {growth:>6.1f} MB")
    restarted = sorted(server.worker_pids()) != workers
    print()
    print(f"{'requests':<28} {'count':>6} {'p50':>9} {'p99':>9} {'worst':>9}")
    results["search"] = [outcome for kind in SEARCH_KINDS for outcome in results.get(f"search, {kind}", [])]
    rows = {}
    for kind in ["trivial", "search"] + [f"search, {kind}" for kind in SEARCH_KINDS] + ["host port", "junk query"]:
        times = [ms for _, ms in results.get(kind, [])]
        if not times:
            continue
        rows[kind] = (statistics.median(times), percentile(times, 0.99), max(times))
        p50, p99, worst = rows[kind]
        label = "  " + kind.removeprefix("search, ") if kind.startswith("search, ") else kind
        print(f"{label:<28} {len(times):>6} {p50:>6.1f} ms {p99:>6.1f} ms {worst:>6.1f} ms")
    print()
    passed = True
    growth_ok = max(growths) < GROWTH_GOAL_MB and not restarted
    note = " (a worker was replaced during the run)" if restarted else ""
    print(f"{'PASS' if growth_ok else 'FAIL'}  worker RSS growth: largest {max(growths):.1f} MB, "
          f"goal < {GROWTH_GOAL_MB} MB{note}")  # fmt: skip
    passed &= growth_ok
    if "search" in rows and "trivial" in rows:
        (_, s99, sworst), (t50, t99, _) = rows["search"], rows["trivial"]
        search_ok = sworst < SEARCH_GOAL_MS
        print(f"{'PASS' if search_ok else 'FAIL'}  worst search: {sworst:.1f} ms, p99 {s99:.1f} ms, goal worst < "
              f"{SEARCH_GOAL_MS} ms; that is {sworst / t50:.0f}x the median trivial request ({t50:.1f} ms) and "
              f"p99 {s99 / t99:.1f}x its p99 ({t99:.1f} ms)")  # fmt: skip
        passed &= search_ok
    errors = sum(count for status, count in statuses.items() if status >= 500)
    print(f"{'PASS' if not errors else 'FAIL'}  server errors (5xx): {errors}")
    passed &= not errors
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
