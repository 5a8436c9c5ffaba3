"""One reading of an article's Markdown for the checks: fenced code, images and links, with their lines.

The media check (which pictures an article shows), the lint (links between articles, headings,
official terms) and the body policy (the line a removed element was written on) all read the
Markdown source through these pure functions, so they agree on what is code and what is text.

Fenced code is found as the site renders it: Python-Markdown's `fenced_code`, which MkDocs always
enables. A fence opens at the start of a line with three or more backticks or tildes and an
optional language or `{attributes}`; only a line of the very same fence (same character, same
length, then nothing but spaces) closes it, so a "````" or "```python" line inside a "```"
block is code; a fence that is never closed is no code block at all. Indented code blocks
(four spaces) are not recognised: none of the checks skipped them before either, and
pictures or links written there are rare. Inline code spans (`` `like this` ``) are masked on
their line before images and links are looked for.

Images: inline `![alt](src "title")`, reference-style `![alt][ref]`, `![alt][]` and `![alt]`
with their `[ref]: src "title"` definitions (labels compared without case, as Python-Markdown
does), and raw HTML `<img src=...>`. Links: inline `[text](target)`, also around an image, and
reference-style `[text][ref]` / `[text][]`. Line numbers count from `first_line`, the file line
the body starts on.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import unquote

# Python-Markdown's fenced_code opening line: the fence, then `{attributes}` or a language and hl_lines.
_OPENING = re.compile(
    r"(?P<fence>~{3,}|`{3,})[ ]*(?:\{[^\n]*\}|\.?[\w#.+-]*[ ]*(?:hl_lines=(?P<quote>[\"'])(?:.*?)(?P=quote)[ ]*)?)"
)
_FENCES = ("```", "~~~")
_CODE_SPAN = re.compile(r"(?<![\\`])(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_INLINE_IMAGE = re.compile(
    r"!\[(?P<alt>[^\]]*)\]\(\s*<?(?P<src>[^)\s>]+)>?(?:\s+(?:\"(?P<title>[^\"]*)\"|'(?P<title2>[^']*)'))?\s*\)"
)
_REFERENCE_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\](?:\s?\[(?P<ref>[^\]]*)\])?")
# Link text may hold one level of brackets: an image inside a link, `[![alt](photo.jpg)](page.md)`.
_TEXT = r"\[(?P<text>(?:[^\[\]]|\[[^\[\]]*\])*)\]"
_INLINE_LINK = re.compile(
    r"(?<![!\\])" + _TEXT + r"\(\s*<?(?P<target>[^)\s>]+)>?(?:\s+(?:\"(?P<title>[^\"]*)\"|'(?P<title2>[^']*)'))?\s*\)"
)
_REFERENCE_LINK = re.compile(r"(?<![!\\])" + _TEXT + r"\s?\[(?P<ref>[^\]]*)\]")
# Python-Markdown's reference definition (one line): `[label]: url "title"`, the url maybe in <>.
_DEFINITION = re.compile(
    r"[ ]{0,3}\[(?P<label>[^\[\]]*)\]:[ ]*<?(?P<url>[^\s>]+)>?[ ]*(?:(?P<q>[\"'])(?P<title>.*)(?P=q)[ ]*|\((?P<title2>.*)\)[ ]*)?"
)
_HTML_IMG = re.compile(r"<img\b(?P<attributes>[^>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""(?P<name>[^\s"'>/=]+)(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'=<>`]+)))?""")
_EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")


class Kind(StrEnum):
    INLINE = "inline"  # ![alt](src), [text](target)
    REFERENCE = "reference"  # ![alt][ref], [text][ref], with a [ref]: definition
    HTML = "html"  # <img src=...>


@dataclass(frozen=True)
class Fence:
    first: int  # line of the opening fence
    last: int  # line of the closing fence
    marker: str  # the fence itself: ``` or ~~~~ ...


@dataclass(frozen=True)
class Image:
    line: int
    alt: str
    src: str
    title: str = ""
    kind: Kind = Kind.INLINE

    @property
    def is_external(self) -> bool:
        return is_external(self.src)


@dataclass(frozen=True)
class Link:
    line: int
    text: str
    target: str
    title: str = ""
    kind: Kind = Kind.INLINE


@dataclass(frozen=True)
class Definition:
    line: int
    url: str
    title: str = ""


def is_external(url: str) -> bool:
    """An address with a scheme (`https:`, `mailto:`, `data:`) or a host (`//host/`): not a file of this site."""
    return bool(_EXTERNAL.match(url.strip()))


def fences(markdown: str, first_line: int = 1) -> list[Fence]:
    """The fenced code blocks, as Python-Markdown's fenced_code finds them (see the module's notes)."""
    lines = markdown.splitlines()
    found: list[Fence] = []
    index = 0
    while index < len(lines):
        # A fence starts its line (no indent, tabs too), so only such lines are matched: most bodies have none.
        opening = _OPENING.fullmatch(lines[index].expandtabs(4)) if lines[index].startswith(_FENCES) else None
        if opening:
            fence = opening.group("fence")
            closing = re.compile(re.escape(fence) + "[ ]*")
            end = next((j for j in range(index + 1, len(lines))
                        if lines[j].startswith(fence) and closing.fullmatch(lines[j].expandtabs(4))), None)
            if end is not None:
                found.append(Fence(first_line + index, first_line + end, opening.group("fence")))
                index = end + 1
                continue
        index += 1
    return found


def lines_outside_code(markdown: str, first_line: int = 1) -> Iterator[tuple[int, str]]:
    """(line number, line) of every line that is not inside fenced code, fences included."""
    code: set[int] = set()
    for fence in fences(markdown, first_line):
        code.update(range(fence.first, fence.last + 1))
    for number, line in enumerate(markdown.splitlines(), start=first_line):
        if number not in code:
            yield number, line


def mask_code_spans(line: str) -> str:
    """`line` with its inline code spans (backticks included) blanked out, so columns stay where they were."""
    return _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)


def definitions(markdown: str, first_line: int = 1) -> dict[str, Definition]:
    """Reference definitions by label (lower case, inner spaces collapsed); the first of a label wins.
    Footnotes (`[^1]: ...`) are not definitions."""
    found: dict[str, Definition] = {}
    if "]:" not in markdown:  # what every definition has; most bodies have none
        return found
    for number, line in lines_outside_code(markdown, first_line):
        match = _DEFINITION.fullmatch(line) if "]:" in line else None
        if match and not match.group("label").startswith("^"):
            label = _label(match.group("label"))
            found.setdefault(label, Definition(number, match.group("url"), match.group("title") or match.group("title2") or ""))
    return found


def images(markdown: str, first_line: int = 1) -> list[Image]:
    """Every image the body shows, in reading order (by line, then inline, reference and HTML ones)."""
    return list(_scan(markdown, first_line)[0])


def links(markdown: str, first_line: int = 1) -> list[Link]:
    """Every link the body writes in Markdown, in reading order (inline, then reference-style, per line)."""
    return list(_scan(markdown, first_line)[1])


def forget_scans() -> None:
    """Start a new reading of docs/ (each build): the scans of the reading before are kept for this one only
    (the preview reads the same bodies again), those of older readings are let go."""
    global _scans, _scans_before
    _scans, _scans_before = {}, _scans


# The validation, the 三审 fingerprint, the media library and the rights each ask for a body's images:
# one scan per body and reading (and none for a body the reading before scanned). The bodies are the
# articles' own strings, already in memory.
_Scan = tuple[tuple[Image, ...], tuple[Link, ...]]
_scans: dict[tuple[str, int], _Scan] = {}
_scans_before: dict[tuple[str, int], _Scan] = {}


def _scan(markdown: str, first_line: int) -> _Scan:
    key = (markdown, first_line)
    found = _scans.get(key)
    if found is None:
        found = _scans_before.pop(key, None)
        _scans[key] = found = found if found is not None else _read_scan(markdown, first_line)
    return found


def _read_scan(markdown: str, first_line: int) -> _Scan:
    known = definitions(markdown, first_line)
    found_images: list[Image] = []
    found_links: list[Link] = []
    for number, raw in lines_outside_code(markdown, first_line):
        if "[" not in raw and "<" not in raw:  # every image, link and definition needs one of them
            continue
        line = mask_code_spans(raw)
        if _DEFINITION.fullmatch(line):
            continue
        spans: list[tuple[int, int]] = []
        for match in _INLINE_IMAGE.finditer(line):
            title = match.group("title") or match.group("title2") or ""
            found_images.append(Image(number, match.group("alt").strip(), match.group("src"), title))
            spans.append(match.span())
        for match in _REFERENCE_IMAGE.finditer(_blank(line, spans)):
            ref = match.group("ref")
            definition = known.get(_label(ref or match.group("alt")))  # `![alt][]` and `![alt]` use the alt as label
            if definition is not None:
                found_images.append(Image(number, match.group("alt").strip(), definition.url, definition.title, Kind.REFERENCE))
                spans.append(match.span())
        for match in _INLINE_LINK.finditer(line):
            title = match.group("title") or match.group("title2") or ""
            found_links.append(Link(number, match.group("text"), match.group("target"), title))
            spans.append(match.span())
        for match in _REFERENCE_LINK.finditer(_blank(line, spans)):
            definition = known.get(_label(match.group("ref") or match.group("text")))
            if definition is not None:
                found_links.append(Link(number, match.group("text"), definition.url, definition.title, Kind.REFERENCE))
                spans.append(match.span())
        # Raw <img> only outside what Markdown wrote: alt text and titles may hold "<img ...>" as text.
        for match in _HTML_IMG.finditer(_blank(line, spans)):
            attributes = _attributes(match.group("attributes"))
            if attributes.get("src"):
                found_images.append(Image(number, attributes.get("alt", "").strip(), attributes["src"], attributes.get("title", ""), Kind.HTML))
    return tuple(found_images), tuple(found_links)


def _label(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _blank(line: str, spans: list[tuple[int, int]]) -> str:
    for start, end in spans:
        line = line[:start] + " " * (end - start) + line[end:]
    return line


def _attributes(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(text):
        value = next((v for v in (match.group("dq"), match.group("sq"), match.group("bare")) if v is not None), "")
        found.setdefault(match.group("name").lower(), html.unescape(value))
    return found


def resolve(src: str, page_source: str) -> str | None:
    """The docs-relative path `src` points at from `page_source`, or None when it leaves docs/."""
    src = unquote(src.split("#", 1)[0].split("?", 1)[0])
    base = posixpath.dirname(page_source)
    joined = posixpath.normpath(posixpath.join(base, src)) if not src.startswith("/") else posixpath.normpath(src.lstrip("/"))
    if joined == ".." or joined.startswith("../"):
        return None
    return joined
