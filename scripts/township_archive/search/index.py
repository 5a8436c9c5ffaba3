"""The search index as static files: term shards, document chunks, texts for excerpts.

Layout under `search/<version>/` (the version is a hash of the content, so every
file can be cached for ever and a new build never mixes with an old one):

- `t/<n>.js`  terms whose hash falls in shard n, each with its postings;
- `d/<n>.js`  document rows (address, title, section, date, tags), CHUNK per file;
- `x/<id>.js` one document's plain text, fetched only for the results shown first;
- `fold.js`   the traditional → simplified character pairs.

Every file is a script calling `archiveSearch.<kind>(…)`, so the worker can load it
with `importScripts` over http and our iframe stand-in can load it from file://.
Document ids follow the ranking tie-break: newest article first, undated pages last.
A posting is `delta * 4 + field`, field 3 for titles, 2 for tags, section and
village names (and pinyin of either), 1 for body text.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .pinyin import pinyin_terms
from .text import body_terms, fold, fold_table, label_terms, shard_of

TITLE, LABEL, BODY = 3, 2, 1
CHUNK = 100
MAX_TEXT = 4000
# About 24 KB of terms per shard: a query of four characters touches three shards.
SHARD_BYTES = 24_000


@dataclass(frozen=True)
class SearchDocument:
    url: str
    title: str
    text: str
    section: str = ""
    date: str = ""  # ISO, for ordering; "" for pages that are not articles
    date_label: str = ""  # as readers see it: 2025年3月1日
    tags: tuple[str, ...] = ()
    villages: tuple[str, ...] = ()


@dataclass
class SearchFiles:
    version: str
    shard_count: int
    documents: int
    files: dict[str, str] = field(default_factory=dict)  # path under search/ -> content

    @property
    def manifest(self) -> dict:
        """What the worker needs to find the files; travels inside Material's (empty) index."""
        return {"version": self.version, "shards": self.shard_count, "chunk": CHUNK, "documents": self.documents}


def ranked(documents: Iterable[SearchDocument]) -> list[SearchDocument]:
    by_url = sorted(documents, key=lambda d: d.url)
    dated = sorted((d for d in by_url if d.date), key=lambda d: d.date, reverse=True)
    return dated + [d for d in by_url if not d.date]


def postings(documents: list[SearchDocument], table: Mapping[int, str]) -> dict[str, array]:
    """term -> `doc_id * 4 + field` for each document having it, ascending. Compact arrays, because a
    large archive has millions of postings."""
    index: dict[str, array] = {}
    for doc_id, doc in enumerate(documents):
        fields = dict.fromkeys(body_terms(fold(doc.text, table)), BODY)
        for label in (doc.section, *doc.tags, *doc.villages):
            for term in label_terms(fold(label, table)) | pinyin_terms(label):
                fields[term] = LABEL
        for term in label_terms(fold(doc.title, table)) | pinyin_terms(doc.title):
            fields[term] = TITLE
        for term, weight in fields.items():
            found = index.get(term)
            if found is None:
                found = index[term] = array("I")
            found.append(doc_id * 4 + weight)
    return index


def encode(values: Iterable[int]) -> list[int]:
    """Delta-encode document ids, keeping the field in the low two bits."""
    encoded, previous = [], 0
    for value in values:
        doc_id = value >> 2
        encoded.append((doc_id - previous) * 4 + (value & 3))
        previous = doc_id
    return encoded


def build_search_files(documents: Iterable[SearchDocument], simplified: Mapping[str, str]) -> SearchFiles:
    docs = ranked(documents)
    index = postings(docs, fold_table(simplified))
    size = sum(len(term.encode()) + 4 * len(values) + 4 for term, values in index.items())
    shard_count = 1
    while shard_count * SHARD_BYTES < size:
        shard_count *= 2
    shard_terms: list[list[str]] = [[] for _ in range(shard_count)]
    for term in sorted(index):
        shard_terms[shard_of(term, shard_count)].append(term)

    files: dict[str, str] = {}
    for n, terms in enumerate(shard_terms):
        files[f"t/{n}.js"] = _call("terms", n, {term: encode(index[term]) for term in terms})
    del index
    for start in range(0, len(docs), CHUNK):
        rows = [[d.url, d.title, d.section, d.date_label, list(d.tags)] for d in docs[start : start + CHUNK]]
        files[f"d/{start // CHUNK}.js"] = _call("docs", start // CHUNK, rows)
    for doc_id, doc in enumerate(docs):
        files[f"x/{doc_id}.js"] = _call("text", doc_id, doc.text[:MAX_TEXT])
    files["fold.js"] = _call("fold", 0, "".join(a + b for a, b in sorted(simplified.items())))

    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + files[path].encode() + b"\0")
    version = digest.hexdigest()[:12]
    return SearchFiles(version, shard_count, len(docs), {f"{version}/{p}": c for p, c in files.items()})


def _call(kind: str, key: int, data) -> str:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"archiveSearch.{kind}({key},{payload});\n"


_DROPPED = re.compile(r"<(script|style|template)\b.*?</\1>|<a [^>]*class=\"headerlink\"[^>]*>.*?</a>", re.DOTALL | re.IGNORECASE)
_BREAKS = re.compile(r"<(?:/p|br|/li|/h\d|/figcaption|/td|/tr|/blockquote|/div)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"[ \t\r\f\v\u00a0]+")


def html_text(markup: str) -> str:
    """The words a reader sees on the page, one paragraph per line."""
    text = _DROPPED.sub(" ", markup)
    text = _BREAKS.sub("\n", text)
    text = html.unescape(_TAG.sub("", text))
    lines = (_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
