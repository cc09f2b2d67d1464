"""The retry recipes (statuscodes/retry_recipes.py), generated from the site's own /api/v1/retry-policy
and run for real: each recipe's file is written out and driven in its own language (a Python, Node or
Go process) against scripted servers, and what it did is checked against the table's numbers.

One driver process per recipe runs every scenario (Go compiles once); the injected sleep records each
delay instead of sleeping, and the breaker's injected clock is moved forward by the plan.
"""

import email.utils
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from statuscodes import retry_recipes
from statuscodes.tests.scripted_server import ScriptedServer
from statuscodes.tests.servers import free_port

SLUGS = ["python-stdlib", "python-urllib3", "python-httpx-tenacity", "javascript-fetch", "go-net-http"]
WITH_BREAKER = {"python-stdlib", "javascript-fetch", "go-net-http"}
REQUIRES = {
    "python-stdlib": "Python 3.11 standard library",
    "python-urllib3": "urllib3 2.x",
    "python-httpx-tenacity": "httpx + tenacity",
    "javascript-fetch": "Node 18+ (global fetch)",
    "go-net-http": "Go 1.19+ net/http",
}


@pytest.fixture(scope="module")
def table(production_server):
    """The retry-policy table as the real site serves it."""
    status, headers, body = production_server.request("GET", "/api/v1/retry-policy")
    assert status == 200, body[:500]
    assert headers["content-type"].startswith("application/json")
    return json.loads(body)


def policy(table: dict, status: int) -> dict:
    [row] = [code for code in table["codes"] if code["status"] == status and code["primary"]]
    return row


def retried(row: dict) -> bool:
    return row["when"] in ("always", "retry-after")


def ceiling(row: dict, attempt: int) -> float:
    """The top of the full-jitter window after `attempt` failed."""
    return min(row["backoff"]["cap"], row["backoff"]["base"] * 2 ** (attempt - 1))


def assert_jitter(delays: list[float], row: dict) -> None:
    assert delays, "expected backoff delays"
    for attempt, delay in enumerate(delays, start=1):
        assert 0 <= delay <= ceiling(row, attempt), (attempt, delay, row["backoff"])


def first_retried(table: dict, **fields) -> dict | None:
    rows = [c for c in table["codes"] if c["primary"] and retried(c) and all(c[k] == v for k, v in fields.items())]
    return min(rows, key=lambda c: c["status"], default=None)


# ---------------------------------------------------------------------------------------------
# The generated files as files: order, metadata, the embedded table, tidy code


def test_five_recipes_in_order(table):
    recipes = retry_recipes.recipes(table)
    assert [r.slug for r in recipes] == SLUGS
    assert [r.language for r in recipes] == ["python"] * 3 + ["javascript", "go"]
    assert {r.slug: r.requires for r in recipes} == REQUIRES
    assert len({r.filename for r in recipes}) == 5
    for recipe in recipes:
        assert recipe.note.endswith(".") and recipe.note.count(". ") == 0, recipe.note  # one sentence
        assert f"(revision {table['revision']})" in recipe.code
    notes = {r.slug: r.note for r in recipes}
    assert "no circuit breaker" in notes["python-urllib3"] and "no circuit breaker" in notes["python-httpx-tenacity"]


def embedded_rows(code: str) -> dict[int, list]:
    """The `status: (...)` lines of a recipe, in file order, as Python values."""
    rows = {}
    for line in code.splitlines():
        head, sep, rest = line.strip().partition(": ")
        if sep and head.isdigit() and rest[0] in "([{" and rest.endswith(("),", "],", "},")):
            literal = "[" + rest[1:-2] + "]"
            rows[int(head)] = json.loads(literal.replace("True", "true").replace("False", "false"))
    return rows


def expected_rows(table: dict) -> dict[int, list]:
    rows = {}
    for c in sorted(table["codes"], key=lambda c: c["status"]):
        if c["primary"] and retried(c):
            rows[c["status"]] = [
                c["when"], c["methods"] == "any", c["backoff"]["base"], c["backoff"]["cap"], c["max_retries"],
                c["circuit_breaker"], c["ratelimit_headers"],
            ]  # fmt: skip
    return rows


def test_each_recipe_embeds_the_tables_retried_primary_meanings_one_line_each_sorted(table):
    expected = expected_rows(table)
    assert 429 in expected and 503 in expected and 521 in expected  # what the scenarios below rely on
    refused = table["connection_refused"]
    for recipe in retry_recipes.recipes(table):
        rows = embedded_rows(recipe.code)
        assert rows == expected, recipe.slug
        assert list(rows) == sorted(rows), recipe.slug
        assert str(table["max_retry_after"]) in recipe.code
        assert f"{refused['backoff']['cap']}, {refused['max_retries']}" in recipe.code, recipe.slug
        for method in table["idempotent_methods"]:
            assert f'"{method}"' in recipe.code


def test_only_primary_meanings_that_retry_are_embedded():
    """A sample table: a secondary meaning of 530 with another policy, a code never retried, one retried
    only with Retry-After; and two primary meanings of one number are refused."""

    def row(status, when, primary=True, methods="idempotent", max_retries=3, **extra):
        backoff = {"base": 1.0, "cap": 30.0, "jitter": "full"} if when in ("always", "retry-after") else None
        return {
            "status": status, "primary": primary, "when": when, "methods": methods, "backoff": backoff,
            "max_retries": max_retries, "circuit_breaker": status >= 500, "ratelimit_headers": False, **extra,
        }  # fmt: skip

    sample = {
        "revision": "sample\n// not code",
        "idempotent_methods": ["GET", "PUT"],
        "max_retry_after": 120,
        "circuit_breaker": {"failures": 4, "open_seconds": 2.5, "half_open_probes": 1},
        "connection_refused": row(0, "always", methods="any", max_retries=2),
        "codes": [
            row(530, "always"),
            row(530, "always", primary=False, methods="any", max_retries=9),
            row(404, "after-change"),
            row(501, "never"),
            row(413, "retry-after"),
            row(200, "not-applicable"),
        ],
    }
    expected = {
        413: ["retry-after", False, 1.0, 30.0, 3, False, False],
        530: ["always", False, 1.0, 30.0, 3, True, False],
    }
    for recipe in retry_recipes.recipes(sample):
        assert embedded_rows(recipe.code) == expected, recipe.slug
        assert "(revision samplenotcode)" in recipe.code  # nothing from the table escapes the comment
        assert re.search(r"(MAX_RETRY_AFTER|maxRetryAfter) = 120\b", recipe.code), recipe.slug
        if recipe.slug in WITH_BREAKER:
            assert re.search(r"(BREAKER_FAILURES|breakerFailures) = 4\b", recipe.code), recipe.slug
            assert re.search(r"(BREAKER_OPEN_SECONDS|BREAKER_OPEN_MS|breakerOpen) += 2\.5\b", recipe.code), recipe.slug
    with pytest.raises(ValueError, match="two primary meanings of 530"):
        retry_recipes.recipes(sample | {"codes": [row(530, "always"), row(530, "always")]})


def test_generated_code_is_tidy(table, tmp_path):
    """ruff (check and format) for the Python recipes, gofmt and go vet for Go, node --check for JavaScript."""
    for recipe in retry_recipes.recipes(table):
        (tmp_path / recipe.filename).write_text(recipe.code)
    python = [str(tmp_path / r.filename) for r in retry_recipes.recipes(table) if r.language == "python"]
    # Not this project's ruff settings: the recipes are files for others, kept to Python 3.9 (as urllib3 2.x).
    ruff, options = [sys.executable, "-m", "ruff"], ["--isolated", "--line-length", "120", "--target-version", "py39"]
    subprocess.run([*ruff, "check", *options, "--select", "E,F,W,I,B,UP", *python], check=True)
    subprocess.run([*ruff, "format", *options, "--check", *python], check=True)
    if shutil.which("node"):
        subprocess.run(["node", "--check", str(tmp_path / "retry-fetch.mjs")], check=True)
    if shutil.which("gofmt"):
        unformatted = subprocess.run(["gofmt", "-l", str(tmp_path / "retryhttp.go")], capture_output=True, text=True)
        assert unformatted.stdout == "" and unformatted.returncode == 0, unformatted


# ---------------------------------------------------------------------------------------------
# The drivers: each runs the plan's scenarios in order and prints, per call, its status or error,
# the attempts it made (counted in the transport, so refused ones count too) and the delays it asked for.

PYTHON_HARNESS = """
import json
import sys
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, sys.argv[1])
plan = json.loads(open(sys.argv[2]).read())
state = {"attempts": 0, "delays": [], "clock": 1000.0, "wake": None}
lock = threading.Lock()


def record_sleep(seconds):
    with lock:
        state["delays"].append(seconds)
        if len(state["delays"]) > 20:
            raise RuntimeError("runaway: more than 20 retries in one step")
        url, state["wake"] = state["wake"], None
    if url:
        urllib.request.urlopen(url, timeout=10).read()  # starts the server the next attempt reaches


def count_attempt():
    with lock:
        state["attempts"] += 1


def run(send, classify):
    def call(step):
        try:
            return {"status": send(step["method"], step["url"])}
        except Exception as error:
            return {"error": classify(error), "detail": repr(error)}

    results = {}
    for name, scenario in plan.items():
        state["wake"] = scenario.get("wake")
        results[name] = []
        for step in scenario["steps"]:
            if "advance" in step:
                state["clock"] += step["advance"]
                continue
            state["attempts"], state["delays"] = 0, []
            if "together" in step:  # at the same time, each on its own thread
                with ThreadPoolExecutor(len(step["together"])) as pool:
                    result = {"together": list(pool.map(call, step["together"]))}
            else:
                result = call(step)
            results[name].append(result | {"attempts": state["attempts"], "delays": state["delays"]})
    print(json.dumps(results))
"""

PYTHON_DRIVERS = {
    "python-stdlib": """
import urllib.request
import retry_stdlib as recipe

breaker = recipe.Breaker(clock=lambda: state["clock"])


def counting_urlopen(req, timeout):
    count_attempt()
    return urllib.request.urlopen(req, timeout=timeout)


def send(method, url):
    req = urllib.request.Request(url, data=b"x" if method == "POST" else None, method=method)
    response = recipe.request(req, sleep=record_sleep, breaker=breaker, urlopen=counting_urlopen, timeout=10)
    response.read()
    return response.status


def classify(error):
    if isinstance(error, recipe.CircuitOpen):
        return "circuit-open"
    return "connection-refused" if isinstance(getattr(error, "reason", None), ConnectionRefusedError) else "other"


run(send, classify)
""",
    "python-urllib3": """
import urllib3
from urllib3.connectionpool import HTTPConnectionPool
import retry_urllib3 as recipe

original_urlopen = HTTPConnectionPool.urlopen


def counting_urlopen(self, *args, **kwargs):  # urllib3 calls it again for every retry
    count_attempt()
    return original_urlopen(self, *args, **kwargs)


HTTPConnectionPool.urlopen = counting_urlopen
http = urllib3.PoolManager(retries=recipe.PolicyRetry(sleep=record_sleep), timeout=10)


def send(method, url):
    return http.request(method, url, body=b"x" if method == "POST" else None).status


run(send, lambda error: "connection-refused" if recipe.refused(error) else "other")
""",
    "python-httpx-tenacity": """
import httpx
import retry_httpx as recipe


client = httpx.Client(timeout=10, event_hooks={"request": [lambda request: count_attempt()]})


def send(method, url):
    content = b"x" if method == "POST" else None
    return recipe.send(client, method, url, sleep=record_sleep, content=content).status_code


run(send, lambda error: "connection-refused" if recipe.refused(error) else "other")
""",
}

JAVASCRIPT_DRIVER = """
import { readFileSync } from "node:fs";
import { fetchWithRetry, CircuitOpenError } from "./retry-fetch.mjs";

const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
let clock = 1_000_000_000;
let attempts = 0;
let delays = [];
let wake = null;
const options = {
  now: () => clock,
  sleep: async (ms) => {
    delays.push(ms / 1000);
    if (delays.length > 20) throw new Error("runaway: more than 20 retries in one step");
    if (wake) {
      const url = wake;
      wake = null;
      await (await fetch(url)).text(); // starts the server the next attempt reaches
    }
  },
  fetch: (...args) => {
    attempts += 1;
    return fetch(...args);
  },
};

async function call(step) {
  const init = step.method === "POST" ? { method: "POST", body: "x" } : { method: step.method };
  try {
    const response = await fetchWithRetry(step.url, init, options);
    await response.text();
    return { status: response.status };
  } catch (error) {
    const kind = error instanceof CircuitOpenError ? "circuit-open"
      : error?.cause?.code === "ECONNREFUSED" ? "connection-refused" : "other";
    return { error: kind, detail: String(error) };
  }
}

const results = {};
for (const [name, scenario] of Object.entries(plan)) {
  wake = scenario.wake ?? null;
  results[name] = [];
  for (const step of scenario.steps) {
    if ("advance" in step) {
      clock += step.advance * 1000;
      continue;
    }
    attempts = 0;
    delays = [];
    const result = step.together ? { together: await Promise.all(step.together.map(call)) } : await call(step);
    results[name].push({ ...result, attempts, delays });
  }
}
console.log(JSON.stringify(results));
"""

GO_DRIVER = """
package main

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"driver/retryhttp"
)

type step struct {
	Method   string   `json:"method"`
	URL      string   `json:"url"`
	Advance  *float64 `json:"advance"`
	Together []step   `json:"together"`
}

type scenario struct {
	Wake  string `json:"wake"`
	Steps []step `json:"steps"`
}

var (
	mu       sync.Mutex
	attempts int
	delays   []float64
	wake     string
	clock    = time.Unix(1000000000, 0)
)

type counting struct{}

func (counting) RoundTrip(req *http.Request) (*http.Response, error) {
	mu.Lock()
	attempts++
	mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

func sleep(d time.Duration) {
	mu.Lock()
	delays = append(delays, d.Seconds())
	if len(delays) > 20 {
		panic("runaway: more than 20 retries in one step")
	}
	url := wake
	wake = ""
	mu.Unlock()
	if url != "" {
		if resp, err := http.Get(url); err == nil { // starts the server the next attempt reaches
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
}

var client = &retryhttp.Client{
	HTTP:  &http.Client{Transport: counting{}, Timeout: 10 * time.Second},
	Sleep: sleep,
	Now: func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return clock
	},
}

func call(st step) map[string]any {
	var body io.Reader
	if st.Method == "POST" {
		body = strings.NewReader("x")
	}
	req, err := http.NewRequest(st.Method, st.URL, body)
	if err != nil {
		panic(err)
	}
	resp, err := client.Do(req)
	result := map[string]any{}
	switch {
	case err == nil:
		result["status"] = resp.StatusCode
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	case errors.Is(err, retryhttp.ErrCircuitOpen):
		result["error"] = "circuit-open"
	case errors.Is(err, syscall.ECONNREFUSED):
		result["error"] = "connection-refused"
	default:
		result["error"] = "other"
	}
	if err != nil {
		result["detail"] = err.Error()
	}
	return result
}

func main() {
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	var plan map[string]scenario
	if err := json.Unmarshal(data, &plan); err != nil {
		panic(err)
	}
	results := map[string][]map[string]any{}
	for name, sc := range plan {
		wake = sc.Wake
		results[name] = []map[string]any{}
		for _, st := range sc.Steps {
			if st.Advance != nil {
				clock = clock.Add(time.Duration(*st.Advance * float64(time.Second)))
				continue
			}
			attempts, delays = 0, []float64{}
			var result map[string]any
			if st.Together != nil { // at the same time, each on its own goroutine
				together := make([]map[string]any, len(st.Together))
				var wg sync.WaitGroup
				for i, each := range st.Together {
					wg.Add(1)
					go func(i int, each step) {
						defer wg.Done()
						together[i] = call(each)
					}(i, each)
				}
				wg.Wait()
				result = map[string]any{"together": together}
			} else {
				result = call(st)
			}
			result["attempts"], result["delays"] = attempts, delays
			results[name] = append(results[name], result)
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		panic(err)
	}
}
"""


def driver_command(recipe: retry_recipes.Recipe, folder: Path, plan_file: Path) -> tuple[list[str], Path, dict]:
    """Write the recipe and its driver into folder: (command, working directory, extra environment)."""
    if recipe.language == "python":
        (folder / recipe.filename).write_text(recipe.code)
        (folder / "driver.py").write_text(PYTHON_HARNESS + PYTHON_DRIVERS[recipe.slug])
        return [sys.executable, str(folder / "driver.py"), str(folder), str(plan_file)], folder, {}
    if recipe.language == "javascript":
        if not shutil.which("node"):
            pytest.skip("node not installed: the JavaScript recipe is not run")
        (folder / recipe.filename).write_text(recipe.code)
        (folder / "driver.mjs").write_text(JAVASCRIPT_DRIVER)
        return ["node", str(folder / "driver.mjs"), str(plan_file)], folder, {}
    if not shutil.which("go"):
        pytest.skip("go toolchain not installed: the Go recipe is not run")
    (folder / "retryhttp").mkdir()
    (folder / "retryhttp" / recipe.filename).write_text(recipe.code)
    (folder / "go.mod").write_text("module driver\n\ngo 1.19\n")
    (folder / "main.go").write_text(GO_DRIVER.lstrip())
    return ["go", "run", ".", str(plan_file)], folder, {"GOPROXY": "off", "GOFLAGS": "-mod=mod", "GOWORK": "off"}


# ---------------------------------------------------------------------------------------------
# The scenarios: fresh servers for each recipe's run (each scenario its own host, so its own breaker)


def http_date(seconds_ahead: float):
    return lambda: email.utils.formatdate(time.time() + seconds_ahead, usegmt=True)


def asctime(seconds_ahead: float):
    """The obsolete HTTP-date form a recipient must still read (RFC 9110 section 5.6.7): no zone, GMT."""
    return lambda: time.asctime(time.gmtime(time.time() + seconds_ahead))


@dataclass
class Run:
    slug: str
    results: dict  # scenario -> one result per call
    servers: dict  # scenario -> ScriptedServer (stopped, its requests kept)
    plan: dict


def opening_calls(table: dict, url_down: str) -> list[dict]:
    """Enough calls to a host answering 503 for ever to open its breaker (each call retries up to 503's limit)."""
    per_call = policy(table, 503)["max_retries"] + 1
    return [{"method": "GET", "url": url_down}] * -(-table["circuit_breaker"]["failures"] // per_call)  # ceil


def breaker_steps(table: dict, url_down: str, url_up: str) -> list[dict]:
    """Open the breaker with 503s, see it fail fast (for another path of the host too), let a probe fail
    and open it again, then a probe succeed and close it."""
    open_seconds = table["circuit_breaker"]["open_seconds"]
    return opening_calls(table, url_down) + [
        {"method": "GET", "url": url_down},  # fails fast
        {"method": "GET", "url": url_up},  # fails fast: the breaker is the host's
        {"advance": open_seconds - 1},
        {"method": "GET", "url": url_up},  # still open
        {"advance": 1},
        {"method": "GET", "url": url_down},  # the probe: 503, so open again at once
        {"method": "GET", "url": url_up},  # fails fast
        {"advance": open_seconds},
        {"method": "GET", "url": url_up},  # the probe: 200 closes it
        {"method": "GET", "url": url_up},  # closed
    ]


def scenarios(table: dict) -> tuple[dict, dict]:
    """(plan, servers) for one driver run."""
    max_retry_after = table["max_retry_after"]
    never = free_port()
    servers = {
        "a": ScriptedServer({"/a": [(503, {"Retry-After": "1"}), (200, {})]}),
        "b": ScriptedServer({"/b": [(521, {})] * 3 + [(200, {})]}),
        "c": ScriptedServer({"/c": [(400, {}), (200, {})]}),
        "d": ScriptedServer({"/d": [(502, {}), (200, {})]}),
        "f": ScriptedServer({"/down": [(503, {})], "/up": [(200, {})]}),
        "g": ScriptedServer(
            {"/g": [(429, {"Retry-After": http_date(2.5), "RateLimit": "default;r=0;t=9"}), (200, {})]}
        ),
        "o": ScriptedServer({"/o": [(429, {"Retry-After": asctime(2.5)}), (200, {})]}),
        "h": ScriptedServer({"/h": [(429, {"RateLimit": '"default";r=0;t=7'}), (200, {})]}),
        "i": ScriptedServer({"/i": [(503, {"Retry-After": str(int(max_retry_after) + 1)}), (200, {})]}),
        "l": ScriptedServer({"/l": [(429, {})]}),
    }
    plan = {
        "a": {"steps": [{"method": "GET", "url": servers["a"].url("/a")}]},
        "b": {"steps": [{"method": "GET", "url": servers["b"].url("/b")}]},
        "c": {"steps": [{"method": "GET", "url": servers["c"].url("/c")}]},
        "d": {"steps": [{"method": "POST", "url": servers["d"].url("/d")}]},
        "f": {"steps": breaker_steps(table, servers["f"].url("/down"), servers["f"].url("/up"))},
        "g": {"steps": [{"method": "GET", "url": servers["g"].url("/g")}]},
        "o": {"steps": [{"method": "GET", "url": servers["o"].url("/o")}]},
        "h": {"steps": [{"method": "GET", "url": servers["h"].url("/h")}]},
        "i": {"steps": [{"method": "GET", "url": servers["i"].url("/i")}]},
        "l": {"steps": [{"method": "GET", "url": servers["l"].url("/l")}]},
        "m": {"steps": [{"method": "GET", "url": f"http://127.0.0.1:{never}/m"}]},  # nothing ever listens
    }

    # e: nothing listens on the port until the driver's first sleep asks the control server to start it.
    while (port := free_port()) == never:
        pass

    def start_late_server():
        if "e" not in servers:
            servers["e"] = ScriptedServer({"/e": [(200, {})]}, port=port)

    servers["e-control"] = ScriptedServer({"/wake": [(204, {})]}, hooks={"/wake": start_late_server})
    plan["e"] = {
        "wake": servers["e-control"].url("/wake"),
        "steps": [{"method": "GET", "url": f"http://127.0.0.1:{port}/e"}],
    }

    # n: once open_seconds have passed, one probe goes through: of two calls at once, the other fails fast
    # (the probe's answer is held back half a second, so the second call comes while it is out).
    servers["n"] = ScriptedServer(
        {"/down": [(503, {})], "/slow": [(200, {})]}, hooks={"/slow": lambda: time.sleep(0.5)}
    )
    slow = {"method": "GET", "url": servers["n"].url("/slow")}
    plan["n"] = {
        "steps": opening_calls(table, servers["n"].url("/down"))
        + [{"advance": table["circuit_breaker"]["open_seconds"]}, {"together": [slow, slow]}, slow]
    }

    # j: a status the table retries for any method (it shows the request was not processed): POST is repeated.
    if any_method := first_retried(table, methods="any", when="always"):
        servers["j"] = ScriptedServer({"/j": [(any_method["status"], {}), (200, {})]})
        plan["j"] = {"steps": [{"method": "POST", "url": servers["j"].url("/j")}]}

    # k: a status retried only when the response says when: not without Retry-After, after it with one.
    if retry_after_only := first_retried(table, when="retry-after"):
        status = retry_after_only["status"]
        servers["k"] = ScriptedServer(
            {"/without": [(status, {}), (200, {})], "/with": [(status, {"Retry-After": "2"}), (200, {})]}
        )
        plan["k"] = {"steps": [{"method": "GET", "url": servers["k"].url(path)} for path in ("/without", "/with")]}
    return plan, servers


@pytest.fixture(scope="module", params=SLUGS)
def run(request, table, tmp_path_factory):
    """One recipe generated from the table, driven through every scenario: its results and the servers."""
    recipe = {r.slug: r for r in retry_recipes.recipes(table)}[request.param]
    folder = tmp_path_factory.mktemp(recipe.slug)
    plan_file = folder / "plan.json"
    command, cwd, env = driver_command(recipe, folder, plan_file)
    plan, servers = scenarios(table)
    plan_file.write_text(json.dumps(plan))
    try:
        done = subprocess.run(
            command, cwd=cwd, env=os.environ | env | {"TZ": "Asia/Kolkata"}, capture_output=True, text=True, timeout=45
        )
    finally:
        for server in list(servers.values()):
            server.stop()
    assert done.returncode == 0, f"{recipe.slug} driver failed:\n{done.stderr[-3000:]}"
    return Run(recipe.slug, json.loads(done.stdout), servers, plan)


def single(run: Run, scenario: str) -> dict:
    [result] = run.results[scenario]
    return result


# ---------------------------------------------------------------------------------------------
# What every recipe must do


def test_a_503_with_retry_after_waits_that_long_then_succeeds(run, table):
    assert policy(table, 503)["when"] == "always"
    result = single(run, "a")
    assert result["status"] == 200, result
    assert result["attempts"] == 2 and run.servers["a"].count("/a") == 2
    assert result["delays"] == [1]


def test_b_521_backs_off_with_full_jitter_within_the_tables_window(run, table):
    row = policy(table, 521)
    assert row["when"] == "always" and row["max_retries"] >= 3 and not row["ratelimit_headers"]
    assert table["circuit_breaker"]["failures"] > 3  # three 521s in a row do not open the breaker
    result = single(run, "b")
    assert result["status"] == 200, result
    assert result["attempts"] == 4 and run.servers["b"].count("/b") == 4
    assert len(result["delays"]) == 3
    assert_jitter(result["delays"], row)


def test_c_400_is_not_retried(run, table):
    assert 400 not in expected_rows(table)
    result = single(run, "c")
    assert result == {"status": 400, "attempts": 1, "delays": []}
    assert run.servers["c"].count("/c") == 1


def test_d_post_is_not_repeated_after_502(run, table):
    row = policy(table, 502)
    assert retried(row) and row["methods"] == "idempotent" and "POST" not in table["idempotent_methods"]
    result = single(run, "d")
    assert result == {"status": 502, "attempts": 1, "delays": []}
    assert run.servers["d"].count("/d") == 1


def test_e_a_refused_connection_is_retried_until_the_server_listens(run, table):
    refused = table["connection_refused"]
    assert refused["methods"] == "any" and refused["max_retries"] >= 1
    result = single(run, "e")
    assert result["status"] == 200, result
    assert result["attempts"] == 2  # refused once, then the server was listening
    assert "e" in run.servers and run.servers["e"].count("/e") == 1
    assert_jitter(result["delays"], refused)


def test_f_the_circuit_breaker_fails_fast_then_lets_one_probe_through(run, table):
    failures = table["circuit_breaker"]["failures"]
    down = policy(table, 503)
    assert down["circuit_breaker"] and down["when"] == "always"
    results, server = run.results["f"], run.servers["f"]
    calls = [step["url"].rsplit("/", 1)[1] for step in run.plan["f"]["steps"] if "url" in step]
    opening = len(results) - 7  # the calls that open the breaker; seven calls follow
    if run.slug not in WITH_BREAKER:
        # urllib3 and tenacity: no breaker (the note says so), so every call is retried to its limit.
        for path, result in zip(calls, results, strict=True):
            expected = (503, down["max_retries"] + 1) if path == "down" else (200, 1)
            assert (result.get("status"), result["attempts"]) == expected, (path, result)
        return
    assert all(r["status"] == 503 for r in results[:opening]), results
    assert sum(r["attempts"] for r in results[:opening]) == failures  # the breaker opened at the failure count
    after_opening = [(r.get("status"), r.get("error"), r["attempts"]) for r in results[opening:]]
    assert after_opening == [
        (None, "circuit-open", 0),  # /down, at once
        (None, "circuit-open", 0),  # /up: the same host
        (None, "circuit-open", 0),  # a second before open_seconds have passed
        (503, None, 1),  # the probe fails: open again, no retry
        (None, "circuit-open", 0),
        (200, None, 1),  # the next probe succeeds: closed
        (200, None, 1),
    ]
    assert server.count("/down") == failures + 1 and server.count("/up") == 2  # nothing sent while open


def test_n_half_open_lets_exactly_one_probe_through(run, table):
    *opening, together, after = run.results["n"]
    assert all(r["status"] == 503 for r in opening), opening
    outcomes = sorted(json.dumps({k: v for k, v in r.items() if k != "detail"}) for r in together["together"])
    if run.slug not in WITH_BREAKER:
        assert outcomes == ['{"status": 200}'] * 2 and run.servers["n"].count("/slow") == 3
        return
    assert outcomes == ['{"error": "circuit-open"}', '{"status": 200}'], together
    assert together["attempts"] == 1 and after["status"] == 200  # the probe's success closed the breaker
    assert run.servers["n"].count("/slow") == 2


# g: an IMF-fixdate. o: an asctime date, which has no zone and is GMT; the drivers run in India's
# zone (UTC+05:30), so reading it as local time shows.
@pytest.mark.parametrize("scenario", ["g", "o"])
def test_429_with_an_http_date_waits_until_then(run, table, scenario):
    row = policy(table, 429)
    assert retried(row) and row["retry_after"]
    result = single(run, scenario)
    assert result["status"] == 200 and result["attempts"] == 2, result
    [delay] = result["delays"]
    # The date is 2.5 s ahead in whole seconds: 1.5 to 2.5 s, beyond the jitter window after one attempt,
    # and (in g) Retry-After wins over the RateLimit field's t=9.
    assert ceiling(row, 1) <= 1.0 < delay <= 3.0


def test_h_429_without_retry_after_waits_for_the_ratelimit_reset(run, table):
    row = policy(table, 429)
    result = single(run, "h")
    assert result["status"] == 200 and result["attempts"] == 2, result
    if row["ratelimit_headers"]:
        assert result["delays"] == [7]
    else:
        assert_jitter(result["delays"], row)


def test_i_a_retry_after_longer_than_the_limit_is_not_waited_for(run, table):
    result = single(run, "i")
    assert result == {"status": 503, "attempts": 1, "delays": []}
    assert run.servers["i"].count("/i") == 1


def test_l_retries_stop_at_max_retries_and_return_the_last_response(run, table):
    row = policy(table, 429)
    assert not row["circuit_breaker"]
    result = single(run, "l")
    assert result["status"] == 429 and result["attempts"] == row["max_retries"] + 1, result
    assert run.servers["l"].count("/l") == row["max_retries"] + 1
    assert_jitter(result["delays"], row)


def test_m_a_connection_refused_for_good_is_an_error_after_the_tables_retries(run, table):
    refused = table["connection_refused"]
    attempts = refused["max_retries"] + 1
    if run.slug in WITH_BREAKER and refused["circuit_breaker"]:
        attempts = min(attempts, table["circuit_breaker"]["failures"])
    result = single(run, "m")
    assert result["error"] == "connection-refused" and result["attempts"] == attempts, result
    assert_jitter(result["delays"], refused)
    assert len(result["delays"]) == attempts - 1


def test_j_a_status_that_shows_the_request_was_not_processed_repeats_a_post(run, table):
    row = first_retried(table, methods="any", when="always")
    if row is None:
        pytest.skip("the table retries no status for any method")
    result = single(run, "j")
    assert result["status"] == 200 and result["attempts"] == 2, (row["status"], result)
    assert run.servers["j"].count("/j") == 2


def test_k_a_retry_after_only_status_is_retried_only_when_the_response_says_when(run, table):
    row = first_retried(table, when="retry-after")
    if row is None:
        pytest.skip("the table has no status retried only with Retry-After")
    without, with_retry_after = run.results["k"]
    assert without == {"status": row["status"], "attempts": 1, "delays": []}
    assert with_retry_after == {"status": 200, "attempts": 2, "delays": [2]}
