"""Traditional → simplified characters, from OpenCC's own tables.

Readers in Hong Kong, Taiwan and the Hakka diaspora type 陳銘樞 and 圍屋. The map is
generated at build time by asking OpenCC (its standard, Taiwan and Hong Kong
tables) to convert every CJK ideograph one at a time, keeping one-to-one changes;
the worker downloads it as a small static file when a query contains Han characters.
"""

from __future__ import annotations

from functools import cache

# CJK Extension A, the Unified Ideographs and the compatibility block; results outside the BMP are
# left out because the worker reads the pairs as UTF-16 code units.
_IDEOGRAPHS = (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000), *range(0xF900, 0xFB00))
_TABLES = ("t2s", "tw2s", "hk2s")


@cache
def traditional_to_simplified() -> dict[str, str]:
    import opencc  # imported here: only search index builds need it

    mapping: dict[str, str] = {}
    for table in _TABLES:
        converter = opencc.OpenCC(table)
        for code in _IDEOGRAPHS:
            char = chr(code)
            converted = converter.convert(char)
            if converted != char and len(converted) == 1 and ord(converted) < 0x10000:
                mapping.setdefault(char, converted)
    return mapping
