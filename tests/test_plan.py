"""The SitePlan's decisions, in-process and without an engine: what a build would publish, where,
with which template, in which navigation, which pictures, which generated files and redirects,
and what search knows. The MkDocs adapter only carries these out (test_site.py builds them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Project, article, write_doc
from conftest import plan_settings as settings_for
from PIL import Image
from township_archive.listings import ListingKind
from township_archive.mkdocs.project import load_project
from township_archive.plan import NavEntry, PageKind, prepare
from township_archive.settings import OfflineSettings


@pytest.fixture(scope="module")
def archive_root(tmp_path_factory) -> Path:
    """One small archive for every test here (its pictures are processed once, then cached)."""
    tmp_path = tmp_path_factory.mktemp("plan")
    write_doc(tmp_path, "index.md", "---\ntitle: 首页\ntemplate: home.html\n---\n")
    write_doc(tmp_path, "about.md", "---\ntitle: 版权声明\n---\n\n本站作品受法律保护。\n")
    write_doc(tmp_path, "plans.md", "---\ntitle: 筹备中的页面\nstatus: draft\n---\n")
    write_doc(tmp_path, "dangjian/index.md", "---\ntitle: 党建成果\n---\n")
    body = "网格员走村入户。\n\n![网格员在村委会](wangge/photo.jpg)\n"
    write_doc(tmp_path, "dangjian/wangge.md", article("网格化治理", "wangge-zhili", date="2024-05-01", body=body,
                                                   extra="aliases: [old-wangge]\nvillages: [双庄村]"))
    (tmp_path / "docs/dangjian/wangge").mkdir()
    Image.new("RGB", (800, 600), (120, 80, 40)).save(tmp_path / "docs/dangjian/wangge/photo.jpg")
    (tmp_path / "docs/dangjian/wangge/photo.jpg.yml").write_text("author: 李摄影\n", encoding="utf-8")
    write_doc(tmp_path, "dangjian/caogao.md", article("还在写的稿子", "cao-gao", status="draft"))
    Image.new("RGB", (800, 600)).save(tmp_path / "docs/dangjian/caogao-photo.jpg")
    (tmp_path / "docs/dangjian/caogao").mkdir()
    Image.new("RGB", (800, 600)).save(tmp_path / "docs/dangjian/caogao/draft.jpg")
    write_doc(tmp_path, "kejia/shange.md", article("客家山歌进校园", "shan-ge", date="2023-11-20"))
    write_doc(tmp_path, "kejia/widget.js", "alert(1)\n")
    write_doc(tmp_path, "合作 \"伙伴\".md", "---\ntitle: 合作伙伴\n---\n")
    return tmp_path


def test_articles_get_their_slug_folders_and_templates(archive_root: Path):
    plan, problems = prepare(settings_for(archive_root))
    assert not [p for p in problems if p.is_error], problems
    assert plan.dest("dangjian/wangge.md") == "dangjian/wangge-zhili/index.html"
    assert plan.kind("dangjian/wangge.md") is PageKind.ARTICLE
    facts = plan.page_facts("dangjian/wangge.md")
    assert (facts.template, facts.author) == ("article.html", "测试作者")
    assert plan.page_facts("tags/index.md").template == "listing.html"
    assert plan.page_facts("about.md").template is None  # the page's own front matter or the theme's
    assert plan.dest("about.md") is None  # the engine's usual place


def test_drafts_and_their_pictures_stay_out_of_the_public_site(archive_root: Path):
    plan, _ = prepare(settings_for(archive_root))
    assert plan.is_draft("dangjian/caogao.md")
    assert plan.is_draft("dangjian/caogao/draft.jpg")  # the draft's own picture folder
    assert not plan.is_draft("dangjian/caogao-photo.jpg")  # a neighbour that only starts alike
    assert plan.is_draft("plans.md")  # a page whose status says draft
    assert not plan.is_draft("dangjian/wangge.md")
    assert "dangjian/cao-gao/" not in plan.published_by_url
    # The preview shows drafts as they are: their originals are not withheld from it.
    assert not plan.is_withheld("dangjian/caogao/draft.jpg")


def test_originals_and_sidecars_are_withheld_and_their_variants_published(archive_root: Path):
    plan, _ = prepare(settings_for(archive_root))
    assert plan.is_withheld("dangjian/wangge/photo.jpg")
    assert plan.is_withheld("dangjian/wangge/photo.jpg.yml")
    variants = [path for path in plan.copied if path.startswith("dangjian/wangge/")]
    assert variants and all(plan.copied[path].is_file() for path in variants)
    assert {Path(path).suffix for path in variants} == {".webp", ".jpg"}  # the configured format plus the fallback
    assert "assets/javascripts/glightbox.min.js" in plan.copied


def test_active_files_are_withheld_unless_allowed(archive_root: Path):
    assert prepare(settings_for(archive_root))[0].is_withheld("kejia/widget.js")
    assert not prepare(settings_for(archive_root, allow_active_files=True))[0].is_withheld("kejia/widget.js")


def test_navigation_lists_sections_and_indexes_never_articles(archive_root: Path):
    plan, _ = prepare(settings_for(archive_root))
    assert plan.nav == (
        NavEntry("index.md"),
        NavEntry("dangjian/index.md", "党建成果"),
        NavEntry("kejia/index.md", "客家文化"),
        NavEntry("tags/index.md", "标签"),
        NavEntry("archive/index.md", "大事记"),
        NavEntry("villages/index.md", "村庄名录"),
        NavEntry("about.md"),  # plans.md is a draft
        NavEntry("合作 \"伙伴\".md"),
    )
    assert not plan.in_nav("dangjian/wangge.md")
    for kind in (ListingKind.TAG, ListingKind.YEAR, ListingKind.VILLAGE):  # reached from their index pages
        pages = [page for page in plan.listings.pages if page.kind is kind]
        assert pages and not any(plan.in_nav(page.src_uri) for page in pages), kind


def test_generated_files_redirects_and_feeds(archive_root: Path):
    plan, _ = prepare(settings_for(archive_root))
    assert {"robots.txt", "feed.xml", "feed.json", "dangjian/feed.xml", "dangjian/wangge-zhili/wangge-zhili.bib"} <= set(plan.generated)
    assert "dangjian/cao-gao/cao-gao.bib" not in plan.generated
    assert plan.redirects == (("/dangjian/old-wangge/", "/dangjian/wangge-zhili/"),)
    (page,) = plan.redirect_pages()
    assert (page.path, page.target, page.title) == ("dangjian/old-wangge/index.html", "../wangge-zhili/", "网格化治理")
    assert page.canonical == "https://www.quzhang.gov.cn/dangjian/wangge-zhili/"


def test_offline_addresses_name_the_index_file(archive_root: Path):
    plan, _ = prepare(settings_for(archive_root, directory_urls=False, offline=OfflineSettings(enabled=True)))
    (page,) = plan.redirect_pages()
    assert page.target == "../wangge-zhili/index.html"
    assert plan.rights_url() == "about.html"
    assert plan.search_document("dangjian/wangge.md", "", "<p>正文</p>").url == "dangjian/wangge-zhili/index.html"
    assert prepare(settings_for(archive_root))[0].rights_url() == "about/"


def test_search_documents_per_kind_of_page(archive_root: Path):
    plan, _ = prepare(settings_for(archive_root))
    document = plan.search_document("dangjian/wangge.md", "ignored", "<p>网格员走村入户。</p>")
    assert (document.title, document.section, document.tags, document.villages) == ("网格化治理", "党建成果", ("测试",), ("双庄村",))
    assert document.date_label == "2024年5月1日" and "网格员走村入户" in document.text
    assert plan.search_document("dangjian/caogao.md", "", "<p>x</p>") is None  # drafts are not searchable
    assert plan.search_document("index.md", "首页", "<p>x</p>") is None  # the home page is search's own
    section = plan.search_document("dangjian/index.md", "", "")
    assert (section.url, section.title, section.text) == ("dangjian/", "党建成果", "基层党建")
    assert plan.search_document("tags/index.md", "", "") is None
    about = plan.search_document("about.md", "版权声明", "<p>本站作品受法律保护。</p>")
    assert (about.url, about.title) == ("about/", "版权声明")


def test_a_page_with_quotes_in_its_name_gets_an_escaped_address(archive_root: Path):
    plan, _ = prepare(settings_for(archive_root))
    document = plan.search_document("合作 \"伙伴\".md", "合作伙伴", "")
    assert document.url == "%E5%90%88%E4%BD%9C%20%22%E4%BC%99%E4%BC%B4%22/"


def test_the_sample_project_plans_without_errors(project: Project):
    """The repository's mkdocs.yml through the adapter's settings: every published article has a page. (A copy,
    with the sample's pictures processed once a session: planning writes the image cache beside mkdocs.yml.)"""
    project = load_project(project.root / "mkdocs.yml")
    plan, problems = prepare(project.settings)
    assert not [p for p in problems if p.is_error]
    published = plan.archive.published
    assert len(published) >= 15
    assert all(plan.dest(a.source_path) == f"{a.section.id}/{a.slug}/index.html" for a in published)
    assert project.settings.identity.site_name and project.settings.sections
