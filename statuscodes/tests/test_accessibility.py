"""axe-core on every kind of page, with the real content, at desktop and phone widths, light and dark.

axe-core comes bundled in axe-playwright-python and runs in Debian's chromium against a gunicorn
with production settings (conftest's production_server), so what it sees is what visitors get:
the hashed stylesheet, the scripts, the real texts. Any violation fails with axe's own report.
Skipped, like test_browser.py (whose settings it shares), when /usr/bin/chromium is absent.
"""

import pytest

from statuscodes.tests.test_browser import CHROMIUM, CHROMIUM_ARGS, is_error

pytestmark = pytest.mark.browser

# One page of each kind; the comparison 502-vs-504 is curated (content/comparisons), 404-vs-521 is not.
PAGES = {
    "home": "/",
    "class": "/5xx",
    "code": "/521",
    "number with two meanings": "/499",
    "number with vendor meanings": "/451",
    "one meaning of a number": "/esri/499",
    "source": "/nginx",
    "platform error": "/cloudflare/1020",
    "curated comparison": "/compare/502-vs-504",
    "generated comparison": "/compare/404-vs-521",
    "search results": "/search?q=gateway",
    "API documentation": "/api/",
    "retrying": "/retries",
    "not found": "/999",
}
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
THEMES = ["light", "dark"]
# axe's default rules (WCAG 2.0-2.2 A and AA, and its best practices), plus WCAG 2.2's minimum target
# size (2.5.8), which axe leaves off by default.
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def open_page(browser, production_server):
    """open_page(path, viewport, theme) -> (page, response), the theme chosen as the toggle stores it."""
    contexts = []

    def open_page(path: str, viewport: dict, theme: str):
        context = browser.new_context(
            base_url=f"http://127.0.0.1:{production_server.port}", viewport=viewport, color_scheme=theme
        )
        context.set_default_timeout(10000)
        context.add_init_script(f"localStorage.setItem('theme', '{theme}')")  # the key theme.js reads
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("console", lambda message: is_error(page, message) and page.errors.append(message.text))
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        response = page.goto(path)
        page.wait_for_load_state("load")
        return page, response

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("kind", PAGES)
def test_axe_finds_no_violations(open_page, axe, kind, viewport, theme):
    path = PAGES[kind]
    page, response = open_page(path, VIEWPORTS[viewport], theme)
    assert response.status == (404 if kind == "not found" else 200), f"{path} answered {response.status}"
    assert page.evaluate("document.documentElement.dataset.theme") == theme
    results = axe.run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, f"{path} at {viewport} width, {theme}:\n{results.generate_report()}"
    assert page.errors == []
