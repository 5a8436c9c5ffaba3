"""The search's ranking, as the worker computes it from the index files; the worker mirrors this rule for rule.

BM25F over the fields index.py weighs into each posting: a query word's score is the sum over its
terms of idf × (W_TITLE·title + W_LABEL·label + body), so rare terms weigh more and a term many times in
a short body more than once in a long one. Every word must match; the words' scores add up. Then the
first RERANK results are scored again with their rows: the word standing whole in the title, a tag equal
to the word, the title equal to the whole query; and the first PHRASE with their texts: the word's
characters standing together in the text, not only its bigrams scattered. Ties go to the lower id, the
newer article: recency only breaks ties. Scores are rounded to 1e-6 so Python and JavaScript agree.

The worker (overrides/assets/javascripts/workers/archive-search.js) is pinned to this module by
tests/test_search_contract.py on shared vectors.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from .text import fold, is_han, query_words, runs, shard_of

W_TITLE, W_LABEL = 2.0, 1.0
B_TITLE_PHRASE, B_TAG, B_EXACT, B_PHRASE = 2.0, 1.5, 3.0, 1.5
RERANK, PHRASE = 100, 10

_CALL = re.compile(r"archiveSearch\.(\w+)\((\d+),(.*)\);\n$", re.DOTALL)


def idf(documents: int, having: int) -> float:
    return math.log(1 + (documents - having + 0.5) / (having + 0.5))


def rounded(score: float) -> float:
    return math.floor(score * 1e6 + 0.5) / 1e6


def key(folded: str) -> str:
    """Text compared whole: its runs, without the spaces and punctuation between them."""
    return "".join(runs(folded))


@dataclass(frozen=True)
class Ranked:
    total: int  # every document matching the query
    results: list[tuple[int, float]]  # (document id, score), best first


class IndexFiles:
    """The index files as the worker reads them (path under search/<version>/ -> content)."""

    def __init__(self, manifest: Mapping, files: Mapping[str, str], table: Mapping[int, str]) -> None:
        self.manifest = manifest
        self.files = files
        self.table = table
        self._cache: dict[str, object] = {}

    def _load(self, path: str):
        if path not in self._cache:
            content = self.files.get(f"{self.manifest['version']}/{path}")
            self._cache[path] = None if content is None else json.loads(_CALL.match(content).group(3))
        return self._cache[path]

    def postings(self, term: str, shard: int) -> dict[int, int]:
        found, doc_id = {}, 0
        for value in (self._load(f"t/{shard}.js") or {}).get(term, ()):
            doc_id += value >> 8
            found[doc_id] = value & 255
        return found

    def row(self, doc_id: int) -> list:
        chunk = self.manifest["chunk"]
        rows = self._load(f"d/{doc_id // chunk}.js") or []
        return rows[doc_id % chunk] if doc_id % chunk < len(rows) else []

    def text(self, doc_id: int) -> str | None:
        return self._load(f"x/{doc_id}.js")


def field_weight(value: int) -> float:
    return W_TITLE * ((value >> 1) & 7) / 7 + W_LABEL * (value & 1) + ((value >> 4) & 15) / 15


def search(index: IndexFiles, query: str) -> Ranked:
    folded_query = fold(query, index.table)
    words = query_words(folded_query)
    if not words:
        return Ranked(0, [])
    documents, shards = index.manifest["documents"], index.manifest["shards"]
    scores: dict[int, float] | None = None
    weights: list[float] = []
    for terms in words:
        found: dict[int, float] | None = None
        weight = 0.0
        for term in terms:
            hits = index.postings(term, shard_of(term, shards))
            term_idf = idf(documents, len(hits))
            weight += term_idf
            scored = {doc: term_idf * field_weight(value) for doc, value in hits.items()}
            found = scored if found is None else {doc: s + scored[doc] for doc, s in found.items() if doc in scored}
        weights.append(weight)
        scores = found if scores is None else {doc: s + found[doc] for doc, s in scores.items() if doc in found}
    assert scores is not None
    order = sorted(scores.items(), key=lambda entry: (-entry[1], entry[0]))

    texts = [word for word in folded_query.split() if query_words(word)]
    keys = [key(word) for word in texts]
    whole = "".join(keys)
    head = []
    for doc_id, score in order[:RERANK]:
        row = index.row(doc_id)
        title = key(fold(row[1], index.table)) if row else ""
        tags = {key(fold(tag, index.table)) for tag in row[4]} if row else set()
        for word_key, weight in zip(keys, weights, strict=True):
            if word_key and word_key in title:
                score += B_TITLE_PHRASE * weight
            if word_key in tags:
                score += B_TAG * weight
        if title == whole:
            score += B_EXACT * sum(weights)
        head.append((doc_id, score))
    head.sort(key=lambda entry: (-entry[1], entry[0]))

    phrases = [[run for run in runs(word) if is_han(run) and len(run) > 2] for word in texts]
    top = []
    for doc_id, score in head[:PHRASE]:
        text = index.text(doc_id)
        if text is not None:
            folded = fold(text, index.table)
            for needed, weight in zip(phrases, weights, strict=True):
                if needed and all(run in folded for run in needed):
                    score += B_PHRASE * weight
        top.append((doc_id, score))
    top.sort(key=lambda entry: (-entry[1], entry[0]))
    results = [(doc_id, rounded(score)) for doc_id, score in [*top, *head[PHRASE:], *order[RERANK:]]]
    return Ranked(len(order), results)

