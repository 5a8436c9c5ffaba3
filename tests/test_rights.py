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
    csl = json.loads((sample_site / url).with_name("cite.json").read_text(encoding="utf-8"))[0]
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
    result = project.cli("check")
    assert result.returncode == 1
    assert "docs/dangjian/a.md:9" in result.stdout and "旧网址 /dangjian/bisai-huojiang/ 已被" in result.stdout


def test_image_credits_are_listed_with_the_notice(sample_site: Path):
    html = page_text(sample_site, "kejia-wenhua/kejia-xiangzhen/index.html")
    notice = re.search(r'<aside class="ta-notice".*?</aside>', html, re.DOTALL).group(0)
    assert "封面图（摄影：示例摄影，版权归合浦县曲樟乡人民政府）" in notice
    assert "xiangjian-2.jpg（摄影：示例摄影乙，版权归合浦县曲樟乡人民政府）" in notice
