"""Pinyin terms for titles, tags, sections and village names.

A reader without a Chinese keyboard types `chenmingshu` or just `cms`. Syllable
windows (one to five syllables, spelled out) and initial windows (two to six
letters) of each Han run cover what people type for a name or a title's words,
without indexing every letter prefix. pypinyin reads by phrase, so 重 in 重阳 is
`chong`, not `zhong`.
"""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin

from .text import HAN_RUN, MAX_PREFIX

MAX_SYLLABLES = 5
MAX_INITIALS = 6


def pinyin_terms(label: str) -> set[str]:
    terms: set[str] = set()
    for run in HAN_RUN.findall(label):
        syllables = [s for s in lazy_pinyin(run, style=Style.NORMAL, errors="ignore") if s.isascii() and s.isalpha()]
        for start in range(len(syllables)):
            for size in range(1, MAX_SYLLABLES + 1):
                window = syllables[start : start + size]
                if len(window) < size:
                    break
                spelling = "".join(window)
                # A query word is cut at MAX_PREFIX letters, so a longer spelling is found by its first ones.
                terms.add(spelling[:MAX_PREFIX])
            for size in range(2, MAX_INITIALS + 1):
                window = syllables[start : start + size]
                if len(window) < size:
                    break
                terms.add("".join(s[0] for s in window))
    return terms
