"""URL slugs from Chinese titles.

pypinyin picks readings by phrase (so 重庆 is chongqing, 银行 is yinhang), which
a per-character table gets wrong; python-slugify then makes the result a safe,
lower-case, hyphenated URL segment.
"""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin
from slugify import slugify

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG_LENGTH = 80


def pinyin_slug(text: str, max_length: int = MAX_SLUG_LENGTH) -> str:
    """`陈铭枢与十九路军` -> `chen-ming-shu-yu-shi-jiu-lu-jun`.

    Non-Han runs (digits, Latin words) are kept as they are, so
    `2024年工作总结` -> `2024-nian-gong-zuo-zong-jie`.
    """
    syllables = lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: [chars], v_to_u=False)
    return slugify(" ".join(syllables), max_length=max_length, word_boundary=True, separator="-")


def is_valid_slug(slug: str) -> bool:
    return bool(SLUG_PATTERN.match(slug)) and len(slug) <= MAX_SLUG_LENGTH


def free_slug(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3` … whichever is not taken yet."""
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def unique_slugs(names: list[str]) -> dict[str, str]:
    """Give each distinct name a distinct slug, in a stable order.

    Used for tags and villages, whose names may share a reading (师/诗): the
    first name in sorted order keeps the plain slug, later ones get -2, -3 ...
    """
    taken: dict[str, str] = {}
    result: dict[str, str] = {}
    for name in sorted(set(names)):
        slug = free_slug(pinyin_slug(name) or "x", set(taken))
        taken[slug] = name
        result[name] = slug
    return result


def heading_slug(value: str, separator: str = "-") -> str:
    """Heading anchors in pinyin (`#tou-shen-xin-hai-ge-ming`) instead of `#_1`,
    so a link to a paragraph says what it points at. Used as toc's `slugify`."""
    return pinyin_slug(value, max_length=60).replace("-", separator) or "section"
