"""Search: what it finds, in which order, what it says when nothing fits, the /search page, bad
input and the script.

Quality on the real content (top-1, top-3, MRR and nDCG@5 on relevance.tsv and the held-out
relevance_heldout.tsv) is in test_search_quality.py; /search as JSON and plain text in
test_search_negotiation.py. bench/search_bench.py measures speed (not a test).
"""

import io
import re
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from playwright.sync_api import expect

from statuscodes import search as code_search
from statuscodes.models import StatusCode
from statuscodes.search import MAX_QUERY_LENGTH, Index, QueryError, edit_distance, mark, notes, parse, search, stem
from statuscodes.tests.conftest import VENDORS, code_file


@pytest.fixture(autouse=True)
def fresh_index():
    """Each test builds its own index: test databases reuse revision numbers."""
    code_search.index_cache.clear()
    yield
    code_search.index_cache.clear()


def keys(results) -> list[str]:
    return [f"{r.code}/{r.source}" for r in results]


@pytest.fixture
def site(write_tree, db):
    """A dozen meanings written to tell ranking rules apart."""
    extra_sources = [*VENDORS, ("aws-elb", "AWS Elastic Load Balancing", "vendor", 40)]
    root = write_tree(
        {
            "codes/401-iana.md": code_file(401, name="Unauthorized", summary="The request has no valid credentials."),
            "codes/404-iana.md": code_file(404, name="Not Found", caching="default"),
            "codes/413-iana.md": code_file(
                413,
                name="Content Too Large",
                aliases="[Payload Too Large, Request Entity Too Large]",
                summary="The request body is bigger than the server will process.",
            ),
            "codes/429-iana.md": code_file(
                429,
                name="Too Many Requests",
                summary="The client sent too many requests in a given time and is being rate limited.",
            ),
            "codes/444-nginx.md": code_file(444, "nginx", name="No Response"),
            "codes/499-nginx.md": code_file(499, "nginx", name="Client Closed Request"),
            "codes/499-esri.md": code_file(499, "esri", name="Token Required"),
            "codes/502-iana.md": code_file(
                502,
                name="Bad Gateway",
                when="Behind nginx, a gateway timeout upstream or a gateway timeout at the proxy "
                "shows up here as well; the gateway timeout story is long.",
            ),
            "codes/504-iana.md": code_file(504, name="Gateway Timeout", summary="The upstream did not answer in time."),
            "codes/520-cloudflare.md": code_file(520, "cloudflare", name="Web Server Returns an Unknown Error"),
            "codes/521-cloudflare.md": code_file(
                521,
                "cloudflare",
                name="Web Server Is Down",
                summary="Cloudflare tried to connect and the origin refused the connection.",
                when="The origin web server refused the connection from Cloudflare's edge.",
            ),
            "codes/561-aws-elb.md": code_file(561, "aws-elb", name="Unauthorized"),
        },
        extra_sources=extra_sources,
    )
    call_command("load_content", path=root, stdout=io.StringIO())
    return root


# ---------------------------------------------------------------------------------------------
# What it finds


def test_an_exact_number_comes_first(site):
    assert keys(search("504"))[0] == "504/iana"
    assert keys(search("error 521"))[0] == "521/cloudflare"


def test_a_number_with_two_meanings_lists_the_primary_first(site):
    assert keys(search("499"))[:2] == ["499/nginx", "499/esri"]


def test_a_number_prefix_or_class_finds_every_code_under_it_in_number_order(site):
    assert keys(search("52")) == ["520/cloudflare", "521/cloudflare"]
    assert keys(search("52x")) == ["520/cloudflare", "521/cloudflare"]
    four = ["401/iana", "404/iana", "413/iana", "429/iana", "444/nginx", "499/nginx", "499/esri"]
    assert keys(search("4")) == four
    assert keys(search("4xx")) == keys(search("4XX")) == four


def test_a_number_followed_by_a_unit_is_a_quantity_not_a_code():
    assert [t.kind for t in parse("cloudflare 100 seconds timeout")] == ["word", "word", "word", "word"]
    assert [t.kind for t in parse("error 504")] == ["word", "number"]
    assert [t.kind for t in parse("http/2 connection")] == ["word", "word"], "the 2 of HTTP/2 is not the 2xx class"


def test_a_reason_phrase_finds_its_code(site):
    assert keys(search("gateway timeout"))[0] == "504/iana"
    assert keys(search("too many requests"))[0] == "429/iana"


def test_a_former_name_finds_the_code(site):
    assert keys(search("payload too large"))[0] == "413/iana"
    assert keys(search("request entity too large"))[0] == "413/iana"


def test_a_name_match_ranks_above_a_body_match(site):
    """502's text says "gateway timeout" three times; 504 is named that."""
    assert keys(search("gateway timeout"))[:2] == ["504/iana", "502/iana"]


def test_a_vendor_word_lists_that_vendors_meanings_alike_in_number_order(site):
    assert keys(search("nginx"))[:2] == ["444/nginx", "499/nginx"]
    assert keys(search("nginx"))[2] == "502/iana", "a page that mentions nginx comes after nginx's own"
    assert keys(search("cloudflare")) == ["520/cloudflare", "521/cloudflare"]
    assert keys(search("aws elb")) == ["561/aws-elb"]


def test_a_vendor_word_picks_that_vendors_meaning_of_a_number(site):
    assert keys(search("esri 499"))[0] == "499/esri"
    assert keys(search("nginx 499"))[0] == "499/nginx"


def test_misspellings_still_find_the_code(site):
    assert keys(search("gatway timout"))[0] == "504/iana"
    assert keys(search("unauthorised"))[0] == "401/iana"
    assert keys(search("clodflare"))[0] == "520/cloudflare"


def test_a_word_being_typed_is_completed(site):
    assert keys(search("gateway tim"))[0] == "504/iana"
    assert keys(search("payload too lar"))[0] == "413/iana"


def test_symptoms_find_the_code_through_its_summary_and_when_you_see_it(site):
    assert keys(search("origin refused connection"))[0] == "521/cloudflare"
    assert keys(search("rate limited"))[0] == "429/iana"


def test_the_official_meaning_wins_a_tie(site):
    assert keys(search("unauthorized"))[:2] == ["401/iana", "561/aws-elb"]


def test_a_query_that_matches_nothing_finds_nothing(site):
    assert search("xylophone") == []
    assert search("the a of") == [], "only words too common to search for"


def test_an_unknown_word_with_only_filler_around_it_lists_nothing(site):
    """ "linkedin error": the one telling word is found nowhere, and pages that merely say
    "error" would be junk. A known word next to the unknown one still finds its codes."""
    assert keys(search("error"))[0] == "520/cloudflare"
    assert search("xylophone error") == []
    assert search("http status 999") == []
    assert keys(search("xylophone gateway timeout"))[0] == "504/iana"


def test_a_word_that_only_starts_with_a_known_word_is_not_its_typo(site):
    """ "linkedin" is not two typos away from "linked": it is another word. One typo still is."""
    code = StatusCode.objects.get(number=404)
    code.summary = "The linked page is not here."
    code.save()
    assert search("linkedin") == []
    assert keys(search("linkd"))[0] == "404/iana"
    assert keys(search("cloudflared"))[0] == "520/cloudflare", "one letter more can be a typo"


def entry(number: int, name: str, source: str = "iana", status: str = "current", **texts) -> code_search.Entry:
    """An in-memory meaning for ranking tests: texts by field, empty where not given."""
    fields = dict.fromkeys(code_search.FIELD_WEIGHTS, "")
    fields.update(name=name, vendor=source, **texts)
    return code_search.Entry(
        number=number,
        source=source,
        source_name=source.title(),
        source_rank=0 if source == "iana" else 10,
        official=source == "iana",
        name=name,
        aliases=[],
        summary=texts.get("summary", ""),
        url=f"/{number}",
        texts=fields,
        status=status,
    )


FILLER_ENTRIES = [entry(200 + n, f"Filler {n}", body="The server answered the request.") for n in range(20)]


def test_a_meaning_no_longer_in_use_ranks_below_a_current_one_that_says_the_same():
    def ranked(status: str) -> list[str]:
        summary = "The origin refused the connection."
        retired = entry(520, "Listener Error", status=status, summary=summary)
        index = Index([*FILLER_ENTRIES, retired, entry(527, "Railgun Error", summary=summary)])
        return keys(index.search("origin refused connection", 20))

    assert ranked("current") == ["520/iana", "527/iana"], "a tie goes to the lower number"
    assert ranked("obsolete") == ["527/iana", "520/iana"]
    assert ranked("deprecated") == ["527/iana", "520/iana"]
    assert ranked("experimental") == ["520/iana", "527/iana"], "only meanings no longer in use step back"


def test_a_pasted_log_line_finds_the_page_that_quotes_it():
    """Three words pair after pair, one of them rare, beat a name that holds two of them apart."""
    quoting = entry(502, "Bad Gateway", body="nginx logs upstream prematurely closed connection while reading.")
    named = entry(
        460, "Client Closed Connection", body="The client went away prematurely, before an upstream answered."
    )
    index = Index([*FILLER_ENTRIES, quoting, named])
    assert keys(index.search("upstream prematurely closed", 20)) == ["502/iana", "460/iana"]
    with mock.patch.object(code_search, "RUN_BONUS", 0.0):
        assert keys(index.search("upstream prematurely closed", 20)) == ["460/iana", "502/iana"], "the run decides"
    words = [({"upstream": 1.0}, set()), ({"prematurely": 1.0}, set()), ({"clos": 1.0}, set())]
    assert index.phrase_scores(words)[1] == {index.entries.index(quoting): 2}
    fillers = [entry(200 + n, f"Filler {n}", body="After a while the server answered the request.") for n in range(20)]
    common = Index([*fillers, entry(204, "No Content", body="the server answered after the request")])
    everyday = [({"answer": 1.0}, set()), ({"after": 1.0}, set()), ({"request": 1.0}, set())]
    assert common.phrase_scores(everyday)[1] == {}, "a run of everyday words earns nothing"


def test_a_passing_mention_is_not_listed_under_the_relevance_floor():
    body = " ".join(["Something else entirely is described here."] * 3)
    index = Index([
        *FILLER_ENTRIES,
        entry(504, "Gateway Timeout", summary="The gateway gave up waiting for the upstream."),
        entry(418, "Teapot", body=body + " A gateway is mentioned once."),
    ])  # fmt: skip
    assert keys(index.search("gateway", 20)) == ["504/iana"]
    assert keys(index.search("mentioned", 20)) == ["418/iana"], "the same mention is listed when it is the best"


def test_results_carry_what_the_api_returns(site):
    result = search("gateway timeout")[0]
    assert result.to_dict() == {
        "code": 504,
        "name": "Gateway Timeout",
        "source": "iana",
        "source_name": "IANA",
        "summary": "The upstream did not answer in time.",
        "url": "/504",
        "score": round(result.score, 3),
    }
    assert isinstance(result.to_dict()["score"], float)
    assert search("499")[1].url == "/esri/499", "a second meaning links to its own page"


def test_the_limit_caps_the_results(site):
    assert len(search("4", limit=3)) == 3
    assert keys(search("4", limit=3)) == keys(search("4"))[:3]


# ---------------------------------------------------------------------------------------------
# Order and the index


def test_the_order_does_not_depend_on_the_order_rows_come_from_the_database(site):
    entries = code_search.entries_from_database()
    forward, backward = Index(entries), Index(list(reversed(entries)))
    for query in ["4", "nginx", "gateway timeout", "unauthorized", "request", "cloudflare origin", "499"]:
        assert keys(forward.search(query, 20)) == keys(backward.search(query, 20)), query


def test_an_admin_edit_is_searchable_at_once(site):
    assert keys(search("teapot")) == []
    code = StatusCode.objects.get(number=404)
    code.name = "Teapot Not Found"
    code.save()
    assert keys(search("teapot")) == ["404/iana"]


def test_the_index_is_built_once_per_content_revision(site):
    with mock.patch.object(code_search, "entries_from_database", wraps=code_search.entries_from_database) as reads:
        search("gateway")
        search("timeout")
        search("nginx")
        assert reads.call_count == 1
        StatusCode.objects.get(number=404).save()
        search("gateway")
        search("timeout")
        assert reads.call_count == 2


def test_the_stemmer_folds_plurals_and_verb_forms():
    assert stem("limited") == stem("limit") == stem("limits") == stem("limiting")
    assert stem("refused") == stem("refuse") == stem("refuses")
    assert stem("proxies") == stem("proxy")
    assert stem("https") != stem("http")
    assert stem("status") == "status"


def test_edit_distance_counts_a_swap_of_neighbours_as_one():
    assert edit_distance("gatway", "gateway", 2) == 1
    assert edit_distance("ngnix", "nginx", 2) == 1
    assert edit_distance("timeout", "teapot", 2) == 3, "beyond the limit reports limit + 1"


# ---------------------------------------------------------------------------------------------
# Bad input


@pytest.mark.parametrize("query", ["", "   ", "\t\n"])
def test_an_empty_query_is_refused_with_a_message_naming_the_parameter(query):
    with pytest.raises(QueryError, match="Missing or empty parameter 'q': type what you are looking for"):
        search(query)


def test_a_query_over_the_limit_is_refused_and_one_at_the_limit_is_searched(site):
    with pytest.raises(QueryError, match=f"201 characters long; the limit is {MAX_QUERY_LENGTH}"):
        search("a" * 201)
    assert search("gateway " + "x" * (MAX_QUERY_LENGTH - 8)) is not None


@pytest.mark.parametrize("limit", [0, -1, 101])
def test_an_impossible_limit_is_refused(limit):
    with pytest.raises(QueryError, match="between 1 and 100"):
        search("gateway", limit=limit)


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE statuscodes_statuscode; --",
        '" OR 1=1 --',
        "<script>alert(1)</script>",
        "\x00a\x00",
        "gateway\x00timeout",
        "🔥 504 🔥",
        "５０４",  # full-width digits
        "%s %d {0} {{ query }}",
        "\\",
        "((((",
        "*",
    ],
)
def test_any_other_text_is_searched_safely(site, query):
    results = search(query)
    assert isinstance(results, list)
    assert StatusCode.objects.count() == 12


ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=MAX_QUERY_LENGTH + 20)
PROPERTY = hypothesis_settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@PROPERTY
@given(query=ANY_TEXT)
def test_any_text_gets_results_in_score_order_or_a_clear_error(site, query):
    try:
        results = search(query)
    except QueryError:
        assert not re.search(code_search.SOMETHING, query) or len(query) > MAX_QUERY_LENGTH
    else:
        scores = [result.score for result in results]
        assert scores == sorted(scores, reverse=True)
        assert all(score > 0 for score in scores)
        if scores and all(token.kind == "word" for token in parse(code_search.normalise(query))):
            floor = max(code_search.MIN_SCORE, code_search.FLOOR_SHARE * scores[0])
            assert all(score >= floor for score in scores), "nothing under the relevance floor"


@PROPERTY
@given(query=ANY_TEXT)
def test_the_search_page_answers_any_text_without_an_error_page(client, site, query):
    response = client.get("/search", {"q": query})
    assert response.status_code in (200, 302, 400)


def test_full_width_digits_are_numbers(site):
    assert keys(search("５０４"))[0] == "504/iana"


def test_marking_escapes_the_text_and_wraps_only_matched_words():
    html = mark('Gateway <Timeout> & "gateways"', frozenset({"gateway"}))
    assert html == "<mark>Gateway</mark> &lt;Timeout&gt; &amp; &quot;<mark>gateways</mark>&quot;"


# ---------------------------------------------------------------------------------------------
# The /search page


def test_an_exact_number_goes_straight_to_the_code_page(client, site):
    response = client.get("/search", {"q": "504"})
    assert response.status_code == 302
    assert response["Location"] == "/504"


def test_a_number_with_several_meanings_goes_to_the_numbers_page(client, site):
    response = client.get("/search", {"q": " 499 "})
    assert response.status_code == 302
    assert response["Location"] == "/499"


def test_a_number_nobody_defines_lists_results_instead_of_redirecting(client, site):
    response = client.get("/search", {"q": "418"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No status code matches" in html
    assert (
        "Nothing in this reference is numbered 418: none of the registered or vendor codes listed here uses it." in html
    )


def test_a_number_outside_the_range_gets_an_honest_answer_not_a_hint_to_retype_it(client, site):
    html = client.get("/search", {"q": "999"}).content.decode()
    assert "No status code matches &ldquo;999&rdquo;." in html
    assert "999 is not a registered HTTP status code: standard codes run from 100 to 599." in html
    assert "No source in this reference defines 999." in html
    assert "Some sites send numbers outside the registry; only the site that sends one can say what it means." in html
    assert "number on its own" not in html
    assert 'href="/5xx"' in html, "the classes stay one click away"
    assert '<meta name="robots" content="noindex">' in html


def test_a_name_no_source_has_is_told_so_with_the_sources_there_are(client, site):
    html = client.get("/search", {"q": "linkedin"}).content.decode()
    assert "No page here mentions \u201clinkedin\u201d, and it is not the name of any source here." in html
    assert "The codes here are defined by IANA, nginx, Cloudflare, Esri, AWS Elastic Load Balancing." in html
    assert '<ol class="code-list' not in html


def test_notes_say_what_the_reference_does_not_hold(site):
    assert notes("gateway timeout", search("gateway timeout")) == []
    assert notes("999", []) == [code_search.NOT_A_CODE.format(n=999) + " " + code_search.NOBODY_DEFINES.format(n=999)]
    assert notes("0", []) == [code_search.NOT_A_CODE.format(n=0) + " " + code_search.NOBODY_DEFINES.format(n=0)]
    assert notes("cloudflare 100 seconds", search("cloudflare 100 seconds")) == [], "a quantity, not a code"
    assert notes("52", search("52")) == [] and notes("4xx", search("4xx")) == [], "classes are no unknown numbers"
    assert notes("299", []) == [code_search.UNUSED_NUMBER.format(n=299)]
    with_results = search("xylophone gateway")
    assert notes("xylophone gateway", with_results) == [
        "No page here mentions \u201cxylophone\u201d, and it is not the name of any source here."
    ], "no list of sources when there are results"
    assert notes("xylophone zzqxj", [])[0] == (
        "No page here mentions \u201cxylophone\u201d or \u201czzqxj\u201d, and none of them names a source here."
    )


def test_the_page_lists_results_best_first_with_matches_marked(client, site):
    response = client.get("/search", {"q": "gatway timout"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index('href="/504"') < html.index('href="/502"')
    assert '<span class="num c5">504</span> <mark>Gateway</mark> <mark>Timeout</mark></a>' in html
    assert 'value="gatway timout"' in html, "the query stays in the box"


def test_a_results_page_may_be_indexed_under_one_canonical_address_per_query(client, site):
    html = client.get("/search", {"q": "  Gatway   TIMOUT "}).content.decode()
    assert '<link rel="canonical" href="http://testserver/search?q=gatway+timout">' in html
    assert "noindex" not in html


def test_a_page_with_nothing_to_show_is_kept_out_of_search_engines(client, site):
    assert '<meta name="robots" content="noindex">' in client.get("/search", {"q": "zzqxj"}).content.decode()
    assert '<meta name="robots" content="noindex">' in client.get("/search", {"q": "x" * 201}).content.decode()


def test_a_vendor_result_is_labelled_with_its_vendor(client, site):
    html = client.get("/search", {"q": "origin refused connection"}).content.decode()
    link = '<a href="/521"><span class="num c5">521</span> Web Server Is Down</a>'
    assert link + '&nbsp;<span class="badge vendor">Cloudflare</span>' in html
    assert "<mark>refused</mark>" in html


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}])
def test_an_empty_or_missing_query_gets_a_friendly_page_with_examples(client, site, params):
    response = client.get("/search", params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Type a code, its name, a vendor or the symptom you see" in html
    assert 'href="/search?q=payload+too+large"' in html


def test_a_query_over_the_limit_gets_a_400_page_that_says_why(client, site):
    response = client.get("/search", {"q": "x" * 201})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The search is 201 characters long; the limit is 200." in html
    assert 'role="alert"' in html


def test_no_results_gets_a_friendly_page(client, site):
    response = client.get("/search", {"q": "xylophone"})
    assert response.status_code == 200
    assert "No status code matches &ldquo;xylophone&rdquo;." in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "gateway<b>timeout</b>",
        "' OR 1=1 --",
    ],
)
def test_the_query_is_never_reflected_unescaped(client, site, query):
    html = client.get("/search", {"q": query}).content.decode()
    main = html.split('<main id="main"')[1]
    assert "<script>alert" not in main and "<img" not in main and "<b>" not in main
    assert 'onerror=alert(1)>"' not in main


def test_control_characters_never_reach_the_page(client, site):
    response = client.get("/search", {"q": "gateway\x00time\x1bout"})
    assert response.status_code == 200
    assert "\x00" not in response.content.decode() and "\x1b" not in response.content.decode()


def test_the_page_is_cached_by_revision_like_every_page(client, site):
    first = client.get("/search", {"q": "gateway"})
    assert first["ETag"]
    assert client.get("/search", {"q": "gateway"}, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_the_page_only_answers_get_and_head(client, site):
    assert client.head("/search", {"q": "gateway"}).status_code == 200
    assert client.post("/search", {"q": "gateway"}).status_code == 405


def test_every_page_loads_the_search_script_deferred_and_the_search_page_has_no_script_of_its_own(client, site):
    for path in ["/", "/search?q=gateway", "/504"]:
        html = client.get(path, HTTP_ACCEPT="text/html").content.decode()
        tags = [tag.split(">")[0] for tag in html.split("<script")[1:] if 'src="/static/js/search.' in tag]
        assert len(tags) == 1 and tags[0].endswith(" defer"), tags
    for params in [{"q": "gateway"}, {}, {"q": "x" * 201}]:
        main = client.get("/search", params).content.decode().split('<main id="main"')[1]
        assert "<script" not in main and " on" + "click" not in main


# ---------------------------------------------------------------------------------------------
# In the browser: static/js/search.js with Debian's chromium (skipped when it is absent)

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"chromium not found at {CHROMIUM}: apt-get install chromium to run the browser tests")
    from playwright.sync_api import sync_playwright

    # As in test_browser.py: Playwright's loop runs in this thread, and nothing here is async.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def live_site(write_tree, transactional_db, live_server, settings):
    root = write_tree(
        {
            "codes/404-iana.md": code_file(404, name="Not Found", caching="default"),
            "codes/504-iana.md": code_file(504, name="Gateway Timeout", summary="The upstream did not answer in time."),
            "codes/502-iana.md": code_file(502, name="Bad Gateway", summary="The gateway got a bad answer."),
            "codes/521-cloudflare.md": code_file(521, "cloudflare", name="Web Server Is Down"),
        },
        extra_sources=VENDORS,
    )
    call_command("load_content", path=root, stdout=io.StringIO())
    # the live server finds the hashed files the pages link in the collected manifest
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, settings.STATIC_ROOT]
    return live_server


def answer_like_the_api(route):
    """/api/v1/search as agreed with the API: {"query", "results": [SearchResult.to_dict()]}."""
    from urllib.parse import parse_qs, urlsplit

    query = parse_qs(urlsplit(route.request.url).query).get("q", [""])[0]
    body = {"query": query, "results": [r.to_dict() for r in search(query)]}
    route.fulfill(status=200, content_type="application/json", json=body)


@pytest.fixture
def open_page(browser, live_site):
    contexts = []

    def open_page(path: str, api=answer_like_the_api):
        context = browser.new_context(base_url=live_site.url)
        context.set_default_timeout(5000)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        if api is not None:
            page.route("**/api/v1/search?*", api)
        page.goto(path)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.browser
def test_suggestions_appear_as_you_type_with_the_words_marked(open_page):
    page = open_page("/404")
    box = page.get_by_role("combobox", name="Search status codes")
    box.press_sequentially("gateway tim")
    listbox = page.get_by_role("listbox", name="Matching status codes")
    options = listbox.get_by_role("option")
    # Suggestions follow the typing: those for "gateway" come first, then those for "gateway tim".
    expect(options.first).to_have_text(re.compile(r"^504 Gateway Timeout"))
    assert box.get_attribute("aria-expanded") == "true"
    assert listbox.locator("mark").first.inner_text() == "Gateway"
    assert page.errors == []


@pytest.mark.browser
def test_suggestions_come_from_the_real_api(open_page):
    page = open_page("/404", api=None)
    page.get_by_role("combobox", name="Search status codes").press_sequentially("gatway timout")
    expect(page.get_by_role("option").first).to_have_text(re.compile(r"^504 Gateway Timeout"))
    assert page.errors == []


@pytest.mark.browser
def test_arrow_keys_walk_the_suggestions_and_enter_opens_one(open_page):
    page = open_page("/404")
    box = page.get_by_role("combobox", name="Search status codes")
    box.press_sequentially("gateway")
    page.get_by_role("option").first.wait_for()
    box.press("ArrowDown")
    first = page.get_by_role("option").first
    assert first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    box.press("ArrowDown")
    assert page.get_by_role("option").nth(1).get_attribute("aria-selected") == "true"
    box.press("ArrowUp")
    box.press("Enter")
    page.wait_for_url("**/502")


@pytest.mark.browser
def test_escape_closes_the_suggestions_and_enter_then_submits_the_form(open_page):
    page = open_page("/404")
    box = page.get_by_role("combobox", name="Search status codes")
    box.press_sequentially("gateway")
    page.get_by_role("option").first.wait_for()
    box.press("Escape")
    assert page.get_by_role("listbox", name="Matching status codes").is_hidden()
    assert box.get_attribute("aria-expanded") == "false"
    box.press("Enter")
    page.wait_for_url("**/search?q=gateway")
    assert page.get_by_role("link", name="502 Bad Gateway").is_visible()


@pytest.mark.browser
def test_a_click_on_a_suggestion_opens_it(open_page):
    page = open_page("/404")
    page.get_by_role("combobox", name="Search status codes").press_sequentially("web server")
    page.get_by_role("option").first.click()
    page.wait_for_url("**/521")


@pytest.mark.browser
def test_a_vendor_suggestion_shows_the_vendors_name_not_its_slug(open_page):
    page = open_page("/404", api=None)  # the real API: its results carry source_name
    page.get_by_role("combobox", name="Search status codes").press_sequentially("web server")
    option = page.get_by_role("option").first
    expect(option).to_have_text(re.compile(r"^521 Web Server Is Down"))
    assert option.locator(".badge.vendor").text_content() == "Cloudflare", "the DOM text, whatever CSS does"
    assert page.errors == []


@pytest.mark.browser
def test_slash_jumps_to_the_search_box_but_types_normally_inside_a_field(open_page):
    page = open_page("/404")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "site-search"
    page.keyboard.type("a/b")
    assert page.get_by_role("combobox", name="Search status codes").input_value() == "a/b"


@pytest.mark.browser
def test_without_the_api_the_box_stays_a_plain_search_form(open_page):
    page = open_page("/404", api=lambda route: route.fulfill(status=404, json={"error": "not found"}))
    box = page.get_by_role("combobox", name="Search status codes")
    box.press_sequentially("gateway")
    page.wait_for_timeout(400)
    assert page.get_by_role("listbox", name="Matching status codes").is_hidden()
    box.press("Enter")
    page.wait_for_url("**/search?q=gateway")
    assert page.get_by_role("link", name="504 Gateway Timeout").is_visible()
    assert [e for e in page.errors if "404" not in e] == []


@pytest.mark.browser
def test_the_search_page_box_suggests_too_and_shows_no_console_errors(open_page):
    page = open_page("/search?q=gateway")
    assert page.get_by_role("link", name="504 Gateway Timeout").is_visible()
    box = page.get_by_role("combobox", name="A number, a name, a vendor or what went wrong")
    assert box.input_value() == "gateway"
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search-page-q"
    box.fill("")
    box.press_sequentially("bad gate")
    page.get_by_role("option").first.wait_for()
    assert page.get_by_role("option").first.inner_text().startswith("502 Bad Gateway")
    assert page.errors == []


@pytest.mark.parametrize("query", ["\u3389" * 200, "\ufdfa" * 200, "\u2474" * 200])  # ㎉ -> kcal, ﷺ -> 18 letters
def test_a_query_that_normalising_spells_out_is_searched_only_up_to_the_limit(small_site, query):
    with mock.patch.object(Index, "search", autospec=True, return_value=[]) as searched:
        search(query)
    assert len(searched.call_args.args[1]) == MAX_QUERY_LENGTH


@pytest.mark.parametrize("query", ["\x1d", " \ufeff ", "\u3000\t", "\x00"])
def test_white_space_and_control_characters_alone_are_an_empty_query(query):
    with pytest.raises(QueryError, match="Missing or empty parameter 'q'"):
        search(query)


def test_a_word_longer_than_any_real_one_is_not_typo_corrected():
    assert code_search.allowed_typos("a" * 31) == 0
    assert code_search.allowed_typos("gatewaytimeout") == 2
