"""What visitors get on every page: accessibility (axe-core, zero violations), a weight budget,
reading settings for elderly readers, the chronicle, the villages index, related articles,
neighbours in the section and a print layout."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from accessibility import axe_violations, preload_axe, site_pages
from browser import browser_page
from conftest import published_articles
from search_quality import serve

# What one page may weigh, gzip: its HTML, and HTML + CSS + JS it loads (no web fonts at all).
HTML_BUDGET = 30 * 1024
PAGE_BUDGET = 130 * 1024


def _gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 6))


def page_weight(site: Path, page: str) -> tuple[int, int]:
    """(HTML, HTML + stylesheets + scripts) gzip bytes of a built page, from its files."""
    html_path = site / page / "index.html" if page.endswith("/") or page == "" else site / page
    html = html_path.read_text(encoding="utf-8")
    total = html_size = _gzip_size(html_path)
    url = "/" + page
    refs = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) + re.findall(r'<script src="([^"]+)"', html)
    for ref in refs:
        target = site / urljoin(url, ref).lstrip("/")
        total += _gzip_size(target)
    return html_size, total


def test_every_page_stays_within_the_weight_budget(sample_site: Path):
    heavy = []
    for page in site_pages(sample_site):
        html, total = page_weight(sample_site, page)
        if html > HTML_BUDGET or total > PAGE_BUDGET:
            heavy.append(f"{page}: HTML {html} B, 共 {total} B")
    assert not heavy, heavy


def test_budget_counts_what_a_page_loads(sample_site: Path):
    html, total = page_weight(sample_site, "kejia-wenhua/kejia-xiangzhen/")
    assert 2_000 < html < total  # the lightbox, Material's bundle and styles are counted too
    assert total > 60_000


@pytest.mark.browser
def test_no_page_has_an_accessibility_violation(sample_site: Path):
    pages = site_pages(sample_site)
    assert len(pages) > 40
    found = {}
    with serve(sample_site) as base, browser_page((base,), width=412, height=823) as (page, watch):
        preload_axe(page.context)
        for path in pages:
            page.goto(base + path)
            violations = axe_violations(page)
            if violations:
                found[path] = violations
        # The largest text and high contrast must not break anything either.
        page.goto(base + "jiaoyu-jidi/songhu-kangzhan/")
        page.locator("[data-ta-set-size='3']").click()
        page.locator("[data-ta-toggle-contrast]").click()
        for path in ("", "jiaoyu-jidi/songhu-kangzhan/", "archive/"):
            page.goto(base + path)
            violations = axe_violations(page)
            if violations:
                found[f"{path}（超大字号、高对比度）"] = violations
        assert not watch.console_errors
    assert not found, found


@pytest.mark.browser
def test_text_size_and_contrast_follow_the_reader_across_pages(sample_site: Path):
    with serve(sample_site) as base, browser_page((base,), width=412, height=823) as (page, _):
        page.goto(base)
        normal = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
        sizes = []
        for step in range(4):
            page.locator(f"[data-ta-set-size='{step}']").click()
            sizes.append(page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)"))
        assert sizes[0] == normal and sizes == sorted(sizes) and sizes[3] >= normal * 1.5
        page.locator("[data-ta-set-size='2']").click()
        assert page.locator("[data-ta-set-size='2']").get_attribute("aria-pressed") == "true"

        # Keyboard only: Tab to the contrast switch, Space to press it; the focus ring shows.
        page.locator("[data-ta-set-size='3']").focus()
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.hasAttribute('data-ta-toggle-contrast')")
        assert focused
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
        page.keyboard.press("Space")
        assert page.locator("[data-ta-toggle-contrast]").get_attribute("aria-pressed") == "true"

        page.goto(base + "jiafeng-jiaxun/")
        assert page.evaluate("document.documentElement.dataset.taSize") == "2"
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
        assert page.locator("[data-ta-toggle-contrast]").get_attribute("aria-pressed") == "true"
        line_height = page.evaluate(
            "(() => { const p = document.querySelector('.md-typeset p'); const s = getComputedStyle(p);"
            " return parseFloat(s.lineHeight) / parseFloat(s.fontSize); })()"
        )
        assert line_height >= 1.5


def test_chronicle_lists_every_article_by_year_and_month(sample_site: Path):
    index = (sample_site / "archive/index.html").read_text(encoding="utf-8")
    assert "<h1>大事记</h1>" in index
    months = re.findall(r'<a href="([^"]+#m(\d+))">(\d+)月</a>', index)
    assert months and all(m == label for _, m, label in months)
    year_page = (sample_site / "archive/2024/index.html").read_text(encoding="utf-8")
    headings = [int(m) for m in re.findall(r'<h2 id="m(\d+)">', year_page)]
    assert headings == sorted(headings, reverse=True) and len(headings) > 3
    listed = sum(
        len(re.findall(r'class="ta-timeline__title"', p.read_text(encoding="utf-8")))
        for p in (sample_site / "archive").rglob("index.html") if p.parent.name.isdigit() or p.parent.parent.name == "page"
    )
    assert listed == len(published_articles())


def test_villages_index_shows_honours_and_links_the_articles(sample_site: Path):
    index = (sample_site / "villages/index.html").read_text(encoding="utf-8")
    assert "广西历史文化名村" in index and "（2024年）" in index
    village = (sample_site / "villages/shi-li-cun-jia/index.html").read_text(encoding="utf-8")
    assert "广西历史文化名村" in village and "曲樟一村获评广西历史文化名村" in village
    article = (sample_site / "rongyu-mingcun/lishi-wenhua-mingcun/index.html").read_text(encoding="utf-8")
    assert 'href="../../villages/shi-li-cun-jia/"' in article


def test_article_links_to_its_neighbours_and_related_articles(sample_site: Path):
    html = (sample_site / "jiaoyu-jidi/songhu-kangzhan/index.html").read_text(encoding="utf-8")
    neighbours = re.search(r'<nav class="ta-neighbours".*?</nav>', html, re.DOTALL).group(0)
    assert "陈铭枢生平简介" in neighbours and 'rel="prev"' in neighbours  # the next newer article of the section
    related = re.search(r'<section class="ta-related".*?</section>', html, re.DOTALL).group(0)
    assert "陈铭枢生平简介" in related or "传承陈铭枢爱国精神" in related  # they share the tag 陈铭枢
    assert "songhu-kangzhan" not in related


@pytest.mark.browser
def test_print_layout_keeps_the_article_and_citation_only(sample_site: Path):
    with serve(sample_site) as base, browser_page((base,)) as (page, _):
        page.goto(base + "jiaoyu-jidi/songhu-kangzhan/")
        page.emulate_media(media="print")
        assert not page.locator(".md-header").is_visible()
        assert not page.locator(".ta-reading").is_visible()
        assert not page.locator(".ta-related").is_visible()
        assert page.locator(".ta-cite__text").is_visible()
        assert page.locator(".ta-article-body").is_visible()


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("- name: 甲村\n  honours:\n    - title: 名村\n      year: 二〇二四\n", 4, "不是四位数的年份"),
        ("- name: 甲村\n- name: 甲村\n", 2, "写了两次"),
        ("- description: 没有名字\n", 1, "没有写名称"),
    ],
)
def test_bad_village_data_is_reported_with_file_and_line(project, text, line, words):
    (project.root / "villages.yml").write_text(text, encoding="utf-8")
    result = project.mkdocs_build_in_process()
    assert result.returncode != 0
    assert re.search(rf"villages\.yml:{line}: .*{words}", result.output), result.output
    assert "Traceback" not in result.output


@pytest.mark.browser
def test_reading_settings_are_remembered_in_the_offline_copy(unpacked: Path):
    with browser_page() as (page, watch):
        page.goto((unpacked / "index.html").as_uri())
        page.locator("[data-ta-set-size='3']").click()
        page.locator("[data-ta-toggle-contrast]").click()
        page.locator(".md-tabs__link").nth(1).click()
        page.wait_for_load_state()
        assert page.url.startswith("file:") and page.url.endswith("/dangjian/index.html")
        assert page.evaluate("document.documentElement.dataset.taSize") == "3"
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
        assert not watch.blocked and not watch.console_errors
