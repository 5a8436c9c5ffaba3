"""The fast search index writes the same bytes as the original one: same files, same content, same
version hash, so a reader's cached shards stay valid and the worker's contract is untouched.

ORACLE_* below is a frozen, test-only copy of the index algorithm as it was before it was made fast
(commit e22d932: `postings`, `build_search_files` and the text rules they called). Do not optimise it:
it is the reference every later optimisation is compared against.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
import re
import time
from array import array
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin
from search_graded import generated_documents
from township_archive.hanzi import traditional_to_simplified
from township_archive.search import index as index_module
from township_archive.search import publish
from township_archive.search.index import Analyser, SearchDocument, build_search_files, ranked
from township_archive.search.text import fold, fold_table, folder

# --- the oracle: the original algorithm, verbatim in behaviour ------------------------------------

ORACLE_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
ORACLE_HAN_RUN = re.compile(f"[{ORACLE_HAN}]+")
ORACLE_WORD_RUN = re.compile(f"[{ORACLE_HAN}]+|[0-9]+(?:\\.[0-9]+)+|[0-9a-z]+")
ORACLE_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)*")


def oracle_unit_runs(folded):
    found = list(ORACLE_WORD_RUN.finditer(folded))
    for n, match in enumerate(found):
        after = found[n + 1] if n + 1 < len(found) else None
        unit = None
        if (after is not None and after.start() == match.end() and ORACLE_NUMBER.fullmatch(match.group())
                and ORACLE_HAN_RUN.fullmatch(after.group())):
            unit = after.group()
        yield match.group(), unit


def oracle_body_term_counts(folded):
    counts = Counter()
    for run, unit in oracle_unit_runs(folded):
        if ORACLE_HAN_RUN.fullmatch(run):
            counts.update([run[i : i + 2] for i in range(len(run) - 1)])
        else:
            counts.update(run[:n] for n in range(1, min(len(run), 16) + 1))
            if unit:
                counts.update({run + unit[:n] for n in range(1, min(len(unit), 2) + 1)})
    return counts


def oracle_label_terms(folded):
    terms = set(oracle_body_term_counts(folded))
    for run in ORACLE_WORD_RUN.findall(folded):
        if ORACLE_HAN_RUN.fullmatch(run):
            terms.update(run)
    return terms


def oracle_pinyin_terms(label):
    terms = set()
    for run in ORACLE_HAN_RUN.findall(label):
        syllables = [s for s in lazy_pinyin(run, style=Style.NORMAL, errors="ignore") if s.isascii() and s.isalpha()]
        for start in range(len(syllables)):
            for size in range(1, 6):
                window = syllables[start : start + size]
                if len(window) < size:
                    break
                terms.add("".join(window)[:16])
            for size in range(2, 7):
                window = syllables[start : start + size]
                if len(window) < size:
                    break
                terms.add("".join(s[0] for s in window))
    return terms


def oracle_shard_of(term, shard_count):
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


def oracle_level(tf, length, average, levels):
    if tf == 0:
        return 0
    weight = tf * (1.2 + 1) / (tf + 1.2 * (1 - 0.75 + 0.75 * length / (average or 1)))
    return min(levels, max(1, int(levels * weight / (1.2 + 1) + 0.5)))


def oracle_postings(documents, table):
    texts = [doc.text.translate(table) for doc in documents]
    titles = [doc.title.translate(table) for doc in documents]
    body_lengths = [sum(map(len, ORACLE_WORD_RUN.findall(text))) for text in texts]
    title_lengths = [sum(map(len, ORACLE_WORD_RUN.findall(title))) for title in titles]
    with_text = [n for n in body_lengths if n]
    body_average = sum(with_text) / len(with_text) if with_text else 1
    title_average = sum(title_lengths) / len(title_lengths) if title_lengths else 1
    index = {}
    for doc_id, doc in enumerate(documents):
        values = {}
        for term, tf in oracle_body_term_counts(texts[doc_id]).items():
            values[term] = oracle_level(tf, body_lengths[doc_id], body_average, 15) * 16
        for label in (*doc.tags, *doc.villages):
            for term in oracle_label_terms(label.translate(table)) | oracle_pinyin_terms(label):
                values[term] = values.get(term, 0) | 1
        title = oracle_level(1, title_lengths[doc_id], title_average, 7) * 2
        for term in oracle_label_terms(titles[doc_id]) | oracle_pinyin_terms(doc.title):
            values[term] = values.get(term, 0) | title
        for term, value in values.items():
            index.setdefault(term, array("I")).append(doc_id * 256 + value)
    return index


def oracle_encode(values):
    encoded, previous = [], 0
    for value in values:
        doc_id = value >> 8
        encoded.append((doc_id - previous) * 256 + (value & 255))
        previous = doc_id
    return encoded


def oracle_call(kind, key, data):
    return f"archiveSearch.{kind}({key},{json.dumps(data, ensure_ascii=False, separators=(',', ':'))});\n"


def oracle_build_search_files(documents, simplified):
    """(version, shard_count, documents, files) as the original build_search_files returned them."""
    docs = ranked(documents)
    index = oracle_postings(docs, fold_table(simplified))
    size = sum(len(term.encode()) + 4 * len(values) + 4 for term, values in index.items())
    shard_count = 1
    while shard_count * 24_000 < size:
        shard_count *= 2
    shard_terms = [[] for _ in range(shard_count)]
    for term in sorted(index):
        shard_terms[oracle_shard_of(term, shard_count)].append(term)
    files = {}
    for n, terms in enumerate(shard_terms):
        files[f"t/{n}.js"] = oracle_call("terms", n, {term: oracle_encode(index[term]) for term in terms})
    for start in range(0, len(docs), 100):
        rows = [[d.url, d.title, d.section, d.date_label, list(d.tags)] for d in docs[start : start + 100]]
        files[f"d/{start // 100}.js"] = oracle_call("docs", start // 100, rows)
    for doc_id, doc in enumerate(docs):
        files[f"x/{doc_id}.js"] = oracle_call("text", doc_id, doc.text[:4000])
    files["fold.js"] = oracle_call("fold", 0, "".join(a + b for a, b in sorted(simplified.items())))
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + files[path].encode() + b"\0")
    version = digest.hexdigest()[:12]
    return version, shard_count, len(docs), {f"{version}/{p}": c for p, c in files.items()}


def written(site, version):
    """The index files in the site, as `{version}/path: text` (a complete index: its manifest is there)."""
    folder = site / "search" / version
    assert (folder / "manifest.json").is_file()
    return {f"{version}/{path.relative_to(folder).as_posix()}": path.read_bytes().decode() for path in folder.rglob("*.js")}


def assert_same_as_oracle(documents, simplified):
    fast = build_search_files(documents, simplified)
    version, shard_count, count, files = oracle_build_search_files(documents, simplified)
    assert (fast.version, fast.shard_count, fast.documents) == (version, shard_count, count)
    assert fast.files.keys() == files.keys()
    for path, content in files.items():
        assert fast.files[path] == content, path
    return fast


# --- documents ------------------------------------------------------------------------------------

SIMPLIFIED = "曲樟乡客家文化陈铭枢围屋荔枝党建民生村委会农业合作社道路学校老人儿童重阳节长寿健康旅游"
TRADITIONAL = "陳銘樞圍屋與國民黨革命委員會鄉農業學校長壽節"
LABELS = ["客家文化", "曲樟村", "陳銘樞", "荔枝", "重阳节", "乡村振兴", "NO.1 合作社", "１９３２", "党建", "长寿村"]
UNITS = ["户", "万元", "吨", "亩", "年", "人"]


def _sentence(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(2, 12)):
        kind = rng.random()
        if kind < 0.55:
            parts.append("".join(rng.choice(SIMPLIFIED) for _ in range(rng.randint(1, 8))))
        elif kind < 0.7:
            parts.append("".join(rng.choice(TRADITIONAL) for _ in range(rng.randint(1, 5))))
        elif kind < 0.8:
            number = str(rng.randint(0, 3000)) + (f".{rng.randint(0, 9)}" if rng.random() < 0.3 else "")
            parts.append(number + rng.choice(UNITS))
        elif kind < 0.9:
            parts.append(rng.choice(["Hakka", "CMS", "kejia", "WiFi", "ｗｅｂ", "ＡＢＣ１２", "x" * 20]))
        else:
            parts.append(rng.choice(["，", "。", " ", "\n", "　", "、"]))
    return "".join(parts) + "。"


def many_documents(count: int, seed: int = 18) -> list[SearchDocument]:
    """Articles with everything the index reacts to: Han runs (simplified and traditional), numbers
    with units, Latin and full-width words, tags and villages repeating, same dates, undated pages."""
    rng = random.Random(seed)
    documents = []
    for n in range(count):
        dated = rng.random() < 0.9
        date = f"20{rng.randint(10, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" if dated else ""
        documents.append(SearchDocument(
            url=f"s{n % 4}/a-{n:04d}/", title=_sentence(rng)[:rng.randint(2, 30)],
            text="".join(_sentence(rng) for _ in range(rng.randint(0, 30))), section=f"栏目{n % 4}",
            date=date, date_label=date, tags=tuple(rng.sample(LABELS, rng.randint(0, 3))),
            villages=tuple(rng.sample(LABELS[:4], rng.randint(0, 2))),
        ))
    return documents


def test_the_index_of_a_few_hundred_articles_is_byte_identical_to_the_original():
    files = assert_same_as_oracle(many_documents(400), traditional_to_simplified())
    assert files.shard_count > 1  # several shards, so shard assignment is compared too


def test_the_graded_archive_and_an_empty_archive_index_as_before():
    assert_same_as_oracle(generated_documents(), traditional_to_simplified())
    assert_same_as_oracle([], traditional_to_simplified())
    assert_same_as_oracle([SearchDocument("a/", "", "")], {})


# --- property: random small documents -------------------------------------------------------------

CHARACTERS = list(SIMPLIFIED[:12] + TRADITIONAL[:10] + "abcXYZ0189.ｗＡ１，。 \n　") + ["万元", "户", "1.5"]
texts = st.lists(st.sampled_from(CHARACTERS), max_size=30).map("".join)
labels = st.one_of(st.sampled_from(LABELS), texts)
documents = st.lists(
    st.builds(
        lambda title, text, date, tags, villages: (title, text, date, tuple(tags), tuple(villages)),
        texts, texts, st.sampled_from(["", "2024-01-01", "2024-01-02", "2023-12-31"]),
        st.lists(labels, max_size=3), st.lists(labels, max_size=2),
    ),
    max_size=8,
).map(lambda rows: [
    SearchDocument(f"p{n}/", title, text, date=date, date_label=date, tags=tags, villages=villages)
    for n, (title, text, date, tags, villages) in enumerate(rows)
])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_any_small_archive_indexes_as_the_original_does(docs):
    assert_same_as_oracle(docs, traditional_to_simplified())


# --- analyses kept across builds (the preview server rebuilds after every save) --------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents, documents)
def test_a_rebuild_with_the_analyses_of_an_earlier_archive_indexes_as_a_fresh_build(before, after):
    simplified = traditional_to_simplified()
    analyser = Analyser(simplified, keep=True)
    build_search_files(before, simplified, analyser)
    kept, fresh = build_search_files(after, simplified, analyser), build_search_files(after, simplified)
    assert (kept.version, kept.files) == (fresh.version, fresh.files)


def test_after_edits_the_kept_analyses_give_the_original_index_and_only_edited_articles_are_analysed_again(monkeypatch, tmp_path):
    simplified = traditional_to_simplified()
    archive = many_documents(60, seed=7)
    analysed = []
    counts = index_module.body_term_counts
    monkeypatch.setattr(index_module, "body_term_counts", lambda folded: analysed.append(folded) or counts(folded))
    monkeypatch.setattr(publish, "_shared", None)

    def publish_all(docs):
        collector = publish.SearchCollector(keep=True)
        for doc in docs:
            collector.add(doc)
        analysed.clear()
        site = tmp_path / f"site-{len(list(tmp_path.iterdir()))}"
        files = collector.publish(site)
        version, _, _, expected = oracle_build_search_files(docs, simplified)
        assert files.version == version and written(site, version) == expected
        return len(analysed)

    assert publish_all(archive) == 60
    assert publish_all(list(reversed(archive))) == 0  # saved without a change (or a template edited)
    edits = [
        dataclasses.replace(archive[5], text=archive[5].text + "补充一句：曲樟村的荔枝熟了。"),
        dataclasses.replace(archive[6], title="新的标题：陳銘樞故居"),
        dataclasses.replace(archive[7], tags=("荔枝", "新标签")),
        dataclasses.replace(archive[8], date="1999-01-01", date_label="1999-01-01"),  # moves to the end of the ranking
    ]
    for n, edited in enumerate(edits, start=5):
        archive = [*archive[:n], edited, *archive[n + 1 :]]
        assert publish_all(archive) == 1
    assert publish_all(archive[:-1]) == 0  # an article deleted
    assert publish_all([*archive[:-1], SearchDocument("new/", "新文章", "全新的正文。")]) == 1


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(CHARACTERS + list("陳國ＡＺａｚ０９！～　AZ[]^-\\")), st.characters()), max_size=40).map("".join))
def test_the_quick_fold_folds_as_translate_does(text):
    table = fold_table(traditional_to_simplified())
    assert folder(table)(text) == fold(text, table)


def test_an_index_already_in_the_site_is_not_written_again_and_becomes_the_newest(tmp_path):
    simplified = traditional_to_simplified()
    first, second = build_search_files(many_documents(5, seed=1), simplified), build_search_files(many_documents(5, seed=2), simplified)
    publish.write_search_files(first, tmp_path)
    publish.write_search_files(second, tmp_path)
    shard = tmp_path / "search" / first.version / "t/0.js"
    shard.write_text("changed", encoding="utf-8")  # stands for "not rewritten"
    time.sleep(0.01)
    publish.write_search_files(first, tmp_path)
    assert shard.read_text(encoding="utf-8") == "changed"
    assert publish.latest_manifest(tmp_path)["version"] == first.version


# --- the index written file by file (a build's publish: nothing kept, terms waiting on disk) --------


def publish_once(tmp_path, docs, *, keep=False):
    collector = publish.SearchCollector(keep=keep)
    for doc in docs:
        collector.add(doc)
    site = tmp_path / "site"
    return site, collector.publish(site)


@pytest.mark.parametrize("groups", [1, 4, 64])  # fewer groups than shards, more, and the default
def test_a_build_writes_the_index_file_by_file_byte_identical_to_the_original(tmp_path, monkeypatch, groups):
    monkeypatch.setattr(index_module, "GROUPS", groups)
    simplified = traditional_to_simplified()
    docs = many_documents(400)
    site, files = publish_once(tmp_path, docs)
    version, shard_count, count, expected = oracle_build_search_files(docs, simplified)
    assert (files.version, files.shard_count, files.documents) == (version, shard_count, count)
    assert shard_count > 4
    assert written(site, version) == expected
    # Nothing of the work left behind: the version's folder and nothing else.
    assert [path.name for path in (site / "search").iterdir()] == [version]
    assert not list((site / "search" / version).glob(".*"))


def test_the_web_server_may_read_every_folder_and_file_of_the_index(tmp_path):
    """nginx's workers are not the user who built the site: a folder made private (as mkdtemp makes them)
    answered every search with 403."""
    site, files = publish_once(tmp_path, many_documents(20))
    for path in [site / "search" / files.version, *(site / "search" / files.version).rglob("*")]:
        assert path.stat().st_mode & 0o005 == (0o005 if path.is_dir() else 0o004), path


def test_an_empty_archive_and_one_page_are_written_as_the_original_writes_them(tmp_path):
    simplified = traditional_to_simplified()
    for n, docs in enumerate(([], [SearchDocument("a/", "曲樟", "曲樟乡的荔枝。")])):
        site, files = publish_once(tmp_path / str(n), docs)
        version, _, _, expected = oracle_build_search_files(docs, simplified)
        assert files.version == version and written(site, version) == expected


def test_a_failed_write_leaves_no_half_index_and_the_last_one_stays_the_newest(tmp_path, monkeypatch):
    site, first = publish_once(tmp_path, many_documents(20, seed=3))

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(index_module, "_call", broken)
    with pytest.raises(OSError):
        publish_once(tmp_path, many_documents(20, seed=4))
    assert [path.name for path in (site / "search").iterdir()] == [first.version]
    assert publish.latest_manifest(site)["version"] == first.version
