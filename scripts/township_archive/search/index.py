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
A posting is `delta * 256 + body * 16 + title * 2 + label`: `body` (0–15) and `title`
(0–7) are the term's BM25 weight in that field, term frequency saturated and scaled
by the field's length against the archive's average, quantised here so the worker
needs no document lengths; `label` is 1 when a tag or village name (or its pinyin)
has the term. The section's name is not a label of its articles: it is the title of
the section's own page. rank.py and the worker turn these into a score.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import pickle
import re
import shutil
import tempfile
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, repeat
from operator import and_, sub
from pathlib import Path

from .pinyin import pinyin_terms
from .text import body_term_counts, fold_table, folder, label_terms, runs, term_hash

# BM25's saturation and length normalisation.
K1, B = 1.2, 0.75
BODY_LEVELS, TITLE_LEVELS = 15, 7
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


def level(tf: int, length: float, average: float, levels: int) -> int:
    """BM25's weight of a term occurring tf times in a field of `length` (against the average),
    on a scale of 1..levels: 0 only when the term is absent."""
    if tf == 0:
        return 0
    weight = tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / (average or 1)))
    return min(levels, max(1, int(levels * weight / (K1 + 1) + 0.5)))


# The index is assembled a bucket of terms at a time, so that the postings being appended to stay in
# the CPU's cache (at 2,000 articles all postings take tens of megabytes). Buckets by Python's own
# hash: they only order the work, not the output, and analyses do not outlive the process.
BUCKETS = 16
# Groups of terms by the low bits of their shard hash, a power of two: a shard's terms are in one group.
GROUPS = 64


@dataclass(frozen=True, eq=False)
class Analysis:
    """What the index takes from one document, computed from that document alone, so that it can
    be kept: after an edit only the edited document is analysed again (the weights, which depend
    on the whole archive's average lengths, are assembled afresh)."""

    body_length: int
    title_length: int
    frequencies: frozenset[int]  # the distinct numbers of times a body term occurs
    # For each bucket: the body's terms joined by spaces (one string, not one per term: kept analyses
    # would otherwise hold a copy of every term of every document), how often each occurs, the terms
    # of its tags and villages (and their pinyin), the terms of its title (and their pinyin).
    buckets: tuple[tuple[str, array, tuple[str, ...], tuple[str, ...]], ...]


class Analyser:
    """Analyses documents with one fold table, remembering each tag's and village's terms (the same
    few labels recur on thousands of articles) and, with `keep` (for a process that builds again, as
    the preview server does), each document's analysis, each term's shard hash and the last build's
    files, so that the next build analyses only what changed (and builds nothing if nothing did).
    `keep_only` bounds what is kept to one archive's worth; a single build keeps nothing, so its peak
    memory is that of the index alone."""

    def __init__(self, simplified: Mapping[str, str], *, keep: bool = False) -> None:
        self.simplified = simplified
        self.table = fold_table(simplified)
        self.fold = folder(self.table)
        self.keep = keep
        self._documents: dict[SearchDocument, Analysis] = {}
        self._labels: dict[str, frozenset[str]] = {}
        self._hashes: dict[str, int] = {}
        self.last: tuple[list[SearchDocument], SearchFiles] | None = None  # kept: the files of the last build

    def __call__(self, doc: SearchDocument) -> Analysis:
        found = self._documents.get(doc)
        if found is None:
            found = self._analyse(doc)
            if self.keep:
                self._documents[doc] = found
        return found

    def _analyse(self, doc: SearchDocument) -> Analysis:
        text, title = self.fold(doc.text), self.fold(doc.title)
        counts = body_term_counts(text)
        terms: list[list[str]] = [[] for _ in range(BUCKETS)]
        tfs: list[list[int]] = [[] for _ in range(BUCKETS)]
        for term, tf in counts.items():
            bucket = hash(term) % BUCKETS
            terms[bucket].append(term)
            tfs[bucket].append(tf)
        labels = _bucketed(frozenset().union(*map(self._label, (*doc.tags, *doc.villages))))
        titles = _bucketed(label_terms(title) | pinyin_terms(doc.title))
        return Analysis(
            _length(text), _length(title), frozenset(counts.values()),
            tuple(zip(map(" ".join, terms), map(partial(array, "I"), tfs), labels, titles, strict=True)),
        )

    def _label(self, label: str) -> frozenset[str]:
        found = self._labels.get(label)
        if found is None:
            found = self._labels[label] = frozenset(label_terms(self.fold(label)) | pinyin_terms(label))
        return found

    def term_hash(self, term: str) -> int:
        found = self._hashes.get(term)
        if found is None:
            found = term_hash(term)
            if self.keep:
                self._hashes[term] = found
        return found

    def keep_only(self, documents: Iterable[SearchDocument], terms: int) -> None:
        """Forget the analyses of documents not in `documents`, and the hashes if they are many more than `terms`."""
        self._documents = {doc: self._documents[doc] for doc in documents if doc in self._documents}
        if len(self._hashes) > 2 * terms:
            self._hashes = {}


def _bucketed(terms: Iterable[str]) -> list[tuple[str, ...]]:
    buckets: list[list[str]] = [[] for _ in range(BUCKETS)]
    for term in terms:
        buckets[hash(term) % BUCKETS].append(term)
    return list(map(tuple, buckets))


def _length(folded: str) -> int:
    return sum(map(len, runs(folded)))


def encode(values: array) -> array:
    """Delta-encode document ids, keeping the field weights in the low eight bits:
    each value minus the previous one's document part."""
    if len(values) < 2:  # a third of the terms: the first posting is its own delta
        return values
    return array("I", map(sub, values, chain((0,), map(and_, values, repeat(~255)))))


def build_search_files(
    documents: Iterable[SearchDocument], simplified: Mapping[str, str], analyser: Analyser | None = None
) -> SearchFiles:
    """The index files in memory (tests, benchmarks); `analyser` (for the same `simplified`) carries
    analyses over from an earlier build. A build publishes with `write_index` instead."""
    analyser = _checked(analyser, simplified)
    docs = ranked(documents)
    if analyser.last is not None and analyser.last[0] == docs and analyser.last[1].files:
        return analyser.last[1]  # the preview rebuilt for a template or a save without changes
    sink = _MemorySink()
    built = _build(docs, simplified, analyser, sink, spill=None)
    built.files.update((f"{built.version}/{path}", content) for path, content in sink.files.items())
    if analyser.keep:
        analyser.last = (docs, built)
    return built


def write_index(
    documents: Iterable[SearchDocument], simplified: Mapping[str, str], root: Path, analyser: Analyser | None = None,
    *, work: Path | None = None,
) -> SearchFiles:
    """Write the index files into `root/<version>/` (`root` is the site's search/ folder), holding
    little more than one shard's worth of them: every file goes to disk as soon as it is made (into a
    folder renamed to the version at the end, the version read back from the files), and the
    documents' terms wait on disk while the other documents are analysed. The returned files' `files`
    is empty. An index already complete there is not written again; its manifest is touched (the newest).
    `work`: where that folder is made (default `root`; on the same file system), when something else
    may clear `root` meanwhile (the preview's builds, while its writer works)."""
    analyser = _checked(analyser, simplified)
    docs = ranked(documents)
    last = analyser.last
    if last is not None and last[0] == docs and _complete(root, last[1].version):
        return _touch(root, last[1])
    root.mkdir(parents=True, exist_ok=True)
    partial_folder = Path(tempfile.mkdtemp(prefix=".partial-" if work is None else ".township-archive-search-", dir=work or root))
    # mkdtemp's folder is the builder's alone (0700); renamed into the site, the web server's workers must read it.
    os.chmod(partial_folder, 0o755)
    try:
        spill = partial_folder / ".spill"
        spill.mkdir()
        sink = _FolderSink(partial_folder)
        built = _build(docs, simplified, analyser, sink, spill=None if analyser.keep else spill)
        shutil.rmtree(spill)
        final = root / built.version
        if _complete(root, built.version):
            shutil.rmtree(partial_folder)
            _touch(root, built)
        else:
            if final.exists():  # an earlier writer stopped half-way
                shutil.rmtree(final)
            root.mkdir(parents=True, exist_ok=True)
            shutil.move(partial_folder, final)  # a rename on one file system
            # Last: a manifest says its index is complete.
            (final / "manifest.json").write_text(json.dumps(built.manifest), encoding="utf-8")
    except BaseException:
        shutil.rmtree(partial_folder, ignore_errors=True)
        raise
    if analyser.keep:
        analyser.last = (docs, built)
    return built


def _checked(analyser: Analyser | None, simplified: Mapping[str, str]) -> Analyser:
    if analyser is None:
        return Analyser(simplified)
    if analyser.simplified is not simplified:
        raise ValueError("the analyser folds with another table")
    return analyser


def _complete(root: Path, version: str) -> bool:
    return (root / version / "manifest.json").is_file()


def _touch(root: Path, built: SearchFiles) -> SearchFiles:
    (root / built.version / "manifest.json").touch()  # the newest index again, for latest_manifest
    return SearchFiles(built.version, built.shard_count, built.documents)


class _MemorySink:
    def __init__(self) -> None:
        self.files: dict[str, str] = {}

    def write(self, path: str, content: str) -> None:
        self.files[path] = content

    def contents(self, paths: Iterable[str]) -> Iterator[bytes]:
        return (self.files[path].encode() for path in paths)


class _FolderSink:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.made: set[str] = set()

    def write(self, path: str, content: str) -> None:
        parent = path.rpartition("/")[0]
        if parent not in self.made:
            (self.folder / parent).mkdir(parents=True, exist_ok=True)
            self.made.add(parent)
        # Bytes, not text: the version is the hash of exactly these bytes, on every system.
        (self.folder / path).write_bytes(content.encode())

    def contents(self, paths: Iterable[str]) -> Iterator[bytes]:
        return ((self.folder / path).read_bytes() for path in paths)


def _build(docs: list[SearchDocument], simplified: Mapping[str, str], analyser: Analyser, sink, spill: Path | None) -> SearchFiles:
    """Write every file of the index of `docs` (ranked) to `sink`; its version is the hash of all of
    them (paths in order) and does not depend on how they were made."""
    paths: list[str] = []

    def write(path: str, content: str) -> None:
        sink.write(path, content)
        paths.append(path)

    # 1. Each document analysed (its text file written meanwhile), its terms by bucket kept in memory
    # or, with `spill`, appended to one file per bucket, so that no more than one analysis is held.
    stores = [(spill / f"{bucket}.pickle").open("wb") for bucket in range(BUCKETS)] if spill else []
    rows: list[tuple] = []
    lengths: list[tuple[int, int, frozenset[int]]] = []
    try:
        for doc_id, doc in enumerate(docs):
            analysis = analyser(doc)
            lengths.append((analysis.body_length, analysis.title_length, analysis.frequencies))
            if spill:
                for store, bucket in zip(stores, analysis.buckets, strict=True):
                    pickle.dump(bucket, store, pickle.HIGHEST_PROTOCOL)
            else:
                rows.append(analysis.buckets)
            write(f"x/{doc_id}.js", _call("text", doc_id, doc.text[:MAX_TEXT]))
    finally:
        for store in stores:
            store.close()
    for start in range(0, len(docs), CHUNK):
        chunk = [[d.url, d.title, d.section, d.date_label, list(d.tags)] for d in docs[start : start + CHUNK]]
        write(f"d/{start // CHUNK}.js", _call("docs", start // CHUNK, chunk))
    write("fold.js", _call("fold", 0, "".join(a + b for a, b in sorted(simplified.items()))))

    # 2. The postings a bucket of terms at a time, each term with its shard hash, regrouped by the low
    # bits of that hash (the shards' count, a power of two, is known only when all terms are).
    weights = _weights(lengths)
    del lengths
    groups: list[list[tuple[str, array, array, array]]] = [[] for _ in range(GROUPS)]
    size = terms_count = 0
    for bucket in range(BUCKETS):
        if spill:
            part = _bucket_postings(weights, _unpickled(spill / f"{bucket}.pickle"))
            (spill / f"{bucket}.pickle").unlink()
        else:
            part = _bucket_postings(weights, (row[bucket] for row in rows))
        grouped: list[tuple[list[str], array, array, array]] = [([], array("I"), array("I", [0]), array("I")) for _ in range(GROUPS)]
        for term, values in part.items():
            found = analyser.term_hash(term)
            terms, hashes, ends, postings = grouped[found % GROUPS]
            terms.append(term)
            hashes.append(found)
            postings.extend(encode(values))
            ends.append(len(postings))
            size += len(term.encode()) + 4 + 4 * len(values)
        terms_count += len(part)
        del part
        for group, (terms, hashes, ends, postings) in enumerate(grouped):
            entry = (" ".join(terms), hashes, ends, postings)
            if spill:
                with (spill / f"g{group}.pickle").open("ab") as store:
                    pickle.dump(entry, store, pickle.HIGHEST_PROTOCOL)
            else:
                groups[group].append(entry)
    del rows, weights
    analyser.keep_only(docs, terms_count)

    # 3. The shards, a group (or, with fewer shards than groups, a shard's groups) at a time.
    shard_count = 1
    while shard_count * SHARD_BYTES < size:
        shard_count *= 2
    for first in range(min(GROUPS, shard_count)):
        shards: dict[int, dict[str, array]] = {n: {} for n in range(first, shard_count, GROUPS)}
        for group in range(first, GROUPS, shard_count) if shard_count < GROUPS else (first,):
            entries = _unpickled(spill / f"g{group}.pickle") if spill else groups[group]
            for joined, hashes, ends, postings in entries:
                start = 0
                for term, found, end in zip(joined.split(" ") if joined else (), hashes, ends[1:], strict=True):
                    shards[found % shard_count][term] = postings[start:end]
                    start = end
            if not spill:
                groups[group] = []
        for n, terms in shards.items():
            write(f"t/{n}.js", _call("terms", n, {term: terms[term].tolist() for term in sorted(terms)}))
        del shards

    digest = hashlib.sha256()
    ordered = sorted(paths)
    for path, content in zip(ordered, sink.contents(ordered), strict=True):
        digest.update(path.encode() + b"\0" + content + b"\0")
    return SearchFiles(digest.hexdigest()[:12], shard_count, len(docs))


def _unpickled(path: Path) -> Iterator:
    """The objects pickled one after another into `path` (by this build, a moment ago)."""
    if not path.exists():
        return
    with path.open("rb") as stream:
        while True:
            try:
                yield pickle.load(stream)
            except EOFError:
                return


def _weights(lengths: list[tuple[int, int, frozenset[int]]]) -> list[tuple[int, dict[int, int], int]]:
    """Each document's postings by body frequency (BM25 once per distinct frequency, not once per term), and its title's."""
    with_text = [body for body, _, _ in lengths if body]
    body_average = sum(with_text) / len(with_text) if with_text else 1
    title_average = sum(title for _, title, _ in lengths) / len(lengths) if lengths else 1
    weights = []
    for doc_id, (body_length, title_length, frequencies) in enumerate(lengths):
        posting = doc_id * 256
        body = {tf: posting + level(tf, body_length, body_average, BODY_LEVELS) * 16 for tf in frequencies}
        weights.append((posting, body, level(1, title_length, title_average, TITLE_LEVELS) * 2))
    return weights


def _bucket_postings(weights: list[tuple[int, dict[int, int], int]], rows: Iterable[tuple]) -> dict[str, array]:
    """term -> `doc_id * 256 + body * 16 + title * 2 + label` for each document having it, ascending,
    for the terms of one bucket (`rows`: each document's part of that bucket, in order)."""
    part: defaultdict[str, array] = defaultdict(partial(array, "I"))
    for (posting, body, title), (terms, tfs, labels, titles) in zip(weights, rows, strict=True):
        values = dict(zip(terms.split(" ") if terms else (), map(body.__getitem__, tfs), strict=True))
        for term in labels:
            values[term] = values.get(term, posting) | 1
        for term in titles:
            values[term] = values.get(term, posting) | title
        for term, value in values.items():
            part[term].append(value)
    return part


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
