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
MAX_SLUG_LENGTH = 80  # what a valid slug may have at most
# What a generated slug keeps to, and what `check` suggests for longer ones: an address staff can read out.
SLUG_LENGTH = 40
# The slug of a draft imported without a title (待定, "to be decided"), until staff give it one.
PLACEHOLDER_SLUG = "dai-ding"
_CLAUSE_BREAK = re.compile(r"[\s，,。、；;：:！!？?·—（）()《》〈〉“”\"'‘’【】\[\]|｜/]+")


def _syllables(text: str) -> str:
    syllables = lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: [chars], v_to_u=False)
    return slugify(" ".join(syllables), separator="-")


def _leading(slug: str, max_length: int) -> str:
    """The syllables a slug starts with, as many as fit. (python-slugify's own word_boundary cut skips a syllable
    that does not fit and goes on with shorter ones after it: ji-ceng-zhi became ji-zhi.)"""
    if len(slug) <= max_length:
        return slug
    head = slug[: max_length + 1]
    return head.rsplit("-", 1)[0] if "-" in head else slug[:max_length]


def pinyin_slug(text: str, max_length: int = SLUG_LENGTH) -> str:
    """`陈铭枢与十九路军` -> `chen-ming-shu-yu-shi-jiu-lu-jun`.

    Non-Han runs (digits, Latin words) are kept as they are, so
    `2024年工作总结` -> `2024-nian-gong-zuo-zong-jie`. A longer title keeps its first words:
    whole clauses when they fill at least half of `max_length` (`聚焦强根基，夯实基层组织体系`
    -> `ju-jiao-qiang-gen-ji`), else as many syllables as fit.
    """
    whole = _syllables(text)
    if max_length <= 0 or len(whole) <= max_length:
        return whole
    kept = ""
    for clause in filter(None, _CLAUSE_BREAK.split(text)):
        if len(_syllables(f"{kept} {clause}")) > max_length:
            break
        kept = f"{kept} {clause}"
    if kept and len(_syllables(kept)) * 2 >= max_length:
        return _syllables(kept)
    return _leading(whole, max_length)


def placeholder_slug(date: str) -> str:
    """`dai-ding-2026-11-20`: the slug of a draft without a title, from its date (2026-11-20 or 2026-11-20 10:30)."""
    day = re.match(r"\d{4}-\d{2}-\d{2}", date or "")
    return f"{PLACEHOLDER_SLUG}-{day.group(0)}" if day else PLACEHOLDER_SLUG


def is_placeholder_slug(slug: str) -> bool:
    """A slug `placeholder_slug` made (with free_slug's -2, -3 …): the title it should come from was missing."""
    return bool(re.fullmatch(rf"{PLACEHOLDER_SLUG}(?:-\d{{4}}-\d{{2}}-\d{{2}})?(?:-\d+)?", slug or ""))


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
