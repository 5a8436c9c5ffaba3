"""The home page and the chronicle (大事记) as readers get them.

In-process (fast): what the plan's view (`SiteView`) hands the templates — 图片新闻 (the newest
published articles with a cover), each section's newest cover and count, the banner (its picture
published as variants with its credit, its original withheld, its problems in mkdocs.yml), how many
cards a row, the chronicle's months across the pages of a year — and the `home` options of mkdocs.yml.

In Chromium (marked browser and slow): the sample site's home page at 360, 390, 768 and 1366 px at the
standard and the largest text size (no sideways scrolling, even card rows, the banner's text readable
on its scrim, the 订阅 links leading to feeds that parse) and the chronicle from the index to an article.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree

import pytest
from browser import browser_page
from conftest import ROOT, article, plan_settings, small_project, write_doc
from search_quality import serve
from test_input_robustness import validate_config
from township_archive.content.model import Section
from township_archive.listings import ListingKind
from township_archive.media.model import MediaSpec
from township_archive.mkdocs.project import load_project
from township_archive.plan import prepare
from township_archive.problems import Severity
from township_archive.samples import save_photo_like
from township_archive.settings import HomeSettings, township_name
from township_archive.templating import SiteView, row_counts

SECTIONS = (Section("dangjian", "党建成果", "基层党建"), Section("kejia", "客家文化"), Section("jiafeng", "家风家训"))
BANNER = HomeSettings(banner="images/banner.jpg", banner_alt="曲樟乡的田野（示例）", title="曲樟乡", subtitle="合浦县", picture_news=2)


def picture(root: Path, relative: str, width: int = 800, height: int = 500, seed: int = 0) -> None:
    save_photo_like(root / "docs" / relative, width, height, seed)


def covered(root: Path, section: str, slug: str, title: str, date: str, status: str = "published") -> None:
    write_doc(root, f"{section}/{slug}.md", article(title, slug, status=status, date=date, extra=f"cover: {slug}/cover.jpg"))
    picture(root, f"{section}/{slug}/cover.jpg", seed=len(slug))


@pytest.fixture(scope="module")
def archive_root(tmp_path_factory) -> Path:
    """Three sections: 党建 with covers old and new, a draft with the newest cover of all, and an article
    without a cover between them; 客家 with one cover; 家风 with none. A banner photo with its credit."""
    root = tmp_path_factory.mktemp("home")
    write_doc(root, "index.md", "---\ntitle: 首页\ntemplate: home.html\n---\n")
    covered(root, "dangjian", "wangge-zhili", "网格化治理", "2024-07-20")
    write_doc(root, "dangjian/dinggang.md", article("定岗认责", "dinggang", date="2024-07-25"))
    covered(root, "dangjian", "hongse-daipao", "红色代跑员", "2024-06-10")
    covered(root, "dangjian", "caogao", "还在写的稿子", "2024-08-01", status="draft")
    covered(root, "kejia", "shange", "客家山歌进校园", "2024-07-10")
    write_doc(root, "kejia/xinsu.md", article("客家新俗", "xinsu", date="2023-11-20"))
    write_doc(root, "jiafeng/jiaxun.md", article("陈氏家训", "jiaxun", date="2024-05-01"))
    picture(root, "images/banner.jpg", 960, 400, seed=3)
    (root / "docs/images/banner.jpg.yml").write_text("author: 示例摄影\n", encoding="utf-8")
    return root


def settings_for(root: Path, **changes):
    return plan_settings(root, **{"sections": SECTIONS, "home": BANNER, **changes})


def view_of(root: Path, **changes) -> SiteView:
    plan, problems = prepare(settings_for(root, **changes))
    assert not [p for p in problems if p.is_error], problems
    return SiteView.from_plan(plan)


def titles(articles) -> list[str]:
    return [a.title for a in articles]


def test_picture_news_are_the_newest_published_articles_with_a_cover(archive_root: Path):
    view = view_of(archive_root)
    # Newest first; 定岗认责 (no cover) and the draft (not published) are left out; two as configured.
    assert titles(view.picture_news.items) == ["网格化治理", "客家山歌进校园"]
    assert titles(view_of(archive_root, home=replace(BANNER, picture_news=10)).picture_news.items) == [
        "网格化治理", "客家山歌进校园", "红色代跑员",
    ]
    assert view_of(archive_root, home=replace(BANNER, picture_news=0)).picture_news.items == ()
    # Without processed pictures there is nothing to show: no block rather than empty frames.
    assert view_of(archive_root, media_enabled=False).picture_news.items == ()


def test_section_cards_show_the_newest_cover_and_the_count(archive_root: Path):
    view = view_of(archive_root)
    cards = {entry.section.id: entry for entry in view.section_cards.items}
    assert [entry.section.id for entry in view.section_cards.items] == ["dangjian", "kejia", "jiafeng"]  # as configured
    assert (cards["dangjian"].count, cards["dangjian"].cover_article.title) == (3, "网格化治理")  # the draft neither counts nor covers
    assert (cards["kejia"].count, cards["kejia"].cover_article.title) == (2, "客家山歌进校园")
    assert (cards["jiafeng"].count, cards["jiafeng"].cover_article) == (1, None)
    assert view.cover(cards["dangjian"].cover_article).source == "dangjian/wangge-zhili/cover.jpg"
    assert (view.section_cards.wide, view.section_cards.middle) == (3, 1)


def test_the_home_page_draws_only_the_newest_articles(tmp_path: Path):
    """However large the archive, the home page gets home_latest articles and picture_news covers."""
    for number in range(30):
        slug = f"wen-zhang-{number}"
        extra = f"cover: {slug}/cover.jpg" if number % 3 == 0 else ""
        write_doc(tmp_path, f"dangjian/{slug}.md", article(f"第{number}篇", slug, date=f"2024-{number % 12 + 1:02d}-{number % 28 + 1:02d}", extra=extra))
        if extra:
            picture(tmp_path, f"dangjian/{slug}/cover.jpg", 640, 400, seed=number)
    view = view_of(tmp_path, home=HomeSettings(picture_news=4), home_latest=5)
    assert len(view.latest) == 5 and len(view.picture_news.items) == 4
    assert view.total == 30


@pytest.mark.parametrize(
    "count,widest,expected",
    [
        (5, 3, (3, 1)),  # 3 + 2 where wide, one a row where two would leave one alone
        (4, 4, (4, 2)),
        (4, 3, (4, 2)),  # 3 + 1 would leave one alone: 4 in a row
        (7, 3, (4, 1)),  # 4 + 3
        (6, 3, (3, 2)),
        (2, 3, (2, 2)),
        (1, 4, (1, 1)),
        (0, 4, (1, 1)),
    ],
)
def test_card_rows_never_leave_one_card_alone(count, widest, expected):
    wide, middle = row_counts(count, widest)
    assert (wide, middle) == expected
    for per_row in (wide, middle):
        assert per_row == 1 or count % per_row != 1


def test_the_banner_is_published_as_variants_with_its_credit_and_its_original_withheld(archive_root: Path):
    settings = settings_for(archive_root)
    plan, _ = prepare(replace(settings, media=replace(settings.media, spec=MediaSpec(widths=(320, 480, 640), formats=("webp",)))))
    assert plan.is_withheld("images/banner.jpg") and plan.is_withheld("images/banner.jpg.yml")
    variants = sorted(path for path in plan.copied if path.startswith("images/banner."))
    assert variants and all(plan.copied[path].is_file() for path in variants)
    assert {Path(path).suffix for path in variants} == {".webp", ".jpg"}
    view = SiteView.from_plan(plan)
    banner = view.banner
    assert (banner.title, banner.subtitle, banner.alt, banner.credit) == ("曲樟乡", "合浦县", "曲樟乡的田野（示例）", "摄影：示例摄影")
    markup = str(view.picture(banner.image, "", role="banner", alt=banner.alt, priority=True))
    assert 'fetchpriority="high"' in markup and 'loading="lazy"' not in markup and 'alt="曲樟乡的田野（示例）"' in markup
    # Phones are offered the variants up to the middle configured width, never the largest.
    phone = re.findall(r'<source media="\(max-width: 44.9375em\)" type="([^"]+)" srcset="([^"]+)"', markup)
    assert [kind for kind, _ in phone] == ["image/webp", "image/jpeg"]
    # Phones up to the middle configured width (480), never the largest.
    assert all("480w" in srcset and "640w" not in srcset for _, srcset in phone)
    assert "640w" in markup  # larger screens still get the large variant


def test_banner_problems_name_the_line_in_mkdocs_yml(tmp_path: Path):
    (tmp_path / "mkdocs.yml").write_text("site_name: 测试\nplugins:\n  - township-archive:\n      home:\n        banner: images/banner.jpg\n", encoding="utf-8")
    write_doc(tmp_path, "index.md", "---\ntitle: 首页\n---\n")
    settings = settings_for(tmp_path)
    _plan, problems = prepare(settings)
    (missing,) = [p for p in problems if p.code == "home-banner-missing"]
    assert (missing.path, missing.line, missing.is_error) == ("mkdocs.yml", 5, True)
    assert "docs/images/banner.jpg" in missing.message and "images/banner.jpg" in missing.hint

    picture(tmp_path, "images/banner.jpg", 400, 200)
    plan, problems = prepare(settings)
    (small,) = [p for p in problems if p.code == "home-banner-small"]
    assert small.severity is Severity.WARNING and "400 像素" in small.message and "640" in small.message
    assert SiteView.from_plan(plan).banner is not None  # a warning: the banner is still shown

    plan, problems = prepare(settings_for(tmp_path, home=HomeSettings()))
    assert not [p for p in problems if p.code.startswith("home-")] and SiteView.from_plan(plan).banner is None


def test_the_chronicle_gives_each_page_its_months_and_marks_a_month_continued(archive_root: Path):
    view = view_of(archive_root, page_size=2)
    plan, _ = prepare(settings_for(archive_root, page_size=2))
    pages = [page for page in plan.listings.pages if page.kind is ListingKind.YEAR and page.base_url == "archive/2024/"]
    assert [page.number for page in pages] == [1, 2, 3]
    months = [[(m.month, m.continued, titles(m.entries)) for m in view.timeline(page)] for page in pages]
    assert months == [
        [(7, False, ["定岗认责", "网格化治理"])],
        [(7, True, ["客家山歌进校园"]), (6, False, ["红色代跑员"])],  # July began on page 1
        [(5, False, ["陈氏家训"])],
    ]
    # The index's month links go to the page where the month begins, at its heading's anchor.
    year = view.year_of(pages[1])
    assert year.name == "2024年" and [(m.month, m.count, m.url) for m in year.months] == [
        (7, 3, "archive/2024/#m7"), (6, 1, "archive/2024/page/2/#m6"), (5, 1, "archive/2024/page/3/#m5"),
    ]
    assert view.timeline(pages[1])[1].anchor == "m6"
    assert view.year_of(plan.listings.pages[0]) is None  # not a year page


# --- The home options in mkdocs.yml ------------------------------------------------------------


@pytest.mark.parametrize(
    "lines,line,expected",
    [
        (["home:", "  banner: ../secret.jpg"], 13, "docs/ 文件夹里"),
        (["home:", "  banner: /images/banner.jpg"], 13, "docs/ 文件夹里"),
        (["home:", "  banner: docs/images/banner.jpg"], 13, "写成 images/banner.jpg"),
        (["home:", "  banner: images\\banner.jpg"], 13, "用 / 分隔"),
        (["home:", "  banner: images/banner.pdf"], 13, "照片"),
        (["home:", "  banner: images/banner.jpg"], 12, "替代文字"),  # no banner_alt
        (["home:", "  picture_news: 50"], 13, "不大于 12"),
        (["home:", "  banner_alt: 2024"], 13, "文字"),
        (["home:", "  baner: images/banner.jpg"], 13, "是不是想写 banner？"),
    ],
)
def test_bad_home_options_are_refused_in_chinese_with_their_line(tmp_path, lines, line, expected):
    failed, _warnings, text = validate_config(tmp_path, *lines)
    assert failed, lines
    assert f"mkdocs.yml 第 {line} 行" in text and expected in text, text


def test_the_banner_heading_defaults_to_the_township_of_the_region(tmp_path: Path):
    assert township_name("广西壮族自治区北海市合浦县曲樟乡") == ("曲樟乡", "广西壮族自治区北海市合浦县")
    assert township_name("北京市海淀区中关村街道") == ("中关村街道", "北京市海淀区")
    assert township_name("浙江省杭州市西湖区") == ("西湖区", "浙江省杭州市")  # a district ending in 区
    assert township_name("曲樟乡") == ("曲樟乡", "")
    # The sample's mkdocs.yml without the heading lines: the region gives them.
    config = small_project(tmp_path / "project", {})
    text = config.read_text(encoding="utf-8")
    lines = re.compile(r"^ {8}(title|subtitle): .*\n", re.MULTILINE)  # under home: (sections' titles are deeper)
    assert len(lines.findall(text)) == 2
    config.write_text(lines.sub("", text), encoding="utf-8")
    home = load_project(config).settings.home
    assert (home.title, home.subtitle) == ("曲樟乡", "广西壮族自治区北海市合浦县")


def test_the_sample_project_has_a_banner_with_its_credit():
    project = load_project(ROOT / "mkdocs.yml")
    home = project.settings.home
    assert home.banner and home.banner_alt and home.title == "曲樟乡" and home.title != project.settings.identity.site_name
    assert (ROOT / "docs" / home.banner).is_file() and (ROOT / "docs" / f"{home.banner}.yml").is_file()


# --- In Chromium, on the sample site ---------------------------------------------------------------

WIDTHS = (360, 390, 768, 1366)
LARGEST = 3  # 超大 on the reading bar

# Each card list's rows, as the reader sees them: the cards' widths grouped by their top edge.
CARD_ROWS = """(selector) => {
  const rows = new Map();
  for (const card of document.querySelectorAll(selector)) {
    const box = card.getBoundingClientRect();
    const top = Math.round(box.top + window.scrollY);
    rows.set(top, [...(rows.get(top) || []), box.width]);
  }
  return [...rows.values()];
}"""

# The banner's text colours and the scrim's colour behind them (rgba), and what the page calls itself.
BANNER_TEXT = """() => {
  const scrim = document.querySelector('.ta-banner__scrim');
  const texts = [...scrim.querySelectorAll('h1, p')].map(el => ({text: el.textContent.trim(), color: getComputedStyle(el).color}));
  return {
    scrim: getComputedStyle(scrim).backgroundColor,
    texts,
    h1s: [...document.querySelectorAll('h1')].map(h => h.textContent.trim()),
    header: document.querySelector('.md-header__topic .md-ellipsis')?.textContent.trim() || '',
    fits: scrim.getBoundingClientRect().top >= document.querySelector('.ta-banner').getBoundingClientRect().top - 0.5,
  };
}"""


def _channels(css: str) -> tuple[float, ...]:
    return tuple(float(n) for n in re.findall(r"[\d.]+", css))


def _luminance(rgb: tuple[float, ...]) -> float:
    def linear(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_on_scrim(text: str, scrim: str) -> float:
    """The text's contrast against the scrim laid over the worst photo under it: white for light text."""
    *colour, alpha = (*_channels(scrim), 1.0)[:4]
    under = 255.0 if _luminance(_channels(text)) > 0.5 else 0.0
    ground = tuple(c * alpha + under * (1 - alpha) for c in colour)
    light, dark = sorted((_luminance(_channels(text)), _luminance(ground)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_on_scrim_takes_the_worst_photo():
    assert contrast_on_scrim("rgb(255, 255, 255)", "rgba(0, 0, 0, 0.62)") > 4.5
    assert contrast_on_scrim("rgb(255, 255, 255)", "rgba(0, 0, 0, 0.3)") < 4.5  # a thin scrim over white sky
    assert contrast_on_scrim("rgb(255, 255, 255)", "rgb(0, 0, 0)") == pytest.approx(21)


def _even(rows: list[list[float]]) -> bool:
    """Equal widths in every row, and no card alone on a row unless every row holds one (one column)."""
    equal = all(max(row) - min(row) < 1.5 for row in rows)
    return equal and (all(len(row) == 1 for row in rows) or all(len(row) > 1 for row in rows))


def _scroll_through(page) -> None:
    """Down the page and back, as a reader would, so that lazy pictures load."""
    height = page.evaluate("document.documentElement.scrollHeight")
    for top in range(0, height, 500):
        page.evaluate(f"window.scrollTo(0, {top})")
    page.evaluate("window.scrollTo(0, 0)")


@pytest.mark.browser
@pytest.mark.slow
def test_the_home_page_at_every_width_and_text_size(sample_site: Path):
    found = []
    with serve(sample_site) as base:
        for width in WIDTHS:
            with browser_page((base,), width=width, height=900) as (page, watch):
                page.goto(base)
                for size in (0, LARGEST):
                    page.locator(f"[data-ta-set-size='{size}']").click()
                    where = f"{width}px，字号 {size}"
                    _scroll_through(page)
                    if page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"):
                        found.append(f"{where}：页面可以左右滚动")
                    for name, selector in (("栏目", ".ta-section-cards > li"), ("图片新闻", "#ta-news + .ta-cards > li")):
                        rows = page.evaluate(CARD_ROWS, selector)
                        if not rows or not _even(rows):
                            found.append(f"{where}：{name}卡片排列不均匀 {rows}")
                        if width <= 390 and any(len(row) > 1 for row in rows):
                            found.append(f"{where}：手机上{name}应当一行一张 {rows}")
                        if width == 1366 and any(len(row) == 1 for row in rows):
                            found.append(f"{where}：{name}有一张卡片独占一行 {rows}")
                    banner = page.evaluate(BANNER_TEXT)
                    assert banner["h1s"] == ["曲樟乡"] and banner["header"] != "曲樟乡", banner  # the H1 is not the header's name
                    assert banner["fits"], f"{where}：横幅文字超出了横幅"
                    for text in banner["texts"]:
                        ratio = contrast_on_scrim(text["color"], banner["scrim"])
                        if ratio < 4.5:
                            found.append(f"{where}：横幅文字“{text['text']}”对比度只有 {ratio:.1f}")
                assert not watch.console_errors and not watch.blocked
    assert not found, found


@pytest.mark.browser
@pytest.mark.slow
def test_the_subscribe_links_lead_to_feeds_that_parse(sample_site: Path):
    with serve(sample_site) as base, browser_page((base,), width=390, height=844) as (page, watch):
        page.goto(base)
        rss, json_feed = page.locator(".ta-subscribe__link").all()
        assert rss.is_visible() and "订阅" in rss.inner_text()
        # The footer of every page has the link too (here: an article's).
        page.goto(base + "kejia-wenhua/kejia-xiangzhen/")
        footer = page.locator(".ta-footer__feeds a").first
        assert "订阅" in footer.inner_text()
        footer.scroll_into_view_if_needed()
        assert footer.is_visible()
        page.goto(base)
        feeds = {}
        for link in (rss, json_feed):
            response = page.request.get(link.evaluate("a => a.href"))
            assert response.ok
            feeds[link.get_attribute("type")] = response.body()
        channel = ElementTree.fromstring(feeds["application/rss+xml"]).find("channel")
        items = channel.findall("item")
        assert channel.findtext("title") and items and all(item.findtext("link") for item in items)
        data = json.loads(feeds["application/feed+json"])
        assert data["version"].startswith("https://jsonfeed.org/version/1") and data["items"]
        assert {item.findtext("title") for item in items} == {item["title"] for item in data["items"]}
        assert not watch.console_errors


@pytest.mark.browser
@pytest.mark.slow
def test_the_chronicle_leads_from_a_month_to_its_dated_articles(sample_site: Path):
    with serve(sample_site) as base, browser_page((base,), width=390, height=844) as (page, watch):
        page.goto(base + "archive/")
        month = page.locator(".ta-chronicle-year .ta-months a").nth(1)
        label = month.inner_text()  # e.g. 12月
        month.click()
        page.wait_for_load_state()
        anchor = page.evaluate("location.hash")
        assert re.fullmatch(r"#m\d+", anchor) and "/archive/" in page.url
        heading = page.locator(f"h2{anchor}")
        assert heading.inner_text().startswith(label)
        # The month's dated entries follow its heading; the heading is in view, not under the header.
        entries = page.locator(f"section:has(> h2{anchor}) .ta-timeline > li")
        assert entries.count() >= 1
        assert page.evaluate(f"document.querySelector('h2{anchor}').getBoundingClientRect().top") >= 0
        first = entries.first
        date = first.locator("time").inner_text()
        assert re.fullmatch(rf"{label}\d+日", date), date
        link = first.locator(".ta-timeline__title a")
        title = link.inner_text()
        link.click()
        page.wait_for_load_state()
        assert page.locator("h1").first.inner_text().strip() == title
        assert not watch.console_errors
