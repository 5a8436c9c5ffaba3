"""Import treats every file as hostile: it sanitises before it converts, and what was text stays text.

Releases shaped like real ones (a Word file made with python-docx, a news page, a WeChat-style text)
go through the importer's functions; the produced Markdown is rendered with Python-Markdown and the
HTML parsed, so a check cannot pass by accident on a substring. One CLI run shows a zip bomb refused.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import markdown
import pytest
import yaml
from conftest import Project
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches
from PIL import Image
from selectolax.lexbor import LexborHTMLParser
from township_archive.authoring import importer
from township_archive.authoring.editing import AuthoringError, read_article

# What the site renders article bodies with (mkdocs.yml), and Python-Markdown bare.
SITE_EXTENSIONS = ["toc", "attr_list", "md_in_html", "tables", "footnotes", "admonition"]
RENDERINGS = [pytest.param([], id="markdown"), pytest.param(SITE_EXTENSIONS, id="site-extensions")]
DANGEROUS_ELEMENTS = {"script", "img", "iframe", "style", "object", "embed", "svg", "math", "form", "base", "meta", "link"}
SAFE_SCHEMES = {"", "http", "https", "mailto"}


def render(body: str, extensions: list[str]) -> LexborHTMLParser:
    return LexborHTMLParser(markdown.markdown(body, extensions=extensions))


def assert_harmless(tree: LexborHTMLParser, allow_images: bool = False) -> None:
    """No dangerous element, no event handler, no link or source with a scheme other than http(s)/mailto."""
    for node in tree.body.traverse():
        if node.tag == "-text":
            continue
        assert node.tag not in DANGEROUS_ELEMENTS - ({"img"} if allow_images else set()), node.html
        for name, value in node.attributes.items():
            assert not name.lower().startswith("on"), node.html
            assert name.lower() not in {"style", "srcdoc", "formaction"}, node.html
            if name.lower() in {"href", "src"}:
                assert urlsplit(value or "").scheme.lower() in SAFE_SCHEMES, node.html


def paragraphs(tree: LexborHTMLParser) -> list[str]:
    return [node.text() for node in tree.css("p")]


def front_matter_after_write(tmp_path: Path, draft: importer.Draft) -> tuple[dict, str]:
    """Write the draft as the CLI does and read it back through the project's own front-matter parser."""
    docs = tmp_path / "docs"
    (docs / "dangjian").mkdir(parents=True)
    path = importer.write_draft(docs, "dangjian", draft, "ce-shi")
    raw = path.read_text(encoding="utf-8")
    assert yaml.safe_load(raw.split("---\n")[1])["title"] == draft.title  # plain YAML agrees
    return read_article(path)


# --- plain text ------------------------------------------------------------------------------------------------------

HOSTILE_LINES = [
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">点我领奖</a>',
    "[点我领奖](javascript:alert(1))",
    "![图](data:image/svg+xml,<svg onload=alert(1)>)",
    '<div markdown="1">*md_in_html*</div>',
    "<javascript:alert(1)>",
    '第二段 {: onclick="alert(1)" }',
    "脚注[^1]",
    "[^1]: javascript:alert(1)",
    "- 不是列表项",
    "1. 不是编号",
    "# 不是标题",
    "> 不是引用",
    "---",
    "!!! danger \"不是提示框\"",
    "*不是强调* 和 _也不是_ 和 `不是代码`",
    'AT&T、&amp;、"引号" 和 \\反斜杠 <!-- 不是注释 -->',
]


def text_release() -> str:
    return "\n".join([
        '关于"荔枝节": 通知 <b>第1期</b>',
        "2024年6月15日 10:30　来源：北海日报　记者 陈某某",
        "",
        "　　6月15日，曲樟乡举办荔枝采摘节（示例）。",
        *HOSTILE_LINES,
        "版权声明：本文版权归北海日报社所有，未经授权不得转载。",
    ]) + "\n"


@pytest.mark.parametrize("extensions", RENDERINGS)
def test_plain_text_stays_text(extensions: list[str]):
    draft = importer.from_text(text_release())
    tree = render(draft.body, extensions)
    assert_harmless(tree)
    assert tree.css("a") == [] and tree.css("h1, h2, ul, ol, blockquote, hr, div, code, em, strong, sup") == []
    # Each line is one paragraph that reads exactly as written.
    assert paragraphs(tree) == ["6月15日，曲樟乡举办荔枝采摘节（示例）。", *HOSTILE_LINES]


def test_plain_text_metadata_is_text_in_yaml(tmp_path: Path):
    draft = importer.from_text(text_release())
    assert draft.title == '关于"荔枝节": 通知 <b>第1期</b>'  # a .txt title is text: written as is, never markup
    assert (draft.date, draft.source, draft.authors) == ("2024-06-15 10:30", "北海日报", ["陈某某"])
    assert draft.rights["holder"] == "北海日报社" and "版权声明" not in draft.body
    meta, body = front_matter_after_write(tmp_path, draft)
    assert meta["title"] == draft.title and meta["source"] == "北海日报" and meta["status"] == "draft"
    assert body.strip() == draft.body.strip()


def test_control_and_invisible_characters_are_removed_from_metadata_and_body():
    draft = importer.from_text("标题\x07带\u202e控制\x1b[31m字符\n来源：北海\x00日报\n正文\x02klzzwxh:0000\x03一段\u200b。\n")
    assert draft.title == "标题带控制[31m字符" and draft.source == "北海日报"
    assert draft.body == "正文klzzwxh:0000一段。\n"


# --- HTML ------------------------------------------------------------------------------------------------------------

NEWS_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>网页标题（不用）</title>
<style>body { background: url(javascript:alert(1)) }</style>
<script>alert("head")</script></head>
<body onload="alert(1)"><div class="article">
<h1 class="title">“<b>乡村</b>夜校” "开课"：第一期 &amp; 更多</h1>
<p class="info">2024年6月15日&nbsp;10:30&nbsp;&nbsp;来源：<a href="javascript:alert('src')">北海日报</a>&nbsp;&nbsp;记者 陈某某</p>
<p onclick="steal()">夜校第一课讲<b>防诈骗</b>（示例）。<img src="x" onerror="alert(1)"></p>
<iframe src="https://evil.example/"></iframe>
<p>报名：<a href="https://example.gov.cn/ye-xiao?a=1&amp;b=(2)" title='x" onmouseover="alert(1)'>报名页面</a>、
<a href="mailto:yexiao@example.cn">发邮件</a>、<a href="../jiaoyu/">相关文章</a>、<a href=" JaVaScRiPt:alert(1)">抽奖</a>、
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">附件</a>、<a href="vbscript:msgbox(1)">旧链接</a>、
<a href="jav&#x09;ascript:alert(1)">变形链接</a></p>
<p><img src="data:image/png;base64,iVBORw0KGgo=" alt="内嵌图"> <img src="https://img.example/photo.jpg" alt="远程图"></p>
<p>正文里写着 &lt;script&gt;alert(2)&lt;/script&gt; 和 [假链接](javascript:alert(3)) {: onclick="alert(4)" }</p>
<svg><script>alert(5)</script></svg><object data="x.swf"></object>
<p>版权声明：本文版权归北海日报社所有。</p>
</div></body></html>"""


@pytest.mark.parametrize("extensions", RENDERINGS)
def test_html_release_is_sanitised_before_conversion(extensions: list[str]):
    draft = importer.from_html(NEWS_PAGE)
    tree = render(draft.body, extensions)
    assert_harmless(tree, allow_images=True)
    # A relative image stays an image (the check then asks for the file), without its handler.
    assert [node.attributes for node in tree.css("img")] == [{"alt": "", "src": "x"}]
    links = {node.text(): node.attributes["href"] for node in tree.css("a")}
    assert links == {"报名页面": "https://example.gov.cn/ye-xiao?a=1&b=%282%29", "发邮件": "mailto:yexiao@example.cn",
                     "相关文章": "../jiaoyu/"}
    assert all(set(node.attributes) == {"href"} for node in tree.css("a"))  # the title with its handler is gone
    text = tree.body.text()
    for words in ("抽奖", "附件", "旧链接", "变形链接", "防诈骗", "（原文图片未导入：内嵌图）"):
        assert words in text  # links lose their href, never their words
    assert "（原文图片未导入：远程图，原图地址：https://img.example/photo.jpg）" in text
    assert '正文里写着 <script>alert(2)</script> 和 [假链接](javascript:alert(3)) {: onclick="alert(4)" }' in paragraphs(tree)
    for gone in ("alert(1)", "alert(5)", "alert(\"head\")", "steal", "background", "网页标题", "evil.example", "x.swf"):
        assert gone not in text and gone not in draft.body


def test_html_metadata_comes_from_sanitised_text(tmp_path: Path):
    draft = importer.from_html(NEWS_PAGE)
    assert draft.title == '“乡村夜校” "开课"：第一期 & 更多'
    assert (draft.date, draft.source, draft.authors) == ("2024-06-15 10:30", "北海日报", ["陈某某"])
    # The page prints its own 版权声明 heading over the notice: the label is not repeated in the text.
    assert draft.rights == {"notice": "本文版权归北海日报社所有。", "holder": "北海日报社",
                            "original_source": "北海日报", "original_title": draft.title}
    assert draft.body.startswith("夜校第一课讲**防诈骗**（示例）。")  # title and dateline left the body
    meta, _body = front_matter_after_write(tmp_path, draft)
    assert meta["title"] == '“乡村夜校” "开课"：第一期 & 更多' and meta["rights"]["holder"] == "北海日报社"


def test_title_element_is_stripped_and_decoded_once():
    page = "<title>\n  A &amp;amp; <b>B</b>\t\"C\": D\x07 &lt;i&gt;\n</title><p>2024年5月1日</p><p>正文。</p>"
    draft = importer.from_html(page)
    assert draft.title == 'A &amp; B "C": D <i>'  # &amp;amp; decoded once; <b> stripped; &lt;i&gt; is text
    assert draft.date == "2024-05-01" and draft.body == "正文。\n"


def test_title_with_yaml_breaking_characters_round_trips(tmp_path: Path):
    title = "标题: 含冒号 #井号 'single' \"double\" --- [方括号] {花括号} & *星号 !感叹 %百分 @at `反引号` |竖线"
    draft = importer.from_html(f"<h1>{title.replace('&', '&amp;')}</h1><p>正文。</p>")
    assert draft.title == title
    meta, body = front_matter_after_write(tmp_path, draft)
    assert meta["title"] == title and body.strip() == "正文。"


def test_deeply_nested_html_is_refused_in_chinese():
    with pytest.raises(AuthoringError, match="嵌套层次过深"):
        importer.from_html("<p>" + "<b>" * 5000 + "深" + "</b>" * 5000 + "</p>")


def test_markdown_file_is_rendered_sanitised_and_converted():
    draft = importer.from_markdown("# 标题 <script>x</script>\n\n正文 <img src=x onerror=alert(1)> [链接](javascript:alert(1))"
                                   " [官网](https://example.gov.cn/)\n\n- 一\n- 二\n")
    assert draft.title == "标题"
    assert_harmless(render(draft.body, SITE_EXTENSIONS), allow_images=True)
    assert "[官网](https://example.gov.cn/)" in draft.body and "- 一\n- 二" in draft.body and "javascript" not in draft.body
    assert draft.authors == []  # "正文 链接" names no author


def test_a_long_first_paragraph_that_starts_with_a_date_stays_in_the_body():
    paragraph = "2024年6月15日，曲樟乡举办荔枝采摘节，" + "现场游客众多，" * 20 + "（示例）。"
    draft = importer.from_text(f"标题\n{paragraph}\n第二段。\n")
    assert draft.body == f"{paragraph}\n\n第二段。\n" and draft.date == ""


# --- Word ------------------------------------------------------------------------------------------------------------


def _png() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (200, 60, 60)).save(buffer, "PNG")
    buffer.seek(0)
    return buffer


def add_hyperlink(paragraph, url: str, text: str) -> None:
    """python-docx has no API for hyperlinks: a w:hyperlink with an external relationship, as Word writes it."""
    relationship = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relationship)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    properties.append(style)
    run.append(properties)
    label = OxmlElement("w:t")
    label.text = text
    label.set(qn("xml:space"), "preserve")
    run.append(label)
    link.append(run)
    paragraph._p.append(link)


def link_picture_instead_of_embedding(document, target: str) -> None:
    """Turn the last picture into a linked one (r:link to a file outside the document), as Word's "link to file" does."""
    blip = document.element.body.findall(".//" + qn("a:blip"))[-1]
    relationship = document.part.relate_to(target, RELATIONSHIP_TYPE.IMAGE, is_external=True)
    del blip.attrib[qn("r:embed")]
    blip.set(qn("r:link"), relationship)


def make_release_docx(path: Path, secret: Path) -> Path:
    document = Document()
    document.add_heading('曲樟乡"荔枝节" & <b>开幕</b>', level=1)
    document.add_paragraph("2024年6月15日　来源：曲樟乡人民政府")
    document.add_paragraph("6月15日，曲樟乡荔枝节开幕（示例）。")
    paragraph = document.add_paragraph("详情见")
    add_hyperlink(paragraph, "javascript:alert(1)", "活动页面")
    paragraph.add_run("，报名见")
    add_hyperlink(paragraph, "https://example.gov.cn/li-zhi-jie", "报名网站")
    paragraph.add_run("，附件见")
    add_hyperlink(paragraph, "data:text/html,<script>alert(1)</script>", "附件")
    paragraph.add_run("。")
    document.add_paragraph('原文写着 <script>alert(1)</script>、"引号"、A&B 和 <!-- 注释 --> 以及 <img src=x onerror=alert(1)>')
    document.add_paragraph("[假链接](javascript:alert(2)) {: onclick=\"alert(3)\" }")
    document.add_picture(_png(), width=Inches(2))
    document.add_picture(_png(), width=Inches(2))
    link_picture_instead_of_embedding(document, secret.as_uri())
    document.add_picture(_png(), width=Inches(2))
    link_picture_instead_of_embedding(document, "../" + secret.name)
    document.save(path)
    return path


@pytest.mark.parametrize("extensions", RENDERINGS)
def test_word_release_is_sanitised_and_keeps_its_own_images(tmp_path: Path, extensions: list[str]):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG local file that must not be read")
    (tmp_path / "word").mkdir()
    source = make_release_docx(tmp_path / "word" / "荔枝节.docx", secret)  # "../secret.png" from here is the secret
    draft = importer.from_docx(source, "li-zhi-jie")
    assert draft.title == '曲樟乡"荔枝节" & <b>开幕</b>'  # text typed in Word is text

    # The one embedded picture is saved and shown; the linked ones are notes, and no local file was read.
    assert list(draft.images) == ["image-1.png"] and draft.images["image-1.png"].startswith(b"\x89PNG\r\n")
    assert all(b"must not be read" not in data for data in draft.images.values())
    assert "![（请填写替代文字）](li-zhi-jie/image-1.png)" in draft.body
    assert draft.body.count("（原文图片未导入）") == 2

    tree = render(draft.body, extensions)
    assert_harmless(tree, allow_images=True)
    assert [node.attributes["src"] for node in tree.css("img")] == ["li-zhi-jie/image-1.png"]
    assert {node.text(): node.attributes["href"] for node in tree.css("a")} == {"报名网站": "https://example.gov.cn/li-zhi-jie"}
    texts = paragraphs(tree)
    assert "详情见活动页面，报名见报名网站，附件见附件。" in texts
    assert '原文写着 <script>alert(1)</script>、"引号"、A&B 和 <!-- 注释 --> 以及 <img src=x onerror=alert(1)>' in texts
    assert '[假链接](javascript:alert(2)) {: onclick="alert(3)" }' in texts


def test_word_title_round_trips_through_front_matter(tmp_path: Path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"x")
    draft = importer.from_docx(make_release_docx(tmp_path / "release.docx", secret), "li-zhi-jie")
    meta, _body = front_matter_after_write(tmp_path, draft)
    assert meta["title"] == '曲樟乡"荔枝节" & <b>开幕</b>'
    assert (tmp_path / "docs/dangjian/ce-shi/image-1.png").is_file()


# --- refusing files --------------------------------------------------------------------------------------------------


def zip_with(path: Path, entries: dict[str, bytes | int], level: int = 6) -> Path:
    """A zip; an int entry is that many zero bytes, streamed in (a bomb-like part of any size, small on disk)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, content in entries.items():
            if isinstance(content, int):
                with archive.open(name, "w", force_zip64=True) as stream:
                    chunk = bytes(8 * 1024 * 1024)
                    for start in range(0, content, len(chunk)):
                        stream.write(chunk[: content - start])
            else:
                archive.writestr(name, content)
    return path


def test_a_zip_bomb_docx_is_refused_before_mammoth_reads_it(tmp_path: Path):
    bomb = zip_with(tmp_path / "bomb.docx", {"[Content_Types].xml": b"<Types/>", "word/document.xml": 300 * 1024 * 1024})
    assert bomb.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(AuthoringError, match=r"bomb\.docx 解压后有 300 MB，超过上限 200 MB.*压缩炸弹"):
        importer.from_docx(bomb, "x")


def test_an_entry_with_a_bomb_like_ratio_is_refused(tmp_path: Path):
    bomb = zip_with(tmp_path / "ratio.docx", {"word/document.xml": 40 * 1024 * 1024}, level=9)
    with pytest.raises(AuthoringError, match=r"ratio\.docx 中的部件“word/document\.xml”压缩比异常"):
        importer.from_docx(bomb, "x")


def test_too_many_entries_are_refused(tmp_path: Path):
    many = zip_with(tmp_path / "many.docx", {f"word/media/{i}.xml": b"" for i in range(importer.MAX_DOCX_ENTRIES + 1)})
    with pytest.raises(AuthoringError, match=r"many\.docx 里有 10001 个部件，超过上限 10000"):
        importer.from_docx(many, "x")


@pytest.mark.parametrize("content", [b"PK\x03\x04 not really a zip", b"", b"\xd0\xcf\x11\xe0 an old .doc renamed"])
def test_not_a_zip_is_damaged_in_chinese(tmp_path: Path, content: bytes):
    source = tmp_path / "坏的.docx"
    source.write_bytes(content)
    with pytest.raises(AuthoringError, match="无法读取 Word 文件 坏的.docx：文件已损坏或不是 .docx 格式"):
        importer.from_docx(source, "x")


def test_a_zip_that_is_no_word_document_is_damaged_in_chinese(tmp_path: Path):
    source = zip_with(tmp_path / "zip.docx", {"hello.txt": b"hello"})
    with pytest.raises(AuthoringError, match="无法读取 Word 文件 zip.docx：文件已损坏"):
        importer.from_docx(source, "x")


def test_oversized_and_non_regular_inputs_are_refused(tmp_path: Path):
    big = tmp_path / "大文件.txt"
    with big.open("wb") as stream:
        stream.truncate(importer.MAX_FILE_BYTES + 1)  # sparse: no disk used
    with pytest.raises(AuthoringError, match="大文件.txt 有 50 MB，超过导入上限 50 MB"):
        importer.read_source(big)
    with pytest.raises(AuthoringError, match="大文件.docx 有 50 MB"):
        importer.from_docx(big.rename(tmp_path / "大文件.docx"), "x")

    folder = tmp_path / "文件夹.docx"
    folder.mkdir()
    with pytest.raises(AuthoringError, match="文件夹.docx 不是普通文件"):
        importer.from_docx(folder, "x")
    pipe = tmp_path / "管道.txt"
    os.mkfifo(pipe)
    with pytest.raises(AuthoringError, match="管道.txt 不是普通文件"):
        importer.read_source(pipe)  # refused, not waiting for a writer
    with pytest.raises(AuthoringError, match="找不到要导入的文件"):
        importer.read_source(tmp_path / "没有.txt")


def test_cli_refuses_a_zip_bomb_in_chinese_and_writes_nothing(project: Project, tmp_path: Path):
    bomb = zip_with(tmp_path / "炸弹.docx", {"[Content_Types].xml": b"<Types/>", "word/document.xml": 300 * 1024 * 1024})
    before = sorted(p.relative_to(project.docs).as_posix() for p in project.docs.rglob("*"))
    result = project.cli_in_process("import", str(bomb), "--section", "dangjian")
    assert result.returncode == 2, result.output
    assert "Traceback" not in result.output
    assert "Word 文件 炸弹.docx 解压后有 300 MB，超过上限 200 MB" in result.output and "压缩炸弹" in result.output
    assert sorted(p.relative_to(project.docs).as_posix() for p in project.docs.rglob("*")) == before

    # A path that reads like Rich markup is printed as written (it used to end in a MarkupError traceback).
    odd = tmp_path / "[" / "b]" / "没有.txt"
    result = project.cli_in_process("import", str(odd), "--section", "dangjian")
    assert result.returncode == 2 and "Traceback" not in result.output, result.output
    assert f"找不到要导入的文件 {odd}" in result.output.replace("\n", "")
