"""The site in a real browser: Debian's chromium driven by Playwright against the live server.

Skipped, with the reason printed, when /usr/bin/chromium is absent; `.ci/run` installs it.
"""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from statuscodes.tests.conftest import VENDORS, code_file, comparison_file, error_file

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip

if not CHROMIUM.exists():
    pytest.skip(
        f"chromium not found at {CHROMIUM}: apt-get install chromium to run the browser tests",
        allow_module_level=True,
    )

pytestmark = pytest.mark.browser

# Reported by the page itself, so CSP violations show up even if chromium stops logging them.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline code"}`);
});
"""

EXAMPLE = """
## Example

```http
GET /status HTTP/1.1
Host: api.example

HTTP/1.1 {code} {name}
Retry-After: 30
```
"""

FIX_WITH_CODE = """
## Fixes

### [owner] Restart the origin

Run this on the server:

```sh
sudo systemctl restart nginx
```

### [owner] Ask the origin directly

```sh
curl -sv --resolve www.example.com:443:203.0.113.10 https://www.example.com/health -o /dev/null
```
"""


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread, and Django refuses
    # ORM calls whenever a loop is running (to protect async views). Nothing here is async:
    # the loop only carries messages to chromium, so the guard is lifted while it is open.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        # launch() gives every run a fresh, throwaway user-data dir; nothing is downloaded.
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(write_tree, transactional_db):
    """The small site, plus a code with an example and fixes with code blocks (one line too long for
    a phone), and a curated comparison."""
    root = write_tree(
        {
            "codes/200-iana.md": code_file(200, name="OK", caching="default"),
            "codes/404-iana.md": code_file(404, name="Not Found", caching="default", related="[410, 521]"),
            "codes/410-iana.md": code_file(410, name="Gone", caching="default", related="[404]"),
            "codes/499-nginx.md": code_file(499, "nginx", name="Client Closed Request", related="[499/esri]"),
            "codes/499-esri.md": code_file(499, "esri", name="Token Required", related="[499/nginx]"),
            "codes/503-iana.md": code_file(
                503,
                name="Service Unavailable",
                extra=FIX_WITH_CODE + EXAMPLE.format(code=503, name="Service Unavailable"),
            ),
            "codes/521-cloudflare.md": code_file(
                521, "cloudflare", name="Web Server Is Down", retry="backoff", related="[404]"
            ),
            "comparisons/404-vs-410.md": comparison_file(404, 410, title="404 Not Found vs 410 Gone"),
        },
        extra_sources=VENDORS,
    )
    (root / "errors/cloudflare").mkdir(parents=True)
    (root / "errors/cloudflare/1020.md").write_text(error_file("1020", name="Access Denied", statuses="[404]"))
    call_command("load_content", path=root, stdout=io.StringIO())
    return root


@pytest.fixture
def collected_static(settings):
    """Let the live server find the hashed files the pages link to.

    Its static handler looks names up with the finders, which only know the unhashed sources;
    the pages (production settings) link `css/site.<hash>.css` from the collected manifest.
    """
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    assert manifest.exists(), "run `manage.py collectstatic` first (`make test` does)"
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, settings.STATIC_ROOT]


@pytest.fixture
def open_page(browser, live_server, site, collected_static):
    """open_page(path, **context options) -> a page, with its console errors in page.errors."""
    contexts = []

    def open_page(path: str = "/", **options):
        options = {"viewport": {"width": 1280, "height": 900}, "color_scheme": "light", **options}
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(5000)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("console", lambda message: is_error(page, message) and page.errors.append(message.text))
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.goto(path)
        return page

    yield open_page
    for context in contexts:
        context.close()


def is_error(page, message) -> bool:
    """A console error, except chromium's note that the document itself is a 404 page."""
    own_status = message.text.startswith("Failed to load resource") and message.location["url"] == page.url
    return message.type == "error" and not own_status


def background(page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


LIGHT, DARK = "rgb(255, 255, 255)", "rgb(21, 23, 26)"


def test_pages_load_without_console_errors_or_csp_violations(open_page):
    page = open_page("/")
    for path in ["/", "/521", "/503", "/499", "/5xx", "/4xx", "/999", "/compare", "/compare/404-vs-521", "/search",
                 "/search?q=server", "/search?q=nothing+matches+this", "/api/"]:  # fmt: skip
        page.goto(path)
        page.wait_for_load_state("load")
    assert page.errors == []


def test_the_theme_follows_the_system_setting_when_nothing_was_chosen(open_page):
    assert background(open_page("/521", color_scheme="light")) == LIGHT
    assert background(open_page("/521", color_scheme="dark")) == DARK


def test_the_theme_toggle_switches_to_dark_and_the_choice_survives_a_reload(open_page):
    page = open_page("/521")
    toggle = page.get_by_role("button", name="Dark theme")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert background(page) == DARK
    assert toggle.get_attribute("aria-pressed") == "true"
    page.reload()
    assert background(page) == DARK
    page.goto("/5xx")
    assert background(page) == DARK
    page.get_by_role("button", name="Dark theme").click()
    page.reload()
    assert background(page) == LIGHT
    assert page.evaluate("localStorage.getItem('theme')") is None, "back to following the system"


def test_the_theme_toggle_can_choose_light_against_a_dark_system(open_page):
    page = open_page("/", color_scheme="dark")
    toggle = page.get_by_role("button", name="Dark theme")
    assert toggle.get_attribute("aria-pressed") == "true"
    toggle.press("Enter")
    page.reload()
    assert background(page) == LIGHT
    assert page.get_by_role("button", name="Dark theme").get_attribute("aria-pressed") == "false"


def test_a_stored_theme_is_applied_before_the_first_paint_without_a_blocking_request(open_page):
    page = open_page("/521")
    page.evaluate("localStorage.setItem('theme', 'dark')")
    page.add_init_script(
        """
        new MutationObserver(() => {
          if (!window.themedAt && document.documentElement.dataset.theme) window.themedAt = performance.now();
        }).observe(document, {attributes: true, subtree: true});
        """
    )
    page.reload()
    page.wait_for_function("() => performance.getEntriesByName('first-paint').length > 0")
    first_paint = page.evaluate("performance.getEntriesByName('first-paint')[0].startTime")
    themed_at = page.evaluate("window.themedAt")
    assert themed_at is not None and themed_at < first_paint, f"dark at {themed_at} ms, painted at {first_paint} ms"
    assert background(page) == DARK


def test_copy_buttons_put_the_example_and_fix_commands_on_the_clipboard(open_page):
    page = open_page("/503", permissions=["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy example").click()
    assert page.evaluate("navigator.clipboard.readText()") == (
        "GET /status HTTP/1.1\nHost: api.example\n\nHTTP/1.1 503 Service Unavailable\nRetry-After: 30"
    )
    assert page.get_by_role("status").filter(has_text="Copied to the clipboard").count() == 1, "said aloud too"
    page.get_by_role("button", name="Copy code").first.click()
    assert page.evaluate("navigator.clipboard.readText()") == "sudo systemctl restart nginx"


def test_instant_search_suggests_codes_as_you_type_and_arrow_keys_open_one(open_page):
    from playwright.sync_api import expect

    page = open_page("/")
    box = page.get_by_role("combobox", name="Search status codes")
    box.press_sequentially("gone", delay=30)
    options = page.get_by_role("listbox", name="Matching status codes").get_by_role("option")
    expect(options.first).to_contain_text("410 Gone")
    assert box.get_attribute("aria-expanded") == "true"
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    assert options.first.get_attribute("aria-selected") == "true"
    box.press("Enter")
    page.wait_for_url("**/410")
    assert page.errors == []


def test_escape_closes_the_suggestions_and_enter_lists_every_result(open_page):
    from playwright.sync_api import expect

    page = open_page("/5xx")
    box = page.get_by_role("combobox", name="Search status codes")
    box.press_sequentially("server", delay=30)
    listbox = page.get_by_role("listbox", name="Matching status codes")
    expect(listbox).to_be_visible()
    box.press("Escape")
    expect(listbox).to_be_hidden()
    assert box.get_attribute("aria-expanded") == "false"
    box.press("Enter")
    page.wait_for_url("**/search?q=server")
    results = page.locator("main .search-results li")
    expect(results.first).to_be_visible()
    assert "521" in page.locator("main .search-results").inner_text()
    assert page.errors == []


def test_slash_jumps_to_the_search_box_except_while_typing_in_a_field(open_page):
    page = open_page("/521")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "site-search"
    assert page.evaluate("document.activeElement.value") == "", "the slash itself is not typed"
    page.get_by_label("Second code").focus()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.name") == "b"
    page.goto("/search?q=gone")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search-page-q", "the search page's own box"


def test_the_compare_control_works_from_the_keyboard(open_page):
    page = open_page("/521")
    page.get_by_role("textbox", name="First code").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "b", "Tab moves from the first code to the second"
    page.keyboard.type("404")
    page.keyboard.press("Enter")
    page.wait_for_url("**/compare/404-vs-521")
    assert page.get_by_role("heading", level=1).inner_text() == "HTTP 404 Not Found vs 521 Web Server Is Down"
    assert page.errors == []


def test_the_compare_control_explains_a_code_that_does_not_exist(open_page):
    page = open_page("/521")
    page.get_by_label("Second code").fill("999")
    page.get_by_role("button", name="Compare").press("Enter")
    assert "999" in page.get_by_role("alert").inner_text()


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(open_page):
    page = open_page("/521")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("link => link === document.activeElement")
    assert skip.is_visible() and skip.bounding_box()["y"] >= 0
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_every_page_has_one_banner_main_and_footer_and_named_navigation(open_page):
    page = open_page("/")
    for path in ["/", "/521", "/5xx", "/compare/404-vs-521", "/search?q=server"]:
        page.goto(path)
        for role in ("banner", "main", "contentinfo"):
            assert page.get_by_role(role).count() == 1, f"{path}: {role}"
        assert page.get_by_role("navigation", name="Classes").count() == 1
        assert page.get_by_role("search", name="Site search").count() == 1


def test_keyboard_focus_is_visible(open_page):
    page = open_page("/")
    for _ in range(3):
        page.keyboard.press("Tab")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline == "solid", page.evaluate("document.activeElement.outerHTML")


def test_a_visitor_can_walk_from_home_to_a_code_and_back_by_the_breadcrumbs(open_page):
    page = open_page("/")
    page.get_by_role("link", name="5xx Server Error").first.click()
    assert page.url.endswith("/5xx")
    page.get_by_role("link", name="521 Web Server Is Down").click()
    assert page.url.endswith("/521")
    assert page.get_by_role("heading", level=1).inner_text().startswith("521 Web Server Is Down")
    breadcrumbs = page.get_by_role("navigation", name="Breadcrumb")
    breadcrumbs.get_by_role("link", name="5xx Server Error").click()
    assert page.url.endswith("/5xx")
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Status codes").click()
    assert page.url == page.url.split("/5xx")[0].rstrip("/") + "/"


@pytest.mark.parametrize(
    "path", ["/", "/521", "/503", "/5xx", "/999", "/compare/404-vs-521", "/search?q=server", "/api/"]
)
def test_pages_fit_a_320_pixel_wide_screen_without_sideways_scrolling(open_page, path):
    page = open_page(path, viewport={"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_the_favicon_and_the_structured_data_reach_the_browser(open_page):
    page = open_page("/521")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(icon).status == 200
    data = page.locator("script[type='application/ld+json']").inner_text()
    assert '"headline":"521 Web Server Is Down (Cloudflare)"' in data
    assert page.errors == []


def test_the_print_stylesheet_hides_the_controls(open_page):
    page = open_page("/503")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.get_by_role("button", name="Copy example").is_visible()
    assert background(page) == LIGHT


def test_printing_from_the_dark_theme_prints_black_on_white(open_page):
    page = open_page("/503", color_scheme="dark")
    page.emulate_media(media="print")
    assert background(page) == LIGHT
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"


def test_an_editor_saving_over_a_colleagues_change_sees_the_conflict_and_keeps_their_text(open_page, site):
    """Two editors in two browsers: the second save is refused with what changed, nothing is lost."""
    from django.contrib.auth.models import User

    from statuscodes.models import StatusCode

    for name in ("alice", "bob"):
        User.objects.create_superuser(name, f"{name}@example.com", "a-long-password-1")
    code = StatusCode.objects.get(number=404)
    change = f"/admin/statuscodes/statuscode/{code.pk}/change/"
    alice, bob = open_page(f"/admin/login/?next={change}"), open_page(f"/admin/login/?next={change}")
    for page, name in ((alice, "alice"), (bob, "bob")):
        page.fill("#id_username", name)
        page.fill("#id_password", "a-long-password-1")
        page.click("input[type=submit]")
        page.wait_for_url(f"**{change}")
    alice.fill("#id_summary", "Alice rewrote the summary.")
    alice.click("input[name=_save]")
    alice.wait_for_url("**/admin/statuscodes/statuscode/")
    bob.fill("#id_description", "Bob's careful new description, which must not be lost.")
    bob.click("input[name=_save]")
    conflict = bob.locator(".errornote, .errorlist.nonfield").filter(has_text="Someone else saved")
    conflict.first.wait_for()
    assert "alice at" in bob.locator(".errorlist.nonfield").inner_text()
    assert "+summary: Alice rewrote the summary." in bob.locator(".edit-conflict-diff").inner_text()
    assert bob.input_value("#id_description") == "Bob's careful new description, which must not be lost."
    code.refresh_from_db()
    assert code.summary == "Alice rewrote the summary." and "Bob" not in code.description
    assert alice.errors == [] and bob.errors == []


# ---------------------------------------------------------------------------------------------
# Phones: the header, comparisons and code blocks at 320 and 390 pixels; the on-this-page list.

PHONES = [{"width": 320, "height": 640}, {"width": 390, "height": 844}]
PHONE_IDS = ["320px", "390px"]


def rows_of(page, selectors: list[str]) -> list[list[str]]:
    """The elements grouped into the rows they sit on (by vertical overlap), top to bottom, left to right."""
    boxes = sorted(((page.locator(s).bounding_box(), s) for s in selectors), key=lambda item: item[0]["y"])
    rows = []
    for box, selector in boxes:
        if rows and box["y"] < rows[-1][0]["y"] + rows[-1][0]["height"]:
            rows[-1][1].append((box["x"], selector))
        else:
            rows.append((box, [(box["x"], selector)]))
    return [[selector for _, selector in sorted(row)] for _, row in rows]


@pytest.mark.parametrize("viewport", PHONES, ids=PHONE_IDS)
def test_the_header_takes_two_rows_on_a_phone(open_page, viewport):
    page = open_page("/521", viewport=viewport)
    header = [".brand", ".class-nav", ".search-form", "#theme-toggle"]
    assert rows_of(page, header) == [[".brand", ".class-nav"], [".search-form", "#theme-toggle"]]
    assert page.locator(".site-header").bounding_box()["height"] <= 120
    for selector in header:
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], selector
    assert page.get_by_role("link", name="statuscodes").is_visible(), "the logo at least, named"


def test_the_header_is_one_row_on_a_wide_screen(open_page):
    page = open_page("/521")
    assert len(rows_of(page, [".brand", ".class-nav", ".search-form", "#theme-toggle"])) == 1


@pytest.mark.parametrize("viewport", PHONES, ids=PHONE_IDS)
@pytest.mark.parametrize("path", ["/compare/404-vs-521", "/compare/404-vs-410-vs-503-vs-521"])
def test_a_comparison_shows_every_code_on_a_phone_without_sideways_scrolling(open_page, viewport, path):
    page = open_page(path, viewport=viewport)
    width = viewport["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    scroller = page.locator(".table-scroll")
    assert scroller.evaluate("box => box.scrollWidth <= box.clientWidth"), "the table does not scroll either"
    too_wide = page.evaluate(
        """width => [...document.querySelectorAll('.comparison *')]
             .filter(element => !element.closest('thead'))  // read by screen readers, not shown
             .filter(element => { const box = element.getBoundingClientRect();
                                  return box.width > 0 && (box.left < 0 || box.right > width); })
             .map(element => element.outerHTML.slice(0, 80))""",
        width,
    )
    assert too_wide == []
    names = page.locator(".compare-table thead th").all_inner_texts()
    assert len(names) == len(path.split("-vs-"))
    rows = page.locator(".compare-table tbody tr:not(.same)")
    assert rows.count() > 3
    for row in rows.all():
        cells = row.locator("td")
        assert [cell.get_attribute("data-label") for cell in cells.all()] == names
        for cell in cells.all():
            box = cell.bounding_box()
            assert cell.is_visible() and 0 <= box["x"] and box["x"] + box["width"] <= width
            label = cell.evaluate("cell => getComputedStyle(cell, '::before').content")
            assert label == f'"{cell.get_attribute("data-label")}"', "each value under its code's name"


def test_a_comparison_is_a_table_with_a_column_per_code_on_a_wide_screen(open_page):
    page = open_page("/compare/404-vs-410-vs-503-vs-521")
    assert (
        page.locator(".compare-table thead th").evaluate_all("ths => ths.map(th => th.offsetWidth > 100)") == [True] * 4
    )
    assert page.locator(".compare-table td").first.evaluate("td => getComputedStyle(td).display") == "table-cell"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


@pytest.mark.parametrize("viewport", PHONES, ids=PHONE_IDS)
def test_code_blocks_on_a_phone_keep_the_copy_button_off_the_code_and_scroll_long_lines(open_page, viewport):
    page = open_page("/503", viewport=viewport)
    blocks = page.locator(".code-block")
    assert blocks.count() == 3, "two fixes and the example"
    for block in blocks.all():
        button, code = block.get_by_role("button").bounding_box(), block.locator("pre").bounding_box()
        assert button["y"] + button["height"] <= code["y"], "the button sits above the code, not on its first line"
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    long_line = page.locator(".fix pre").filter(has_text="--resolve")
    assert long_line.evaluate("pre => pre.scrollWidth > pre.clientWidth"), "the long line scrolls in its block"
    assert long_line.get_attribute("tabindex") == "0", "so it takes keyboard focus"
    assert long_line.get_attribute("role") == "group"
    assert long_line.get_attribute("aria-label") == "Code: Ask the origin directly"
    long_line.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")
    short = page.locator(".fix pre").filter(has_text="systemctl")
    assert short.get_attribute("tabindex") is None, "a block that does not scroll is no tab stop"


def test_a_code_block_that_no_longer_overflows_is_no_longer_a_tab_stop(open_page):
    page = open_page("/503", viewport={"width": 390, "height": 844})
    long_line = page.locator(".fix pre").filter(has_text="--resolve")
    assert long_line.get_attribute("tabindex") == "0"
    pre = long_line.element_handle()
    pre.evaluate("pre => { pre.style.whiteSpace = 'pre-wrap'; window.dispatchEvent(new Event('resize')); }")
    page.wait_for_function("pre => !pre.hasAttribute('tabindex')", arg=pre)
    assert pre.get_attribute("role") is None and pre.get_attribute("aria-label") is None, "a plain block again"


def test_a_comparison_lists_its_sections_on_this_page(open_page):
    page = open_page("/compare/404-vs-410", viewport={"width": 390, "height": 844})
    toc = page.get_by_role("navigation", name="On this page")
    links = toc.get_by_role("link")
    headings = page.locator(".page-body h2")
    assert links.all_inner_texts() == headings.all_inner_texts()
    assert links.all_inner_texts()[:3] == ["Key difference", "When to use which", "Side by side"]
    assert [link.get_attribute("href") for link in links.all()] == [
        f"#{h2.get_attribute('id')}" for h2 in headings.all()
    ]
    box = toc.bounding_box()
    assert box["y"] + box["height"] <= 844, "on a phone the list is on the first screen"
    assert box["height"] <= 160, "compact: a few short rows"
    toc.get_by_role("link", name="Side by side").click()
    page.wait_for_url("**#side-by-side")
    assert page.locator("#side-by-side").evaluate("h => h.getBoundingClientRect().top") < 100


def test_on_a_wide_screen_the_on_this_page_list_stays_beside_the_text(open_page):
    page = open_page("/compare/404-vs-410-vs-503-vs-521", viewport={"width": 1280, "height": 800})
    toc, body = page.locator(".toc"), page.locator(".page-body")
    assert toc.bounding_box()["x"] >= body.bounding_box()["x"] + body.bounding_box()["width"]
    page.locator("#compare-more").scroll_into_view_if_needed()
    box = toc.bounding_box()
    assert 0 <= box["y"] < 800, "sticky: still in view near the end of the page"


def test_only_curated_comparisons_are_offered_to_search_engines(open_page):
    page = open_page("/compare/404-vs-410")
    assert page.locator("meta[name=robots]").count() == 0
    page.goto("/compare/404-vs-521")
    assert page.locator("meta[name=robots]").get_attribute("content") == "noindex, follow"


def test_on_a_phone_how_to_fix_it_is_one_tap_from_the_first_screen_of_a_code(open_page):
    page = open_page("/503", viewport={"width": 390, "height": 844})
    link = page.get_by_role("navigation", name="On this page").get_by_role("link", name="How to fix it")
    box = link.bounding_box()
    assert link.is_visible() and box["y"] + box["height"] <= 844
    link.click()
    page.wait_for_url("**#fix")
    assert page.get_by_role("heading", name="How to fix it").evaluate("h => h.getBoundingClientRect().top") < 100


def test_on_a_phone_how_to_fix_it_is_one_tap_from_the_first_screen_of_a_platform_error(open_page):
    page = open_page("/cloudflare/1020", viewport={"width": 390, "height": 844})
    link = page.get_by_role("navigation", name="On this page").get_by_role("link", name="How to fix it")
    box = link.bounding_box()
    assert link.is_visible() and box["y"] + box["height"] <= 844
    link.click()
    page.wait_for_url("**#fix")
    # The test error's page is short, so the heading can stop below the top: it must be on screen.
    top = page.get_by_role("heading", name="How to fix it").evaluate("h => h.getBoundingClientRect().top")
    assert 0 <= top < 844 - 40 and page.evaluate("window.scrollY") > 0


def test_on_a_phone_a_numbers_meanings_take_two_lines_each_at_most(open_page):
    page = open_page("/499", viewport={"width": 320, "height": 640})
    meanings = page.get_by_role("navigation", name="Meanings of 499").get_by_role("listitem")
    assert meanings.count() == 2
    for meaning in meanings.all():
        lines = meaning.evaluate(
            "li => { const style = getComputedStyle(li); "
            "return (li.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom))"
            " / parseFloat(style.lineHeight); }"
        )
        assert lines <= 2.05, meaning.inner_text()
    assert page.locator(".meanings [aria-current=page]").count() == 1
