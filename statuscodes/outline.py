"""What a meaning's page holds, in order, with the anchor of every heading.

The template renders the sections and the "On this page" list from the same outline, so an
anchor in the list always exists on the page. Anchors come from fixed words and titles, so a
link to `/521#fix-owner` or `/521#cause-the-origin-is-down` keeps working from one render to
the next.
"""

from dataclasses import dataclass, field

from django.utils.text import slugify

from statuscodes.models import Fix

# Fixes are grouped by who applies them, each group under its audience's name.
AUDIENCE_HEADINGS = dict(Fix.AUDIENCE_CHOICES)


@dataclass
class Heading:
    anchor: str
    title: str
    children: list["Heading"] = field(default_factory=list)


@dataclass
class FixGroup:
    heading: Heading
    audience: str
    fixes: list = field(default_factory=list)  # (anchor, Fix)


class Anchors:
    """Unique anchors on one page: a repeated title gets -2, -3, ..."""

    def __init__(self):
        self.used: set[str] = set()

    def __call__(self, prefix: str, title: str = "") -> str:
        base = "-".join(part for part in (prefix, slugify(title)[:60].strip("-")) if part)
        anchor, n = base, 2
        while anchor in self.used:
            anchor, n = f"{base}-{n}", n + 1
        self.used.add(anchor)
        return anchor


@dataclass
class Outline:
    headings: list[Heading]
    causes: list  # (anchor, Cause)
    fix_groups: list[FixGroup]


def meaning_outline(
    meaning, causes: list, fixes: list, comparisons: bool | None, related: bool, platform_errors: bool = False
) -> Outline:
    """`comparisons`: whether curated comparisons name the number (the section is there either
    way, with the compare form; None for a page without it); `related`: whether the page lists
    related codes; `platform_errors`: whether it lists platform errors that arrive with the code."""
    anchor = Anchors()
    headings = [Heading(anchor("meaning"), "What it means"), Heading(anchor("when"), "When you see it")]
    if getattr(meaning, "compared_html", ""):
        headings.append(Heading(anchor("compared"), "Compared with"))
    if getattr(meaning, "usage_html", ""):
        headings.append(Heading(anchor("usage"), "How to use it"))
    if getattr(meaning, "mistakes_html", ""):
        headings.append(Heading(anchor("mistakes"), "Common mistakes"))
    cause_anchors = [(anchor("cause", cause.title), cause) for cause in causes]
    if causes:
        headings.append(Heading(anchor("causes"), "Causes"))
    groups: dict[str, FixGroup] = {}
    fix_heading = Heading(anchor("fix"), "How to fix it")
    for fix in fixes:  # groups in the order their first fix was written: the editor's priority
        if fix.audience not in groups:
            group_heading = Heading(anchor("fix", fix.audience or "everyone"), AUDIENCE_HEADINGS[fix.audience])
            groups[fix.audience] = FixGroup(group_heading, fix.audience)
    for fix in fixes:  # after the groups, so that a fix titled "Owner" cannot take #fix-owner
        groups[fix.audience].fixes.append((anchor("fix", fix.title), fix))
    if fixes:
        fix_heading.children = [group.heading for group in groups.values()]
        headings.append(fix_heading)
    headings.append(Heading(anchor("programs"), "For programs"))  # every page has the retry rule box
    if getattr(meaning, "example", ""):
        headings.append(Heading(anchor("example"), "Example"))
    if platform_errors:
        headings.append(Heading(anchor("platform-errors"), "Platform errors"))
    if comparisons is not None:
        headings.append(Heading(anchor("compare"), "Often confused with" if comparisons else "Compare"))
    if related:
        headings.append(Heading(anchor("related"), "Related codes"))
    return Outline(headings, cause_anchors, list(groups.values()))
