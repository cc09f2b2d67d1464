"""Every fenced code block of content/, with its file, line, language, section and page codes."""

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

# CommonMark: three or more backticks or tildes; the closing fence uses the same character, is at
# least as long, and carries no info string. Blocks inside list items are indented further.
OPENING = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
HEADING = re.compile(r"^## +(?P<title>.+?) *$")
KINDS = ("codes", "comparisons", "classes", "sources")


@dataclass(frozen=True)
class Block:
    path: str  # relative to content/, e.g. "codes/521-cloudflare.md"
    line: int  # 1-based line of the opening fence
    info: str  # the whole info string
    text: str  # the body, de-indented to the fence
    section: str  # the `## ` heading it sits under ("" before the first)
    page_codes: tuple[int, ...]  # the page's own code, or the codes a comparison compares
    closed: bool

    @property
    def lang(self) -> str:
        return self.info.split()[0].lower() if self.info.strip() else ""

    @property
    def id(self) -> str:
        return f"{self.path}:{self.line}"

    def file_line(self, body_line: int) -> int:
        """The line in the content file of the body's line `body_line` (1-based)."""
        return self.line + body_line


def page_codes(path: Path, text: str) -> tuple[int, ...]:
    """The front matter's `code`, or `codes` for a comparison ("499/esri" counts as 499).

    Without them (a class or source page) the numbers in the file name stand in, so that a
    reshaped front matter cannot silently empty the check.
    """
    front = {}
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        front = (yaml.safe_load(text[4:end]) if end > 0 else None) or {}
    values = front.get("codes") or ([front["code"]] if "code" in front else None)
    if values is None:
        values = re.findall(r"(?:^|-vs-)(\d{3})", path.stem)
    return tuple(int(str(value).split("/")[0]) for value in values)


def read_blocks(path: Path, content_dir: Path) -> list[Block]:
    text = path.read_text(encoding="utf-8")
    codes = page_codes(path, text)
    rel = path.relative_to(content_dir).as_posix()
    lines = text.splitlines()
    blocks, section, i = [], "", 0
    while i < len(lines):
        heading = HEADING.match(lines[i])
        if heading:
            section = heading["title"]
        opening = OPENING.match(lines[i])
        if not opening or (opening["fence"][0] == "`" and "`" in opening["info"]):
            i += 1
            continue
        indent, fence = len(opening["indent"]), opening["fence"]
        closing = re.compile(rf"^ *{re.escape(fence[0])}{{{len(fence)},}} *$")
        end = next((j for j in range(i + 1, len(lines)) if closing.match(lines[j])), len(lines))
        body = [line[indent:] if line[:indent].strip() == "" else line.lstrip() for line in lines[i + 1 : end]]
        blocks.append(
            Block(rel, i + 1, opening["info"].strip(), "\n".join(body) + "\n", section, codes, end < len(lines))
        )
        i = end + 1
    return blocks


def content_blocks(content_dir: Path) -> list[Block]:
    paths = sorted(p for kind in KINDS for p in (content_dir / kind).glob("*.md"))
    return [block for path in paths for block in read_blocks(path, content_dir)]
