"""Lists as staff type them, read one way for the schema and for the review fingerprints.

A Chinese input method types ，、； where YAML wants a half-width comma: `tags: [基层党建，网格]` is
one item to YAML, `authors: 张三、李四` one text, `tags: 【基层党建, 网格】` no list at all. The
schema reads each as the list it means (and notes how it read it); the 三审 fingerprint reads the
same items, so writing a list another way (a flow list, a block list, the separators `check`
suggests) is never a change of content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .frontmatter import clean_text

# Front-matter fields whose value is a list of words (the schema's TEXT_LIST and ALIASES fields;
# tests/test_review_gate.py holds the two to the same names).
LIST_FIELDS = frozenset({"authors", "tags", "villages", "aliases"})

# Between the items of a list written as one text (authors: 张三、李四), and inside one item of a
# YAML list, where a Chinese input method's comma or 顿号 makes one item of several.
SEPARATORS = re.compile(r"[，,、；;]\s*")
# A list typed in full-width brackets is text to YAML (tags: 【基层党建, 网格】): read as the list it means.
FULL_WIDTH_BRACKETS = {"【": "】", "［": "］", "〔": "〕", "〖": "〗"}


@dataclass(frozen=True)
class Split:
    """One item as written that held separators (the `index`th of the YAML list), and its parts."""

    index: int
    written: str
    parts: tuple[str, ...]

    @property
    def separators(self) -> str:
        return "".join(dict.fromkeys(match.group().strip() for match in SEPARATORS.finditer(self.written)))


@dataclass(frozen=True)
class ListReading:
    """How a list field's value was read: its items (None for an item that is not text) and what was
    understood on the way (a text split at its separators, full-width brackets, items that held separators)."""

    items: tuple[str | None, ...]
    brackets: str = ""  # the full-width pair it was written in, e.g. 【】
    as_text: bool = False  # written as one text, not as a YAML list
    splits: tuple[Split, ...] = field(default_factory=tuple)

    @property
    def valid(self) -> bool:
        return all(item is not None for item in self.items)

    @property
    def words(self) -> tuple[str, ...]:
        """The items as the build uses them: without stray invisible characters, empty ones and repeats."""
        cleaned = (clean_text(item) for item in self.items if item)
        return tuple(dict.fromkeys(item for item in cleaned if item))


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return str(value)
        except ValueError:  # an integer with thousands of digits
            return None
    return None


def read_list(value: Any) -> ListReading | None:
    """`value` (a list field as YAML read it) as a list of words; None when absent."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        brackets = ""
        if len(text) > 1 and FULL_WIDTH_BRACKETS.get(text[0]) == text[-1]:
            brackets, text = text[0] + text[-1], text[1:-1]
        items = tuple(item.strip() for item in SEPARATORS.split(text))
        return ListReading(items, brackets, as_text=True)
    if not isinstance(value, list):
        return ListReading((None,))
    items: list[str | None] = []
    splits = []
    for index, item in enumerate(value):
        text = _text(item)
        if text is None or not isinstance(item, str):
            items.append(text)
            continue
        parts = [part.strip() for part in SEPARATORS.split(text)]
        if len([part for part in parts if part]) > 1:
            splits.append(Split(index, text, tuple(part for part in parts if part)))
        items += parts
    return ListReading(tuple(items), splits=tuple(splits))


def normalised(data: dict[str, Any]) -> dict[str, Any]:
    """Front-matter data as the build reads its values: list fields as their words, text without
    surrounding whitespace or stray invisible characters, empty values (`summary: ''`, `tags: []`,
    a key without a value) as if not written."""
    result = {}
    for key, value in data.items():
        reading = read_list(value) if key in LIST_FIELDS else None
        value = list(reading.words) if reading is not None and reading.valid else _value(value)
        if value not in (None, "", [], {}):
            result[str(key)] = value
    return result


def _value(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {str(key): _value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_value(item) for item in value]
    return value
