"""URL slugs from Chinese titles.

pypinyin picks readings by phrase (so 重庆 is chongqing, 银行 is yinhang), which
a per-character table gets wrong; python-slugify then makes the result a safe,
lower-case, hyphenated URL segment.
"""

from __future__ import annotations

import re
from collections.abc import Container

from pypinyin import Style, lazy_pinyin
from pypinyin.seg.mmseg import seg
from slugify import slugify

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG_LENGTH = 80  # what a valid slug may have at most
# What a generated slug keeps to, and what `check` suggests for longer ones: an address staff can read out.
SLUG_LENGTH = 40
# The slug of a draft imported without a title (待定, "to be decided"), until staff give it one.
PLACEHOLDER_SLUG = "dai-ding"
_HAN = re.compile(r"[\u3400-\u9fff]")
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


# Where a word ends when a title has to be cut inside a run of characters. pypinyin's segmentation knows
# only the phrases it needs for readings (红色, 召开, 党建: not 全年, 网格, 治理), so common word endings
# help: place names (曲樟乡, 合浦县), nouns of people, meetings and processes (网格员, 培训会, 网格化), and
# one-character words that stand between words (为, 与, 在 …).
_WORD_END = set("乡镇县员会化者队站")
_NOT_AFTER_WORD_END = set("村镇级民里亲长委场域议员")  # 乡村, 县级, 村民, 会议, 站长: the word goes on
_ONE_CHARACTER_WORDS = set("的和与及在为是了把将让向对从到并")


def _word_ends(text: str) -> tuple[list[int], set[int]]:
    """Indexes of `text` where a word ends (as far as can be told), and those inside a known phrase."""
    ends, inside = set(), set()
    position = 0
    for word in seg.cut(text):  # single characters are what it does not know: no boundary either side
        if len(word) > 1:
            ends.update((position, position + len(word)))
            inside.update(range(position + 1, position + len(word)))
        position += len(word)
    for index, char in enumerate(text):
        if char in _WORD_END and text[index + 1: index + 2] not in _NOT_AFTER_WORD_END:
            ends.add(index + 1)
        if char in _ONE_CHARACTER_WORDS:
            ends.update((index, index + 1))
        if index and (_HAN.match(char) is None) != (_HAN.match(text[index - 1]) is None):
            ends.add(index)  # 代跑382趟: digits and Latin words are words of their own
        if _CLAUSE_BREAK.match(char):
            ends.update((index, index + 1))
    return sorted(end for end in ends - inside if 0 < end <= len(text)), inside


def _leading_words(text: str, max_length: int) -> str:
    """The first characters of `text` whose syllables fit, cut where a word ends as far as can be told:
    never inside a known phrase or a run of digits, and after the last known word end an even number
    of characters (most words have two: 曲樟乡红色代跑员全|年 keeps …-dai-pao-yuan, not …-quan)."""
    fits = 0
    for count in range(1, len(text) + 1):
        if len(_syllables(text[:count])) > max_length:
            break
        fits = count
    ends, inside = _word_ends(text)
    last = max((end for end in ends if end <= fits), default=0)
    if fits in inside or (fits < len(text) and not _HAN.match(text[fits - 1]) and not _HAN.match(text[fits])
                          and not _CLAUSE_BREAK.match(text[fits - 1] + text[fits])):
        fits = last  # inside 解决问题 or 2025
    elif (fits - last) % 2:
        fits -= 1
    return _syllables(text[:fits]) if fits else ""


def pinyin_slug(text: str, max_length: int = SLUG_LENGTH) -> str:
    """`陈铭枢与十九路军` -> `chen-ming-shu-yu-shi-jiu-lu-jun`.

    Non-Han runs (digits, Latin words) are kept as they are, so
    `2024年工作总结` -> `2024-nian-gong-zuo-zong-jie`. A longer title keeps its first words:
    whole clauses when they fill at least half of `max_length` (`聚焦强根基，夯实基层组织体系`
    -> `ju-jiao-qiang-gen-ji`), else the words that fit (`曲樟乡红色代跑员全年代跑382趟`
    -> `qu-zhang-xiang-hong-se-dai-pao-yuan`, not …-quan with 年 cut off).
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
    return _leading_words(text, max_length) or _leading(whole, max_length)


def placeholder_slug(date: str) -> str:
    """`dai-ding-2026-11-20`: the slug of a draft without a title, from its date (2026-11-20 or 2026-11-20 10:30)."""
    day = re.match(r"\d{4}-\d{2}-\d{2}", date or "")
    return f"{PLACEHOLDER_SLUG}-{day.group(0)}" if day else PLACEHOLDER_SLUG


def is_placeholder_slug(slug: str) -> bool:
    """A slug `placeholder_slug` made (with free_slug's -2, -3 …): the title it should come from was missing."""
    return bool(re.fullmatch(rf"{PLACEHOLDER_SLUG}(?:-\d{{4}}-\d{{2}}-\d{{2}})?(?:-\d+)?", slug or ""))


def is_valid_slug(slug: str) -> bool:
    return bool(SLUG_PATTERN.match(slug)) and len(slug) <= MAX_SLUG_LENGTH


def free_slug(base: str, taken: Container[str], max_length: int = SLUG_LENGTH) -> str:
    """`base`, or `base-2`, `base-3` … whichever is not taken yet; a suffix never makes it longer than
    `max_length` (a long `base` gives up its last syllables for it)."""
    slug, n = base, 2
    while slug in taken:
        suffix = f"-{n}"
        room = max(max_length - len(suffix), 1)
        slug = (base if len(base) <= room else _leading(base, room).rstrip("-")) + suffix
        n += 1
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
