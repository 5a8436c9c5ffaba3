"""Safe by construction, the rules in process: the body HTML policy, what may be read from docs/,
old addresses, and text that must stay text in BibTeX and XML feeds."""

from __future__ import annotations

import os
import xml.etree.ElementTree as etree
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from conftest import historical
from township_archive.content.loader import load_archive
from township_archive.content.model import Section
from township_archive.rights.citation import Citation, bibtex, tex_text
from township_archive.safety.body import BodyPolicy, clean_body, removal_problems
from township_archive.safety.files import scan_docs

SECTIONS = [Section("dangjian", "党建成果"), Section("kejia-wenhua", "客家文化")]


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]


def elements(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    return parser


def render(text: str) -> str:
    return markdown.markdown(text, extensions=["attr_list", "md_in_html", "tables", "fenced_code", "footnotes", "admonition", "toc"],
                             extension_configs={"tables": {"use_align_attribute": True}})


# ------------------------------------------------------------------ the body HTML policy

ARTICLE_MARKUP = """
<h2 id="a">标题</h2><p>正文<strong>加粗</strong><em>强调</em><a href="../other/">站内</a><a href="https://example.org/" class="ta-external" rel="noopener">站外</a><a href="mailto:a@b.cn">邮件</a><sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup></p>
<figure class="ta-figure"><a class="glightbox" href="p.jpg"><picture><source type="image/avif" srcset="p.480.avif 480w" sizes="100vw"><img src="p.960.jpg" srcset="p.480.jpg 480w" sizes="100vw" alt="说明" width="960" height="640" class="off-glb" loading="lazy" decoding="async"></picture></a><figcaption>说明<span class="ta-credit">图片：某人</span></figcaption></figure>
<table><thead><tr><th align="center">节庆</th></tr></thead><tbody><tr><td align="left">春节</td></tr></tbody></table>
<details open><summary>更多</summary><p>内容</p></details>
<p><ruby>曲<rt>qū</rt></ruby><time datetime="2024-01-01">2024年</time></p>
<div class="admonition note"><p class="admonition-title">注意</p></div>
<div class="footnote"><ol><li id="fn:1"><p>脚注<a class="footnote-backref" href="#fnref:1" title="返回">↩</a></p></li></ol></div>
"""


def test_what_articles_need_passes_the_policy_unchanged_in_substance():
    cleaned, removed = clean_body(ARTICLE_MARKUP)
    assert removed == []
    before, after = elements(ARTICLE_MARKUP), elements(cleaned)
    assert before.tags == after.tags
    assert sorted(before.attributes) == sorted(after.attributes)


@pytest.mark.parametrize(
    "payload, gone",
    [
        ("<script>alert(1)</script>", "script"),
        ("<p>x</p><style>body{display:none}</style>", "style"),
        ('<iframe src="https://evil.example/"></iframe>', "iframe"),
        ('<iframe srcdoc="<script>alert(1)</script>"></iframe>', "iframe"),
        ('<object data="x.swf"></object>', "object"),
        ('<embed src="x.swf">', "embed"),
        ('<form action="https://evil.example/"><input name="q"></form>', "form"),
        ('<svg><script>alert(1)</script></svg>', "svg"),
        ('<math><mtext><script>alert(1)</script></mtext></math>', "math"),
        ('<base href="https://evil.example/">', "base"),
        ('<meta http-equiv="refresh" content="0; url=https://evil.example/">', "meta"),
        ('<link rel="stylesheet" href="https://evil.example/x.css">', "link"),
    ],
)
def test_elements_that_can_run_or_restyle_are_removed_and_reported(payload: str, gone: str):
    cleaned, removed = clean_body(f"<p>前文</p>{payload}<p>后文</p>")
    assert gone not in elements(cleaned).tags and "script" not in elements(cleaned).tags
    assert "alert" not in cleaned
    assert "前文" in cleaned and "后文" in cleaned
    assert removed and any(gone in r.what or "script" in r.what for r in removed)


@pytest.mark.parametrize(
    "payload",
    [
        '<img src="x.jpg" onerror="alert(1)">',
        '<p onclick="alert(1)">x</p>',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href=" javascript:alert(1)">x</a>',
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
        '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
        '<p style="background:url(javascript:alert(1))">x</p>',
        '<div id="__config">x</div>',
        '<img src="https://tracker.example/pixel.gif">',
        '<img src="//tracker.example/pixel.gif">',
        '<picture><source srcset="a.avif 1x, https://tracker.example/b.avif 2x"><img src="a.jpg"></picture>',
        '<a id="md-search" href="#">x</a>',
    ],
)
def test_handlers_styles_and_unsafe_urls_are_removed(payload: str):
    cleaned, removed = clean_body(payload)
    for tag, name, value in elements(cleaned).attributes:
        assert not name.startswith("on") and name != "style"
        assert "tracker.example" not in value
        assert not value.lower().lstrip().startswith(("javascript", "data:", "vbscript"))
        assert not (name == "id" and value.startswith(("__", "md-")))
    assert removed


def test_attribute_list_syntax_cannot_add_handlers():
    html = render("# 标题 {onclick=\"alert(1)\"}\n\n段落\n{: onmouseover=\"alert(1)\" style=\"color:red\" }\n")
    cleaned, removed = clean_body(html)
    assert "alert" not in cleaned and "style" not in cleaned
    assert {r.what for r in removed} >= {"<h1> 的 onclick 属性", "<p> 的 onmouseover 属性", "<p> 的 style 属性"}


def test_embeds_only_from_listed_origins():
    policy = BodyPolicy(("https://player.example.cn",))
    allowed = '<iframe src="https://player.example.cn/v?id=1" width="640" height="360" allowfullscreen></iframe>'
    cleaned, removed = clean_body(allowed, policy)
    assert ("iframe", "src", "https://player.example.cn/v?id=1") in elements(cleaned).attributes and removed == []
    for other in ("https://evil.example/v", "http://player.example.cn/v", "https://player.example.cn.evil.example/v",
                  "javascript:alert(1)"):
        cleaned, removed = clean_body(f'<iframe src="{other}"></iframe>', policy)
        assert not [a for a in elements(cleaned).attributes if a[1] == "src"], other
        assert removed
    assert "iframe" not in elements(clean_body(allowed)[0]).tags  # no embeds unless configured


def test_removals_are_reported_at_their_source_line_outside_code_blocks():
    source = "第一段\n\n```html\n<script>示例</script>\n```\n\n正文\n\n<script>alert(1)</script>\n\n<p onclick=\"x\">点</p>\n"
    _cleaned, removed = clean_body(render(source))
    problems = removal_problems("docs/dangjian/a.md", source, removed, first_line=8)
    lines = {p.message.split("：")[0]: p.line for p in problems}
    assert lines == {"发布时删除了 <script> 元素": 8 + 8, "发布时删除了 <p> 的 onclick 属性": 8 + 10}
    assert all(p.path == "docs/dangjian/a.md" and not p.is_error for p in problems)
    assert "<script>示例</script>" not in render(source)  # the code block stays text, never a removal


def test_comments_are_dropped_and_what_follows_them_stays():
    cleaned, removed = clean_body("<p>甲</p><!-- 内部备注 --><p>乙</p>")
    assert "内部备注" not in cleaned and "<!--" not in cleaned
    assert "甲" in cleaned and "乙" in cleaned
    assert [r.what for r in removed] == ["HTML 注释 <!-- -->"]


# ------------------------------------------------------------------ what may be read from docs/


def _docs(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    (docs / "dangjian").mkdir(parents=True)
    (docs / "index.md").write_text("# 首页\n", encoding="utf-8")
    (docs / "dangjian" / "a.md").write_text("---\ntitle: 草稿\n---\n正文\n", encoding="utf-8")
    return docs


def test_links_special_files_and_odd_markdown_are_refused(tmp_path: Path):
    docs = _docs(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN=1", encoding="utf-8")
    (docs / "env.txt").symlink_to("/proc/self/environ")
    (docs / "inside.md").symlink_to(docs / "index.md")
    (docs / "outside").symlink_to(tmp_path)
    (docs / "dangling.jpg").symlink_to(tmp_path / "missing.jpg")
    os.mkfifo(docs / "pipe")
    (docs / "folder.md").mkdir()
    (docs / "dangjian" / "b.markdown").write_text("x", encoding="utf-8")
    (docs / "dangjian" / "c.MD").write_text("x", encoding="utf-8")
    (docs / "dangjian" / "d.mdown").write_text("x", encoding="utf-8")
    found = scan_docs(docs)
    codes = {p.path: p.code for p in found.problems}
    assert codes == {
        "docs/env.txt": "symlink", "docs/inside.md": "symlink", "docs/outside": "symlink", "docs/dangling.jpg": "symlink",
        "docs/pipe": "special-file", "docs/folder.md": "folder-named-md",
        "docs/dangjian/b.markdown": "markdown-suffix", "docs/dangjian/c.MD": "markdown-suffix",
        "docs/dangjian/d.mdown": "markdown-suffix",
    }
    assert all(p.is_error and p.message for p in found.problems)
    assert found.markdown == ["dangjian/a.md", "index.md"]


def test_scripts_html_and_svg_are_set_aside(tmp_path: Path):
    docs = _docs(tmp_path)
    for name in ("x.js", "page.html", "logo.SVG", "feed.xml", "photo.jpg", "doc.pdf", ".hidden.js"):
        (docs / "dangjian" / name).write_bytes(b"x")
    assert scan_docs(docs).active == ["dangjian/feed.xml", "dangjian/logo.SVG", "dangjian/page.html", "dangjian/x.js"]


def test_load_archive_stops_on_a_link_before_reading_it(tmp_path: Path):
    docs = _docs(tmp_path)
    (docs / "dangjian" / "leak.md").symlink_to("/proc/self/environ")
    archive, problems = load_archive(docs, SECTIONS, "曲樟乡人民政府", tmp_path)
    assert [p.code for p in problems if p.is_error] == ["symlink"]
    assert not [a for a in archive.articles if "leak" in a.source_path]


ARTICLE = """---
title: 文章
slug: {slug}
status: published
date: 2024-05-01
authors: [甲]
editor: 乙
aliases: {aliases}
---
正文
"""


@pytest.mark.parametrize(
    "alias, fine",
    [
        ("old-slug", True),
        ("kejia-wenhua/old-slug", True),
        ("/about", False),
        ("about", True),  # a bare slug stays in the article's section: /dangjian/about/
        ("page", False),
        ("dangjian/page", False),
        ("pictures", False),  # a folder of files under docs/dangjian/
        ("dangjian/other", False),  # another article's address
    ],
)
def test_an_old_address_never_takes_over_another(tmp_path: Path, alias: str, fine: bool):
    docs = _docs(tmp_path)
    (docs / "about.md").write_text("# 关于\n", encoding="utf-8")
    (docs / "dangjian" / "pictures").mkdir()
    (docs / "dangjian" / "pictures" / "p.jpg").write_bytes(b"x")
    (docs / "dangjian" / "a.md").write_text(historical(ARTICLE.format(slug="moved", aliases=f'["{alias}"]')), encoding="utf-8")
    (docs / "dangjian" / "b.md").write_text(historical(ARTICLE.format(slug="other", aliases="[]")), encoding="utf-8")
    _archive, problems = load_archive(docs, SECTIONS, "曲樟乡人民政府", tmp_path)
    bad = [p for p in problems if p.code in ("bad-alias", "duplicate-alias")]
    assert (not bad) == fine, [p.as_text() for p in bad]
    if bad:
        assert bad[0].path == "docs/dangjian/a.md" and bad[0].line == 8


def test_pages_keep_their_draft_status(tmp_path: Path):
    docs = _docs(tmp_path)
    (docs / "notice.md").write_text("---\ntitle: 通知\nstatus: draft\n---\n内容\n", encoding="utf-8")
    (docs / "dangjian" / "index.md").write_text("---\nstatus: 待审\n---\n栏目介绍\n", encoding="utf-8")
    (docs / "about.md").write_text("---\ntitle: 关于\n---\n", encoding="utf-8")
    archive, problems = load_archive(docs, SECTIONS, "曲樟乡人民政府", tmp_path)
    assert archive.unpublished_pages == {"notice.md", "dangjian/index.md"}
    assert not [p for p in problems if p.is_error]


# ------------------------------------------------------------------ text stays text in BibTeX and feeds


def test_bibtex_fields_cannot_open_commands_or_groups():
    assert tex_text(r"A & B {x} 100% \input{/etc/passwd} ~_^#$") == (
        r"A \& B \{x\} 100\% \textbackslash{}input\{/etc/passwd\} \textasciitilde{}\_\textasciicircum{}\#\$"
    )
    entry = bibtex(Citation(title="标题}\n@misc{evil,", authors=("张三} and {李四",), publisher="曲樟", url="https://x/", key="k"))
    assert entry.count("{") - entry.count(r"\{") == entry.count("}") - entry.count(r"\}")
    assert "@misc" not in entry.replace(r"@misc\{evil", "")


def test_feeds_stay_well_formed_xml_whatever_the_text():
    from township_archive.rights.feeds import _only_xml_characters

    root = etree.Element("rss")
    etree.SubElement(root, "title").text = "标题\x00\x08\x1b<&>\ufffe"
    _only_xml_characters(root)
    parsed = etree.fromstring(etree.tostring(root, encoding="utf-8"))
    assert parsed.find("title").text == "标题<&>"


def test_check_reports_what_the_policy_would_remove_from_a_draft(project):
    from township_archive.cli import check_project

    project.write("dangjian/cao-gao.md", "---\ntitle: 草稿\n---\n\n第一段。\n\n<script>alert(1)</script>\n\n<b onclick=\"x\">点</b>\n")
    problems = [p for p in check_project(project.root / "mkdocs.yml")[0] if p.code == "body-removed"]
    lines = {p.message.split("：")[0]: (p.path, p.line) for p in problems}
    assert lines == {"发布时删除了 <script> 元素": ("docs/dangjian/cao-gao.md", 7),
                     "发布时删除了 <b> 的 onclick 属性": ("docs/dangjian/cao-gao.md", 9)}


@pytest.mark.parametrize(
    "relative, reserved",
    [
        ("assets/stylesheets/archive.css", True),
        ("search/abc/t/0.js", True),
        ("robots.txt", True),
        ("feed.xml", True),
        ("dangjian/feed.json", True),
        ("dangjian/a-slug/a-slug.bib", True),  # citation files are named after the article
        ("dangjian/a-slug/a-slug.json", True),
        ("dangjian/a-slug/cite.bib", False),  # the old name is no longer the build's
        ("dangjian.md", True),
        ("tags.md", True),
        ("villages/index.md", False),  # the introduction of the village index: wanted
        ("dangjian/index.md", False),
        ("dangjian/photos/feed.xml", False),
        ("about.md", False),
        ("assets.jpg", False),
    ],
)
def test_files_where_the_build_writes_its_own_are_refused(tmp_path: Path, relative: str, reserved: bool):
    docs = _docs(tmp_path)
    (docs / "dangjian" / "a.md").write_text(historical(ARTICLE.format(slug="a-slug", aliases="[]")), encoding="utf-8")
    target = docs / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("# 页面\n" if relative.endswith(".md") else "x", encoding="utf-8")
    _archive, problems = load_archive(docs, SECTIONS, "曲樟乡人民政府", tmp_path)
    found = [p for p in problems if p.code == "reserved-place"]
    assert [p.path for p in found] == ([f"docs/{relative}"] if reserved else []), [p.as_text() for p in problems]


@pytest.mark.parametrize(
    "front, fine",
    [
        ("title: 关于\ntemplate: rights.html", True),
        ("hide: [navigation, toc]", True),
        ("template: ../../../../etc/passwd", False),
        ("template: partials/archive/cite.html", False),
        ("hide: 5", False),
        ("title: [1, 2]", False),
        ("icon: nope/nope", False),
    ],
)
def test_page_front_matter_is_checked(tmp_path: Path, front: str, fine: bool):
    docs = _docs(tmp_path)
    (docs / "about.md").write_text(f"---\n{front}\n---\n内容\n", encoding="utf-8")
    _archive, problems = load_archive(docs, SECTIONS, "曲樟乡人民政府", tmp_path)
    bad = [p for p in problems if p.code == "bad-page-field"]
    assert (not bad) == fine, [p.as_text() for p in problems]
    assert all(p.path == "docs/about.md" and p.line == 2 for p in bad)


def test_a_summary_keeps_prose_with_angle_brackets_and_ends_a_comment_at_its_own_end():
    from township_archive.content.schema import plain_text

    assert plain_text("注释符号是 <!-- 和 ‹简报>。\n\n第二段。") == "注释符号是 <! 和 ‹简报>。 第二段。"
    assert plain_text("甲 <!-- 内部备注 --> 乙 <b>丙</b> <img src=x onerror=alert(1)>丁") == "甲 乙 丙 丁"


def test_links_that_mkdocs_yml_gives_the_theme_pass_the_url_rule(tmp_path: Path):
    from township_archive.site_checks import link_problems

    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\nrepo_url: javascript://x/%0aalert(1)\nextra:\n  homepage: javascript:alert(1)\n"
                      "  social:\n    - link: 'JaVaScRiPt:alert(1)'\n  note: 'data:text/html,x'\n", encoding="utf-8")
    extra = {"homepage": "javascript:alert(1)", "social": [{"link": "JaVaScRiPt:alert(1)"}], "note": "data:text/html,x",
             "alternate": [{"link": "/en/"}], "tip": "Note: 普通文字"}
    problems = link_problems(config, {"site_url": "https://www.example.gov.cn/", "repo_url": "javascript://x/%0aalert(1)"}, extra)
    assert sorted(p.message.split(" ")[0] for p in problems) == ["homepage", "link", "note", "repo_url"]
    assert {p.line for p in problems} >= {2, 4} and all(p.path == "mkdocs.yml" for p in problems)
    assert link_problems(config, {"site_url": "https://www.example.gov.cn/"}, {"homepage": "https://www.example.gov.cn/"}) == []


def test_a_page_posing_as_a_section_is_refused_beside_the_section_introduction(tmp_path: Path):
    docs = _docs(tmp_path)
    (docs / "dangjian" / "index.md").write_text("# 党建成果\n", encoding="utf-8")
    (docs / "dangjian.md").write_text("# 冒充的栏目\n", encoding="utf-8")
    _archive, problems = load_archive(docs, SECTIONS, "曲樟乡人民政府", tmp_path)
    assert [p.path for p in problems if p.code == "reserved-place"] == ["docs/dangjian.md"]
