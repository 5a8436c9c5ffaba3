"""Search ranking: the rules of search/rank.py on crafted documents (in process), and the graded set
(tests/search-graded.yml) scored by the real worker under Node on the generated archive and the sample."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from search_graded import evaluate, figures, generated_documents, load_graded, misranked, site_index
from township_archive.hanzi import traditional_to_simplified
from township_archive.search.index import SearchDocument, build_search_files, ranked
from township_archive.search.rank import IndexFiles, search
from township_archive.search.text import fold_table

FILLER = "乡党委召开会议，部署下一阶段工作。各村汇报工作进展。" * 3


def order(documents: list[SearchDocument], query: str) -> list[str]:
    files = build_search_files(documents, traditional_to_simplified())
    index = IndexFiles(files.manifest, files.files, fold_table(traditional_to_simplified()))
    docs = ranked(documents)
    return [docs[doc_id].url for doc_id, _ in search(index, query).results]


def doc(url: str, title: str, text: str, date: str = "2024-01-01", **kw) -> SearchDocument:
    return SearchDocument(url=url, title=title, text=text, date=date, **kw)


def test_the_phrase_ranks_above_its_characters_scattered():
    docs = [doc(f"s{n}/", f"简讯{n}", FILLER + "这里乡风淳朴，家风文化相传，村民讲文明。", date=f"2024-0{n + 1}-01") for n in range(5)]
    docs.append(doc("phrase/", "实践站", FILLER + "实践站把乡风文明作为重点。", date="2015-01-01"))
    assert order(docs, "乡风文明")[0] == "phrase/"


def test_a_title_equal_to_the_query_ranks_above_body_mentions_and_longer_titles():
    docs = [doc(f"m{n}/", f"简讯{n}", FILLER + "会上讲了家风故事。", date=f"2024-0{n + 1}-01") for n in range(4)]
    docs.append(doc("longer/", "家风故事会第一场", FILLER, date="2024-06-01"))
    docs.append(doc("exact/", "家风故事", FILLER, date="2014-01-01"))
    assert order(docs, "家风故事")[:2] == ["exact/", "longer/"]


def test_an_old_article_about_a_subject_ranks_above_newer_passing_mentions():
    about = "客家话是曲樟人的母语。老人说客家话保留古音。孩子在家说客家话。文化站整理客家话歌谣。"
    docs = [doc(f"m{n}/", f"工作简讯{n}", FILLER + "主持人用客家话问好。" + FILLER, date=f"202{n}-01-01") for n in range(6)]
    docs.append(doc("about/", "曲樟的乡音", about + FILLER, date="2012-01-01"))
    assert order(docs, "客家话")[0] == "about/"


def test_rare_words_weigh_more_than_common_ones():
    docs = [doc(f"c{n}/", f"简讯{n}", FILLER + "曲樟乡工作。", date=f"2024-0{n + 1}-01") for n in range(6)]
    docs.append(doc("rare/", "围屋", FILLER + "曲樟乡的围屋。", date="2010-01-01"))
    docs.append(doc("common/", "曲樟乡", FILLER + "围屋。", date="2024-09-01"))
    # Both words in both; the rare word in the title weighs more than the common one.
    assert order(docs, "曲樟乡 围屋")[0] == "rare/"


def test_the_section_name_finds_the_section_page_not_every_article_in_it():
    docs = [doc(f"a{n}/", f"简讯{n}", FILLER, section="客家文化") for n in range(3)]
    docs.append(SearchDocument(url="kejia/", title="客家文化", text=""))
    assert order(docs, "客家文化") == ["kejia/"]


def test_a_number_with_its_unit_is_one_term_and_a_bare_number_still_finds_it():
    docs = [
        doc("unit/", "新村落成", FILLER + "新村安置46户村民，奖补300万元，储备林1.5万亩，日烘干60吨。", date="2015-01-01"),
        doc("apart/", "简讯", FILLER + "46名党员走访困难户，300名群众参加，投入五十万元，上万亩，近百吨，60人。"),
    ]
    for query in ("46户", "300万元", "1.5万亩", "60吨", "46户村民"):
        assert order(docs, query) == ["unit/"], query
    assert order(docs, "46") == ["apart/", "unit/"]  # a bare number finds numbers with and without units
    assert order(docs, "1.5") == ["unit/"]


def test_recency_breaks_ties_only():
    docs = [doc("old/", "简讯", FILLER + "围屋。", date="2010-01-01"), doc("new/", "简讯", FILLER + "围屋。", date="2024-01-01")]
    assert order(docs, "围屋") == ["new/", "old/"]


needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="the graded set runs the real worker under Node")


@needs_node
def test_the_graded_set_puts_the_wanted_article_first_on_the_generated_archive():
    queries = [q for q in load_graded() if q.archive == "generated"]
    assert len(queries) >= 20
    files = build_search_files(generated_documents(), traditional_to_simplified())
    results = evaluate(files.manifest, files.files, queries)
    score = figures(results)
    assert score.hit1 >= 0.85 and score.mrr >= 0.85, f"{score}\n" + "\n".join(misranked(results))


@needs_node
def test_the_graded_set_puts_the_wanted_article_first_on_the_sample(sample_site: Path):
    queries = [q for q in load_graded() if q.archive == "sample"]
    assert len(queries) >= 40
    results = evaluate(*site_index(sample_site), queries)
    score = figures(results)
    assert score.hit1 >= 0.85 and score.mrr >= 0.85, f"{score}\n" + "\n".join(misranked(results))
