"""The search contract: the worker applies text.py's rules to a query exactly as text.py applies them
to the index, rule by rule. Vectors are generated here with the Python functions, then ONE Node process
(tests/search_contract.js) loads the real worker file as it is and evaluates them all; no browser, no build.

Rules the worker mirrors, and where they are checked:
- fold, one character in, one out: ideographic space → space, full-width ASCII (U+FF01–U+FF5E) → ASCII,
  A–Z and full-width Ａ–Ｚ → lower case, traditional → simplified from the fold.js that index.py
  writes; every other character unchanged (every BMP character, plus tricky strings);
- query parsing: split on whitespace (Python's `str.split()`), runs of Han (the same three ranges),
  decimal numbers or [0-9a-z]; a Han run becomes its bigrams, or itself when it is one character; a
  Latin/digit run is cut at MAX_PREFIX; a number directly followed by Han characters becomes one term
  with up to two of them (46户, 300万元) and a one-character unit is not asked for again; words
  without terms are dropped (`query_words`);
- the shard hash: FNV-1a over UTF-16 code units, murmur3's final mix, modulo the shard count;
- end to end, index.py's files read by the worker: manifest, fold.js loaded only for Han queries,
  term shards, delta-encoded postings with the field weights in the low eight bits, document chunks
  and texts, and the score of search/rank.py (BM25F with idf, the title/tag/whole-title bonuses on the
  first RERANK, the phrase bonus on the first PHRASE, rounded to 1e-6) with its tie-break (lower id).
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from township_archive.hanzi import traditional_to_simplified
from township_archive.search.index import SearchDocument, build_search_files, ranked
from township_archive.search.pinyin import pinyin_terms
from township_archive.search.rank import RERANK, IndexFiles
from township_archive.search.rank import search as rank_search
from township_archive.search.text import (
    MAX_PREFIX,
    body_terms,
    fold,
    fold_table,
    label_terms,
    query_words,
    runs,
    shard_of,
)

ROOT = Path(__file__).resolve().parent.parent
WORKER = ROOT / "overrides/assets/javascripts/workers/archive-search.js"
RUNNER = Path(__file__).with_name("search_contract.js")
NODE = shutil.which("node")

needs_node = pytest.mark.skipif(NODE is None, reason="node is not on PATH: the search contract runs the real worker under Node")


# Readers' inputs that exercise each rule; (rule, raw query). The query vector is its Python fold.
QUERIES = [
    ("Han bigrams", "陈铭枢"),
    ("Han bigrams", "曲樟乡围屋"),
    ("single Han character", "铭"),
    ("long Han run", "中" * 40),
    ("traditional characters", "陳銘樞與圍屋"),
    ("several words", "陈铭枢 1932年"),
    ("separators inside a word", "铭 ，"),
    ("punctuation splits runs", "陈铭枢，广东。合浦！(1889)"),
    ("mixed Chinese/ASCII", "ABC中文def字x"),
    ("numbers with units", "1932年3月 3.5公里 100m 50kg ５０ｋｇ"),
    ("numbers with units", "46户 300万元 1.5万亩 80个网格 2024年 1.5.3版 ab12户 12户户"),
    ("numbers with units", "１.５万亩 46 户 3.km"),
    ("full-width letters and digits", "ＡＢＣ１２３ ａｂｃ"),
    ("upper case", "CHENMINGSHU Hakka"),
    ("prefix cap", "a" * (MAX_PREFIX - 1)),
    ("prefix cap", "b" * MAX_PREFIX),
    ("prefix cap", "c" * (MAX_PREFIX + 1)),
    ("prefix cap", "supercalifragilisticexpialidocious"),
    ("prefix cap", "1234567890" * 3),
    ("prefix cap", "Ｓｕｐｅｒｃａｌｉｆｒａｇｉｌｉｓｔｉｃ"),
    ("pinyin", "chenmingshu"),
    ("pinyin", "cms"),
    ("pinyin", "Chen Mingshu"),
    ("pinyin", "shuguangzhongxue"),
    ("pinyin", "shuguangzhoushuangzhuang"),
    ("empty", ""),
    ("whitespace only", "  \t\n\u3000"),
    ("punctuation only", "，。！？、；：“”《》"),
    ("leading and trailing spaces", "  陈铭枢  "),
    ("object keys as words", "constructor __proto__ hasOwnProperty toString"),
    ("outside the Han ranges", "𠀀陈铭 ㏿䷀ é ß Ω"),
    ("edges of the Han ranges", "\u3400\u4dbf \u4e00\u9fff \uf900\ufaff \u33ff\u4dc0\ufb00"),
]

# A small archive for the end-to-end searches: traditional and full-width text, units, long words, pinyin.
DOCUMENTS = [
    SearchDocument(
        "jiaoyu-jidi/chen-mingshu/", "陈铭枢生平简介",
        "陈铭枢（1889年—1965年），广东合浦曲樟乡人。１９３２年任行政院副院长。ＣＭＳ Museum opened 2005，距镇3.5公里。",
        section="教育基地", date="1965-05-15", date_label="1965年5月15日", tags=("人物", "近代史"), villages=("曲樟村",),
    ),
    SearchDocument(
        "weiwu/", "客家圍屋", "圍屋建于清代，占地1200平方米，Hakka walled village。陈铭枢故居。",
        section="建筑", date="2020-03-01", date_label="2020年3月1日", villages=("曲樟村",),
    ),
    SearchDocument(
        "shuguang/", "曙光中学", "Supercalifragilisticexpialidocious internationalization i18n 100m 50kg",
        section="学校", date="2020-03-01", date_label="2020年3月1日", tags=("教育",),
    ),
    SearchDocument("about/", "关于本站", "本站收录曲樟乡的历史资料，包括陈铭枢的生平。"),
    SearchDocument("units/", "单位", "1932年3月，长3.5km，重50kg。安置46户，奖补300万元，林地1.5万亩。", date="1932-03-01", date_label="1932年3月1日"),
    SearchDocument("passing/", "简讯", "会上提到46人和300名群众，投入五十万元，种植万亩。", date="2024-03-01", date_label="2024年3月1日"),
]
# Enough articles for several term shards, two document chunks and more than RERANK hits for 档案.
_FILLER = random.Random(3)
DOCUMENTS += [
    SearchDocument(
        f"dangan/{n}/",
        f"档案第{n}号",
        "".join(chr(_FILLER.randint(0x4E00, 0x5DFF)) for _ in range(150)),
        date=f"19{50 + n % 40}-01-01",
    )
    for n in range(120)
]
# 150 equal matches, the newest articles: the first 100 lie in the first chunk, the rest in the second.
DOCUMENTS += [SearchDocument(f"mulu/{n}/", f"卷{n:03d}", "本卷目录。", date=f"2030-01-01T{n // 60:02d}:{n % 60:02d}") for n in range(150)]
# A phrase in an old article, its bigrams scattered in fifteen newer ones: the phrase check must reach it.
DOCUMENTS += [
    SearchDocument(f"jianxun/{n}/", f"简讯{n}", "这里乡风淳朴，好家风文化代代相传，村民讲文明。", date=f"2020-01-{n + 1:02d}")
    for n in range(15)
]
DOCUMENTS.append(SearchDocument("wenming/", "实践站", "实践站把乡风文明建设作为重点。", date="2010-01-01"))
SEARCHES = [
    "目录",  # first, in a fresh worker: more matches than the rows its first results load
    "陈铭枢", "陳銘樞", "铭", "枢", "曲樟 围屋", "圍屋 hakka", "ＣＭＳ", "cms", "chenmingshu", "CHENMINGSHU",
    "chen mingshu", "1932", "１９３２年", "3.5公里", "50kg", "supercalifragilisticexpialidocious",
    "SUPERCALIFRAGILI", "supercal", "shuguangzhongxue", "sgzx", "i18n 曙光", "不存在的词", "", "   ", "，。！",
    "constructor", "__proto__", "陈 铭枢", "曲樟村", "quzhangcun", "教育", "档案", "档案 第7号", "dangan",
    "陈铭枢Museum", "曲樟乡",  # one word, terms in the title or a village and in the body
    "46户", "300万元", "1.5万亩", "46", "300", "万元", "1932年3月", "单位", "人物", "客家圍屋", "陈铭枢生平简介", "乡风文明",
    DOCUMENTS[-1].text[40:44], DOCUMENTS[-2].text[:3] + " " + DOCUMENTS[-2].text[7:9],
]


def fold_texts(simplified: dict[str, str]) -> list[str]:
    """Every BMP character except surrogates (which JSON cannot carry one by one), in chunks;
    every traditional character of the map; then strings as readers type them."""
    sweep = [c for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF]
    chunks = ["".join(map(chr, sweep[i : i + 4096])) for i in range(0, len(sweep), 4096)]
    return [*chunks, "".join(simplified), *(text for _, text in QUERIES), *SEARCHES]


def whitespace_queries() -> list[tuple[str, str]]:
    """Every character Python's str.split() or JavaScript's \\s splits on (they differ), between words."""
    spaces = {chr(c) for c in range(0x10000) if chr(c).isspace() or unicodedata.category(chr(c)) == "Zs"}
    spaces |= {"\ufeff", "\u2028", "\u2029"}  # JavaScript's other \\s: byte order mark, line terminators
    return [(f"whitespace U+{ord(c):04X}", f"ab{c}cd 陈{c}铭枢{c}{c}x") for c in sorted(spaces)]


def random_queries(count: int) -> list[tuple[str, str]]:
    """Mixtures of the characters the rules treat differently, so an untried combination shows up."""
    rng = random.Random(15)
    alphabet = "陈铭枢陳銘樞圍屋曲樟乡aZz09ＡＺａｚ０９ 　\t，。！-_.·é𠀀\x1c\ufeff"
    return [("random mixture", "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))) for _ in range(count)]


def shard_terms(table: dict[int, str]) -> list[str]:
    """A few thousand terms of every shape the index holds, and a few it never does."""
    rng = random.Random(7)
    terms: set[str] = set()
    for doc in DOCUMENTS[:5]:  # the hand-written articles; the filler's bigrams are like the random ones below
        for label in (doc.title, doc.section, *doc.tags, *doc.villages):
            terms |= label_terms(fold(label, table)) | pinyin_terms(label)
        terms |= body_terms(fold(doc.text, table))
    terms |= {chr(rng.randint(0x4E00, 0x9FFF)) + chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(1500)}
    terms |= {chr(rng.randint(0x3400, 0x4DBF)) for _ in range(200)}
    terms |= {str(n) for n in range(1000)}
    terms |= {"".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(1, MAX_PREFIX))) for _ in range(500)}
    terms |= {"", "𠀀", "a𠀀b", "\uffff", "\x00"}
    return sorted(terms)


def make_vectors() -> dict:
    simplified = traditional_to_simplified()
    table = fold_table(simplified)
    files = build_search_files(DOCUMENTS, simplified)
    queries = QUERIES + whitespace_queries() + random_queries(300)
    return {
        "table": table,
        "query_rules": [rule for rule, _ in queries],
        "query_inputs": [text for _, text in queries],
        "node": {
            "manifest": files.manifest,
            "files": files.files,
            "searches": SEARCHES,
            "fold": fold_texts(simplified),
            "queries": [fold(text, table) for _, text in queries],
            # 2**32 returns the whole 32-bit hash; the others are shard counts a build may choose.
            "shard": {"counts": [1, 2, 8, 64, 1024, 7, 2**32], "terms": shard_terms(table)},
        },
    }


def run_worker(worker: Path, vectors: dict) -> dict:
    """Evaluate every vector with the worker file at `worker` (a mutated copy, for proving the test)."""
    payload = json.dumps({**vectors["node"], "worker": str(worker)})
    result = subprocess.run(
        [NODE, str(RUNNER)], input=payload, capture_output=True, text=True, encoding="utf-8", timeout=60, check=False
    )
    assert result.returncode == 0, f"the worker did not run under Node:\n{result.stderr}"
    return json.loads(result.stdout)


def fold_rule(char: str, table: dict[int, str]) -> str:
    code = ord(char)
    if code == 0x3000:
        return "ideographic space → space"
    if 0xFF21 <= code <= 0xFF3A:
        return "full-width capitals → lower case"
    if 0xFF01 <= code <= 0xFF5E:
        return "full-width → ASCII"
    if "A" <= char <= "Z":
        return "upper → lower case"
    if code in table:
        return "traditional → simplified"
    return "other characters unchanged"


def fold_mismatches(vectors: dict, results: dict) -> list[str]:
    table, found = vectors["table"], []
    for text, worker in zip(vectors["node"]["fold"], results["fold"], strict=True):
        python = fold(text, table)
        if python == worker:
            continue
        if len(python) != len(worker):
            found.append(f"[fold keeps length] fold({text[:40]!r}): Python {len(python)} characters, worker {len(worker)}")
            continue
        for char, want, got in zip(text, python, worker, strict=True):
            if want != got:
                found.append(f"[{fold_rule(char, table)}] fold({char!r} U+{ord(char):04X}): Python {want!r}, worker {got!r}")
    return found


def query_mismatches(vectors: dict, results: dict) -> list[str]:
    found = []
    cases = zip(vectors["query_rules"], vectors["query_inputs"], vectors["node"]["queries"], results["queries"], strict=True)
    for rule, raw, folded, worker in cases:
        python = query_words(folded)
        if python != worker:
            found.append(f"[query parsing: {rule}] query {raw!r} (folded {folded!r}): Python {python}, worker {worker}")
    return found


def shard_mismatches(vectors: dict, results: dict) -> list[str]:
    found = []
    shard = vectors["node"]["shard"]
    for count in shard["counts"]:
        for term, worker in zip(shard["terms"], results["shards"][str(count)], strict=True):
            python = shard_of(term, count)
            if python != worker:
                found.append(f"[shard hash] shard_of({term!r}, {count}): Python {python}, worker {worker}")
    return found


def expected_search(query: str, index: IndexFiles, docs: list[SearchDocument]) -> list[list]:
    """What the worker should answer: search/rank.py on the same files."""
    return [[docs[i].url, score] for i, score in rank_search(index, query).results]


def search_mismatches(vectors: dict, results: dict) -> list[str]:
    found = []
    if results["ready"] != {"type": 1}:
        found.append(f"[manifest] the worker refused index.py's manifest {vectors['node']['manifest']}: {results['ready']}")
    if results["missing"]:
        found.append(f"[index files] the worker asked for files index.py did not write: {results['missing']}")
    docs = ranked(DOCUMENTS)
    index = IndexFiles(vectors["node"]["manifest"], vectors["node"]["files"], vectors["table"])
    for query, worker, early in zip(SEARCHES, results["searches"], results["early"], strict=True):
        python = expected_search(query, index, docs)
        if python != worker:
            found.append(f"[search end to end] {query!r}: expected [url, score] {python}, worker {worker}")
        # A first answer before the whole list: the first RERANK results exactly as the whole list has them.
        for partial in early:
            if partial != python[:RERANK] or len(python) <= RERANK:
                found.append(f"[first answer] {query!r}: the first answer {partial[:5]}… is not the whole list's first {RERANK}")
    return found


def all_mismatches(vectors: dict, results: dict) -> list[str]:
    checks = (fold_mismatches, query_mismatches, shard_mismatches, search_mismatches)
    return [message for check in checks for message in check(vectors, results)]


class Contract(tuple):
    """(vectors, results); a short repr, so a failure shows the disagreements rather than the data."""

    def __repr__(self) -> str:
        return "<vectors from text.py, results from the worker>"


@pytest.fixture(scope="module")
def contract() -> Contract:
    vectors = make_vectors()
    return Contract((vectors, run_worker(WORKER, vectors)))


def _report(found: list[str]) -> str:
    return f"{len(found)} disagreement(s) between text.py and the worker:\n" + "\n".join(found[:25])


@needs_node
def test_worker_folds_every_character_as_text_py(contract):
    found = fold_mismatches(*contract)
    assert not found, _report(found)


@needs_node
def test_worker_splits_queries_into_the_terms_text_py_asks_for(contract):
    found = query_mismatches(*contract)
    assert not found, _report(found)


@needs_node
def test_worker_hashes_terms_to_the_shards_text_py_writes_them_to(contract):
    found = shard_mismatches(*contract)
    assert not found, _report(found)


@needs_node
def test_worker_reads_the_index_files_as_index_py_writes_them(contract):
    vectors, results = contract
    manifest = vectors["node"]["manifest"]
    assert manifest["shards"] >= 8 and manifest["documents"] > manifest["chunk"], f"too small to read several files: {manifest}"
    assert any(len(found) > RERANK for found in results["searches"]), "no search has more matches than the second pass ranks"
    assert results["early"][0], "a search with more matches than its first rows load answered once"
    found = search_mismatches(vectors, results)
    assert not found, _report(found)


def test_every_prefix_a_reader_types_of_an_indexed_word_is_indexed():
    """The index's prefix cap and the query's cut agree (the worker's cut is checked against query_words above)."""
    words = ["a", "b" * MAX_PREFIX, "c" * (MAX_PREFIX + 1), "supercalifragilisticexpialidocious", "1234567890" * 3]
    for word in words:
        for end in range(1, len(word) + 1):
            [[term]] = query_words(word[:end])
            assert term in body_terms(word), f"[prefix cap] typing {word[:end]!r} asks for {term!r}, not indexed for {word!r}"


def test_every_pinyin_spelling_a_label_is_indexed_under_can_be_typed():
    table = fold_table(traditional_to_simplified())
    missing = []
    for label in ("陈铭枢生平简介", "曲樟乡双庄村", "曙光州双庄", "曲樟村"):
        indexed = label_terms(fold(label, table)) | pinyin_terms(label)
        for spelling in sorted(pinyin_terms(label)):
            wanted = [term for terms in query_words(spelling) for term in terms]
            if not set(wanted) <= indexed:
                missing.append(f"{label}: typing {spelling!r} asks for {wanted}, which the label is not indexed under")
    # Whole spellings longer than the cap, typed in full.
    for label, typed in (("曙光州双庄", "shuguangzhoushuang"), ("曲樟乡双庄村", "quzhangxiangshuangzhuang")):
        wanted = [term for terms in query_words(typed) for term in terms]
        if not set(wanted) <= pinyin_terms(label):
            missing.append(f"{label}: typing {typed!r} asks for {wanted}, which the label is not indexed under")
    assert not missing, "\n".join(missing)


def test_every_traditional_character_is_in_the_han_ranges_that_load_fold_js():
    """fold.js is loaded only for queries with Han characters, so every traditional character must be one."""
    outside = [char for char in traditional_to_simplified() if not runs(char)]
    assert not outside, f"traditional characters outside the Han ranges never trigger fold.js: {outside[:10]}"
