"""What a cache may do with a response of each status code, and the rule that says so.

Five answers, from the specifications (checked 2026-11-30):
- default: heuristically cacheable, a cache may store it without explicit freshness
  (RFC 9110 section 15.1 lists the codes; RFC 7725 section 3 adds 451);
- must-not-store: the code's own RFC forbids storing it (RFC 6585 for 428, 429, 431, 511);
- never: an interim 1xx response, which a cache never stores (RFC 9111 section 3 stores final
  responses only);
- not-applicable: never sent on the wire (a code that appears only in a server's logs);
- explicit: any other code, stored only with explicit freshness (Cache-Control, Expires).
"""

POLICIES = {
    "default": "Cacheable by default: a cache may store it without explicit freshness information",
    "explicit": "Only with explicit freshness information (Cache-Control max-age, Expires)",
    "must-not-store": "Must not be stored by any cache",
    "never": "Never stored: interim responses are not cached",
    "not-applicable": "Not applicable: this code is never sent to a client",
}

HEURISTICALLY_CACHEABLE = {200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501}  # RFC 9110 s. 15.1
DEFAULT_BY_OWN_RFC = {451: "RFC 7725, section 3"}
MUST_NOT_STORE = {
    428: "RFC 6585, section 3",
    429: "RFC 6585, section 4",
    431: "RFC 6585, section 5",
    511: "RFC 6585, section 6",
}


def caching_rule(number: int, official: bool, sent_by: str) -> tuple[str, str]:
    """(policy, the rule it comes from) that the specifications give this meaning."""
    if sent_by == "logs-only":
        return "not-applicable", "It is never sent on the wire: it appears only in the server's logs."
    if 100 <= number < 200:
        return "never", "RFC 9111, section 3: a cache stores final responses, never interim (1xx) ones."
    if official and number in HEURISTICALLY_CACHEABLE:
        return "default", "RFC 9110, section 15.1: heuristically cacheable."
    if official and number in DEFAULT_BY_OWN_RFC:
        return "default", f"{DEFAULT_BY_OWN_RFC[number]}: heuristically cacheable."
    if official and number in MUST_NOT_STORE:
        return "must-not-store", f"{MUST_NOT_STORE[number]}: MUST NOT be stored by a cache."
    return "explicit", "RFC 9111, section 4.2.2: not cacheable by default, so only explicit freshness allows it."
