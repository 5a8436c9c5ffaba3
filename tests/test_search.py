"""Chinese search as readers use it: substrings, traditional characters, pinyin, several words,
online and from the offline copy, without downloading search data before the search box opens."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from browser import browser_page, search
from search_graded import site_index
from search_quality import load_queries, misses, run_queries, serve
from township_archive.hanzi import traditional_to_simplified
from township_archive.search.index import SearchDocument, build_search_files, ranked
from township_archive.search.pinyin import pinyin_terms
from township_archive.search.rank import IndexFiles
from township_archive.search.rank import search as rank_search
from township_archive.search.text import fold, fold_table, query_words, shard_of


def test_traditional_characters_fold_to_simplified_and_full_width_to_ascii():
    table = fold_table(traditional_to_simplified())
    assert fold("陳銘樞與圍屋", table) == "陈铭枢与围屋"
    assert fold("ＣＭＳ１９３２", table) == "cms1932"
    assert len(fold("國民黨革命委員會", table)) == len("國民黨革命委員會")


def test_a_query_word_becomes_bigrams_and_latin_words():
    assert query_words("陈铭枢 1932 km") == [["陈铭", "铭枢"], ["1932"], ["km"]]
    assert query_words("1932年 300万元") == [["1932年"], ["300万元", "万元"]]  # a number with its unit is one term
    assert query_words("铭 ，") == [["铭"]]


def test_pinyin_terms_cover_full_spelling_part_names_and_initials():
    terms = pinyin_terms("陈铭枢生平简介")
    assert {"chenmingshu", "mingshu", "cms", "chen", "shengping"} <= terms
    assert "chongyang" in pinyin_terms("重阳节")  # read by phrase, not character by character


def _doc(url, title, text="", date="", **kw):
    return SearchDocument(url=url, title=title, text=text, date=date, **kw)


def _decode(files, version, term):
    shard = shard_of(term, files.shard_count)
    content = files.files[f"{version}/t/{shard}.js"]
    terms = json.loads(re.match(r"archiveSearch\.terms\(\d+,(.*)\);\n$", content, re.DOTALL).group(1))
    doc_id, found = 0, {}
    for value in terms.get(term, []):
        doc_id += value >> 8
        found[doc_id] = ("title" if value & 14 else "") + ("label" if value & 1 else "") + ("body" if value & 240 else "")
    return found


def test_index_numbers_documents_newest_first_and_records_the_fields_of_each_match():
    docs = [
        _doc("a/", "旧文章", "正文提到陈铭枢", date="2020-01-01"),
        _doc("b/", "陈铭枢传", "正文", date="2024-01-01"),
        _doc("c/", "关于本站", "陈铭枢"),
    ]
    assert [d.url for d in ranked(docs)] == ["b/", "a/", "c/"]
    files = build_search_files(docs, {})
    found = _decode(files, files.version, "铭枢")
    assert found == {0: "title", 1: "body", 2: "body"}  # b/ in the title, a/ and c/ in the body
    assert _decode(files, files.version, "cms") == {0: "title"}  # pinyin initials of the title


def test_index_size_per_query_does_not_grow_with_the_archive():
    small = build_search_files([_doc(f"{n}/", f"文章{n}", "曲樟乡" * 50, date=f"2024-01-{n % 28 + 1:02d}") for n in range(10)], {})
    text = "".join(chr(0x4E00 + (n * 7919) % 20000) for n in range(1500))
    large = build_search_files(
        [_doc(f"{n}/", f"文章{n}", text[n % 700 :] + text[: n % 700], date="2024-01-01") for n in range(400)], {}
    )
    shard_sizes = [len(c.encode()) for p, c in large.files.items() if "/t/" in p]
    assert large.shard_count > small.shard_count
    assert max(shard_sizes) < 64_000  # one shard stays small however many articles there are


@pytest.mark.browser
def test_search_data_waits_until_the_search_box_is_used(sample_site: Path):
    with serve(sample_site) as base, browser_page((base,)) as (page, watch):
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(base + "jiaoyu-jidi/chen-mingshu-shengping/")
        page.wait_for_timeout(1500)
        before = [u for u in requests if "/search/" in u]
        # Only Material's own index file, which carries no documents, only where our shards are.
        assert [u.removeprefix(base) for u in before] == ["search/search_index.json"]
        stub = json.loads((sample_site / "search/search_index.json").read_text(encoding="utf-8"))
        assert stub["docs"] == [] and stub["config"]["archive"]["documents"] > 20
        assert search(page, "陈铭枢")[:1]
        after = [u for u in requests if "/search/" in u and u not in before]
        assert after and all(re.search(r"/search/\w+/(t|d|x)/\d+\.js$|/fold\.js$", u) for u in after), after
        assert not watch.console_errors and not watch.blocked


@pytest.mark.browser
def test_results_show_section_date_and_a_marked_excerpt(sample_site: Path):
    with serve(sample_site) as base, browser_page((base,)) as (page, _):
        page.goto(base)
        search(page, "淞滬抗戰")
        first = page.locator(".md-search-result__item").first
        assert first.locator("h1").inner_text() == "1932年淞沪抗战中的十九路军"
        assert first.locator(".ta-search-meta").inner_text() == "陈铭枢爱国主义教育基地 · 2024年1月28日"
        marks = first.locator("mark").all_inner_texts()
        assert marks and set(marks) == {"淞沪抗战"}
        assert "\u200b" not in first.inner_text()


@pytest.mark.browser
def test_every_word_of_a_query_must_match(sample_site: Path):
    with serve(sample_site) as base, browser_page((base,)) as (page, _):
        page.goto(base)
        both = search(page, "陈铭枢 淞沪")
        one = search(page, "陈铭枢")
        assert 0 < len(both) < len(one)
        assert search(page, "陈铭枢 不存在的词") == []


@pytest.mark.browser
def test_every_query_of_the_set_finds_its_page_online_and_offline(sample_site: Path, unpacked: Path):
    queries = load_queries()
    assert len(queries) >= 50 and len({q.category for q in queries}) == 7
    with serve(sample_site) as base, browser_page((base,)) as (page, watch):
        online = run_queries(page, base, queries)
        assert not watch.console_errors
    with browser_page() as (page, watch):
        offline = run_queries(page, (unpacked / "index.html").as_uri(), queries)
        assert not watch.blocked and not watch.console_errors
    assert misses(online) == []
    assert misses(offline) == []


@pytest.mark.browser
def test_the_count_line_tells_every_match_and_scrolling_reaches_the_last(sample_site: Path):
    manifest, files = site_index(sample_site)
    matches = rank_search(IndexFiles(manifest, files, fold_table(traditional_to_simplified())), "曲樟").total
    assert matches > 10  # more than Material shows before the reader scrolls
    with serve(sample_site) as base, browser_page((base,)) as (page, _):
        page.goto(base)
        search(page, "曲樟")
        assert page.locator(".md-search-result__meta").inner_text() == f"共 {matches} 篇"
        items = page.locator(".md-search-result__item")
        for _ in range(20):  # Material adds the later results as the list scrolls to its end
            if items.count() == matches:
                break
            # As a reader scrolls: towards the end, then to it (Material reacts to reaching the end).
            for script in ("s.scrollTop = s.scrollHeight - s.clientHeight - 80", "s.scrollTop = s.scrollHeight"):
                page.locator(".md-search__scrollwrap").evaluate(f"s => {{ {script}; }}")
                page.wait_for_timeout(150)
        assert items.count() == matches
        items.last.locator("a").first.click()
        page.wait_for_load_state()
        assert page.url != base
