"""How text becomes search terms. The worker mirrors every rule here for the query side.

Readers type substrings, not segmenter words, so Han text is indexed as overlapping
bigrams (any query of two or more characters is a run of bigrams); digits and Latin
letters as words with their prefixes. A number (1.5 is one) directly followed by Han
characters is also indexed with its unit, one and two characters of it (46户, 300万,
300万元), so a query "46户" asks for that one term. Both sides first fold the text:
full-width forms to ASCII, upper to lower case, traditional to simplified characters.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial

HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RUN = re.compile(f"[{HAN_RANGES}]+")
# A decimal number is one run (1.5万亩), so its unit term holds the whole number.
WORD_RUN = re.compile(f"[{HAN_RANGES}]+|[0-9]+(?:\\.[0-9]+)+|[0-9a-z]+")
NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)*")
UNIT = 2  # characters of a unit: 户, 万元
# WORD_RUN's Han runs as their overlapping bigrams; its other runs with the Han characters that
# directly follow them (up to UNIT of them: the unit when the run is a number).
HAN_BIGRAM = re.compile(f"(?=([{HAN_RANGES}]{{2}}))")
LATIN_RUN_UNIT = re.compile(f"([0-9]+(?:\\.[0-9]+)+|[0-9a-z]+)([{HAN_RANGES}]{{0,{UNIT}}})")
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


def folder(table: Mapping[int, str]) -> Callable[[str], str]:
    """fold() with this table, quicker for the archive's texts: a regular expression finds the few
    characters that change, where str.translate looks every character up."""
    changed = re.compile("[" + "".join(map(re.escape, map(chr, sorted(table)))) + "]")

    def replace(match: re.Match[str]) -> str:
        return table[ord(match.group())]

    return partial(changed.sub, replace)


def runs(folded: str) -> list[str]:
    """Han runs and Latin/digit words, in order; everything else separates them."""
    return WORD_RUN.findall(folded)


def unit_runs(folded: str) -> Iterator[tuple[str, str | None]]:
    """Each run with the Han run that directly follows it when the run is a number (its unit), else None."""
    found = list(WORD_RUN.finditer(folded))
    for n, match in enumerate(found):
        after = found[n + 1] if n + 1 < len(found) else None
        unit = None
        if after is not None and after.start() == match.end() and NUMBER.fullmatch(match.group()) and is_han(after.group()):
            unit = after.group()
        yield match.group(), unit


def is_han(run: str) -> bool:
    return bool(HAN_RUN.fullmatch(run))


def bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def body_term_counts(folded: str) -> Counter[str]:
    """Terms for running text, each with how often it occurs: Han bigrams, Latin/digit words and
    their prefixes, numbers with one and two characters of their unit."""
    # The same terms as bigrams() of each Han run and the unit of unit_runs(), found by two regular
    # expressions over the whole text: this runs for every article of the archive.
    counts = Counter(HAN_BIGRAM.findall(folded))
    for run, unit in LATIN_RUN_UNIT.findall(folded):
        counts.update(run[:n] for n in range(1, min(len(run), MAX_PREFIX) + 1))
        if unit and NUMBER.fullmatch(run):
            counts.update({run + unit[:n] for n in range(1, len(unit) + 1)})
    return counts


def body_terms(folded: str) -> set[str]:
    return set(body_term_counts(folded))


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
        consumed = False  # a one-character Han run that is the previous number's unit
        for run, unit in unit_runs(word):
            if is_han(run):
                if len(run) > 1:
                    terms.extend(bigrams(run))
                elif not consumed:
                    terms.append(run)
                consumed = False
            else:
                # A number typed with its unit asks for the number-with-unit term, not the bare number.
                terms.append(run + unit[:UNIT] if unit else run[:MAX_PREFIX])
                consumed = unit is not None
        if terms:
            words.append(terms)
    return words


def shard_of(term: str, shard_count: int) -> int:
    return term_hash(term) % shard_count


def term_hash(term: str) -> int:
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
    return value


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
