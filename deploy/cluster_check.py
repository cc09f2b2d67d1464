"""The checks `deploy/cluster.sh test` runs against the cluster it started: edits, failures, recovery.

Usage: .venv/bin/python deploy/cluster_check.py STATE_FILE   (the file `cluster.sh up` wrote)

Each check prints PASS or FAIL with its figures; the exit status is 1 when any failed. Only the
standard library and PyYAML (a dependency, to read compose.yaml). The cluster is disrupted
through cluster.sh itself (app-kill, app-start, redis-stop, redis-start, pg-restart), the one
place that knows how its processes start.
"""

import http.client
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
CLUSTER_SH = REPO / "deploy" / "cluster.sh"
TEMPLATE = REPO / "deploy" / "nginx.conf.template"
PY = sys.executable

# Pages the front caches at the start and that nothing touches again until PostgreSQL restarts:
# by then their copies have expired, so serving them needs the app, or the stale copy.
WARM_PAGES = ["/", "/200", "/301", "/404", "/500"]
WARM_ACCEPTS = [None, "*/*", "application/json"]
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@dataclass
class Response:
    status: int  # 0: no HTTP answer at all
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    seconds: float = 0.0
    error: str = ""

    @property
    def cache(self) -> str:
        return self.headers.get("x-cache-status", "-")


class Cluster:
    def __init__(self, state_file: str):
        self.state_file = state_file
        values = dict(line.split("=", 1) for line in Path(state_file).read_text().split() if "=" in line)
        self.dir = Path(values["CLUSTER_DIR"])
        self.ports = {
            "front": int(values["NGINX_PORT"]),
            "a": int(values["APP_A_PORT"]),
            "b": int(values["APP_B_PORT"]),
        }
        self.pg_port = int(values["PG_PORT"])
        self.redis_port = int(values["REDIS_PORT"])
        self.app_env = dict(
            line.split("=", 1) for line in (self.dir / "app.env").read_text().splitlines() if "=" in line
        )
        self.failures: list[str] = []

    def get(self, where: str, path: str, accept: str | None = None, timeout: float = 10, **headers) -> Response:
        """One GET to the front or an instance ("front", "a", "b"), on a fresh connection."""
        if accept is not None:
            headers["Accept"] = accept
        headers = {name.replace("_", "-"): value for name, value in headers.items()}
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.ports[where], timeout=timeout)
        try:
            connection.request("GET", path, headers=headers)
            reply = connection.getresponse()
            body = reply.read()
            answer = {name.lower(): value for name, value in reply.getheaders()}
            return Response(reply.status, answer, body, time.monotonic() - started)
        except (OSError, http.client.HTTPException) as error:
            return Response(0, seconds=time.monotonic() - started, error=f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    def run(self, *args: str) -> None:
        """A disruption through cluster.sh (app-kill a, redis-stop, pg-restart, ...)."""
        env = {**os.environ, "CLUSTER_STATE": self.state_file}
        subprocess.run(["bash", str(CLUSTER_SH), *args], env=env, check=True, timeout=90)

    def manage(self, *args: str) -> str:
        """manage.py with the instances' environment: what an editor's shell on instance A runs."""
        env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/"), "LANG": "C.UTF-8", **self.app_env}
        done = subprocess.run([PY, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"manage.py {args[0]} failed:\n{done.stderr}")
        return done.stdout

    def report(self, name: str, ok: bool, detail: str) -> None:
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}", flush=True)
        if not ok:
            self.failures.append(name)


def front_cache_seconds() -> int:
    """The longest the front keeps a page (the README states it), from the template.

    nginx counts whole seconds: `proxy_cache_valid 9s` keeps a copy for 9 to 10 s.
    """
    return int(re.search(r"proxy_cache_valid 200 404 (\d+)s;", TEMPLATE.read_text()).group(1)) + 1


def milliseconds(responses: list[Response]) -> str:
    times = sorted(r.seconds * 1000 for r in responses)
    return f"median {statistics.median(times):.1f} ms, max {times[-1]:.1f} ms"


def statuses(responses: list[Response]) -> str:
    counts = sorted(Counter(r.status for r in responses).items())
    return ", ".join(f"{status or 'no answer'}: {n}" for status, n in counts) or "none"


def paced(requests: list, threads: int, seconds: float) -> list[Response]:
    """Run the callables from `threads` threads, spread evenly over about `seconds`."""
    results: list[Response] = []
    lock = threading.Lock()
    interval = seconds * threads / max(len(requests), 1)

    def worker(share):
        for request in share:
            started = time.monotonic()
            response = request()
            with lock:
                results.append(response)
            time.sleep(max(0.0, interval - (time.monotonic() - started)))

    pool = [threading.Thread(target=worker, args=(requests[i::threads],)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return results


def check_same_topology_as_compose(cluster: Cluster) -> None:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    services = compose["services"]
    redis_command = services["redis"]["command"]
    config = {}
    for name in ("maxmemory", "maxmemory-policy", "save"):
        out = subprocess.run(["redis-cli", "-p", str(cluster.redis_port), "config", "get", name],
                             capture_output=True, text=True, check=True).stdout.split("\n")  # fmt: skip
        config[name] = out[1] if len(out) > 1 else ""
    wanted_policy = redis_command[redis_command.index("--maxmemory-policy") + 1]
    redis_ok = (
        config["maxmemory"] == str(256 * 1024 * 1024)
        and redis_command[redis_command.index("--maxmemory") + 1] == "256mb"
        and config["maxmemory-policy"] == wanted_policy == "allkeys-lru"
        and config["save"] == ""
    )
    compose_env = set(services["app-a"]["environment"])
    cluster_env = set(cluster.app_env)
    mounts = [volume.split(":")[0] for volume in services["nginx"]["volumes"]]
    same_env = compose_env == cluster_env
    ok = redis_ok and same_env and "./deploy/nginx.conf.template" in mounts
    detail = (
        f"redis maxmemory {config['maxmemory']} policy {config['maxmemory-policy']} save '{config['save']}'; "
        f"app environment names {'the same' if same_env else 'differ'}; nginx runs deploy/nginx.conf.template"
    )
    if not same_env:
        only_compose, only_cluster = sorted(compose_env - cluster_env), sorted(cluster_env - compose_env)
        detail += f" (compose only: {only_compose}, cluster only: {only_cluster})"
    cluster.report("same topology as compose.yaml", ok, detail)


def check_migrated_once(cluster: Cluster) -> None:
    """Both instances ran prepare_database at the same moment: one migrated and loaded, one waited."""
    runs = {}
    for name in ("a", "b"):
        output = (cluster.dir / f"prepare-{name}.log").read_text()
        status, started, finished = (cluster.dir / f"prepare-{name}.time").read_text().split()
        runs[name] = {
            "migrated": "Applying " in output,
            "nothing_to_migrate": "No migrations to apply." in output,
            "loaded": bool(re.search(r"^Loaded ", output, re.M)),
            "unchanged": "Nothing changed" in output,
            "status": int(status),
            "started": float(started),
            "finished": float(finished),
        }
    first, second = sorted(runs, key=lambda name: not runs[name]["migrated"])
    one, other = runs[first], runs[second]
    rows = cluster_sql(cluster, "SELECT count(*) - count(DISTINCT (app, name)) FROM django_migrations")
    overlap = min(one["finished"], other["finished"]) - max(one["started"], other["started"])
    ok = (
        one["status"] == other["status"] == 0
        and one["migrated"] and one["loaded"]
        and other["nothing_to_migrate"] and other["unchanged"] and not other["migrated"] and not other["loaded"]
        and rows == "0"
        and overlap > 0
    )  # fmt: skip
    cluster.report(
        "instances starting together migrate once",
        ok,
        f"{first.upper()} migrated and loaded content/ in {one['finished'] - one['started']:.1f} s; "
        f"{second.upper()}, started {abs(other['started'] - one['started']) * 1000:.0f} ms apart, waited for the lock "
        f"and found nothing to do ({other['finished'] - other['started']:.1f} s); duplicate migration rows: {rows}",
    )


def cluster_sql(cluster: Cluster, query: str) -> str:
    out = subprocess.run(
        ["runuser", "-u", "postgres", "--", "psql", "-h", "127.0.0.1", "-p", str(cluster.pg_port), "-U", "postgres",
         "-d", "statuscodes", "-Atc", query],
        capture_output=True, text=True, check=True, cwd="/",
    )  # fmt: skip
    return out.stdout.strip()


def check_negotiation(cluster: Cluster) -> None:
    """The front's normalised Accept gives what the app gives for the raw header, and caches it."""
    cases = [None, "*/*", BROWSER, "application/json", "text/plain", "application/json, text/plain, */*",
             "text/html;q=0.5, application/json"]  # fmt: skip
    lines, ok = [], True
    for accept in cases:
        direct = cluster.get("a", "/503", accept)
        first = cluster.get("front", "/503", accept)
        second = cluster.get("front", "/503", accept)
        unsure = accept == "text/html;q=0.5, application/json"
        expected_cache = "BYPASS" if unsure else "HIT"
        same = (
            direct.headers.get("content-type")
            == first.headers.get("content-type")
            == second.headers.get("content-type")
        )
        good = same and second.status == 200 and second.cache == expected_cache
        ok = ok and good
        kind = (second.headers.get("content-type") or "?").split(";")[0]
        lines.append(f"{accept or '(none)'!r} -> {kind} {second.cache}")
    cluster.report("front negotiates as the app does", ok, "; ".join(lines))


def check_static_and_private(cluster: Cluster) -> None:
    home = cluster.get("a", "/", BROWSER).body.decode()
    css = re.search(r"/static/css/site\.[0-9a-f]{12}\.css", home).group(0)
    details, ok = [], True
    for encoding in ("gzip", "br"):
        cluster.get("front", css, accept="text/css", Accept_Encoding=encoding)
        again = cluster.get("front", css, accept="text/css", Accept_Encoding=encoding)
        control = again.headers.get("cache-control", "")
        good = (
            again.status == 200
            and again.cache == "HIT"
            and again.headers.get("content-encoding") == encoding
            and "immutable" in control
        )
        ok = ok and good
        details.append(f"{css} ({encoding}) {again.cache}, {control!r}")
    for path in ("/admin/login/", "/healthz", "/livez"):
        cluster.get("front", path)
        again = cluster.get("front", path)
        good = again.status == 200 and again.cache not in ("HIT", "STALE", "UPDATING", "REVALIDATED")
        ok = ok and good
        details.append(f"{path} never cached ({again.cache})")
    signed_in = cluster.get("front", "/418", Cookie="sessionid=anything")
    ok = ok and signed_in.cache == "BYPASS"
    details.append(f"with a session cookie {signed_in.cache}")
    cluster.report("static files kept long, private answers never", ok, "; ".join(details))


def check_edit_propagates(cluster: Cluster, front_seconds: int) -> None:
    """An edit saved through instance A: B serves it within 1 s, the front within its cache time + 1 s.

    The front's copy is fetched just before the save, the worst case: it has its whole time to run.
    B and the front are polled from before the save, so the figures do not include the shell's exit.
    """
    path, accept = "/418", "text/plain"
    token = f"cluster-edit-{time.time_ns()}".encode()
    for where in ("front", "front", "b", "a"):  # the old text in every cache
        cluster.get(where, path, accept)
    before = cluster.get("front", path, accept)
    seen: dict[str, tuple[float, Response]] = {}
    give_up = time.time() + front_seconds + 30

    def poll(where: str, every: float) -> None:
        while time.time() < give_up:
            response = cluster.get(where, path, accept)
            if token in response.body:
                seen[where] = (time.time(), response)
                return
            time.sleep(every)

    pollers = [threading.Thread(target=poll, args=("b", 0.02)), threading.Thread(target=poll, args=("front", 0.1))]
    for poller in pollers:
        poller.start()
    saved = cluster.manage(
        "shell",
        "-c",
        "import time\n"
        "from statuscodes.models import StatusCode\n"
        "code = StatusCode.objects.filter(number=418).order_by('source__rank').first()\n"
        f"code.summary = 'Edited through instance A: {token.decode()}.'\n"
        "code.save()\n"
        "print(time.time())\n",
    )
    saved_at = float(saved.split()[-1])
    for poller in pollers:
        poller.join()
    on_b = seen["b"][0] - saved_at if "b" in seen else None
    on_front = seen["front"][0] - saved_at if "front" in seen else None
    cluster.report(
        "an edit through A is served by B at once",
        on_b is not None and on_b <= 1.0,
        f"B served it {on_b:.2f} s after the save (limit 1 s)" if on_b is not None else "B never served it",
    )
    cluster.report(
        "and through the front within its cache time",
        on_front is not None and on_front <= front_seconds + 1,
        (
            f"the front served it {on_front:.1f} s after the save ({seen['front'][1].cache}; limit {front_seconds} "
            f"+ 1 s), its earlier copy ({before.cache}) until then"
        )
        if on_front is not None
        else f"the front never served it ({front_seconds + 30} s)",
    )


def check_killed_instance(cluster: Cluster) -> None:
    """kill -9 of instance A (master and workers) under load through the front: nothing lost."""
    codes, accepts = [200, 404, 418, 500, 503], [None, "*/*", BROWSER, "application/json"]
    requests = [
        (lambda i=i: cluster.get("front", f"/{codes[i % 5]}?kill={i}", accepts[i % 4])) for i in range(300)
    ]  # unique URLs: every one goes past the front's cache to an instance
    killer = threading.Timer(1.0, cluster.run, args=("app-kill", "a"))
    killer.start()
    results = paced(requests, threads=4, seconds=3.0)
    killer.join()
    a_after = cluster.get("a", "/livez", timeout=2)
    failed = [r for r in results if r.status != 200]
    log = (cluster.dir / "nginx" / "access.log").read_text().splitlines()
    ours = [line for line in log if "?kill=" in line]
    a_port, b_port = cluster.ports["a"], cluster.ports["b"]
    retried = sum(1 for line in ours if f":{a_port}, 127.0.0.1:{b_port}" in line)
    only_b = sum(1 for line in ours if f"upstream=127.0.0.1:{b_port} " in line)
    only_a = sum(1 for line in ours if f"upstream=127.0.0.1:{a_port} " in line)
    ok = not failed and len(results) == 300 and a_after.status == 0
    cluster.report(
        "killing one instance loses no request at the front",
        ok,
        f"{len(results)} requests in 3 s from 4 threads, A killed (-9) at 1 s: {statuses(results)}; "
        f"served by A {only_a}, by B {only_b}, tried on A then retried on B {retried}; {milliseconds(results)}"
        + (f"; first failure: {failed[0].status} {failed[0].error}" if failed else ""),
    )
    cluster.run("app-start", "a")
    back = cluster.get("a", "/healthz")
    cluster.report("instance A restarted", back.status == 200, f"/healthz on A: {back.status}")


def check_redis_down(cluster: Cluster) -> None:
    """Redis stopped: pages still come, from the database, slower; no 5xx."""

    def hundred(tag: str) -> tuple[list[Response], list[Response]]:
        front = [cluster.get("front", f"/{400 + i % 30}?{tag}={i}", "text/plain") for i in range(100)]
        direct = [cluster.get("a", f"/{400 + i % 30}", "text/plain") for i in range(100)]
        return front, direct

    up_front, up_direct = hundred("redis-up")
    cluster.run("redis-stop")
    try:
        down_front, down_direct = hundred("redis-down")
    finally:
        cluster.run("redis-start")
    after = [cluster.get("a", "/418", "text/plain") for _ in range(10)]
    acceptable = {200, 404}  # 400-429 holds numbers no one defines; they must stay 404s, not 5xx
    bad = [r for r in down_front + down_direct + after if r.status not in acceptable]
    same = [a.status for a in up_front + up_direct] == [d.status for d in down_front + down_direct]
    ok = not bad and same
    first_bad = bad[0] if bad else None
    cluster.report(
        "Redis down: pages still served, no 5xx",
        ok,
        f"through the front {statuses(down_front)} ({milliseconds(down_front)}; with Redis {milliseconds(up_front)}); "
        f"straight to A {statuses(down_direct)} ({milliseconds(down_direct)}; with Redis {milliseconds(up_direct)}); "
        f"after Redis came back {statuses(after)}"
        + (f"; first failure: {first_bad.status} {first_bad.error or first_bad.body[:120]!r}" if first_bad else ""),
    )


def check_postgres_restarts(cluster: Cluster, warmed_at: float, front_seconds: int) -> None:
    """PostgreSQL restarted under traffic: the front serves what it holds; the app recovers alone."""
    wait = warmed_at + front_seconds - time.monotonic()
    if wait > 0:
        time.sleep(wait)  # the warm copies must have expired: the front has to ask, and may fail
    postgres_outage(cluster, "PostgreSQL restarted (pg_ctl restart -m fast)", [])
    postgres_outage(cluster, "PostgreSQL stopped for 3 s, then started", ["3"])


def postgres_outage(cluster: Cluster, name: str, hold: list[str]) -> None:
    stop = threading.Event()
    held: list[tuple[float, Response]] = []  # pages the front holds
    new: list[tuple[float, Response]] = []  # addresses the front has never seen
    direct: list[tuple[float, Response]] = []  # straight to A and B
    pages = [(path, accept) for path in WARM_PAGES for accept in WARM_ACCEPTS]
    tag = time.monotonic_ns()

    def loop(into, request):
        i = 0
        while not stop.is_set():
            into.append((time.monotonic(), request(i)))
            i += 1
            time.sleep(0.02)

    loops = [
        threading.Thread(target=loop, args=(held, lambda i: cluster.get("front", *pages[i % len(pages)]))),
        threading.Thread(target=loop, args=(new, lambda i: cluster.get("front", f"/20{i % 8}?pg={tag}-{i}"))),
        threading.Thread(target=loop, args=(direct, lambda i: cluster.get("ab"[i % 2], f"/20{i % 8}", "text/plain"))),
    ]
    for thread in loops:
        thread.start()
    time.sleep(0.5)
    began = time.monotonic()
    cluster.run("pg-restart", *hold)
    back = time.monotonic()
    recovered, streak, i = None, 0, 0
    while time.monotonic() - back < 15 and streak < 10:  # every request 200, ten rounds running
        round_ = [cluster.get("a", f"/30{i % 8}?r={tag}-{i}", "text/plain"), cluster.get("b", "/healthz"),
                  cluster.get("front", f"/41{i % 8}?r={tag}-{i}", "application/json")]  # fmt: skip
        i += 1
        if all(r.status == 200 for r in round_):
            recovered, streak = recovered or time.monotonic(), streak + 1
        else:
            recovered, streak = None, 0
        time.sleep(0.1)
    stop.set()
    for thread in loops:
        thread.join()
    until = recovered or time.monotonic()
    held_bad = [r for _, r in held if r.status != 200]
    during_new = [r for t, r in new if began <= t <= until]
    during_direct = [r for t, r in direct if began <= t <= until]
    # While the database is away the app answers 503 (Retry-After); nothing else is acceptable.
    wrong = [r for _, r in direct if r.status not in (200, 503)]
    recovery = recovered - back if recovered else None
    ok = not held_bad and not wrong and recovery is not None and recovery <= 10
    cluster.report(
        name,
        ok,
        f"database away {back - began:.1f} s; pages the front holds: {statuses([r for _, r in held])} "
        f"(cache {dict(Counter(r.cache for _, r in held))}); meanwhile straight to A and B "
        f"{statuses(during_direct)}, through the front for pages it never held {statuses(during_new)}; "
        + (f"every request 200 again {recovery:.1f} s after PostgreSQL was back" if recovery is not None
           else "requests still failing 15 s after PostgreSQL was back")
        + (f"; first held-page failure: {held_bad[0].status} {held_bad[0].error}" if held_bad else ""),
    )  # fmt: skip


def main() -> int:
    cluster = Cluster(sys.argv[1])
    front_seconds = front_cache_seconds()
    print(f"Front http://127.0.0.1:{cluster.ports['front']}/ (pages kept {front_seconds} s), "
          f"A :{cluster.ports['a']}, B :{cluster.ports['b']}", flush=True)  # fmt: skip
    for path in WARM_PAGES:
        for accept in WARM_ACCEPTS:
            cluster.get("front", path, accept)
    warmed_at = time.monotonic()
    check_same_topology_as_compose(cluster)
    check_migrated_once(cluster)
    check_negotiation(cluster)
    check_static_and_private(cluster)
    check_edit_propagates(cluster, front_seconds)
    check_killed_instance(cluster)
    check_redis_down(cluster)
    check_postgres_restarts(cluster, warmed_at, front_seconds)
    if cluster.failures:
        print(f"{len(cluster.failures)} check(s) failed: {', '.join(cluster.failures)}")
        return 1
    print("All cluster checks passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
