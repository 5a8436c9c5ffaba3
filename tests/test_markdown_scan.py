"""The one Markdown scanner (content/markdown_scan.py): fenced code as Python-Markdown renders it,
images (inline, reference-style, raw HTML) and links with their lines, and its three readers
(media check, lint, body policy) agreeing on what is code."""

from __future__ import annotations

import re

import pytest
from markdown import Markdown
from township_archive.content.markdown_scan import (
    Definition,
    Fence,
    Image,
    Kind,
    Link,
    definitions,
    fences,
    images,
    is_external,
    lines_outside_code,
    links,
    mask_code_spans,
)
from township_archive.safety.body import source_line

# ------------------------------------------------------------------ fenced code


FENCE_CASES = {
    "plain": ("段落\n\n```\ncode\n```\n\n后文\n", [(3, 5)]),
    "tildes and language": ("~~~python\nx = 1\n~~~\n", [(1, 3)]),
    "language after spaces": ("```   yaml\nk: v\n```\n", [(1, 3)]),
    "attributes": ("``` {.python #id}\nx\n```\n", [(1, 3)]),
    "hl_lines": ('```python hl_lines="1 2"\nx\n```\n', [(1, 3)]),
    "closing with trailing spaces": ("```\nx\n```   \n", [(1, 3)]),
    "longer fence holds a shorter one": ("````\n```\ninner\n```\n````\n", [(1, 5)]),
    "a longer line does not close a shorter fence": ("```\n````\nstill code\n```\n", [(1, 4)]),
    "a fence with a language does not close": ("```\n```python\nstill code\n```\n", [(1, 4)]),
    "tildes do not close backticks": ("```\n~~~\nstill code\n```\n", [(1, 4)]),
    "backticks do not close tildes": ("~~~\n```\nstill code\n~~~\n", [(1, 4)]),
    "unclosed is no code": ("```\nnot code\n\n![图](a/photo.jpg)\n", []),
    "unclosed first, closed later": ("```\ntext\n~~~\ncode\n~~~\n", [(3, 5)]),
    "two blocks": ("```\na\n```\ntext\n~~~\nb\n~~~\n", [(1, 3), (5, 7)]),
    "empty block": ("```\n```\n", [(1, 2)]),
    "indented fence is not a fence": ("  ```\nx\n  ```\n", []),
    "inline code at line start is not a fence": ("```x``` 是行内代码\n正文\n```\n", []),
    "two backticks are no fence": ("``\nx\n``\n", []),
    "text after the language": ("```python 多余\nx\n```\n", []),
    "tab after the fence": ("```\t\nx\n```\n", [(1, 3)]),
}


@pytest.mark.parametrize("name", FENCE_CASES)
def test_fences(name: str):
    markdown, expected = FENCE_CASES[name]
    assert [(f.first, f.last) for f in fences(markdown)] == expected


def _code_markers(markdown: str) -> set[str]:
    """Which line markers Python-Markdown (with fenced_code, as MkDocs always has it) puts inside <pre><code>."""
    html = Markdown(extensions=["fenced_code"]).convert(markdown)
    return set(re.findall(r"L\d+", "".join(re.findall(r"<pre[^>]*><code[^>]*>(.*?)</code></pre>", html, re.DOTALL))))


@pytest.mark.parametrize("name", FENCE_CASES)
def test_fences_agree_with_python_markdown(name: str):
    markdown, _expected = FENCE_CASES[name]
    lines = markdown.splitlines()
    # Every line that does not look like a fence gets a marker, so the rendering shows where it went.
    plain = {n for n, line in enumerate(lines, 1) if not line.lstrip().startswith(("```", "~~~", "``"))}
    marked = "\n".join(f"{line} L{n}" if n in plain else line for n, line in enumerate(lines, 1))
    code = {f"L{n}" for f in fences(marked) for n in range(f.first + 1, f.last) if n in plain}
    assert code == _code_markers(marked + "\n")


def test_lines_outside_code_count_from_the_first_line():
    markdown = "一\n```\n二\n```\n三\n"
    assert list(lines_outside_code(markdown, first_line=10)) == [(10, "一"), (14, "三")]
    assert fences(markdown, first_line=10) == [Fence(11, 13, "```")]


# ------------------------------------------------------------------ images


def test_inline_images_with_titles_lines_and_angle_brackets():
    markdown = '首段\n\n![清晨 ](a/1.jpg "说明")\n\n![](<a/2.jpg>) 和 ![三](a/3.jpg \'单引号\')\n'
    assert images(markdown, first_line=5) == [
        Image(7, "清晨", "a/1.jpg", "说明"),
        Image(9, "", "a/2.jpg"),
        Image(9, "三", "a/3.jpg", "单引号"),
    ]


def test_reference_style_images():
    markdown = (
        "![全称][远山]\n"
        "![简写][]\n"
        "![简写]\n"
        "![没有定义][无]\n"
        "![大小写][YuanShan]\n"
        "\n"
        '[远山]: a/yuan.jpg "远山的说明"\n'
        "[简写]: <a/jian.jpg>\n"
        "[yuanshan]: a/case.jpg (括号说明)\n"
    )
    assert images(markdown) == [
        Image(1, "全称", "a/yuan.jpg", "远山的说明", Kind.REFERENCE),
        Image(2, "简写", "a/jian.jpg", "", Kind.REFERENCE),
        Image(3, "简写", "a/jian.jpg", "", Kind.REFERENCE),
        Image(5, "大小写", "a/case.jpg", "括号说明", Kind.REFERENCE),
    ]


def test_definitions_first_wins_footnotes_are_not_definitions_and_code_is_skipped():
    markdown = "[a]: one.jpg\n[A]: two.jpg\n[^1]: 脚注\n```\n[b]: code.jpg\n```\n   [c]: three.jpg 'T'\n    [d]: indented.jpg\n"
    assert definitions(markdown) == {"a": Definition(1, "one.jpg"), "c": Definition(7, "three.jpg", "T")}


def test_raw_html_images():
    markdown = (
        '<img src="a/raw.jpg" alt="原始写法">\n'
        "<IMG SRC='a/upper.png' ALT=大写 title=\"标&amp;题\" />\n"
        "<p><img src=a/bare.jpg></p> <img alt=\"没有地址\">\n"
    )
    assert images(markdown) == [
        Image(1, "原始写法", "a/raw.jpg", "", Kind.HTML),
        Image(2, "大写", "a/upper.png", "标&题", Kind.HTML),
        Image(3, "", "a/bare.jpg", "", Kind.HTML),
    ]


def test_img_inside_alt_text_or_titles_is_text_not_an_image():
    markdown = (
        '![图片说明"><img src=x onerror=alert(1)>](a/photo.jpg "说明<img src=y>")\n'
        '[链接](https://example.org/ "标题<img src=z>")\n'
    )
    assert [(i.src, i.kind) for i in images(markdown)] == [("a/photo.jpg", Kind.INLINE)]


def test_images_in_code_are_not_images():
    markdown = (
        "```markdown\n![示例](a/in-fence.jpg)\n<img src=\"a/fence.jpg\">\n```\n"
        "行内代码 `![示例](a/in-span.jpg)` 与 ``<img src=\"a/span.jpg\">``\n"
        "~~~\n[ref]: a/defined-in-code.jpg\n~~~\n![ref]\n"
        "![真的](a/real.jpg)\n"
    )
    assert [i.src for i in images(markdown)] == ["a/real.jpg"]


def test_unclosed_fence_hides_nothing():
    assert [i.src for i in images("```\n![图](a/1.jpg)\n")] == ["a/1.jpg"]


def test_image_inside_a_link():
    markdown = "[![封面](a/cover.jpg)](../dangjian/b.md#xiao-jie)\n"
    assert images(markdown) == [Image(1, "封面", "a/cover.jpg")]
    assert links(markdown) == [Link(1, "![封面](a/cover.jpg)", "../dangjian/b.md#xiao-jie")]


@pytest.mark.parametrize(
    ("url", "external"),
    [
        ("https://example.org/a.jpg", True),
        ("//cdn.example/a.jpg", True),
        ("data:image/png;base64,xx", True),
        ("mailto:a@b.c", True),
        ("a/photo.jpg", False),
        ("../a/photo.jpg", False),
        ("/dangjian/a.jpg", False),
        ("照片:1.jpg", False),  # not a scheme: schemes are ASCII letters
    ],
)
def test_external_addresses(url: str, external: bool):
    assert is_external(url) is external
    assert Image(1, "", url).is_external is external


# ------------------------------------------------------------------ links


def test_inline_and_reference_links_with_lines():
    markdown = (
        "见[上一篇](a.md)和[下一篇](<b.md#duan> \"标题\")。\n"
        "\n"
        "参考[第三篇][三]、[第四篇][]、[未定义][无]。\n"
        "不是链接：![图](c.jpg)、[^1]、\\[转义](d.md)\n"
        "\n"
        "[三]: c.md#xiao-jie\n"
        "[第四篇]: ../dangjian/d.md\n"
        "[^1]: 脚注 [脚注里的链接](e.md)\n"
    )
    assert links(markdown, first_line=3) == [
        Link(3, "上一篇", "a.md"),
        Link(3, "下一篇", "b.md#duan", "标题"),
        Link(5, "第三篇", "c.md#xiao-jie", "", Kind.REFERENCE),
        Link(5, "第四篇", "../dangjian/d.md", "", Kind.REFERENCE),
        Link(10, "脚注里的链接", "e.md"),
    ]


def test_links_in_code_are_not_links():
    markdown = "```\n[代码](a.md)\n```\n`[行内](b.md)` 和 [真的](c.md)\n"
    assert [link.target for link in links(markdown)] == ["c.md"]


def test_several_links_on_a_line_and_brackets_in_text():
    markdown = "[甲](a.md) [乙 [注]](b.md) [丙](c.md)\n"
    assert [(link.text, link.target) for link in links(markdown)] == [("甲", "a.md"), ("乙 [注]", "b.md"), ("丙", "c.md")]


# ------------------------------------------------------------------ code spans


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("a `b` c", "a     c"),
        ("a ``b ` c`` d", "a" + " " * 11 + "d"),
        ("a \\`b` c", "a \\`b` c"),  # an escaped backtick opens nothing
        ("a ``b` c", "a ``b` c"),  # no closing run of the same length
        ("`一` `二`", "       "),
    ],
)
def test_code_spans_are_masked_in_place(line: str, masked: str):
    assert mask_code_spans(line) == masked
    assert len(mask_code_spans(line)) == len(line)


# ------------------------------------------------------------------ the readers agree


def test_body_policy_finds_lines_outside_fences_and_code_spans():
    source = "一 `<script>`\n```html\n<script>示例</script>\n```\n````\n```\n<script>还是代码</script>\n```\n````\n<script>真的</script>\n"
    assert source_line(source, "<script", first_line=5) == 5 + 9
    assert source_line(source, "不存在", first_line=5) == 5


# ------------------------------------------------------------------ the media check reads all three kinds


def test_media_check_sees_reference_style_and_html_images(tmp_path):
    from conftest import article, remark_fixtures
    from PIL import Image as Picture
    from township_archive.content.loader import load_archive
    from township_archive.content.model import Section
    from township_archive.media.library import MediaSettings, build_library
    from township_archive.media.model import MediaSpec

    docs = tmp_path / "docs"
    (docs / "dangjian/a").mkdir(parents=True)
    Picture.new("RGB", (800, 600), (90, 120, 60)).save(docs / "dangjian/a/photo.jpg")
    body = (
        "![][ref]\n\n"  # line 11 (after nine lines of front matter and a blank one): no alt text
        "![不存在][gone]\n\n"  # line 13: missing file
        '<img src="a/photo.jpg" alt="原始写法">\n\n'  # line 15: a picture of the site written as HTML
        '<img src="https://tracker.example/p.gif">\n\n'  # another site's: the body policy removes it
        "```\n![代码里](a/nothing.jpg)\n```\n\n"
        "[ref]: a/photo.jpg\n[gone]: a/gone.jpg\n"
    )
    (docs / "dangjian/a.md").write_text(article("参考式图片", "can-kao", body=body), encoding="utf-8")
    sections = [Section("dangjian", "党建成果")]
    remark_fixtures(docs)  # its picture counts in the version it is marked for
    archive, problems = load_archive(docs, sections, "曲樟乡人民政府", tmp_path)
    # A missing picture and its alt text are the readiness check's, found while loading (errors when published).
    assert sorted((p.line, p.code) for p in problems if p.is_error) == [(11, "image-no-alt"), (13, "image-missing")]
    settings = MediaSettings(MediaSpec(widths=(320, 640), formats=("webp",)), tmp_path / "cache", "曲樟乡人民政府", workers=1)
    library, found = build_library(docs, tmp_path, archive, settings)
    codes = sorted((p.line, p.code) for p in found)
    assert codes == [(15, "image-html")]
    assert library.article_images["dangjian/a.md"] == ["dangjian/a/photo.jpg"]  # the reference-style one is shown


def test_lint_checks_every_kind_of_link_and_skips_code(tmp_path):
    from datetime import datetime

    from conftest import article, remark_fixtures
    from township_archive.authoring.lint import heading_ids, lint_archive
    from township_archive.content.loader import load_archive
    from township_archive.content.model import Section

    docs = tmp_path / "docs"
    (docs / "dangjian/a").mkdir(parents=True)
    (docs / "dangjian/a/p.jpg").write_bytes(b"")  # the picture inside a link: there, so the article is ready
    (docs / "dangjian/b.md").write_text(article("第二篇", "di-er-pian", body="## 小结\n\n```\n## 代码里的标题\n```\n"), encoding="utf-8")
    body = (
        "[行内](b.md#xiao-jie) [单引号标题](gone.md 'x')\n"  # line 12 (after ten lines of front matter and a blank one): fine, then broken
        "[引用式][坏]\n"  # line 13: broken through its definition
        "[![图](a/p.jpg)](b.md#mei-you)\n"  # line 14: link around an image, broken anchor
        "```\n[代码里](gone.md) 网格化管理\n```\n"  # lines 15-17: code, neither link nor term
        "````\n```\n[还是代码](gone.md)\n```\n````\n"  # lines 18-22: a longer fence holds a shorter one
        "网格化管理\n"  # line 23: the wrongly written term
        "\n[坏]: ../kejia/none.md\n"
    )
    (docs / "dangjian/a.md").write_text(article("第一篇", "di-yi-pian", extra="summary: 第一篇的摘要。", body=body), encoding="utf-8")
    remark_fixtures(docs)
    archive, problems = load_archive(docs, [Section("dangjian", "党建成果")], "曲樟乡人民政府", tmp_path)
    assert not [p for p in problems if p.is_error], problems
    found = lint_archive(archive, docs, tmp_path, {"网格化管理": "网格化服务管理"}, datetime(2030, 1, 1))
    assert sorted((p.path, p.line, p.code) for p in found if p.code != "empty-section") == [
        ("docs/dangjian/a.md", 12, "broken-link"),
        ("docs/dangjian/a.md", 13, "broken-link"),
        ("docs/dangjian/a.md", 14, "broken-anchor"),
        ("docs/dangjian/a.md", 23, "official-term"),
    ]
    assert heading_ids("## 小结\n\n```\n## 代码里的标题\n```\n") == {"xiao-jie"}
