"""Markdown files <-> models: parse, validate, sync and export the content/ folder."""

import copy
import datetime
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import reversion
import yaml
from django.db import IntegrityError, connection, transaction

from statuscodes import cache_rules, retry_policy
from statuscodes.addresses import SOURCE_SLUG, source_slug_problem
from statuscodes.models import (
    Cause,
    Comparison,
    ErrorCause,
    ErrorFix,
    Fix,
    PlatformError,
    Source,
    StatusClass,
    StatusCode,
    comparison_slug,
)

# ---------------------------------------------------------------------------------------------
# Errors


class ContentError(Exception):
    """One problem in one file, located as precisely as the parser can."""

    def __init__(self, path: Path | str, message: str, line: int | None = None, field: str = ""):
        self.path, self.message, self.line, self.field = str(path), message, line, field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field + ': ' if self.field else ''}{self.message}"


class ContentErrors(Exception):
    """Every problem found in a tree; nothing is written while there is one."""

    def __init__(self, errors: list[ContentError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


# ---------------------------------------------------------------------------------------------
# Reading one file: front matter and ## sections


@dataclass
class Section:
    heading: str
    line: int
    text: str


@dataclass
class Document:
    path: Path
    meta: dict
    meta_lines: dict[str, int]
    body: str
    body_line: int

    def error(self, message: str, field: str = "", line: int | None = None) -> ContentError:
        return ContentError(self.path, message, line or self.meta_lines.get(field), field)


FENCE = re.compile(r"^(```|~~~)")
BOM = "\ufeff"
# The composer recurses once per level of nesting; front matter needs two (spec:), and a file
# nested thousands deep would otherwise end in a RecursionError instead of a located message.
MAX_NESTING = 20
# The largest whole number the database stores; anything larger is kept as its text (see below).
MAX_INTEGER = 2**63 - 1


class FrontMatterLoader(yaml.SafeLoader):
    """SafeLoader that refuses what front matter never needs and keeps what it cannot build as text.

    Dates stay text so that date_field can name a date that does not exist (2025-02-30) at its
    field, where PyYAML would raise ValueError with no line; a number Python refuses to convert
    (over 4,300 digits) or the database cannot store stays text, which every field check rejects.
    """

    nesting = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            # An alias can stand for a structure far larger than the file ("billion laughs").
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed", event.start_mark)
        if self.nesting >= MAX_NESTING:
            message = f"values nest more than {MAX_NESTING} levels deep"
            raise yaml.composer.ComposerError(None, None, message, event.start_mark)
        self.nesting += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.nesting -= 1

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except Exception:  # an explicit tag on a value that does not fit it, e.g. !!bool maybe
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise yaml.constructor.ConstructorError(
                None, None, f"{brief(node.value)} cannot be read as {tag}", node.start_mark
            ) from None

    def construct_number(self, node):
        try:
            number = self.construct_yaml_int(node)
        except ValueError:  # more than 4,300 digits, or !!int on text
            return node.value
        return number if abs(number) <= MAX_INTEGER else node.value

    def construct_date_as_text(self, node):
        return self.construct_scalar(node)


FrontMatterLoader.add_constructor("tag:yaml.org,2002:int", FrontMatterLoader.construct_number)
FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", FrontMatterLoader.construct_date_as_text)


def brief(value, limit: int = 40) -> str:
    """A value as a message quotes it: a 5,000-digit code should not fill the terminal."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_text(shown: Path, path: Path) -> str:
    """A file's text with universal newlines, or a ContentError saying why it cannot be read."""
    if path.is_dir():
        raise ContentError(shown, "is a folder, not a markdown file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ContentError(shown, f"cannot be read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        message = f"is not UTF-8 text (byte {raw[exc.start]:#04x}); save it as UTF-8"
        raise ContentError(shown, message, line) from None
    return universal_newlines(text)


def universal_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def normalise_markdown(text: str) -> str:
    """Markdown as the files hold it: LF line ends, no trailing whitespace, no blank lines at either end.

    The loader applies it to every markdown field it reads and the admin to every one it saves, so
    that a browser's CRLF or an editor's trailing space never makes a record differ from its file.
    """
    return "\n".join(line.rstrip() for line in universal_newlines(text).split("\n")).strip("\n")


def read_document(path: Path, text: str) -> Document:
    """Split a file into its YAML front matter (with each key's line) and its markdown body."""
    text = text.removeprefix(BOM)  # editors on Windows add one; the canonical form has none
    if not text.strip():
        raise ContentError(path, "the file is empty", 1)
    if "\0" in text:  # no database text column stores it, and no editor shows it
        raise ContentError(path, "the file contains a NUL character", text.count("\n", 0, text.index("\0")) + 1)
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise ContentError(path, "the file must start with a '---' line opening the front matter", 1)
    try:
        end = next(i for i, line in enumerate(lines[1:], 1) if line.rstrip() == "---")
    except StopIteration:
        raise ContentError(path, "the front matter is never closed by a '---' line", 1) from None
    meta, meta_lines = read_front_matter(path, lines[1:end])
    return Document(path, meta, meta_lines, "\n".join(lines[end + 1 :]), end + 2)


def read_front_matter(path: Path, lines: list[str]) -> tuple[dict, dict[str, int]]:
    """The front matter's fields and the file line of each; its first line is the file's line 2."""
    try:
        loader = FrontMatterLoader("\n".join(lines))
        node = loader.get_single_node()
        if not isinstance(node, yaml.MappingNode):
            raise ContentError(path, "the front matter must be a mapping of field: value", 2)
        meta_lines = field_lines(path, node)
        return loader.construct_document(node), meta_lines
    except yaml.YAMLError as exc:
        raise yaml_error(path, lines, exc) from None


def field_lines(path: Path, node: yaml.MappingNode) -> dict[str, int]:
    """Each field's line, refusing names that are not plain text and names given twice."""
    meta_lines: dict[str, int] = {}
    for key_node, _ in node.value:
        line = key_node.start_mark.line + 2
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
            name = key_node.value[:40] if isinstance(key_node, yaml.ScalarNode) else ""
            raise ContentError(path, "a field name must be a word such as summary", line, name)
        if key_node.value in meta_lines:
            raise ContentError(path, "the field appears twice", line, key_node.value)
        meta_lines[key_node.value] = line
    return meta_lines


TOP_LEVEL_FIELD = re.compile(r"([A-Za-z_][\w-]*)\s*:")


def yaml_error(path: Path, lines: list[str], exc: yaml.YAMLError) -> ContentError:
    """Locate a YAML error where the reader must look, and name the field it is in when there is one."""
    if isinstance(exc, yaml.reader.ReaderError):  # a control character YAML refuses
        index = "\n".join(lines).count("\n", 0, exc.position)
        message = f"invalid YAML: the control character U+{exc.character:04X} is not allowed"
        return ContentError(path, message, index + 2, field_at(lines, index))
    if not isinstance(exc, yaml.MarkedYAMLError):
        return ContentError(path, f"invalid YAML: {exc}", 2)
    # An unclosed quote or bracket is found where the parser gives up, often the end of the front
    # matter; the context mark is where it was opened, which is where the mistake is.
    opened = isinstance(exc, yaml.scanner.ScannerError) or (exc.context or "").startswith("while parsing a flow")
    if opened and exc.context_mark:
        mark, message = exc.context_mark, f"invalid YAML: {exc.problem} ({exc.context})"
    else:
        mark, message = exc.problem_mark or exc.context_mark, f"invalid YAML: {exc.problem or exc}"
    if "end of stream" in (exc.problem or "") and "quoted scalar" in (exc.context or ""):
        message = "invalid YAML: this quote is never closed"
    index = mark.line if mark else 0
    return ContentError(path, message, index + 2, field_at(lines, index))


def field_at(lines: list[str], index: int) -> str:
    """The top-level field whose value holds line index of the front matter, or '' if none does."""
    for line in reversed(lines[: index + 1]):
        if line.strip() and not line[0].isspace():
            match = TOP_LEVEL_FIELD.match(line)
            return match.group(1) if match else ""
    return ""


def split_headings(text: str, first_line: int, marker: str, path: Path) -> list[Section]:
    """Cut markdown at headings of one level ('## ' or '### '), ignoring fenced code blocks."""
    sections: list[Section] = []
    current: list[str] = []
    in_fence = False
    for offset, line in enumerate(text.split("\n")):
        if FENCE.match(line):
            in_fence = not in_fence
        if not in_fence and line.startswith(marker):
            if sections:
                sections[-1].text = "\n".join(current)
            elif "\n".join(current).strip():
                raise ContentError(path, f"text before the first '{marker.strip()}' heading", first_line)
            sections.append(Section(line[len(marker) :].strip(), first_line + offset, ""))
            current = []
        else:
            current.append(line)
    if sections:
        sections[-1].text = "\n".join(current)
    elif "\n".join(current).strip():
        raise ContentError(path, f"expected '{marker.strip()}' headings", first_line)
    return sections


# ---------------------------------------------------------------------------------------------
# Field checks: each takes the raw YAML value and returns the clean value or raises ValueError


# What a single-line field may not hold: Python's line breaks, YAML's (NEL, LS, PS) among them.
LINE_BREAK = re.compile("[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")


def text_field(value, max_length: int = 300) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be non-empty text")
    if LINE_BREAK.search(value.strip()):
        raise ValueError("must be a single line")
    if len(value.strip()) > max_length:
        raise ValueError(f"must be at most {max_length} characters (it has {len(value.strip())})")
    return value.strip()


def short_text(max_length: int):
    return lambda value: text_field(value, max_length)


def bool_field(value) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def is_whole_number(value, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def number_hint(value) -> str:
    """Why a value that looks like a number in the file is not one to YAML."""
    if isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]{1,18}\s*", value):
        return " (write it without quotes)"
    if isinstance(value, float):
        return " (write it without a decimal point)"
    return ""


# The database's bound for a PositiveIntegerField such as a source's rank.
MAX_RANK = 2**31 - 1


def int_field(value) -> int:
    if not is_whole_number(value, 0, MAX_RANK):
        raise ValueError(f"must be a whole number from 0 to {MAX_RANK}{number_hint(value)}")
    return value


def code_number(value) -> int:
    if not is_whole_number(value, 100, 599):
        raise ValueError(f"must be a status code from 100 to 599{number_hint(value)}")
    return value


def slug_field(value) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", value) or len(value) > 40:
        raise ValueError("must be a lowercase slug of at most 40 characters, such as 'cloudflare' or 'aws-elb'")
    return value


def source_slug_field(value) -> str:
    """A source's slug is also its address (/nginx), so it may not take one of the site's own."""
    problem = source_slug_problem(value) if isinstance(value, str) else source_slug_problem("")
    if problem:
        raise ValueError(problem)
    return value


def url_field(value) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"https?://\S+", value) or len(value) > 300:
        raise ValueError("must be an http(s) URL of at most 300 characters")
    return value


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def date_field(value) -> datetime.date:
    # The loader keeps dates as text (FrontMatterLoader), so one that does not exist is named here.
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value} is not a real date (YYYY-MM-DD)") from None


def text_list(value) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError("must be a list of names, e.g. [Retry-After, Location], or []")
    if any(LINE_BREAK.search(v.strip()) for v in value):
        raise ValueError("must be a list of names, each on a single line")
    return [v.strip() for v in value]


RELATED_REF = re.compile(r"[1-5]\d\d(/[a-z0-9]+(-[a-z0-9]+)*)?")


def related_list(value) -> list:
    if not isinstance(value, list):
        raise ValueError("must be a list of codes, e.g. [502, 499/nginx]")
    for ref in value:
        if not (is_whole_number(ref, 100, 599) or isinstance(ref, str) and RELATED_REF.fullmatch(ref)):
            raise ValueError(f"{brief(ref)} is not a code such as 504 or 499/nginx")
    return [int(ref) if isinstance(ref, int) else ref for ref in value]


def choice(options):
    def check(value):
        if value not in options:
            raise ValueError(f"must be one of: {', '.join(options)}")
        return value

    return check


def spec_field(value) -> dict:
    if not isinstance(value, dict) or set(value) != {"document", "section", "url"}:
        raise ValueError("must have exactly document, section and url")
    return {
        "document": text_field(value["document"], 200),
        "section": text_field(value["section"], 40) if value["section"] else "",
        "url": url_field(value["url"]),
    }


# Fields a file may leave out, with the value that stands for "left out"; the file writes them only when set.
OPTIONAL_FIELDS = {"retry_policy": dict}


def check_fields(doc: Document, schema: dict, errors: list[ContentError]) -> dict:
    """Apply a {field: check} schema to the front matter, collecting every problem."""
    clean = {}
    for name in doc.meta:
        if name not in schema:
            errors.append(doc.error(f"unknown field (expected: {', '.join(schema)})", str(name)))
    for name, check in schema.items():
        if name not in doc.meta and name in OPTIONAL_FIELDS:
            clean[name] = OPTIONAL_FIELDS[name]()
            continue
        if name not in doc.meta:
            errors.append(doc.error("missing required field", name, line=2))
            continue
        try:
            clean[name] = check(doc.meta[name])
        except ValueError as exc:
            errors.append(doc.error(str(exc), name))
    return clean


# ---------------------------------------------------------------------------------------------
# Writing front matter in the one canonical form


def yaml_value(value, quoted: bool = False) -> str:
    if isinstance(value, list):
        dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**9)
    else:
        dumped = yaml.safe_dump(value, default_style="'" if quoted else None, allow_unicode=True, width=10**9)
    return dumped.removesuffix("\n").removesuffix("\n...").rstrip("\n")


def front_matter(pairs: list[tuple[str, object]]) -> str:
    lines = ["---"]
    for name, value in pairs:
        if isinstance(value, dict):
            lines.append(f"{name}:")
            lines += [f"  {k}: {yaml_value(v, quoted=k == 'section')}" for k, v in value.items()]
        else:
            lines.append(f"{name}: {yaml_value(value, quoted=name in QUOTED_FIELDS)}")
    return "\n".join(lines + ["---", ""])


QUOTED_FIELDS = {"error"}  # '1020' and 'H12' alike: the code is text, however it looks


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# ---------------------------------------------------------------------------------------------
# The kinds of content: each knows its folder, its parser, its canonical form and its model


class SourceKind:
    folder, model = "sources", Source
    pattern = "*.md"
    schema = {
        "source": source_slug_field,
        "name": short_text(100),
        "kind": choice(["standard", "vendor"]),
        "url": url_field,
        "rank": int_field,
    }

    def parse(self, doc: Document, errors: list) -> dict:
        data = check_fields(doc, self.schema, errors)
        data["description"] = normalise_markdown(doc.body)
        return data

    def key(self, data: dict):
        return data["source"]

    def filename(self, data: dict) -> str:
        return f"{data['source']}.md"

    def serialize(self, data: dict) -> str:
        text = front_matter([(k, data[k]) for k in self.schema])
        return text + (f"\n{data['description']}\n" if data["description"] else "")

    def existing(self) -> dict:
        return {obj.slug: obj for obj in Source.objects.all()}

    def data_of(self, obj: Source) -> dict:
        return {
            "source": obj.slug,
            "name": obj.name,
            "kind": obj.kind,
            "url": obj.url,
            "rank": obj.rank,
            "description": normalise_markdown(obj.description),
        }

    def store(self, obj: Source | None, data: dict, digest: str) -> Source:
        obj = obj or Source(slug=data["source"])
        obj.name, obj.kind, obj.url = data["name"], data["kind"], data["url"]
        obj.rank, obj.description, obj.loaded_hash = data["rank"], data["description"], digest
        obj.save()
        return obj


class ClassKind:
    folder, model = "classes", StatusClass
    pattern = "*.md"
    schema = {
        "class": choice(["1xx", "2xx", "3xx", "4xx", "5xx"]),
        "name": short_text(60),
        "summary": text_field,
    }

    def parse(self, doc: Document, errors: list) -> dict:
        data = check_fields(doc, self.schema, errors)
        data["overview"] = normalise_markdown(doc.body)
        if not data["overview"].strip():
            errors.append(doc.error("the overview (the markdown after the front matter) is empty"))
        return data

    def key(self, data: dict):
        return data["class"]

    def filename(self, data: dict) -> str:
        return f"{data['class']}.md"

    def serialize(self, data: dict) -> str:
        return front_matter([(k, data[k]) for k in self.schema]) + f"\n{data['overview']}\n"

    def existing(self) -> dict:
        return {obj.slug: obj for obj in StatusClass.objects.all()}

    def data_of(self, obj: StatusClass) -> dict:
        return {
            "class": obj.slug,
            "name": obj.name,
            "summary": obj.summary,
            "overview": normalise_markdown(obj.overview),
        }

    def store(self, obj: StatusClass | None, data: dict, digest: str) -> StatusClass:
        obj = obj or StatusClass(digit=int(data["class"][0]))
        obj.name, obj.summary, obj.overview = data["name"], data["summary"], data["overview"]
        obj.loaded_hash = digest
        obj.save()
        return obj


AUDIENCES = ["visitor", "owner", "developer", "client"]
FIX_TITLE = re.compile(r"^\[(?P<audience>[a-z]+)\]\s+(?P<title>.+)$")
EXAMPLE_BLOCK = re.compile(r"^```[a-z]*\n(?P<body>.*)\n```$", re.DOTALL)


class CodeKind:
    folder, model = "codes", StatusCode
    pattern = "*.md"
    schema = {
        "code": code_number,
        "source": slug_field,
        "name": short_text(100),
        "official": bool_field,
        "status": choice([c for c, _ in StatusCode.STATUS_CHOICES]),
        "aliases": text_list,
        "sent_by": choice([c for c, _ in StatusCode.SENT_BY_CHOICES]),
        "summary": text_field,
        "spec": spec_field,
        "retry": choice([c for c, _ in StatusCode.RETRY_CHOICES]),
        "retry_note": short_text(500),
        "retry_policy": retry_policy.overrides_field,
        "caching": choice(list(cache_rules.POLICIES)),
        "request_headers": text_list,
        "response_headers": text_list,
        "related": related_list,
        "reviewed": date_field,
    }
    # heading -> data key, in canonical order
    sections = {
        "Description": "description",
        "When you see it": "when",
        "How to use it": "usage",
        "Common mistakes": "mistakes",
        "Causes": "causes",
        "Fixes": "fixes",
        "Example": "example",
    }
    required_sections = ("Description", "When you see it")

    def parse(self, doc: Document, errors: list) -> dict:
        data = check_fields(doc, self.schema, errors)
        data.update(description="", when="", usage="", mistakes="", causes=[], fixes=[], example="")
        try:
            sections = split_headings(doc.body, doc.body_line, "## ", doc.path)
        except ContentError as exc:
            errors.append(exc)
            return data
        seen = set()
        for section in sections:
            if section.heading not in self.sections:
                expected = ", ".join(self.sections)
                errors.append(
                    doc.error(f"unknown section '## {section.heading}' (expected: {expected})", line=section.line)
                )
                continue
            if section.heading in seen:
                errors.append(doc.error(f"section '## {section.heading}' appears twice", line=section.line))
            seen.add(section.heading)
            if not section.text.strip():
                errors.append(doc.error(f"section '## {section.heading}' is empty", line=section.line))
                continue
            try:
                data[self.sections[section.heading]] = self.parse_section(doc, section)
            except ContentError as exc:
                errors.append(exc)
        for heading in self.required_sections:
            if heading not in seen:
                errors.append(doc.error(f"missing section '## {heading}'", line=doc.body_line))
        return data

    def parse_section(self, doc: Document, section: Section):
        if section.heading == "Causes":
            items = split_headings(section.text, section.line + 1, "### ", doc.path)
            return [self.item(doc, item, None) for item in items]
        if section.heading == "Fixes":
            items = split_headings(section.text, section.line + 1, "### ", doc.path)
            return [self.fix(doc, item) for item in items]
        if section.heading == "Example":
            match = EXAMPLE_BLOCK.match(section.text.strip())
            if not match:
                raise doc.error("the example must be one fenced ```http block", line=section.line)
            return normalise_markdown(match.group("body"))
        return normalise_markdown(section.text)

    def item(self, doc: Document, item: Section, audience):
        if not item.text.strip():
            raise doc.error(f"'### {item.heading}' has no text", line=item.line)
        if len(item.heading) > 200:
            raise doc.error("a title must be at most 200 characters", line=item.line)
        return {"title": item.heading, "body": normalise_markdown(item.text)} | (
            {} if audience is None else {"audience": audience}
        )

    def fix(self, doc: Document, item: Section) -> dict:
        match = FIX_TITLE.match(item.heading)
        audience = ""
        if match:
            audience = match.group("audience")
            if audience not in AUDIENCES:
                raise doc.error(
                    f"unknown audience [{audience}] (expected one of: {', '.join(AUDIENCES)})",
                    line=item.line,
                )
            item = Section(match.group("title"), item.line, item.text)
        elif item.heading.startswith("["):
            raise doc.error("a fix title is '[audience] Title'", line=item.line)
        return self.item(doc, item, audience)

    def key(self, data: dict):
        return (data["code"], data["source"])

    def filename(self, data: dict) -> str:
        return f"{data['code']}-{data['source']}.md"

    def serialize(self, data: dict) -> str:
        pairs = [(k, data[k]) for k in self.schema if k not in OPTIONAL_FIELDS or data[k]]
        parts = [front_matter(pairs)]
        for heading, name in self.sections.items():
            if data[name]:
                parts.append(f"## {heading}\n\n{self.section_markdown(name, data[name])}\n")
        return "\n".join(parts)

    @staticmethod
    def section_markdown(name: str, value) -> str:
        """A section's body as the file writes it: causes and fixes as '### [audience] Title' items."""
        if name == "causes":
            return "\n\n".join(f"### {c['title']}\n\n{c['body']}" for c in value)
        if name == "fixes":
            return "\n\n".join(
                f"### {'[' + f['audience'] + '] ' if f['audience'] else ''}{f['title']}\n\n{f['body']}" for f in value
            )
        if name == "example":
            return f"```http\n{value}\n```"
        return value

    def existing(self) -> dict:
        objs = StatusCode.objects.select_related("source").prefetch_related("causes", "fixes")
        return {(obj.number, obj.source.slug): obj for obj in objs}

    def data_of(self, obj: StatusCode) -> dict:
        return {
            "code": obj.number,
            "source": obj.source.slug,
            "name": obj.name,
            "official": obj.official,
            "status": obj.status,
            "aliases": list(obj.aliases),
            "sent_by": obj.sent_by,
            "summary": obj.summary,
            "spec": {"document": obj.spec_document, "section": obj.spec_section, "url": obj.spec_url},
            "retry": obj.retry,
            "retry_note": obj.retry_note,
            "retry_policy": retry_policy.in_order(obj.retry_policy),
            "caching": obj.caching,
            "request_headers": list(obj.request_headers),
            "response_headers": list(obj.response_headers),
            "related": list(obj.related),
            "reviewed": obj.reviewed,
            "description": normalise_markdown(obj.description),
            "when": normalise_markdown(obj.when),
            "usage": normalise_markdown(obj.usage),
            "mistakes": normalise_markdown(obj.mistakes),
            "causes": [{"title": c.title, "body": normalise_markdown(c.body)} for c in obj.causes.all()],
            "fixes": [
                {"title": f.title, "body": normalise_markdown(f.body), "audience": f.audience} for f in obj.fixes.all()
            ],
            "example": normalise_markdown(obj.example),
        }

    def store(self, obj: StatusCode | None, data: dict, digest: str) -> StatusCode:
        obj = obj or StatusCode(number=data["code"])
        obj.source = Source.objects.get(slug=data["source"])
        for name in ("name", "official", "status", "aliases", "sent_by", "summary", "retry",
                     "retry_note", "retry_policy", "caching", "request_headers", "response_headers", "related",
                     "reviewed", "description", "when", "usage", "mistakes", "example"):  # fmt: skip
            setattr(obj, name, data[name])
        obj.spec_document = data["spec"]["document"]
        obj.spec_section = data["spec"]["section"]
        obj.spec_url = data["spec"]["url"]
        obj.loaded_hash = digest
        obj.save()
        obj.causes.all().delete()
        obj.fixes.all().delete()
        for position, cause in enumerate(data["causes"]):
            Cause(code=obj, position=position, title=cause["title"], body=cause["body"]).save()
        for position, fix in enumerate(data["fixes"]):
            Fix(code=obj, position=position, audience=fix["audience"], title=fix["title"], body=fix["body"]).save()
        return obj


def comparison_codes(value) -> list:
    refs = related_list(value)
    if not 2 <= len(refs) <= 4:
        raise ValueError("must list 2 to 4 codes, e.g. [401, 403]")
    if len({str(ref) for ref in refs}) != len(refs):
        raise ValueError("lists the same code twice")
    numbers = [int(str(ref).partition("/")[0]) for ref in refs]
    if numbers != sorted(numbers):
        ordered = sorted(refs, key=lambda ref: int(str(ref).partition("/")[0]))
        raise ValueError(f"must put the lowest number first: [{', '.join(map(str, ordered))}]")
    return refs


class ComparisonKind:
    folder, model = "comparisons", Comparison
    pattern = "*.md"
    schema = {
        "codes": comparison_codes,
        "title": short_text(200),
        "summary": text_field,
        "reviewed": date_field,
    }
    guidance_headings = [Comparison.WHEN_TO_USE, Comparison.TELL_APART]

    def parse(self, doc: Document, errors: list) -> dict:
        data = check_fields(doc, self.schema, errors)
        data.update(key_difference="", guidance_heading="", guidance="")
        try:
            sections = split_headings(doc.body, doc.body_line, "## ", doc.path)
        except ContentError as exc:
            errors.append(exc)
            return data
        expected = ["Key difference", " or ".join(self.guidance_headings)]
        headings = [section.heading for section in sections]
        if len(sections) != 2 or headings[0] != "Key difference" or headings[1] not in self.guidance_headings:
            line = next((s.line for s, want in zip(sections, expected, strict=False) if s.heading not in want), None)
            errors.append(
                doc.error(
                    f"the sections must be '## {expected[0]}' then '## {expected[1]}' (found: "
                    f"{', '.join(repr(h) for h in headings) or 'none'})",
                    line=line or doc.body_line,
                )
            )
            return data
        for section in sections:
            if not section.text.strip():
                errors.append(doc.error(f"section '## {section.heading}' is empty", line=section.line))
        data["key_difference"] = normalise_markdown(sections[0].text)
        data["guidance_heading"] = sections[1].heading
        data["guidance"] = normalise_markdown(sections[1].text)
        return data

    def key(self, data: dict) -> str:
        return comparison_slug(data["codes"])

    def filename(self, data: dict) -> str:
        return f"{self.key(data)}.md"

    def serialize(self, data: dict) -> str:
        return "\n".join(
            [
                front_matter([(k, data[k]) for k in self.schema]),
                f"## Key difference\n\n{data['key_difference']}\n",
                f"## {data['guidance_heading']}\n\n{data['guidance']}\n",
            ]
        )

    def existing(self) -> dict:
        return {obj.slug: obj for obj in Comparison.objects.all()}

    def data_of(self, obj: Comparison) -> dict:
        return {
            "codes": list(obj.codes),
            "title": obj.title,
            "summary": obj.summary,
            "reviewed": obj.reviewed,
            "key_difference": normalise_markdown(obj.key_difference),
            "guidance_heading": obj.guidance_heading,
            "guidance": normalise_markdown(obj.guidance),
        }

    def store(self, obj: Comparison | None, data: dict, digest: str) -> Comparison:
        obj = obj or Comparison()
        for name in ("codes", "title", "summary", "reviewed", "key_difference", "guidance_heading", "guidance"):
            setattr(obj, name, data[name])
        obj.loaded_hash = digest
        obj.save()
        return obj


ERROR_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.]{0,19}")
SHOWN_IN = [value for value, _ in PlatformError.SHOWN_IN_CHOICES]
ERROR_REF = re.compile(rf"({SOURCE_SLUG})/({ERROR_CODE.pattern})")


def error_code(value) -> str:
    if not isinstance(value, str) or not ERROR_CODE.fullmatch(value):
        raise ValueError("must be the code as the platform writes it, quoted: '1020', '500.19' or 'H12'")
    if re.fullmatch(r"[1-5][0-9]{2}", value):
        raise ValueError("a three-digit number is a status code: write it in codes/ instead")
    return value


def status_list(value) -> list[int]:
    if not isinstance(value, list) or not all(is_whole_number(v, 100, 599) for v in value):
        raise ValueError("must be a list of HTTP status codes such as [403] or [], e.g. [500, 502]")
    if len(set(value)) != len(value):
        raise ValueError("lists a status twice")
    return value


def shown_in_list(value) -> list[str]:
    if not isinstance(value, list) or not value or not all(v in SHOWN_IN for v in value):
        raise ValueError(f"must list where the error shows, any of: {', '.join(SHOWN_IN)}")
    return value


def error_refs(value) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and ERROR_REF.fullmatch(v) for v in value):
        raise ValueError("must be a list of errors such as [cloudflare/1015, iis/500.19]")
    return value


def error_spec(value) -> dict:
    if not isinstance(value, dict) or set(value) != {"document", "url"}:
        raise ValueError("must have exactly two fields: document and url")
    return {"document": text_field(value["document"], 200), "url": url_field(value["url"])}


class ErrorKind(CodeKind):
    """A platform's own error: content/errors/<source>/<code>.md, sections as a code's."""

    folder, model = "errors", PlatformError
    pattern = "*/*.md"
    schema = {
        "error": error_code,
        "source": slug_field,
        "name": short_text(100),
        "statuses": status_list,
        "status_note": lambda value: "" if value == "" else text_field(value),
        "shows_in": shown_in_list,
        "aliases": text_list,
        "summary": text_field,
        "spec": error_spec,
        "retry": choice([c for c, _ in StatusCode.RETRY_CHOICES]),
        "retry_note": short_text(500),
        "retry_policy": retry_policy.overrides_field,
        "related_codes": related_list,
        "related_errors": error_refs,
        "reviewed": date_field,
    }
    sections = {
        "Description": "description",
        "When you see it": "when",
        "Compared with": "compared",  # curated: what readers confuse it with, and how to tell
        "Causes": "causes",
        "Fixes": "fixes",
    }
    required_sections = ("Description", "When you see it", "Causes", "Fixes")

    def parse(self, doc: Document, errors: list) -> dict:
        data = super().parse(doc, errors)
        for name in ("usage", "mistakes", "example"):
            data.pop(name, None)
        data.setdefault("compared", "")
        return data

    def key(self, data: dict):
        return (data["source"], data["error"])

    def filename(self, data: dict) -> str:
        return f"{data['source']}/{data['error'].lower()}.md"

    def existing(self) -> dict:
        objs = PlatformError.objects.select_related("source").prefetch_related("causes", "fixes")
        return {(obj.source.slug, obj.code): obj for obj in objs}

    def data_of(self, obj: PlatformError) -> dict:
        return {
            "error": obj.code,
            "source": obj.source.slug,
            "name": obj.name,
            "statuses": list(obj.statuses),
            "status_note": obj.status_note,
            "shows_in": list(obj.shows_in),
            "aliases": list(obj.aliases),
            "summary": obj.summary,
            "spec": {"document": obj.spec_document, "url": obj.spec_url},
            "retry": obj.retry,
            "retry_note": obj.retry_note,
            "retry_policy": retry_policy.in_order(obj.retry_policy),
            "related_codes": list(obj.related_codes),
            "related_errors": list(obj.related_errors),
            "reviewed": obj.reviewed,
            "description": normalise_markdown(obj.description),
            "when": normalise_markdown(obj.when),
            "compared": normalise_markdown(obj.compared),
            "causes": [{"title": c.title, "body": normalise_markdown(c.body)} for c in obj.causes.all()],
            "fixes": [
                {"title": f.title, "body": normalise_markdown(f.body), "audience": f.audience} for f in obj.fixes.all()
            ],
        }

    def store(self, obj: PlatformError | None, data: dict, digest: str) -> PlatformError:
        obj = obj or PlatformError(code=data["error"])
        obj.source = Source.objects.get(slug=data["source"])
        for name in ("name", "statuses", "status_note", "shows_in", "aliases", "summary", "retry", "retry_note",
                     "retry_policy", "related_codes", "related_errors", "reviewed", "description", "when",
                     "compared"):  # fmt: skip
            setattr(obj, name, data[name])
        obj.spec_document, obj.spec_url = data["spec"]["document"], data["spec"]["url"]
        obj.loaded_hash = digest
        obj.save()
        obj.causes.all().delete()
        obj.fixes.all().delete()
        for position, cause in enumerate(data["causes"]):
            ErrorCause(error=obj, position=position, title=cause["title"], body=cause["body"]).save()
        for position, fix in enumerate(data["fixes"]):
            ErrorFix(
                error=obj, position=position, audience=fix["audience"], title=fix["title"], body=fix["body"]
            ).save()
        return obj


KINDS = [SourceKind(), ClassKind(), CodeKind(), ComparisonKind(), ErrorKind()]


# ---------------------------------------------------------------------------------------------
# What a file can hold: the admin checks an edit by writing it and reading it back with the loader

# One record of each kind that reads back unchanged, every section filled, so that a value put into
# it which swallows what follows (a heading, a code block never closed) shows as a changed record.
SAMPLE_RECORDS = {
    "sources": {"source": "example", "name": "Example", "kind": "vendor", "url": "https://example.com/", "rank": 1,
                "description": "Example."},
    "classes": {"class": "4xx", "name": "Client Error", "summary": "Summary.", "overview": "Overview."},
    "codes": {
        "code": 404, "source": "iana", "name": "Not Found", "official": True, "status": "current", "aliases": [],
        "sent_by": "origin", "summary": "Summary.",
        "spec": {"document": "RFC 9110", "section": "15.5.5", "url": "https://www.rfc-editor.org/rfc/rfc9110"},
        "retry": "never", "retry_note": "Note.", "retry_policy": {}, "caching": "default", "request_headers": [],
        "response_headers": [],
        "related": [],
        "reviewed": datetime.date(2026, 1, 1), "description": "Description.", "when": "When.", "usage": "Usage.",
        "mistakes": "Mistakes.", "causes": [{"title": "Cause", "body": "Body."}],
        "fixes": [{"title": "Fix", "body": "Body.", "audience": ""}], "example": "GET / HTTP/1.1",
    },
    "errors": {
        "error": "1020", "source": "cloudflare", "name": "Access Denied", "statuses": [403], "status_note": "",
        "shows_in": ["page"], "aliases": [], "summary": "Summary.",
        "spec": {"document": "Cloudflare docs", "url": "https://developers.cloudflare.com/"},
        "retry": "never", "retry_note": "Note.", "retry_policy": {}, "related_codes": [], "related_errors": [],
        "reviewed": datetime.date(2026, 1, 1), "description": "Description.", "when": "When.", "compared": "Compared.",
        "causes": [{"title": "Cause", "body": "Body."}], "fixes": [{"title": "Fix", "body": "Body.", "audience": ""}],
    },
    "comparisons": {"codes": [401, 403], "title": "401 vs 403", "summary": "Summary.",
                    "reviewed": datetime.date(2026, 1, 1), "key_difference": "Key.",
                    "guidance_heading": Comparison.WHEN_TO_USE, "guidance": "Guidance."},
}  # fmt: skip


def record_problem(folder: str, data: dict) -> str | None:
    """Why a record, written as its file, would not be read back as itself; None if it would."""
    kind = next(kind for kind in KINDS if kind.folder == folder)
    errors: list[ContentError] = []
    try:
        parsed = kind.parse(read_document(Path(folder), universal_newlines(kind.serialize(data))), errors)
    except ContentError as exc:
        errors.append(exc)
    if errors:
        return errors[0].message
    changed = [name for name in data if parsed.get(name) != data[name]]
    if changed:
        return "the file would read it back as " + ", ".join(f"{name} {brief(parsed.get(name))}" for name in changed)
    return None


def field_problem(folder: str, name: str, value) -> str | None:
    """Why a field of a record in folder/ cannot hold value in its file; None if it can.

    The value goes into the kind's sample record, which the loader itself writes and reads back, so
    that the admin's rule can never drift from the files'. A dict (spec, or a cause or fix) replaces
    the keys it gives; a cause or fix goes before the sample's own, which it must not swallow.
    """
    data = {key: copy.deepcopy(sample) for key, sample in SAMPLE_RECORDS[folder].items()}
    if name in ("causes", "fixes"):
        data[name].insert(0, data[name][0] | value)
    elif isinstance(data[name], dict):
        data[name] |= value
    else:
        data[name] = value
    problem = record_problem(folder, data)
    if problem is None:
        return None
    if name in ("causes", "fixes"):
        return item_problem(name, value) or problem
    if name == "example":
        line = next((n for n, text in enumerate(value.split("\n"), 1) if FENCE.match(text)), 0)
        return f"line {line} starts with ``` or ~~~, which would close the example's code block" if line else problem
    return markdown_problem(value, ("## ",)) or problem if isinstance(value, str) else problem


def item_problem(name: str, item: dict) -> str | None:
    """Why a cause or fix cannot be one '### Title' item of its section, said plainly."""
    title = item.get("title", "")
    if LINE_BREAK.search(title):
        return "a title must be a single line"
    if name == "fixes" and title.startswith("["):
        return "the file would read '[...]' at the start of the title as its audience; choose the audience instead"
    return markdown_problem(item.get("body", ""), ("## ", "### "), "cause" if name == "causes" else "fix")


def markdown_problem(text: str, markers: tuple[str, ...], item: str = "") -> str | None:
    """The line of text the loader would read as a heading of the file, or as a code block never closed."""
    for marker in markers:
        found = split_headings(f"{marker}\n{text}", 0, marker, Path())[1:]  # line n of text is line n here
        if found and marker == "## ":
            return (f"line {found[0].line} starts a '## {found[0].heading}' section, which would end this text in "
                    f"the file; use {'####' if item else '###'} or bold text")  # fmt: skip
        if found:
            return (f"line {found[0].line} starts a '{marker}{found[0].heading}' heading, which the file would read "
                    f"as another {item}; use #### or bold text")  # fmt: skip
    opened = None  # the loader opens and closes code blocks on any ``` or ~~~ line
    for number, line in enumerate(text.split("\n"), 1):
        if FENCE.match(line):
            opened = None if opened else (number, line[:3])
    if opened:
        return (f"line {opened[0]} opens a code block that is never closed, so the rest of the file would be read "
                f"as code; close it with a {opened[1]} line")  # fmt: skip
    return None


# ---------------------------------------------------------------------------------------------
# A whole tree: read every file, then check what spans files


@dataclass
class Tree:
    root: Path
    records: dict = field(default_factory=dict)  # kind folder -> {key: data}
    errors: list[ContentError] = field(default_factory=list)
    claimed: dict = field(default_factory=dict)  # kind folder -> {key: the first file that defined it}

    def of(self, kind) -> dict:
        return self.records.setdefault(kind.folder, {})


def read_tree(root: Path) -> Tree:
    """Parse every file under root and check the references between them; never touches the DB."""
    tree = Tree(Path(root))
    if not tree.root.is_dir():
        tree.errors.append(ContentError(root, "no such content folder"))
        return tree
    for kind in KINDS:
        for path in sorted((tree.root / kind.folder).glob(kind.pattern)):
            read_file(tree, kind, path)
    check_references(tree)
    check_error_references(tree)
    check_comparisons(tree)
    return tree


def read_file(tree: Tree, kind, path: Path) -> None:
    shown = path.relative_to(tree.root.parent) if tree.root.parent in path.parents else path
    try:
        doc = read_document(shown, read_text(shown, path))
    except ContentError as exc:
        tree.errors.append(exc)
        return
    errors: list[ContentError] = []
    data = kind.parse(doc, errors)
    tree.errors += errors
    if errors:
        return
    claimed = tree.claimed.setdefault(kind.folder, {})
    key = kind.key(data)
    if key in claimed:
        tree.errors.append(doc.error(f"{label(kind, key)} is defined twice: also in {claimed[key]}", line=2))
        return
    claimed[key] = shown
    if path.relative_to(tree.root / kind.folder).as_posix() != kind.filename(data):
        tree.errors.append(doc.error(f"the file name must be {kind.filename(data)}", line=2))
        return
    data["_doc"] = doc
    tree.of(kind)[kind.key(data)] = data


def check_references(tree: Tree) -> None:
    sources = tree.records.get("sources", {})
    classes = tree.records.get("classes", {})
    codes = tree.records.get("codes", {})
    holders: dict[int, str] = {}
    for slug, data in sorted(sources.items()):
        if data["rank"] in holders:
            message = f"rank {data['rank']} is already taken by {holders[data['rank']]}; ranks must differ"
            tree.errors.append(data["_doc"].error(message, "rank"))
        holders.setdefault(data["rank"], slug)
    # A bare number in `related` means the number's primary meaning.
    primary = {number: slugs[0] for number, slugs in meanings_by_number(tree).items()}
    for (number, slug), data in codes.items():
        doc = data["_doc"]
        source = sources.get(slug)
        if source is None:
            tree.errors.append(doc.error(f"no source '{slug}' in sources/", "source"))
        elif data["official"] != (source["kind"] == "standard"):
            tree.errors.append(
                doc.error("official must be true exactly for codes of the standard (IANA) source", "official")
            )
        if f"{number // 100}xx" not in classes:
            tree.errors.append(doc.error(f"no class file classes/{number // 100}xx.md", "code"))
        for ref in data["related"]:
            ref_number, _, ref_source = str(ref).partition("/")
            target = (int(ref_number), ref_source or primary.get(int(ref_number)))
            if target not in codes:
                tree.errors.append(doc.error(f"related code {ref} does not exist", "related"))
            elif target == (number, slug):
                tree.errors.append(doc.error(f"a code cannot be related to itself ({ref})", "related"))


def check_error_references(tree: Tree) -> None:
    """A platform error names its source, the statuses it comes with and its neighbours: all must exist."""
    sources = tree.records.get("sources", {})
    numbers = meanings_by_number(tree)
    errors = tree.records.get("errors", {})
    for (slug, code), data in errors.items():
        doc = data["_doc"]
        if slug not in sources:
            tree.errors.append(doc.error(f"no source '{slug}' in sources/", "source"))
        for number in data["statuses"]:
            if number not in numbers:
                tree.errors.append(doc.error(f"status {number} has no file in codes/", "statuses"))
        if not data["statuses"] and not data["status_note"]:
            tree.errors.append(
                doc.error("no status is listed: say in status_note what the platform documents", "status_note")
            )
        for ref in data["related_codes"]:
            number, _, source = str(ref).partition("/")
            if int(number) not in numbers or (source and source not in numbers[int(number)]):
                tree.errors.append(doc.error(f"related code {ref} does not exist", "related_codes"))
        for ref in data["related_errors"]:
            target = tuple(ref.split("/", 1))
            if target not in errors:
                tree.errors.append(doc.error(f"related error {ref} does not exist", "related_errors"))
            elif target == (slug, code):
                tree.errors.append(doc.error(f"an error cannot be related to itself ({ref})", "related_errors"))


def meanings_by_number(tree: Tree) -> dict[int, list[str]]:
    """Each number's sources in the tree, the primary meaning (lowest source rank) first."""
    rank = {slug: data["rank"] for slug, data in tree.records.get("sources", {}).items()}
    meanings: dict[int, list[str]] = {}
    for number, slug in sorted(tree.records.get("codes", {}), key=lambda k: (k[0], rank.get(k[1], 10**6), k[1])):
        meanings.setdefault(number, []).append(slug)
    return meanings


def comparison_order_problem(refs: list, meanings: dict[int, list[str]]) -> str:
    """What is wrong with a comparison's codes, given each number's sources primary first; '' if nothing.

    A bare number names the primary meaning and any other is written 499/esri, after the bare
    number and in source rank order, so that a set of meanings has exactly one spelling (its URL).
    """
    positions = []
    for ref in refs:
        number, _, source = str(ref).partition("/")
        slugs = meanings.get(int(number), [])
        if not slugs or (source and source not in slugs):
            return f"code {ref} does not exist"
        if source == slugs[0]:
            return f"{ref} is the primary meaning of {number}: write it as {number}"
        positions.append((int(number), slugs.index(source) if source else 0))
    if positions != sorted(positions):
        ordered = [ref for _, ref in sorted(zip(positions, map(str, refs), strict=True))]
        return f"list one number's meanings primary first, then by source rank: [{', '.join(ordered)}]"
    return ""


def check_comparisons(tree: Tree) -> None:
    meanings = meanings_by_number(tree)
    for data in tree.records.get("comparisons", {}).values():
        problem = comparison_order_problem(data["codes"], meanings)
        if problem:
            tree.errors.append(data["_doc"].error(problem, "codes"))


# ---------------------------------------------------------------------------------------------
# Sync: files -> database, in one transaction, never overwriting an editor's work


@dataclass
class SyncReport:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # (label, reason)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)


def label(kind, key) -> str:
    return f"{kind.folder}/{'-'.join(map(str, key)) if isinstance(key, tuple) else key}"


def sync_content(root: Path, force: bool = False) -> SyncReport:
    """Validate the whole tree, then write it to the database in one transaction."""
    tree = read_tree(root)
    if tree.errors:
        raise ContentErrors(tree.errors)
    report = SyncReport()
    try:
        write_tree(tree, force, report)
    except IntegrityError as exc:  # rolled back whole; say so instead of a traceback
        refusal = ContentError(root, f"the database refused the load, nothing was written: {exc}")
        raise ContentErrors([refusal]) from None
    return report


# Any fixed number, the same in every process: the advisory lock that serialises loads.
LOAD_LOCK = 0x5C0DE5


def write_tree(tree: Tree, force: bool, report: SyncReport) -> None:
    # One version per record it changes, kept with the admin's: a load can be undone like an edit.
    with transaction.atomic(), reversion.create_revision():
        reversion.set_comment("load_content --force" if force else "load_content")
        if connection.vendor == "postgresql":
            # Instances starting together each run load_content; the second waits here, then
            # finds every record unchanged, instead of racing the first into a unique constraint.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOAD_LOCK])
        leftovers = []
        for kind in KINDS:
            existing = kind.existing()
            for key, data in tree.of(kind).items():
                sync_record(kind, existing.pop(key, None), key, data, force, report)
            leftovers.append((kind, existing))
        for kind, existing in reversed(leftovers):  # codes before the sources they point at
            for key, obj in existing.items():
                if force or not edited_since_load(kind, obj):
                    obj.delete()
                    report.removed.append(label(kind, key))
                else:
                    report.skipped.append((label(kind, key), "changed in the admin and not in content/"))


def edited_since_load(kind, obj) -> bool:
    return obj.loaded_hash != content_hash(kind.serialize(kind.data_of(obj)))


def sync_record(kind, obj, key, data: dict, force: bool, report: SyncReport) -> None:
    digest = content_hash(kind.serialize(data))
    if obj is None:
        kind.store(None, data, digest)
        report.created.append(label(kind, key))
        return
    current = content_hash(kind.serialize(kind.data_of(obj)))
    if current == digest:
        if obj.loaded_hash != digest:  # an editor made the same change the file now has
            kind.model.objects.filter(pk=obj.pk).update(loaded_hash=digest)
        report.unchanged.append(label(kind, key))
    elif obj.loaded_hash != current and not force:
        report.skipped.append((label(kind, key), "edited in the admin since the last load"))
    else:
        kind.store(obj, data, digest)
        report.updated.append(label(kind, key))


# ---------------------------------------------------------------------------------------------
# Export: database -> files in the canonical form


def export_content(root: Path, prune: bool = False) -> dict:
    """Write every record as its content file; with prune, delete files that have no record."""
    root = Path(root)
    written, pruned = [], []
    for kind in KINDS:
        folder = root / kind.folder
        folder.mkdir(parents=True, exist_ok=True)
        names = set()
        for obj in kind.existing().values():
            data = kind.data_of(obj)
            name = kind.filename(data)
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(kind.serialize(data), encoding="utf-8")
            names.add(name)
            written.append(f"{kind.folder}/{name}")
        for stale in sorted(folder.glob(kind.pattern)):
            name = stale.relative_to(folder).as_posix()
            if name not in names and prune:
                stale.unlink()
                pruned.append(f"{kind.folder}/{name}")
    return {"written": written, "pruned": pruned}


# ---------------------------------------------------------------------------------------------
# The editorial bar: what every meaning must say before it ships (check_content)

# Response headers a code's own definition makes part of it; a page that omits them is wrong.
REQUIRED_HEADERS = {
    101: "Upgrade", 103: "Link", 201: "Location", 206: "Content-Range", 301: "Location",
    302: "Location", 303: "Location", 307: "Location", 308: "Location", 401: "WWW-Authenticate",
    405: "Allow", 407: "Proxy-Authenticate", 416: "Content-Range", 426: "Upgrade",
    429: "Retry-After", 503: "Retry-After",
}  # fmt: skip
REQUIRED_STATUS = {102: "deprecated", 103: "experimental", 104: "temporary", 305: "deprecated",
                   306: "unused", 418: "unused", 510: "obsolete"}  # fmt: skip
MIN_DESCRIPTION_WORDS = 80


def editorial_problems(tree: Tree) -> list[ContentError]:
    """Hold every meaning to the bar in content/README.md; facts that the specs fix included."""
    problems = []
    for (number, _), data in tree.records.get("codes", {}).items():
        doc = data["_doc"]

        def need(ok: bool, message: str, field: str = "", doc=doc) -> None:
            if not ok:
                problems.append(doc.error(message, field, line=None if field else doc.body_line))

        words = len(data["description"].split())
        need(words >= MIN_DESCRIPTION_WORDS, f"the description has {words} words; it needs {MIN_DESCRIPTION_WORDS}")
        need(data["related"] != [], "list at least one related code", "related")
        policy, rule = cache_rules.caching_rule(number, data["official"], data["sent_by"])
        need(data["caching"] == policy, f"caching is {policy}: {rule}", "caching")
        if data["sent_by"] == "logs-only":
            need(data["retry"] == "not-applicable", "a code no client receives has nothing to retry", "retry")
        if data["official"]:
            need(bool(data["spec"]["section"]), "an official code needs its spec section", "spec")
            need(bool(data["example"]), "an official code needs an '## Example' exchange")
            if number in REQUIRED_STATUS:
                need(
                    data["status"] == REQUIRED_STATUS[number], f"the registry says {REQUIRED_STATUS[number]}", "status"
                )
            if number in REQUIRED_HEADERS:
                need(
                    REQUIRED_HEADERS[number] in data["response_headers"],
                    f"{number} needs the {REQUIRED_HEADERS[number]} header",
                    "response_headers",
                )
        if number < 400:
            need(bool(data["usage"]), "a 1xx, 2xx or 3xx code needs '## How to use it'")
            need(bool(data["mistakes"]), "a 1xx, 2xx or 3xx code needs '## Common mistakes'")
            need(data["retry"] == "not-applicable", "retry is not-applicable below 400", "retry")
        else:
            need(len(data["causes"]) >= 3, f"it has {len(data['causes'])} causes; it needs 3")
            need(len(data["fixes"]) >= 3, f"it has {len(data['fixes'])} fixes; it needs 3")
            need(
                any(f["audience"] for f in data["fixes"]),
                "label the fixes by audience: [visitor], [owner], [developer], [client]",
            )
        if number in (429, 503):
            need(data["retry"] == "retry-after", f"{number} is retried after Retry-After", "retry")
        logs_only = data["sent_by"] == "logs-only"
        for name, message in retry_policy.record_problems(number, data["retry"], data["retry_policy"], logs_only):
            need(False, message, name)
    return problems + comparison_problems(tree) + error_problems(tree)


MIN_ERROR_DESCRIPTION_WORDS = 50


def error_problems(tree: Tree) -> list[ContentError]:
    """A platform error's page must explain it and say what to do, for whom."""
    problems = []
    for data in tree.records.get("errors", {}).values():
        doc = data["_doc"]
        words = len(data["description"].split())
        if words < MIN_ERROR_DESCRIPTION_WORDS:
            problems.append(doc.error(f"the description has {words} words; it needs {MIN_ERROR_DESCRIPTION_WORDS}"))
        if not any(f["audience"] for f in data["fixes"]):
            problems.append(doc.error("label the fixes by audience: [visitor], [owner], [developer], [client]"))
        number = data["statuses"][0] if data["statuses"] else 500
        for name, message in retry_policy.record_problems(number, data["retry"], data["retry_policy"], False):
            problems.append(doc.error(message, name))
    return problems


MIN_COMPARISON_WORDS = 150
STALE_AFTER = datetime.timedelta(days=183)  # vendors change their documentation; recheck twice a year


def stale_records(tree: Tree, today: datetime.date) -> list[tuple[str, datetime.date]]:
    """Every file whose facts were last checked (`reviewed`) more than six months before today."""
    found = []
    for kind_records in tree.records.values():
        for data in kind_records.values():
            reviewed = data.get("reviewed")
            if reviewed and today - reviewed > STALE_AFTER:
                found.append((str(data["_doc"].path), reviewed))
    return sorted(found, key=lambda item: (item[1], item[0]))


def comparison_problems(tree: Tree) -> list[ContentError]:
    """A curated comparison earns its place above the generated one: substantive, and titled by its codes."""
    problems = []
    for data in tree.records.get("comparisons", {}).values():
        doc = data["_doc"]
        words = len(f"{data['key_difference']} {data['guidance']}".split())
        if words < MIN_COMPARISON_WORDS:
            message = f"the notes have {words} words; they need {MIN_COMPARISON_WORDS}"
            problems.append(doc.error(message, line=doc.body_line))
        for ref in data["codes"]:
            number = str(ref).partition("/")[0]
            if number not in data["title"]:
                problems.append(doc.error(f"the title must name {number}", "title"))
    return problems
