"""Where an image an article refers to lives in docs/ (the references themselves are found by
`content.markdown_scan`)."""

from __future__ import annotations

import posixpath
from urllib.parse import unquote


def resolve(src: str, page_source: str) -> str | None:
    """The docs-relative path `src` points at from `page_source`, or None when it leaves docs/."""
    src = unquote(src.split("#", 1)[0].split("?", 1)[0])
    base = posixpath.dirname(page_source)
    joined = posixpath.normpath(posixpath.join(base, src)) if not src.startswith("/") else posixpath.normpath(src.lstrip("/"))
    if joined == ".." or joined.startswith("../"):
        return None
    return joined
