"""Retry policy as data: what a program should do with a response, per meaning and per platform error.

Every meaning and platform error already carries a `retry` label (safe, backoff, retry-after,
never, not-applicable) and a note for people. The policy here is that label made exact:

- `when`: `always` (retry this response, within the method rule), `retry-after` (only when the
  response says when, RFC 9110 section 15.5.14's rule for 413), `later` (the wait the vendor asks
  for is longer than a program should block: schedule the request, do not retry it in-process),
  `after-change` (the same request fails again; change it first), `never`, `not-applicable` (not a
  failure, or never sent to a client);
- `methods`: `idempotent` (RFC 9110 section 9.2.2: a client should not repeat a non-idempotent
  request unless it knows the first was never applied) or `any`, which needs `not_processed`: the
  reason the code guarantees the request was not processed (421, 425, a connection refused);
- how long to wait: `Retry-After` (seconds or an HTTP-date) when the response has one, else
  exponential backoff with full jitter between 0 and min(cap, base * 2^(attempt - 1)) seconds;
- `max_retries`, and whether the response counts toward opening a per-host circuit breaker.

A file can override the defaults its label gives in an optional `retry_policy:` mapping (the keys
in OVERRIDES); `policy_problems` holds every record to the rules, and `decide` answers one response.
"""

import datetime
import email.utils
import random
import re
from dataclasses import asdict, dataclass

VERSION = 1  # of the document's shape; content changes show in its revision instead
IDEMPOTENT_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE")  # RFC 9110 section 9.2.2
WHOLE_SECONDS = re.compile(r"[0-9]{1,10}")  # ASCII digits only: str.isdigit() would take "²" and "١٢"
ASCTIME = re.compile(r"[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}")
METHOD = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,20}")  # an RFC 9110 token, bounded
WHEN = ("always", "retry-after", "later", "after-change", "never", "not-applicable")
MAX_RETRY_AFTER = 300  # seconds: a longer wait is a schedule, not a retry a program should block on

# The per-host circuit breaker every policy shares: after this many failures in a row that count,
# stop sending to the host for OPEN_SECONDS, then let one probe through (half-open).
BREAKER = {"failures": 5, "open_seconds": 30, "half_open_probes": 1}

# What a response's label means before any override: (when, base, cap, max_retries).
LABEL_DEFAULTS = {
    "safe": ("always", 0.5, 10.0, 2),
    "backoff": ("always", 1.0, 30.0, 3),
    "retry-after": ("always", 1.0, 60.0, 5),
    "never": ("after-change", None, None, 0),
    "not-applicable": ("not-applicable", None, None, 0),
}

# The keys a file's `retry_policy:` may set, each with its check.
OVERRIDES = ("when", "not_processed", "max_retries", "circuit_breaker", "reason")

# A connection that failed before any HTTP response: nothing reached the server, so any method.
CONNECTION_REFUSED = {
    "when": "always",
    "methods": "any",
    "not_processed": "The connection was refused, so no byte of the request reached the server.",
    "retry_after": False,
    "ratelimit_headers": False,
    "backoff": {"base": 1.0, "cap": 30.0, "jitter": "full"},
    "max_retries": 3,
    "circuit_breaker": True,
    "reason": "Nothing was sent, so retrying is safe for any method; the host may be restarting.",
}


@dataclass(frozen=True)
class Policy:
    when: str
    methods: str  # "any", "idempotent" or "none"
    not_processed: str  # why any method may be retried; "" when only idempotent ones may
    retry_after: bool  # honour Retry-After when the response has one
    ratelimit_headers: bool  # without Retry-After, wait the RateLimit field's t (draft-ietf-httpapi-ratelimit-headers)
    backoff: dict | None  # {"base", "cap", "jitter": "full"} in seconds
    max_retries: int
    circuit_breaker: bool  # the response counts toward opening the per-host breaker
    reason: str

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def breaker(self) -> dict:
        return BREAKER

    @property
    def retries(self) -> bool:
        return self.when in ("always", "retry-after")


def first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])(\s|$)", text.strip())
    return match[1] if match else text.strip()


DEFAULT_REASONS = {
    "always": "A later attempt may succeed, so retry with backoff.",
    "retry-after": "Retry only when the response says when; otherwise the request must change.",
    "after-change": "The same request will fail the same way: change it before sending it again.",
    "later": "The wait this asks for is longer than a program should block: schedule the request for later.",
    "never": "Nothing the client can change makes this request succeed by repeating it.",
    "not-applicable": "Not a failure: there is nothing to retry.",
}


def policy_of(record) -> Policy:
    """The whole policy of a meaning (StatusCode) or a platform error, defaults and overrides merged."""
    number = getattr(record, "number", None)
    if number is None:  # a platform error: the first status it arrives with decides the class
        statuses = list(record.statuses)
        number = statuses[0] if statuses else 500
    return build(record.retry, number, record.retry_note, dict(record.retry_policy or {}),
                 logs_only=getattr(record, "sent_by", "") == "logs-only")  # fmt: skip


def build(label: str, number: int, note: str, overrides: dict, logs_only: bool = False) -> Policy:
    when, base, cap, max_retries = LABEL_DEFAULTS[label]
    if when == "after-change" and number >= 500:
        when = "never"  # a 5xx labelled never: the fault is the server's, and changing the request won't help
    when = overrides.get("when", when)
    if logs_only:
        when = "not-applicable"
    retries = when in ("always", "retry-after")
    if retries and base is None:  # a label that does not retry, overridden to retry
        base, cap, max_retries = LABEL_DEFAULTS["backoff"][1:]
    not_processed = overrides.get("not_processed", "") if retries else ""
    if when == "not-applicable" and not overrides.get("reason"):
        reason = (
            "Not a failure: there is nothing to retry."
            if number < 400
            else ("No client receives it: it appears only in server logs." if logs_only else DEFAULT_REASONS[when])
        )
    else:
        reason = overrides.get("reason") or first_sentence(note) or DEFAULT_REASONS[when]
    return Policy(
        when=when,
        methods=("any" if not_processed else "idempotent") if retries else "none",
        not_processed=not_processed,
        retry_after=retries,
        ratelimit_headers=retries and number == 429,
        backoff={"base": base, "cap": cap, "jitter": "full"} if retries else None,
        max_retries=overrides.get("max_retries", max_retries) if retries else 0,
        circuit_breaker=overrides.get("circuit_breaker", retries and number >= 500),
        reason=reason,
    )


# ---------------------------------------------------------------------------------------------
# Checking a file's overrides (the loader) and the whole table (check_content)


def overrides_field(value) -> dict:
    """A file's `retry_policy:` mapping, checked key by key; ValueError says what is wrong."""
    if not isinstance(value, dict) or not value:
        raise ValueError(f"must be a mapping of some of: {', '.join(OVERRIDES)}")
    unknown = [str(key) for key in value if key not in OVERRIDES]
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r} (expected: {', '.join(OVERRIDES)})")
    clean = {}
    for key in OVERRIDES:
        if key not in value:
            continue
        item = value[key]
        if key == "when" and item not in WHEN[:-1]:
            raise ValueError(f"when must be one of: {', '.join(WHEN[:-1])}")
        if key in ("not_processed", "reason") and not (isinstance(item, str) and 10 <= len(item.strip()) <= 300):
            raise ValueError(f"{key} must be a sentence of 10 to 300 characters")
        if key in ("not_processed", "reason") and not item.strip().endswith("."):
            raise ValueError(f"{key} must be one sentence ending with a full stop")
        if key == "max_retries" and not (type(item) is int and 1 <= item <= 10):
            raise ValueError("max_retries must be a whole number from 1 to 10")
        if key == "circuit_breaker" and type(item) is not bool:
            raise ValueError("circuit_breaker must be true or false")
        clean[key] = item.strip() if isinstance(item, str) else item
    return clean


def in_order(overrides: dict) -> dict:
    """The overrides in OVERRIDES' order, as files write them: PostgreSQL's jsonb keeps its own order."""
    return {key: overrides[key] for key in OVERRIDES if key in overrides}


def record_problems(number: int, label: str, overrides: dict, logs_only: bool, statuses=None) -> list[tuple[str, str]]:
    """What is inconsistent in one record's policy, as (field, message) pairs."""
    problems = []
    when = overrides.get("when")
    if logs_only and when:
        problems.append(("retry_policy", "a code no client receives has nothing to retry"))
    if number < 400 and when:
        problems.append(("retry_policy", "a code below 400 is not a failure and has no retry policy"))
    retries = (when or LABEL_DEFAULTS[label][0]) in ("always", "retry-after")
    if overrides.get("not_processed") and not retries:
        problems.append(("retry_policy", "not_processed only matters for a code that is retried"))
    if label in ("never", "not-applicable") and when in ("always", "retry-after", "later"):
        problems.append(("retry", f"the label {label} says no retry but retry_policy.when says {when}"))
    if label in ("safe", "backoff", "retry-after") and when in ("after-change", "never"):
        problems.append(("retry", f"the label {label} says retry but retry_policy.when says {when}"))
    if "max_retries" in overrides and not retries:
        problems.append(("retry_policy", "max_retries only matters for a code that is retried"))
    if overrides.get("circuit_breaker") and not retries:  # the recipes carry only the codes they retry
        problems.append(("retry_policy", "circuit_breaker only counts responses of a code that is retried"))
    return problems


# ---------------------------------------------------------------------------------------------
# One response's decision: /api/v1/retry


class BadParameter(ValueError):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name


def parse_method(value: str | None) -> str:
    if value is None or value == "":
        return "GET"
    if not METHOD.fullmatch(value):
        raise BadParameter("method", "method must be an HTTP method such as GET or POST")
    return value.upper()


def parse_retry_after(value: str | None, now: datetime.datetime) -> float | None:
    """Seconds to wait from a Retry-After value: delay-seconds or an HTTP-date (RFC 9110 section 10.2.3)."""
    if value is None or value == "":
        return None
    value = value.strip()
    if WHOLE_SECONDS.fullmatch(value):
        return float(int(value))
    try:
        when = email.utils.parsedate_to_datetime(value) if len(value) <= 40 else None
    except (TypeError, ValueError, IndexError):
        when = None
    if when is not None and when.tzinfo is None and ASCTIME.fullmatch(value):
        when = when.replace(tzinfo=datetime.UTC)  # asctime has no zone; every HTTP-date is GMT (RFC 9110 5.6.7)
    if when is None or when.tzinfo is None:
        raise BadParameter(
            "retry_after", "retry_after must be whole seconds (120) or an HTTP-date (Wed, 21 Oct 2026 07:28:00 GMT)"
        )
    return max(0.0, (when - now).total_seconds())


def parse_attempt(value: str | None) -> int:
    if value is None or value == "":
        return 1
    if not (re.fullmatch(r"[0-9]{1,3}", value) and 1 <= int(value) <= 100):
        raise BadParameter("attempt", "attempt must be a whole number from 1 to 100: the attempt that just failed")
    return int(value)


def decide(
    policy: Policy,
    method: str,
    retry_after: float | None,
    attempt: int,
    ratelimit_reset: float | None = None,
    rng=random,
) -> dict:
    """Whether to send the request again after this response, and after how long.

    `attempt` counts the attempt that just got this response (1 for the first request). The delay
    is Retry-After when the response has one; else, where the policy reads them, the RateLimit
    field's `t` (`ratelimit_reset`: seconds until quota returns); else a random point of the
    full-jitter window."""
    decision = {
        "retry": False,
        "delay_seconds": None,
        "circuit_breaker": policy.circuit_breaker,
        "reason": policy.reason,
        "attempt": attempt,
        "max_retries": policy.max_retries,
        "delay_range": None,
    }
    if not policy.retries:
        return decision
    if policy.when == "retry-after" and retry_after is None:
        return decision | {"reason": "Retry only when the response carries Retry-After; this one does not."}
    if policy.methods != "any" and method not in IDEMPOTENT_METHODS:
        return decision | {
            "reason": f"{method} is not idempotent and this response does not show the request was unprocessed "
            "(RFC 9110 section 9.2.2); retry it only with an idempotency key the server honours."
        }
    if attempt > policy.max_retries:
        return decision | {"reason": f"Gave up: {policy.max_retries} retries are the limit for this response."}
    if retry_after is None and ratelimit_reset is not None and policy.ratelimit_headers:
        retry_after = ratelimit_reset
    if retry_after is not None and policy.retry_after:
        if retry_after > MAX_RETRY_AFTER:
            return decision | {
                "reason": f"The server asks for {retry_after:.0f} s, longer than a program should block "
                f"({MAX_RETRY_AFTER} s); schedule the request for later instead."
            }
        return decision | {"retry": True, "delay_seconds": retry_after, "delay_range": [retry_after, retry_after]}
    ceiling = min(policy.backoff["cap"], policy.backoff["base"] * 2 ** (attempt - 1))
    delay = round(rng.uniform(0, ceiling), 3)
    return decision | {"retry": True, "delay_seconds": delay, "delay_range": [0, ceiling]}
