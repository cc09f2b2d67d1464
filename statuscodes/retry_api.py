"""The retry policy in the API: the whole table (/api/v1/retry-policy) and one decision (/api/v1/retry)."""

import random
import re

from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from statuscodes import retry_policy
from statuscodes.addresses import SOURCE_SLUG
from statuscodes.api import cors, endpoint, read_only
from statuscodes.content import ERROR_CODE
from statuscodes.models import PlatformError, Revision, StatusCode

DOWNLOAD_NAME = f"statuscodes-retry-policy-v{retry_policy.VERSION}.json"


def policy_row(record, **identity) -> dict:
    return {**identity, **retry_policy.policy_of(record).to_dict()}


def table_document(request) -> dict:
    """Every meaning's and platform error's policy, and the rules they share: a file a client can vendor."""
    revision = Revision.current()
    codes, seen = [], set()
    for code in StatusCode.objects.listing():  # number order, primary meaning first
        codes.append(
            policy_row(
                code, status=code.number, source=code.source.slug, primary=code.number not in seen,
                name=code.name, url=code.get_absolute_url(),
            )
        )  # fmt: skip
        seen.add(code.number)
    errors = [
        policy_row(
            error, source=error.source.slug, error=error.code, statuses=list(error.statuses), name=error.name,
            url=error.get_absolute_url(),
        )
        for error in PlatformError.objects.select_related("source")
    ]  # fmt: skip
    return {
        "version": retry_policy.VERSION,
        "revision": revision.number,
        "updated": revision.changed_at.isoformat(),
        "documentation": "/retries",
        "idempotent_methods": list(retry_policy.IDEMPOTENT_METHODS),
        "max_retry_after": retry_policy.MAX_RETRY_AFTER,
        "circuit_breaker": retry_policy.BREAKER,
        "connection_refused": retry_policy.CONNECTION_REFUSED,
        "codes": codes,
        "errors": errors,
    }


cached_table = endpoint(table_document, params=("download",), compact=True)


@csrf_exempt  # as every API view: nothing is written, and another method gets the API's JSON 405
def table(request):
    """The table, inline by default (it is JSON a browser shows); `?download` asks to save it."""
    response = cached_table(request)
    if response.status_code in (200, 304):
        disposition = "attachment" if "download" in request.GET else "inline"
        response["Content-Disposition"] = f'{disposition}; filename="{DOWNLOAD_NAME}"'
    return response


PARAMETERS = ("status", "method", "retry_after", "ratelimit_reset", "source", "error", "attempt")


def find_record(status_text: str | None, source: str | None, error: str | None):
    """The meaning (or platform error) whose policy applies; BadParameter names the parameter at fault."""
    if not status_text:
        raise retry_policy.BadParameter("status", "status is required: the response's status code, 100 to 599")
    if not (re.fullmatch(r"[0-9]{3}", status_text) and 100 <= int(status_text) <= 599):
        raise retry_policy.BadParameter("status", "status must be a status code from 100 to 599")
    number = int(status_text)
    if source and (len(source) > 40 or not re.fullmatch(SOURCE_SLUG, source)):
        raise retry_policy.BadParameter("source", "source must be a source's slug, such as cloudflare or iis")
    if error and not ERROR_CODE.fullmatch(error):
        raise retry_policy.BadParameter("error", "error must be a platform's code as it prints it, such as 1015 or H12")
    if error:
        if not source:
            raise retry_policy.BadParameter("source", "source is required with error: the platform, e.g. cloudflare")
        found = PlatformError.objects.filter(source__slug=source, code__iexact=error).select_related("source").first()
        if found is None:
            raise retry_policy.BadParameter("error", f"no error {error[:20]!r} from {source[:40]!r}")
        if found.statuses and number not in found.statuses:
            statuses = ", ".join(map(str, found.statuses))
            raise retry_policy.BadParameter("status", f"{found.ref} arrives with {statuses}, not {number}")
        return found
    meanings = StatusCode.objects.listing().filter(number=number)
    if source:
        meaning = meanings.filter(source__slug=source).first()
        if meaning is None:
            raise retry_policy.BadParameter("source", f"no meaning of {number} from {source[:40]!r}")
        return meaning
    meaning = meanings.first()
    if meaning is None:
        raise retry_policy.BadParameter("status", f"{number} is not a status code we know")
    return meaning


def seconds_param(name: str, value: str | None) -> float | None:
    if value is None or value == "":
        return None
    if not retry_policy.WHOLE_SECONDS.fullmatch(value):
        raise retry_policy.BadParameter(name, f"{name} must be whole seconds")
    return float(value)


@cors
@read_only
@never_cache  # the delay is drawn at random within the backoff window, so no two answers need agree
def decision(request) -> HttpResponse:
    """What to do after one response: /api/v1/retry?status=503&method=POST&retry_after=30&attempt=2."""
    query = request.GET
    unknown = sorted(set(query) - set(PARAMETERS))
    if unknown:
        return parameter_error(unknown[0][:40], f"unknown parameter; use {', '.join(PARAMETERS)}")
    try:
        record = find_record(query.get("status"), query.get("source"), query.get("error"))
        method = retry_policy.parse_method(query.get("method"))
        retry_after = retry_policy.parse_retry_after(query.get("retry_after"), timezone.now())
        reset = seconds_param("ratelimit_reset", query.get("ratelimit_reset"))
        attempt = retry_policy.parse_attempt(query.get("attempt"))
    except retry_policy.BadParameter as problem:
        return parameter_error(problem.name, str(problem))
    policy = retry_policy.policy_of(record)
    answer = retry_policy.decide(policy, method, retry_after, attempt, ratelimit_reset=reset, rng=random)
    answer.update(
        status=int(query["status"]),
        method=method,
        policy={"when": policy.when, "methods": policy.methods, "backoff": policy.backoff},
        meaning=record.get_absolute_url(),
        table="/api/v1/retry-policy",
    )
    return JsonResponse(answer, json_dumps_params={"indent": 2, "ensure_ascii": False})


def parameter_error(name: str, message: str) -> JsonResponse:
    """A 400 that names the parameter, in words and as a field a program can read."""
    return JsonResponse({"error": f"Parameter '{name}': {message}.", "status": 400, "parameter": name}, status=400)
