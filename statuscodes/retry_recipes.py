"""Retry recipes generated from the retry-policy table (/api/v1/retry-policy), one per client library.

Each recipe is a file a reader copies: it embeds the policy of every primary meaning that is retried
(one line per status), the idempotent methods, the longest Retry-After worth waiting for, the
refused-connection policy and the circuit breaker's numbers, and implements the same steps as
retry_policy.decide, plus the RateLimit field's t and (where the library leaves room) the breaker.
Pure functions of the table: no database, so the tests run the code generated from the site's own table.
"""

import json
import re
from dataclasses import dataclass

RETRIES = ("always", "retry-after")


@dataclass(frozen=True)
class Recipe:
    slug: str
    title: str
    language: str  # "python", "javascript" or "go"
    filename: str
    requires: str
    note: str  # one sentence: what the library cannot express, and how the recipe covers it
    code: str


def policy_rows(table: dict) -> dict[int, tuple]:
    """status -> (when, any_method, base, cap, max_retries, circuit_breaker, ratelimit_headers) for every
    primary meaning that is retried, sorted by status."""
    rows = {}
    for code in table["codes"]:
        if not code["primary"] or code["when"] not in RETRIES:
            continue
        if code["status"] in rows:
            raise ValueError(f"two primary meanings of {code['status']} in the table")
        rows[code["status"]] = policy_tuple(code)
    return dict(sorted(rows.items()))


def policy_tuple(policy: dict) -> tuple:
    backoff = policy["backoff"] or {}
    return (
        policy["when"],
        policy["methods"] == "any",
        float(backoff["base"]),
        float(backoff["cap"]),
        int(policy["max_retries"]),
        bool(policy["circuit_breaker"]),
        bool(policy["ratelimit_headers"]),
    )


# ---------------------------------------------------------------------------------------------
# Literals in each language (the table holds only method tokens, so json.dumps quotes strings safely)


def py(value) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(map(py, value)) + ")"
    return json.dumps(value)


def js(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(map(js, value)) + "]"
    return json.dumps(value)


def go(value) -> str:
    if isinstance(value, tuple):
        return "{" + ", ".join(map(js, value)) + "}"  # Go's scalars are written as JavaScript's
    return js(value)


def number(value) -> str:
    """A count of seconds as written in all three languages: 30, or 2.5."""
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def values(table: dict) -> dict[str, str]:
    rows = policy_rows(table)
    refused = policy_tuple(table["connection_refused"])
    methods = sorted(table["idempotent_methods"])
    breaker = table["circuit_breaker"]
    return {
        "REVISION": re.sub(r"[^\w.:+-]", "", str(table.get("revision", "")))[:64] or "unknown",
        "PY_ROWS": "\n".join(f"    {status}: {py(row)}," for status, row in rows.items()),
        "JS_ROWS": "\n".join(f"  {status}: {js(row)}," for status, row in rows.items()),
        "GO_ROWS": "\n".join(f"\t{status}: {go(row)}," for status, row in rows.items()),
        "PY_REFUSED": py(refused),
        "JS_REFUSED": js(refused),
        "GO_REFUSED": go(refused),
        "PY_METHODS": "{" + ", ".join(map(json.dumps, methods)) + "}",
        "JS_METHODS": "[" + ", ".join(map(json.dumps, methods)) + "]",
        "GO_METHODS": ", ".join(f"{json.dumps(m)}: true" for m in methods),
        "MAX_RETRY_AFTER": number(table["max_retry_after"]),
        "FAILURES": str(int(breaker["failures"])),
        "OPEN_SECONDS": number(breaker["open_seconds"]),
    }


def fill(template: str, table_values: dict[str, str]) -> str:
    code = re.sub(r"@([A-Z_]+)@", lambda match: table_values[match[1]], template)
    return code.lstrip("\n")


def recipes(table: dict) -> list[Recipe]:
    """The five recipes, generated from one retry-policy table."""
    table_values = values(table)
    return [Recipe(**fields, code=fill(template, table_values)) for fields, template in RECIPES]


# ---------------------------------------------------------------------------------------------
# The templates. @NAME@ is filled from the table; everything else is the recipe as the reader sees it.

PYTHON_SHARED = '''
# status: (when, any_method, base, cap, max_retries, circuit_breaker, ratelimit_headers); base and cap in seconds
POLICY = {
@PY_ROWS@
}
REFUSED = @PY_REFUSED@  # a refused connection: nothing was sent, so any method
IDEMPOTENT = frozenset(@PY_METHODS@)
MAX_RETRY_AFTER = @MAX_RETRY_AFTER@  # seconds: a longer wait is a schedule, not a retry to block on
RATELIMIT_RESET = re.compile(r";\\s*t=([0-9]+)")  # RateLimit: "default";r=0;t=12 (draft-ietf-httpapi-ratelimit-headers)


def retry_after_seconds(value):
    """Retry-After in seconds from now (delay-seconds or an HTTP-date); None when absent or unreadable."""
    value = (value or "").strip()
    if re.fullmatch(r"[0-9]+", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # asctime's form names no zone, but every HTTP-date is in GMT
        when = when.replace(tzinfo=datetime.timezone.utc)
    return max(0.0, when.timestamp() - time.time())


def next_delay(policy, method, attempt, headers):
    """Seconds to wait before sending again after `attempt` (1: the first request) failed; None: do not."""
    if policy is None:
        return None
    when, any_method, base, cap, max_retries, _, ratelimit = policy
    retry_after = retry_after_seconds(headers.get("Retry-After")) if headers else None
    if when == "retry-after" and retry_after is None:
        return None
    if not any_method and method.upper() not in IDEMPOTENT:
        return None  # the server may have applied it: repeat only with an idempotency key it honours
    if attempt > max_retries:
        return None
    if retry_after is None and ratelimit and headers:
        reset = RATELIMIT_RESET.search(headers.get("RateLimit", ""))
        retry_after = float(reset[1]) if reset else None
    if retry_after is not None:
        return retry_after if retry_after <= MAX_RETRY_AFTER else None
    # Full jitter: clients that failed together spread out instead of returning together.
    return random.uniform(0, min(cap, base * 2 ** (attempt - 1)))
'''

# How the urllib3 and httpx recipes tell a refused connection (nothing sent) from other errors.
PYTHON_REFUSED = '''

def refused(error):
    """Whether a connection was refused: nothing was sent. LIBRARY chains the socket's own error."""
    while error is not None:
        if isinstance(error, ConnectionRefusedError):
            return True
        error = error.__cause__ or error.__context__
    return False
'''

PYTHON_STDLIB = (
    '''
"""Retry HTTP requests by the statuscodes retry policy, with urllib.request alone.

Generated from /api/v1/retry-policy (revision @REVISION@); regenerate it rather than edit the table.

    response = request("https://api.example/items")  # the last response, whatever its status
    response = request(urllib.request.Request(url, data=body, method="POST"))

A 4xx or 5xx comes back as the urllib.error.HTTPError, which reads like a response, so every status
is handled in one place. A host that keeps failing trips its circuit breaker: CircuitOpen, nothing sent.
"""

import datetime
import email.utils
import random
import re
import threading
import time
import urllib.error
import urllib.request
'''
    + PYTHON_SHARED
    + '''

BREAKER_FAILURES = @FAILURES@  # counted failures in a row that open a host's breaker
BREAKER_OPEN_SECONDS = @OPEN_SECONDS@


class CircuitOpen(Exception):
    """The host failed too often in a row: fail fast without sending until it has had time to recover."""


class Breaker:
    """Per host: after BREAKER_FAILURES counted failures in a row, fail fast for BREAKER_OPEN_SECONDS; then one
    request goes through (half-open): its success closes the breaker, its failure opens it again."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.lock = threading.Lock()
        self.hosts = {}  # host -> [failures in a row, open until (None: closed)]

    def check(self, host):
        with self.lock:
            failures, until = self.hosts.get(host, (0, None))
            now = self.clock()
            if until is not None and now < until:
                raise CircuitOpen(f"{host}: circuit open for {until - now:.0f} more seconds")
            if until is not None:
                # Half-open: this request is the probe. Others fail fast until it answers, or until
                # another BREAKER_OPEN_SECONDS have passed if it never does.
                self.hosts[host] = [failures, now + BREAKER_OPEN_SECONDS]

    def record(self, host, failed):
        """Count one outcome; True when the host's breaker is open now."""
        with self.lock:
            if not failed:
                self.hosts.pop(host, None)
                return False
            state = self.hosts.setdefault(host, [0, None])
            state[0] += 1
            if state[0] >= BREAKER_FAILURES:
                state[1] = self.clock() + BREAKER_OPEN_SECONDS
            return state[0] >= BREAKER_FAILURES


BREAKER = Breaker()


def request(req, *, timeout=30.0, sleep=time.sleep, breaker=BREAKER, urlopen=urllib.request.urlopen):
    """Send req (a URL or a urllib.request.Request) and retry it by POLICY; return the last response.

    Raises CircuitOpen while the host's breaker is open, and the URLError of a refused connection once
    REFUSED's retries are spent. The body (bytes) is sent again as it is."""
    if isinstance(req, str):
        req = urllib.request.Request(req)
    attempt = 0
    while True:
        attempt += 1
        breaker.check(req.host)
        response = error = None
        try:
            response = urlopen(req, timeout=timeout)
        except urllib.error.HTTPError as failed:
            response = failed  # a 4xx or 5xx: a response all the same
        except urllib.error.URLError as failed:
            if not isinstance(failed.reason, ConnectionRefusedError):
                raise  # anything else may have reached the server
            error = failed
        policy = REFUSED if error else POLICY.get(response.status)
        opened = breaker.record(req.host, bool(policy and policy[5]))
        headers = None if error else response.headers
        delay = None if opened else next_delay(policy, req.get_method(), attempt, headers)
        if delay is None:
            if error:
                raise error
            return response
        if response is not None:
            response.close()
        sleep(delay)
'''
)

PYTHON_URLLIB3 = (
    '''
"""Retry HTTP requests by the statuscodes retry policy with urllib3 2.x: a Retry subclass.

Generated from /api/v1/retry-policy (revision @REVISION@); regenerate it rather than edit the table.

    http = urllib3.PoolManager(retries=PolicyRetry())
    response = http.request("GET", "https://api.example/items")  # the last response, whatever its status

urllib3's Retry has one status list, one method list and one backoff for all statuses, so PolicyRetry
looks each status up in POLICY instead. urllib3 has no circuit breaker, and this recipe adds none.
"""

import datetime
import email.utils
import random
import re
import time

from urllib3.exceptions import MaxRetryError, ResponseError
from urllib3.util.retry import Retry
'''
    + PYTHON_SHARED
    + PYTHON_REFUSED.replace("LIBRARY", "urllib3")
    + '''

class PolicyRetry(Retry):
    """A Retry that asks POLICY, per status and per attempt, whether and when to send again.

    urllib3's own counters stay out of the way: no total, read errors not retried (the server may
    have processed the request), at most 10 redirects. sleep(seconds) is swappable for tests."""

    def __init__(self, total=None, *, sleep=time.sleep, **kwargs):
        kwargs.setdefault("read", False)
        kwargs.setdefault("other", 0)
        kwargs.setdefault("redirect", 10)
        kwargs.setdefault("raise_on_status", False)  # give back the last response, not MaxRetryError
        super().__init__(total=total, **kwargs)
        self.sleep_function = sleep
        self.delay = 0.0

    def new(self, **kwargs):
        retry = super().new(**kwargs)
        retry.sleep_function = self.sleep_function
        return retry

    def is_retry(self, method, status_code, has_retry_after=False):
        return status_code in POLICY  # increment() decides, with the whole response in hand

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        if response is not None and response.get_redirect_location():
            return retry  # a redirect: urllib3's own business
        attempt = sum(1 for entry in retry.history if entry.redirect_location is None)
        policy = (REFUSED if refused(error) else None) if error else POLICY.get(response.status)
        retry.delay = next_delay(policy, method or "GET", attempt, None if error else response.headers)
        if retry.delay is None:
            # After a response urllib3 catches this and returns the response (raise_on_status=False).
            raise MaxRetryError(_pool, url, error or ResponseError(f"no retry after {response.status}")) from error
        return retry

    def sleep(self, response=None):
        self.sleep_function(self.delay)
'''
)

PYTHON_TENACITY = (
    '''
"""Retry HTTP requests by the statuscodes retry policy with httpx and tenacity.

Generated from /api/v1/retry-policy (revision @REVISION@); regenerate it rather than edit the table.

    with httpx.Client(timeout=10) as client:
        response = send(client, "GET", "https://api.example/items")  # the last response, whatever its status

tenacity retries whatever its predicates say but knows nothing of HTTP, so the predicate and the
wait read the status and headers of the httpx response. tenacity has no circuit breaker, nor has this.
"""

import datetime
import email.utils
import random
import re
import time

import httpx
import tenacity
'''
    + PYTHON_SHARED
    + PYTHON_REFUSED.replace("LIBRARY", "httpx")
    + '''

def send(client: httpx.Client, method: str, url, *, sleep=time.sleep, **kwargs) -> httpx.Response:
    """client.request(method, url, **kwargs), retried by POLICY; raises the error of a refused
    connection once REFUSED's retries are spent. sleep(seconds) is swappable for tests."""
    planned = []  # the delay should_retry chose, for wait to return: jitter is drawn once

    def should_retry(state: tenacity.RetryCallState) -> bool:
        if state.outcome.failed:
            error = state.outcome.exception()
            policy, headers = (REFUSED if refused(error) else None), None
        else:
            response = state.outcome.result()
            policy, headers = POLICY.get(response.status_code), response.headers
        planned[:] = [next_delay(policy, method, state.attempt_number, headers)]
        return planned[0] is not None

    retrying = tenacity.Retrying(retry=should_retry, wait=lambda state: planned[0], sleep=sleep, reraise=True)
    return retrying(client.request, method, url, **kwargs)
'''
)

JAVASCRIPT_FETCH = """
// Retry fetch() requests by the statuscodes retry policy (an ES module for Node 18+).
//
// Generated from /api/v1/retry-policy (revision @REVISION@); regenerate it rather than edit the table.
//
//   import { fetchWithRetry } from "./retry-fetch.mjs";
//   const response = await fetchWithRetry("https://api.example/items"); // the last response, whatever its status
//
// A body must be one fetch can send twice (a string, bytes, URLSearchParams), not a stream.
// A host that keeps failing trips its circuit breaker: CircuitOpenError, nothing sent.

// status: [when, anyMethod, base, cap, maxRetries, circuitBreaker, ratelimitHeaders]; base and cap in seconds
const POLICY = {
@JS_ROWS@
};
const REFUSED = @JS_REFUSED@; // a refused connection: nothing was sent, so any method
const IDEMPOTENT = new Set(@JS_METHODS@);
const MAX_RETRY_AFTER = @MAX_RETRY_AFTER@; // seconds: a longer wait is a schedule, not a retry to wait for
const BREAKER_FAILURES = @FAILURES@; // counted failures in a row that open a host's breaker
const BREAKER_OPEN_MS = @OPEN_SECONDS@ * 1000;

export class CircuitOpenError extends Error {}

// host -> { failures: in a row, openUntil: ms on options.now()'s clock, or null: closed }
const hosts = new Map();

function checkBreaker(host, now) {
  const state = hosts.get(host);
  if (!state || state.openUntil === null) return;
  if (now < state.openUntil) throw new CircuitOpenError(`${host}: circuit open`);
  // Half-open: this request is the probe. Others fail fast until it answers, or until another
  // BREAKER_OPEN_MS have passed if it never does.
  state.openUntil = now + BREAKER_OPEN_MS;
}

// Count one outcome; true when the host's breaker is open now.
function recordOutcome(host, failed, now) {
  if (!failed) {
    hosts.delete(host);
    return false;
  }
  const state = hosts.get(host) ?? { failures: 0, openUntil: null };
  hosts.set(host, state);
  state.failures += 1;
  if (state.failures >= BREAKER_FAILURES) state.openUntil = now + BREAKER_OPEN_MS;
  return state.failures >= BREAKER_FAILURES;
}

// Retry-After in seconds from now (delay-seconds or an HTTP-date); null when absent or unreadable.
function retryAfterSeconds(value) {
  value = (value ?? "").trim();
  if (/^[0-9]+$/.test(value)) return Number(value);
  // Every HTTP-date is in GMT, but asctime's form says no zone, and Date.parse would read local time.
  const when = Date.parse(/GMT$/.test(value) ? value : `${value} GMT`);
  return Number.isNaN(when) ? null : Math.max(0, (when - Date.now()) / 1000);
}

// Seconds to wait before sending again after `attempt` (1: the first request) failed; null: do not.
function nextDelay(policy, method, attempt, headers) {
  if (!policy) return null;
  const [when, anyMethod, base, cap, maxRetries, , ratelimit] = policy;
  let wait = headers ? retryAfterSeconds(headers.get("Retry-After")) : null;
  if (when === "retry-after" && wait === null) return null;
  // The server may have applied a POST: repeat it only with an idempotency key it honours.
  if (!anyMethod && !IDEMPOTENT.has(method)) return null;
  if (attempt > maxRetries) return null;
  if (wait === null && ratelimit && headers) {
    // RateLimit: "default";r=0;t=12 (draft-ietf-httpapi-ratelimit-headers): t seconds until the quota resets
    const reset = /;\\s*t=([0-9]+)/.exec(headers.get("RateLimit") ?? "");
    if (reset) wait = Number(reset[1]);
  }
  if (wait !== null) return wait <= MAX_RETRY_AFTER ? wait : null;
  // Full jitter: clients that failed together spread out instead of returning together.
  return Math.random() * Math.min(cap, base * 2 ** (attempt - 1));
}

// fetch(url, init), retried by POLICY. options: sleep(ms), now() in ms for the breaker, fetch itself.
// Rejects with CircuitOpenError while the host's breaker is open, and with fetch's own error for a
// refused connection once REFUSED's retries are spent.
export async function fetchWithRetry(url, init = {}, options = {}) {
  const {
    sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now = Date.now,
    fetch = globalThis.fetch,
  } = options;
  const host = new URL(url).host;
  const method = (init.method ?? "GET").toUpperCase();
  for (let attempt = 1; ; attempt++) {
    checkBreaker(host, now());
    let response = null;
    let error = null;
    try {
      response = await fetch(url, init);
    } catch (failed) {
      // Node says why in cause.code; only a refused connection is sure to have sent nothing.
      // (A browser does not say, so there fetch errors are not retried.)
      if (failed?.cause?.code !== "ECONNREFUSED") throw failed;
      error = failed;
    }
    const policy = error ? REFUSED : POLICY[response.status];
    const opened = recordOutcome(host, Boolean(policy?.[5]), now());
    const delay = opened ? null : nextDelay(policy, method, attempt, response?.headers);
    if (delay === null) {
      if (error) throw error;
      return response;
    }
    await response?.body?.cancel(); // free the connection before asking again
    await sleep(delay * 1000);
  }
}
"""

GO_NET_HTTP = """
// Package retryhttp retries HTTP requests by the statuscodes retry policy.
//
// Generated from /api/v1/retry-policy (revision @REVISION@); regenerate it rather than edit the table.
//
//	client := &retryhttp.Client{}
//	resp, err := client.Do(req) // the last response, whatever its status
//
// A request with a body is sent again only if it has GetBody (http.NewRequest sets it for bytes and
// strings). A host that keeps failing trips its circuit breaker: ErrCircuitOpen, nothing sent.
package retryhttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

type policy struct {
	when           string // "always" or "retry-after" (only when the response says when)
	anyMethod      bool   // the status shows the request was not processed, so any method may be repeated
	base, cap      float64
	maxRetries     int
	circuitBreaker bool // counts toward opening the host's breaker
	rateLimit      bool // without Retry-After, wait for the RateLimit field's t
}

// status: {when, anyMethod, base, cap, maxRetries, circuitBreaker, rateLimit}; base and cap in seconds
var policies = map[int]policy{
@GO_ROWS@
}

var refused = policy@GO_REFUSED@ // a refused connection: nothing was sent, so any method

var idempotent = map[string]bool{@GO_METHODS@}

// In seconds: a longer Retry-After is a schedule, not a retry to block on.
const maxRetryAfter = @MAX_RETRY_AFTER@

// After breakerFailures counted failures in a row, a host's breaker opens for breakerOpen.
const (
	breakerFailures = @FAILURES@
	breakerOpen     = @OPEN_SECONDS@ * time.Second
)

// RateLimit: "default";r=0;t=12 (draft-ietf-httpapi-ratelimit-headers): t seconds until the quota resets.
var rateLimitReset = regexp.MustCompile(`;\\s*t=([0-9]+)`)

// ErrCircuitOpen is returned, without sending, while the host's breaker is open.
var ErrCircuitOpen = errors.New("retryhttp: circuit open")

// Client sends requests and retries them by the policy above; its zero value is ready to use.
type Client struct {
	HTTP  *http.Client        // nil: http.DefaultClient
	Sleep func(time.Duration) // nil: wait on a timer, or until the request's context is done
	Now   func() time.Time    // nil: time.Now; the breaker's clock

	mu    sync.Mutex
	hosts map[string]*hostState
	rng   *rand.Rand
}

type hostState struct {
	failures  int       // counted failures in a row
	openUntil time.Time // zero: closed
}

// Do sends req and retries it by the policy; it returns the last response (or a refused connection's
// error once its retries are spent), and ErrCircuitOpen while the host's breaker is open.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	method := strings.ToUpper(req.Method)
	if method == "" {
		method = http.MethodGet
	}
	resendable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	for attempt := 1; ; attempt++ {
		if err := c.check(req.URL.Host); err != nil {
			return nil, err
		}
		send := req
		if attempt > 1 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			send = req.Clone(req.Context())
			send.Body = body
		}
		resp, err := c.client().Do(send)
		var p policy
		known := false
		switch {
		case err == nil:
			p, known = policies[resp.StatusCode]
		case errors.Is(err, syscall.ECONNREFUSED):
			p, known = refused, true
		default:
			return nil, err // anything else may have reached the server
		}
		opened := c.record(req.URL.Host, known && p.circuitBreaker)
		if !known || opened || !resendable {
			return resp, err
		}
		delay, retry := c.delay(p, method, attempt, resp)
		if !retry {
			return resp, err
		}
		if resp != nil {
			io.Copy(io.Discard, resp.Body) // free the connection before asking again
			resp.Body.Close()
		}
		if err := c.sleep(req.Context(), delay); err != nil {
			return nil, err
		}
	}
}

// delay says whether to send again after attempt (1: the first request) failed, and after how long.
func (c *Client) delay(p policy, method string, attempt int, resp *http.Response) (time.Duration, bool) {
	var header http.Header // nil after a refused connection: Get returns ""
	if resp != nil {
		header = resp.Header
	}
	wait, hasWait := retryAfterSeconds(header.Get("Retry-After"))
	switch {
	case p.when == "retry-after" && !hasWait:
		return 0, false
	case !p.anyMethod && !idempotent[method]:
		return 0, false // the server may have applied it: repeat only with an idempotency key it honours
	case attempt > p.maxRetries:
		return 0, false
	}
	if reset := rateLimitReset.FindStringSubmatch(header.Get("RateLimit")); !hasWait && p.rateLimit && reset != nil {
		wait, _ = strconv.ParseFloat(reset[1], 64)
		hasWait = true
	}
	if hasWait {
		return seconds(wait), wait <= maxRetryAfter
	}
	// Full jitter: clients that failed together spread out instead of returning together.
	return seconds(c.random() * math.Min(p.cap, p.base*math.Pow(2, float64(attempt-1)))), true
}

// retryAfterSeconds reads Retry-After: delay-seconds or an HTTP-date; false when absent or unreadable.
func retryAfterSeconds(value string) (float64, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if strings.Trim(value, "0123456789") == "" {
		n, err := strconv.ParseFloat(value, 64)
		return n, err == nil
	}
	if when, err := http.ParseTime(value); err == nil {
		return math.Max(0, time.Until(when).Seconds()), true
	}
	return 0, false
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// check fails fast while the host's breaker is open; once it has been open long enough, it lets this
// request through as the probe (half-open) and keeps others out until the probe answers, or until
// another breakerOpen has passed if it never does.
func (c *Client) check(host string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	state := c.hosts[host]
	if state == nil || state.openUntil.IsZero() {
		return nil
	}
	now := c.now()
	if now.Before(state.openUntil) {
		return fmt.Errorf("%w: %s", ErrCircuitOpen, host)
	}
	state.openUntil = now.Add(breakerOpen)
	return nil
}

// record counts one outcome and says whether the host's breaker is open now.
func (c *Client) record(host string, failed bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !failed {
		delete(c.hosts, host)
		return false
	}
	if c.hosts == nil {
		c.hosts = map[string]*hostState{}
	}
	state := c.hosts[host]
	if state == nil {
		state = &hostState{}
		c.hosts[host] = state
	}
	state.failures++
	if state.failures >= breakerFailures {
		state.openUntil = c.now().Add(breakerOpen)
	}
	return state.failures >= breakerFailures
}

func (c *Client) random() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rng == nil {
		c.rng = rand.New(rand.NewSource(time.Now().UnixNano())) // before Go 1.20 the global source is not seeded
	}
	return c.rng.Float64()
}

func (c *Client) client() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if c.Sleep != nil {
		c.Sleep(d)
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
"""

RECIPES = [
    (
        {
            "slug": "python-stdlib",
            "title": "Python standard library (urllib.request)",
            "language": "python",
            "filename": "retry_stdlib.py",
            "requires": "Python 3.11 standard library",
            "note": "urllib.request never retries, so the recipe is the whole loop: the per-status policy, "
            "Retry-After, RateLimit, full jitter and a per-host circuit breaker.",
        },
        PYTHON_STDLIB,
    ),
    (
        {
            "slug": "python-urllib3",
            "title": "Python urllib3 (a Retry subclass)",
            "language": "python",
            "filename": "retry_urllib3.py",
            "requires": "urllib3 2.x",
            "note": "Retry takes one status list, one method list and one backoff for every status and has no "
            "circuit breaker, so the subclass looks up each status's methods, limit and delay in the table and "
            "leaves the breaker out.",
        },
        PYTHON_URLLIB3,
    ),
    (
        {
            "slug": "python-httpx-tenacity",
            "title": "Python httpx + tenacity",
            "language": "python",
            "filename": "retry_httpx.py",
            "requires": "httpx + tenacity",
            "note": "tenacity knows nothing of HTTP and has no circuit breaker, so the recipe's predicate and wait "
            "read the status, Retry-After and RateLimit of the httpx response, and there is no breaker.",
        },
        PYTHON_TENACITY,
    ),
    (
        {
            "slug": "javascript-fetch",
            "title": "JavaScript fetch (Node 18+, ES module)",
            "language": "javascript",
            "filename": "retry-fetch.mjs",
            "requires": "Node 18+ (global fetch)",
            "note": "fetch never retries and, in a browser, cannot tell a refused connection from other network "
            "errors, so the recipe is the whole loop with a per-host breaker and retries refused connections "
            "only where Node says ECONNREFUSED.",
        },
        JAVASCRIPT_FETCH,
    ),
    (
        {
            "slug": "go-net-http",
            "title": "Go net/http (a Client wrapper)",
            "language": "go",
            "filename": "retryhttp.go",
            "requires": "Go 1.19+ net/http",
            "note": "http.Client never retries a request that got a response, so the Client wrapper is the whole "
            "loop with a per-host breaker, and sends a body again only through the request's GetBody.",
        },
        GO_NET_HTTP,
    ),
]
