"""The stylesheet's colours: WCAG 2.2 AA contrast in both themes, computed from site.css itself."""

import re

import pytest
from django.conf import settings

STYLESHEET = settings.BASE_DIR / "static" / "css" / "site.css"

# Colours used for text (normal size, so AA asks 4.5:1) and the surfaces they sit on.
TEXT = ["--fg", "--muted", "--link", "--c1", "--c2", "--c3", "--c4", "--c5", "--vendor", "--warn"]
SURFACES = ["--bg", "--panel"]
# Focus rings and control borders are non-text contrast (WCAG 1.4.11): 3:1.
NON_TEXT = ["--focus", "--muted"]


def custom_properties(selector: str) -> dict[str, str]:
    """The `--name: #hex` declarations of the first rule whose selector is exactly `selector`."""
    css = STYLESHEET.read_text()
    match = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css)
    assert match, f"no rule for {selector} in site.css"
    return dict(re.findall(r"(--[\w-]+)\s*:\s*(#[0-9a-fA-F]{6})\b", match.group(1)))


def relative_luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    lighter, darker = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


THEMES = {
    "light": ":root",
    "dark (chosen)": ':root[data-theme="dark"]',
    "dark (system)": ':root:not([data-theme="light"])',
}


def test_the_contrast_formula_matches_the_wcag_reference_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1)


@pytest.mark.parametrize("theme", THEMES)
def test_every_text_colour_reaches_4_5_to_1_on_every_surface(theme):
    colours = custom_properties(THEMES[theme])
    failures = [
        f"{text} {colours[text]} on {surface} {colours[surface]}: {contrast(colours[text], colours[surface]):.2f}"
        for text in TEXT
        for surface in SURFACES
        if contrast(colours[text], colours[surface]) < 4.5
    ]
    assert not failures, f"{theme} theme below WCAG AA: {failures}"


@pytest.mark.parametrize("theme", THEMES)
def test_focus_rings_and_control_borders_reach_3_to_1(theme):
    colours = custom_properties(THEMES[theme])
    for colour in NON_TEXT:
        for surface in SURFACES:
            assert contrast(colours[colour], colours[surface]) >= 3, f"{theme}: {colour} on {surface}"


def test_the_chosen_dark_theme_and_the_system_dark_theme_are_the_same_colours():
    chosen, system = custom_properties(THEMES["dark (chosen)"]), custom_properties(THEMES["dark (system)"])
    assert chosen == system
    assert set(chosen) == set(custom_properties(":root")), "each theme sets every colour"
