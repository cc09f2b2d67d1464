"""/retries: how a program should retry, the rule of every code, and client recipes made from that rule.

The page, /api/v1/retry-policy and the recipes read one table (retry_api.table_document), so the
prose, the data and the code can never disagree. JSON by Accept is that table; text is the table.
"""

from django.shortcuts import render

from statuscodes import retry_policy
from statuscodes.caching import cached_page
from statuscodes.negotiation import negotiated, representation
from statuscodes.retry_api import table_document
from statuscodes.retry_recipes import recipes
from statuscodes.views import read_only

WHEN_WORDS = {
    "always": "yes",
    "retry-after": "if Retry-After",
    "later": "later",
    "after-change": "after a change",
    "never": "no",
    "not-applicable": "n/a",
}


def table_text(request) -> str:
    """One line per failure code (not-applicable ones left out): its rule in columns, for a terminal."""
    table = table_document(request)
    lines = ["status  source        retry           methods     backoff (base..cap s)  retries  breaker"]
    for row in table["codes"]:
        if row["when"] in ("not-applicable",):
            continue
        backoff = f"{row['backoff']['base']:g}..{row['backoff']['cap']:g}" if row["backoff"] else "-"
        lines.append(
            f"{row['status']:<7} {row['source']:<13} {WHEN_WORDS[row['when']]:<15} {row['methods']:<11} "
            f"{backoff:<22} {row['max_retries']:<8} {'yes' if row['circuit_breaker'] else 'no'}"
        )
    lines.append(f"\nEvery code and platform error as JSON: /api/v1/retry-policy (version {table['version']}).")
    return "\n".join(lines) + "\n"


@read_only
@cached_page(variant=representation)
@negotiated(json=table_document, text=table_text)
def retries(request):
    table = table_document(request)
    retrying = [row for row in table["codes"] if row["when"] in ("always", "retry-after")]
    context = {
        "table": table,
        "codes": [row for row in table["codes"] if row["when"] != "not-applicable"],
        "errors": [row for row in table["errors"] if row["when"] in ("always", "retry-after")],
        "any_method": [row for row in retrying if row["methods"] == "any"],
        "when_words": WHEN_WORDS,
        "recipes": recipes(table),
        "breaker": retry_policy.BREAKER,
        "max_retry_after": retry_policy.MAX_RETRY_AFTER,
    }
    return render(request, "statuscodes/retries.html", context)
