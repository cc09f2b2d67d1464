"""Comparison pages on the real content say what is particular to their codes, and say it once.

Every curated comparison and every pair of the codes they name (the codes people confuse, from
100 and 103 to 504 and Cloudflare's 52x) is rendered as HTML, plain text and JSON, and read as a
visitor reads it: sentence by sentence, with each compared code's number and name replaced by a
placeholder, so that "404 is a 4xx" and "503 is a 5xx" written from one template count as one
sentence.
"""

import io
import itertools
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from statuscodes.caching import forget_process_state
from statuscodes.compare import resolve
from statuscodes.models import Comparison, StatusCode

pytestmark = pytest.mark.django_db  # so that the test database exists for the module's pages

# A sentence about one code (its summary, its retry note) is on the pages that compare that code:
# 39 of the 780 pairs of 40 codes, 5%. A sentence on more than twice that share is said alike of
# several codes, and the reader of a second page learns nothing from it. The generic sentences
# this catches were on 15% to 95% of the pages.
MAX_SHARE = 0.10
# Shorter pieces are labels and table values ("4xx Client Error", "Do not retry"), not prose.
MIN_WORDS = 6
# A passage this long met twice on one page was written twice, not echoed by chance.
MIN_REPEAT_WORDS = 8


# ---------------------------------------------------------------------------------------------
# Reading a page as a visitor does

BLOCKS = {"p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "article",
          "header", "ul", "ol", "tr", "table", "br", "pre", "blockquote", "dd", "dt", "caption"}  # fmt: skip
LABELS = {"h1", "h2", "h3", "h4", "h5", "h6", "th", "caption", "dt"}  # headings and table labels
CHROME = {"nav", "form", "script", "style", "template"}  # breadcrumbs and the compare form


@dataclass
class Block:
    text: str
    label: bool = False


class VisibleText(HTMLParser):
    """The blocks of text inside <main>, less the navigation and the compare form."""

    def __init__(self):
        super().__init__()
        self.blocks: list[Block] = []
        self.words: list[str] = []
        self.in_main = self.hidden = self.labels = 0

    def flush(self):
        text = " ".join("".join(self.words).split())
        if text:
            self.blocks.append(Block(text, label=self.labels > 0))
        self.words = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.flush()
        self.in_main += tag == "main"
        self.hidden += tag in CHROME
        self.labels += tag in LABELS

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self.flush()
        self.in_main -= tag == "main"
        self.hidden -= tag in CHROME
        self.labels -= tag in LABELS

    def handle_data(self, data):
        if self.in_main and not self.hidden:
            self.words.append(data)


def html_blocks(html: str) -> list[Block]:
    parser = VisibleText()
    parser.feed(html)
    parser.flush()
    return parser.blocks


COLUMN_GAP = re.compile(r"(?<=\S) {2,}(?=\S)")  # between the columns of a terminal table


def text_blocks(text: str) -> list[Block]:
    """Paragraphs, list items and table cells of a terminal page, wrapped lines joined again."""
    lines = [line for line in text.splitlines() if not line.startswith(("Full page:", "As JSON:"))]
    blocks: list[Block] = []
    previous, open_block = "", False  # whether the last block may go on in the next line
    for line in lines:
        stripped, indent = line.strip(), len(line) - len(line.lstrip())
        cells = COLUMN_GAP.split(stripped)
        if not stripped or set(stripped) == {"="}:
            open_block = False
        elif len(cells) > 1:  # "  Who sends it   404  The origin server": labels, then the value
            blocks += [Block(cell, label=True) for cell in cells[:-1]] + [Block(cells[-1])]
            open_block = False  # what is indented below a code's line is its summary, not more of its name
        elif open_block and (
            indent >= 4 or (indent == 0 and not previous.startswith(" ") and not is_heading(previous))
        ):
            blocks[-1] = Block(f"{blocks[-1].text} {stripped}", blocks[-1].label)  # a wrapped line
        else:
            blocks.append(Block(stripped, label=not blocks or (indent == 0 and is_heading(stripped))))
            open_block = True
        previous = line
    return blocks


def is_heading(line: str) -> bool:
    """A short line without a full stop: 'What differs'. Wrapped prose fills its lines to 78."""
    return 0 < len(line.strip()) < 40 and not line.rstrip().endswith((".", ":", ";", ","))


def json_blocks(data: dict) -> list[Block]:
    """What the JSON says in prose; `codes` and `curated` are the records the page is built from."""
    blocks = [Block(data["summary"])]
    blocks += [Block(value) for row in data["rows"] for value in row["values"]]
    blocks += [Block(sentence) for sentence in data["differences"]]
    blocks += [Block(item, label=True) for item in data["shared"]]  # "retry (do not retry)": a field and its value
    blocks.append(Block(data["guidance"]["heading"], label=True))
    blocks += [Block(paragraph) for paragraph in data["guidance"]["text"].split("\n\n")]
    return [Block(" ".join(block.text.split()), block.label) for block in blocks if block.text.strip()]


SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"“'‘])")


def sentences(blocks: list[Block], labels: bool = False) -> list[str]:
    return [s for block in blocks if labels or not block.label for s in SENTENCE_END.split(block.text) if s]


# ---------------------------------------------------------------------------------------------
# The pages


@dataclass
class Page:
    slug: str
    codes: list[tuple[int, str]]  # number and name of each compared meaning
    blocks: dict[str, list[Block]] = field(default_factory=dict)  # by format: html, text, json

    def normalise(self, sentence: str) -> str:
        for _, name in sorted(self.codes, key=lambda code: -len(code[1])):
            sentence = re.sub(re.escape(name), "NAME", sentence, flags=re.IGNORECASE)
        for number, _ in self.codes:
            sentence = re.sub(rf"(?<!\d){number}(?!\d)", "#", sentence)
        return sentence


FORMATS = {"html": "text/html", "text": "text/plain", "json": "application/json"}


def comparisons_that_matter() -> list[str]:
    """Every curated comparison; every pair of the codes they name; every number's meanings."""
    curated = list(Comparison.objects.values_list("slug", flat=True))
    numbers = sorted({int(str(code).split("/")[0]) for codes in Comparison.objects.values_list("codes", flat=True)
                      for code in codes})  # fmt: skip
    pairs = {f"{a}-vs-{b}" for a, b in itertools.combinations(numbers, 2)}
    for number, meanings in Counter(StatusCode.objects.values_list("number", flat=True)).items():
        if meanings > 1:  # the primary meaning beside each other one: 499-vs-499-esri
            others = StatusCode.objects.filter(number=number).order_by("source__rank", "source__slug")[1:]
            pairs |= {f"{number}-vs-{number}-{other.source.slug}" for other in others.select_related("source")}
    return sorted(set(curated) | pairs)


@pytest.fixture(scope="module")
def pages(django_db_setup, django_db_blocker) -> list[Page]:
    """The real content/, loaded once and rendered in every format, then rolled back."""
    client, rendered = Client(), []
    read = {"html": html_blocks, "text": text_blocks, "json": lambda body: json_blocks(json.loads(body))}
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            call_command("load_content", stdout=io.StringIO(), stderr=io.StringIO())
            for slug in comparisons_that_matter():
                page = Page(slug, [(m.number, m.name) for m in resolve(slug)])
                for kind, accept in FORMATS.items():
                    response = client.get(f"/compare/{slug}", HTTP_ACCEPT=accept)
                    assert response.status_code == 200, (slug, kind, response.status_code)
                    page.blocks[kind] = read[kind](response.content.decode())
                rendered.append(page)
            transaction.set_rollback(True)  # the other modules' tests start from an empty database
    finally:
        cache.clear()  # pages cached under a revision number the next test may reuse
        forget_process_state()
    return rendered


# ---------------------------------------------------------------------------------------------
# What is checked


def boilerplate(pages: list[Page], kind: str) -> list[str]:
    """Sentences found on more than MAX_SHARE of the pages, most widespread first."""
    found, example = Counter(), {}
    for page in pages:
        normalised = {page.normalise(s) for s in sentences(page.blocks[kind])}
        for sentence in normalised:
            if len(sentence.split()) >= MIN_WORDS:
                found[sentence] += 1
                example.setdefault(sentence, page.slug)
    limit = MAX_SHARE * len(pages)
    return [f"{count / len(pages):4.0%} of {len(pages)} pages, e.g. {example[s]}: {s}"
            for s, count in found.most_common() if count > limit]  # fmt: skip


def repeated_passages(pages: list[Page], kind: str) -> list[str]:
    """Sentences of MIN_REPEAT_WORDS or more met twice on one page, inside any longer text too."""
    repeats = []
    for page in pages:
        text = "\n".join(block.text for block in page.blocks[kind])
        for sentence in dict.fromkeys(sentences(page.blocks[kind], labels=True)):
            if len(sentence.split()) >= MIN_REPEAT_WORDS and text.count(sentence) > 1:
                repeats.append(f"{page.slug}: {text.count(sentence)}x {sentence}")
    return repeats


def report(problems: list[str], limit: int = 40) -> str:
    more = f"\n... and {len(problems) - limit} more" if len(problems) > limit else ""
    return f"{len(problems)} found:\n" + "\n".join(problems[:limit]) + more


def test_the_sample_covers_the_curated_comparisons_and_hundreds_of_generated_pairs(pages):
    slugs = {page.slug for page in pages}
    assert {"100-vs-521", "404-vs-410", "500-vs-502-vs-503-vs-504", "499-vs-499-esri"} <= slugs
    assert len(pages) > 500


@pytest.mark.parametrize("kind", FORMATS)
def test_no_sentence_is_said_on_more_than_a_small_share_of_pages(pages, kind):
    problems = boilerplate(pages, kind)
    assert not problems, report(problems)


@pytest.mark.parametrize("kind", FORMATS)
def test_no_page_says_the_same_passage_twice(pages, kind):
    problems = repeated_passages(pages, kind)
    assert not problems, report(problems)


# The reading itself, on tiny pieces, so a pass above means what it says.


def test_the_visible_text_leaves_out_the_site_chrome_and_marks_labels():
    html = (
        "<header class='site-header'><nav>Classes 1xx</nav></header><main><nav>Status codes</nav>"
        "<h1>HTTP 404 Not Found vs 410 Gone</h1><table><tr><th>Retry</th><td>Do <code>not</code> retry</td>"
        "</tr></table><form><p>Two codes such as 502 and 504.</p></form></main><footer>Facts checked.</footer>"
    )
    blocks = html_blocks(html)
    assert [(b.text, b.label) for b in blocks] == [
        ("HTTP 404 Not Found vs 410 Gone", True),
        ("Retry", True),
        ("Do not retry", False),
    ]


def test_wrapped_terminal_lines_are_joined_into_their_paragraphs():
    text = (
        "Title\n=====\n\nA paragraph long enough to be wrapped, as textwrap fills\nevery line.\n\nKey difference\n"
        "What the notes say.\n\n  404  Not Found\n       The server has nothing\n       to serve.\n\n"
        "Side by side\n  Cacheable by default  304  Not itself\n                        404  Yes\n\n"
        "What differs\n  - An item\n    wrapped.\n  - Another.\n"
    )
    assert [(b.text, b.label) for b in text_blocks(text)] == [
        ("Title", True),
        ("A paragraph long enough to be wrapped, as textwrap fills every line.", False),
        ("Key difference", True),
        ("What the notes say.", False),
        ("404", True),
        ("Not Found", False),
        ("The server has nothing to serve.", False),
        ("Side by side", True),
        ("Cacheable by default", True),
        ("304", True),
        ("Not itself", False),
        ("404", True),
        ("Yes", False),
        ("What differs", True),
        ("- An item wrapped.", False),
        ("- Another.", False),
    ]


def test_the_codes_compared_are_replaced_by_placeholders():
    page = Page("404-vs-410", [(404, "Not Found"), (410, "Gone")])
    assert page.normalise("404 Not Found is a 4xx, while 410 is gone; 4040 is not 404.") == (
        "# NAME is a 4xx, while # is NAME; 4040 is not #."
    )


def test_a_passage_inside_a_longer_sentence_counts_as_a_repeat():
    page = Page("100-vs-521", [(100, "Continue"), (521, "Web Server Is Down")])
    when = "A browser shows Cloudflare's error page with a Ray ID and a timestamp."
    page.blocks["html"] = [Block(when), Block(f"You typically meet 521 like this: {when}")]
    assert repeated_passages([page], "html") == [f"100-vs-521: 2x {when}"]
