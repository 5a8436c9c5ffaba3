"""How text becomes search terms. The worker mirrors every rule here for the query side.

Readers type substrings, not segmenter words, so Han text is indexed as overlapping
bigrams (any query of two or more characters is a run of bigrams); digits and Latin
letters as words with their prefixes. Both sides first fold the text: full-width
forms to ASCII, upper to lower case, traditional to simplified characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RUN = re.compile(f"[{HAN_RANGES}]+")
WORD_RUN = re.compile(f"[{HAN_RANGES}]+|[0-9a-z]+")
# Longer Latin prefixes than this are never typed; capping keeps the index small.
MAX_PREFIX = 16


def fold_table(simplified: Mapping[str, str]) -> dict[int, str]:
    """One character in, one character out, so positions in folded and original text agree."""
    table = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}  # full-width ASCII
    table[0x3000] = " "  # ideographic space
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code + 32)
    for code in range(0xFF21, 0xFF3B):  # full-width capitals fold straight to lower case
        table[code] = chr(code - 0xFEE0 + 32)
    for traditional, simple in simplified.items():
        table[ord(traditional)] = simple
    return table


def fold(text: str, table: Mapping[int, str]) -> str:
    return text.translate(table)


def runs(folded: str) -> list[str]:
    """Han runs and Latin/digit words, in order; everything else separates them."""
    return WORD_RUN.findall(folded)


def is_han(run: str) -> bool:
    return bool(HAN_RUN.fullmatch(run))


def bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def body_terms(folded: str) -> set[str]:
    """Terms for running text: Han bigrams, Latin/digit words and their prefixes."""
    terms: set[str] = set()
    for run in runs(folded):
        if is_han(run):
            terms.update(bigrams(run))
        else:
            terms.update(run[:n] for n in range(1, min(len(run), MAX_PREFIX) + 1))
    return terms


def label_terms(folded: str) -> set[str]:
    """Terms for titles, tags and names: as body text, plus single Han characters,
    because a reader may type one character of a short name."""
    terms = body_terms(folded)
    for run in runs(folded):
        if is_han(run):
            terms.update(run)
    return terms


def query_words(folded: str) -> list[list[str]]:
    """The terms each space-separated word of a query needs (all of them must match)."""
    words = []
    for word in folded.split():
        terms: list[str] = []
        for run in runs(word):
            if is_han(run):
                terms.extend(bigrams(run) if len(run) > 1 else [run])
            else:
                terms.append(run[:MAX_PREFIX])
        if terms:
            words.append(terms)
    return words


def shard_of(term: str, shard_count: int) -> int:
    """FNV-1a over UTF-16 code units (the unit JavaScript's charCodeAt sees), then murmur3's
    final mix, because the low bits of FNV alone cluster for two-character terms."""
    value = 0x811C9DC5
    data = term.encode("utf-16-le")
    for i in range(0, len(data), 2):
        value ^= data[i] | data[i + 1] << 8
        value = value * 0x01000193 & 0xFFFFFFFF
    value ^= value >> 16
    value = value * 0x85EBCA6B & 0xFFFFFFFF
    value ^= value >> 13
    value = value * 0xC2B2AE35 & 0xFFFFFFFF
    value ^= value >> 16
    return value % shard_count


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
