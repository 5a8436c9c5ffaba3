"""The built sample site as a reader, a journalist and a kiosk see it."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ROOT, Project, article, published_articles

SECTION_TITLES = ["党建成果", "陈铭枢爱国主义教育基地", "客家文化", "家风家训", "荣誉名村"]
SITE_HOST = "www.example.gov.cn"
# Links a reader may follow out of the site; nothing is ever *loaded* from another host.
ALLOWED_LINK_HOSTS = {SITE_HOST, "beian.miit.gov.cn", "creativecommons.org"}


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.loads: list[str] = []  # URLs the browser fetches while showing the page
        self.links: list[str] = []  # <a href>
        self.nav_links: list[str] = []
        self.lang = ""
        self.text: list[str] = []
        self._nav_depth = 0

    def handle_starttag(self, tag, attrs):
        attr = dict(attrs)
        if tag == "html":
            self.lang = attr.get("lang", "")
        if tag == "nav" and "md-nav" in (attr.get("class") or ""):
            self._nav_depth += 1
        if tag == "a" and attr.get("href"):
            self.links.append(attr["href"])
            if self._nav_depth:
                self.nav_links.append(attr["href"])
        if tag == "link" and attr.get("href") and attr.get("rel") not in ("canonical", "alternate"):
            self.loads.append(attr["href"])
        for name in ("src", "data-src", "poster"):
            if attr.get(name):
                self.loads.append(attr[name])
        for name in ("srcset", "imagesrcset"):
            if attr.get(name):
                self.loads += [part.strip().split(" ")[0] for part in attr[name].split(",")]
        if attr.get("style"):
            self.loads += re.findall(r"url\(['\"]?([^'\")]+)", attr["style"])

    def handle_endtag(self, tag):
        if tag == "nav" and self._nav_depth:
            self._nav_depth -= 1

    def handle_data(self, data):
        self.text.append(data)

    @property
    def plain(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.text))


def parse(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


ARTICLES = published_articles()


def test_sample_archive_has_enough_articles_in_every_section():
    assert len(ARTICLES) >= 15
    sections = {url.split("/")[0] for url, _ in ARTICLES}
    assert len(sections) == 5


def test_home_page_shows_sections_and_latest_articles(sample_site: Path):
    home = parse(sample_site / "index.html")
    assert home.lang == "zh-CN"
    for title in SECTION_TITLES:
        assert title in home.plain
    newest = max(ARTICLES, key=lambda item: str(item[1]["date"]))[1]["title"]
    assert "最新文章" in home.plain and newest in home.plain


@pytest.mark.parametrize("url,meta", ARTICLES, ids=[url for url, _ in ARTICLES])
def test_article_page_has_news_header_footer_and_no_external_loads(sample_site: Path, url: str, meta: dict):
    page = parse(sample_site / url)
    text = page.plain
    assert page.lang == "zh-CN"
    assert meta["title"] in text
    assert f"来源：{meta.get('source', '曲樟乡人民政府')}" in text
    assert "作者：" + "、".join(meta["authors"]) in text
    assert f"责任编辑：{meta['editor']}" in text
    assert "发布时间：" in text
    assert "版权所有" in text and "未经书面授权" in text
    assert "主办单位：合浦县曲樟乡人民政府" in text
    for resource in page.loads:
        assert not urlsplit(resource).netloc, f"{url} loads {resource} from another host"
    for link in page.links:
        host = urlsplit(link).hostname
        assert host is None or host in ALLOWED_LINK_HOSTS, f"{url} links to {link}"


# Material's bundle names two fallbacks on unpkg that it loads only when needed: a
# ResizeObserver polyfill for browsers without ResizeObserver (none that run the site)
# and mermaid for pages with diagrams (the site has none, checked below).
MATERIAL_CONDITIONAL_LOADS = {"https://unpkg.com/resize-observer-polyfill", "https://unpkg.com/mermaid@11/dist/mermaid.min.js"}


def test_no_stylesheet_or_script_fetches_another_host(sample_site: Path):
    offenders = []
    for path in sample_site.rglob("*"):
        if path.suffix not in (".css", ".js", ".html"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        name = path.relative_to(sample_site)
        for url in re.findall(r"https?://(?:fonts\.googleapis|fonts\.gstatic|unpkg\.com|cdn\.jsdelivr|cdnjs\.)[^\s\"'`)]*", text):
            if url not in MATERIAL_CONDITIONAL_LOADS:
                offenders.append(f"{name}: {url}")
        offenders += [f"{name}: {m}" for m in re.findall(r"@import\s+url\(['\"]?https?:[^)]+", text)]
        if path.suffix == ".html" and 'class="mermaid"' in text:
            offenders.append(f"{name}: mermaid diagram would load mermaid from unpkg")
    assert offenders == []


def test_icp_number_links_to_the_miit_filing_site(sample_site: Path):
    page = parse(sample_site / "about/index.html")
    assert "https://beian.miit.gov.cn/" in page.links
    assert "桂ICP备" in page.plain


def test_drafts_and_articles_in_review_are_not_published(sample_site: Path):
    html = "\n".join(p.read_text(encoding="utf-8") for p in sample_site.rglob("*.html"))
    assert "村级治安亭建设情况（草稿）" not in html
    assert "客家山歌小记（审核中）" not in html
    assert not (sample_site / "dangjian/caogao-shili").exists()
    assert "草稿正文" not in (sample_site / "search/search_index.json").read_text(encoding="utf-8")


def test_section_pages_list_their_articles_newest_first(sample_site: Path):
    for section in {url.split("/")[0] for url, _ in ARTICLES}:
        expected = sorted(
            (meta for url, meta in ARTICLES if url.startswith(section + "/")), key=lambda m: str(m["date"]), reverse=True
        )
        text = parse(sample_site / section / "index.html").plain
        positions = [text.index(meta["title"]) for meta in expected]
        assert positions == sorted(positions), section


def test_navigation_lists_sections_not_articles(sample_site: Path):
    page = parse(sample_site / ARTICLES[0][0])
    nav_text = " ".join(page.nav_links)
    for url, _meta in ARTICLES:
        assert url.rsplit("/", 2)[-2] not in nav_text
    assert len(page.nav_links) < 30


def test_tags_and_year_archive_reach_every_article(sample_site: Path):
    tags = parse(sample_site / "tags/index.html")
    assert "陈铭枢" in tags.plain
    years = parse(sample_site / "archive/index.html")
    assert "2024年" in years.plain and "2025年" in years.plain
    listed = set()
    for year_page in (sample_site / "archive").glob("*/index.html"):
        listed |= {link for link in parse(year_page).links}
    for url, _ in ARTICLES:
        slug = url.rsplit("/", 2)[-2]
        assert any(slug in link for link in listed), url


def test_reprinted_or_licensed_article_shows_its_own_rights(sample_site: Path):
    page = parse(sample_site / "jiaoyu-jidi/chen-mingshu-shengping/index.html")
    assert "CC BY 4.0" in page.plain
    assert "https://creativecommons.org/licenses/by/4.0/deed.zh-hans" in page.links


def test_typography_uses_system_cjk_fonts_and_loose_lines():
    css = (ROOT / "overrides/assets/stylesheets/archive.css").read_text(encoding="utf-8")
    assert "Noto Sans CJK SC" in css and "Microsoft YaHei" in css
    line_height = float(re.search(r"\.md-typeset \{[^}]*line-height: ([\d.]+)", css).group(1))
    assert 1.7 <= line_height <= 1.8
    assert "text-align: justify" in css


@pytest.mark.slow
def test_big_archive_paginates_and_keeps_pages_small(project: Project):
    """60 articles in one section: the section pages paginate and an article page's
    navigation does not grow with the number of articles."""
    for n in range(60):
        project.write(
            f"dangjian/pl-{n:03d}.md",
            article(title=f"分页测试第{n}篇", slug=f"fen-ye-{n:03d}", date=f"2023-{1 + n % 12:02d}-{1 + n % 28:02d}"),
        )
    result = project.mkdocs_build_in_process()
    assert result.returncode == 0, result.output
    site = project.root / "site"
    first = parse(site / "dangjian/index.html")
    assert (site / "dangjian/page/2/index.html").is_file()
    assert (site / "dangjian/page/4/index.html").is_file()  # 60 + 7 sample articles, 20 a page
    assert not (site / "dangjian/page/5").exists()
    assert "下一页" in first.plain
    article_links = [link for link in first.links if "fen-ye-" in link]
    assert 0 < len(article_links) <= 20
    page = parse(site / "dangjian/fen-ye-000/index.html")
    assert len(page.nav_links) < 30


@pytest.mark.slow
def test_slug_stays_when_title_changes(project: Project):
    from datetime import datetime

    from township_archive.authoring.workflow import file_versions, read_front, review_changes, rewrite

    source = project.docs / "dangjian/hongse-daipaoyuan.md"
    source.write_text(source.read_text(encoding="utf-8").replace("title: “红色代跑员”一年跑腿382次", "title: 新标题"), encoding="utf-8")
    refused = project.mkdocs_build_in_process()  # a published article changed after it was vouched for
    assert refused.returncode != 0 and "请重新送审" in refused.output
    for level, name in (("初审", "张三"), ("复审", "李四"), ("终审", "王五")):  # as the review command records them
        front = read_front(source)  # the version with its cover picture
        rewrite(source, review_changes(front, level, name, datetime(2025, 3, 20), file_versions(project.docs, source, front)))
    assert project.mkdocs_build_in_process().returncode == 0
    page = project.root / "site/dangjian/hongse-daipaoyuan/index.html"
    assert "新标题" in page.read_text(encoding="utf-8")


def test_section_introduction_written_by_staff_heads_its_listing(sample_site: Path):
    page = parse(sample_site / "jiaoyu-jidi/index.html")
    assert "基地展示终端上的内容与本栏目一致" in page.plain
    assert "陈铭枢生平简介" in page.plain


@pytest.mark.slow
def test_serve_previews_drafts_with_a_banner(project: Project):
    """`make serve` runs `mkdocs serve`: drafts are visible there, marked as such."""
    import socket
    import subprocess
    import time
    import urllib.request

    from conftest import BIN

    project.write("dangjian/dai-shen.md", article(title="待审稿件", slug="dai-shen", status="review"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(BIN / "mkdocs"), "serve", "--no-livereload", "-a", f"127.0.0.1:{port}"],
        cwd=project.root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/dangjian/caogao-shili/", timeout=5) as response:
                    html = response.read().decode("utf-8")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.5)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/dangjian/dai-shen/", timeout=5) as response:
            review_html = response.read().decode("utf-8")
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert "村级治安亭建设情况（草稿）" in html
    assert "草稿：本文尚未发布" in html
    assert "待审：本文尚未发布" in review_html


def test_not_found_page_is_in_chinese_and_leads_back(sample_site: Path):
    page = parse(sample_site / "404.html")
    assert "页面不存在" in page.plain
    for title in SECTION_TITLES:
        assert title in page.plain
