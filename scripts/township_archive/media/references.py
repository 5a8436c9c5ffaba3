"""Finding the images an article's Markdown refers to, with their line numbers."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote

_IMAGE = re.compile(
    r"!\[(?P<alt>[^\]]*)\]\(\s*<?(?P<src>[^)\s>]+)>?(?:\s+(?:\"(?P<title>[^\"]*)\"|'(?P<title2>[^']*)'))?\s*\)"
)
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class ImageReference:
    line: int
    alt: str
    src: str
    title: str

    @property
    def is_external(self) -> bool:
        return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//", self.src))


def image_references(markdown: str, first_line: int = 1) -> list[ImageReference]:
    """`first_line` is the file line the Markdown body starts on; fenced code is skipped."""
    found = []
    fenced = False
    for offset, line in enumerate(markdown.splitlines()):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        for match in _IMAGE.finditer(line):
            title = match.group("title") or match.group("title2") or ""
            found.append(ImageReference(first_line + offset, match.group("alt").strip(), match.group("src"), title))
    return found


def resolve(src: str, page_source: str) -> str | None:
    """The docs-relative path `src` points at from `page_source`, or None when it leaves docs/."""
    src = unquote(src.split("#", 1)[0].split("?", 1)[0])
    base = posixpath.dirname(page_source)
    joined = posixpath.normpath(posixpath.join(base, src)) if not src.startswith("/") else posixpath.normpath(src.lstrip("/"))
    if joined == ".." or joined.startswith("../"):
        return None
    return joined
