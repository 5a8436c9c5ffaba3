"""The content model's pure functions, called directly without a build."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from conftest import ROOT
from township_archive.content.frontmatter import parse
from township_archive.content.loader import load_archive
from township_archive.content.model import Article, RightsOverride, Section, Status
from township_archive.content.schema import FIELDS, count_characters
from township_archive.content.slugs import heading_slug, pinyin_slug, unique_slugs
from township_archive.dates import parse_date
from township_archive.listings import paginate
from township_archive.rights.notice import SiteRights, article_notice, year_range

SECTION = Section("dangjian", "党建成果")


@pytest.mark.parametrize(
    "title,slug",
    [
        ("陈铭枢与十九路军", "chen-ming-shu-yu-shi-jiu-lu-jun"),
        ("重庆银行", "chong-qing-yin-hang"),  # heteronyms read by phrase, not per character
        ("曲樟乡2024年工作", "qu-zhang-xiang-2024-nian-gong-zuo"),
        ("“红色代跑员”：一年382次！", "hong-se-dai-pao-yuan-yi-nian-382-ci"),
        ("长大成人", "zhang-da-cheng-ren"),
    ],
)
def test_pinyin_slug_reads_chinese_correctly(title, slug):
    assert pinyin_slug(title) == slug


def test_slugs_are_bounded_and_unique_per_name():
    assert len(pinyin_slug("很长的标题" * 30)) <= 80
    slugs = unique_slugs(["师", "诗", "师"])
    assert sorted(slugs.values()) == ["shi", "shi-2"]
    assert heading_slug("投身辛亥革命", "-") == "tou-shen-xin-hai-ge-ming"


@pytest.mark.parametrize(
    "value,expected",
    [
        ("2024-05-01", datetime(2024, 5, 1)),
        ("2024-05-01 09:30", datetime(2024, 5, 1, 9, 30)),
        ("2024年5月1日", datetime(2024, 5, 1)),
        ("2024/5/1", datetime(2024, 5, 1)),
        ("2024-02-30", None),
        ("五月一日", None),
    ],
)
def test_parse_date_accepts_what_staff_write(value, expected):
    assert parse_date(value) == expected


def test_front_matter_keeps_line_numbers_and_finds_duplicate_keys():
    front, problems = parse("a.md", "---\ntitle: 甲\n\ntags: [乙]\ntitle: 丙\n---\n正文\n")
    assert front.line_of("title") == 2 and front.line_of("tags") == 4
    assert [(p.code, p.line) for p in problems] == [("duplicate-field", 5)]
    assert front.body_line == 7


def test_every_field_is_documented_in_the_staff_handbook():
    handbook = (ROOT / "HANDBOOK.md").read_text(encoding="utf-8")
    for name, spec in FIELDS.items():
        assert f"`{name}`" in handbook and spec.label in handbook


def test_character_count_ignores_markup():
    assert count_characters("## 标题\n\n正文[链接](http://x)，![图](a.jpg)") == len("标题正文链接，")


def _article(**changes) -> Article:
    values = {
        "source_path": "dangjian/a.md", "section": SECTION, "title": "甲", "slug": "jia", "status": Status.PUBLISHED,
        "date": datetime(2024, 5, 1),
    }
    values.update(changes)
    return Article(**values)


def test_notice_defaults_to_site_holder_and_policy():
    site = SiteRights("某乡人民政府", "未经书面授权不得转载。", "宣传办")
    notice = article_notice(site, _article())
    assert notice.holder == "某乡人民政府"
    assert "未经书面授权不得转载" in notice.statement and "宣传办" in notice.statement


def test_notice_for_reprint_names_original_source_and_title():
    site = SiteRights("某乡人民政府", "未经书面授权不得转载。")
    rights = RightsOverride(original_source="北海日报", original_title="原来的标题")
    notice = article_notice(site, _article(rights=rights))
    assert notice.holder == "北海日报"
    assert "转载自北海日报" in notice.statement and "原题《原来的标题》" in notice.statement


def test_copyright_years_come_from_content_not_the_clock():
    assert year_range(2019, 2024) == "2019–2024"
    assert year_range(None, 2024) == "2024"
    assert year_range(2024, 2024) == "2024"


def test_pagination_and_pager_gaps():
    articles = [_article(slug=f"a{n}") for n in range(95)]
    pages = paginate("section", "党建成果", "dangjian/", articles, 10)
    assert len(pages) == 10 and [len(p.articles) for p in pages][-1] == 5
    assert pages[0].url == "dangjian/" and pages[3].url == "dangjian/page/4/"
    assert pages[5].pager() == [
        (1, "dangjian/"), (None, None), (4, "dangjian/page/4/"), (5, "dangjian/page/5/"),
        (6, "dangjian/page/6/"), (7, "dangjian/page/7/"), (8, "dangjian/page/8/"), (None, None),
        (10, "dangjian/page/10/"),
    ]
    assert pages[0].previous_url is None and pages[-1].next_url is None


def test_drafts_are_loaded_but_not_published(tmp_path: Path):
    docs = tmp_path / "docs"
    (docs / "dangjian").mkdir(parents=True)
    (docs / "dangjian/a.md").write_text("---\ntitle: 草稿一篇\n---\n正文\n", encoding="utf-8")
    archive, problems = load_archive(docs, [SECTION], "本站")
    assert problems == []
    assert archive.articles[0].status is Status.DRAFT and archive.articles[0].slug == "cao-gao-yi-pian"
    assert archive.published == []
