"""What the authoring commands write is what the reader accepts and what the release said.

In-process: the importer on releases shaped like a county media centre's (a news page, a Word file
with heading styles, pasted text), `new` and `import` through `cli.main` as staff type them, and the
loader on a draft that carries a character the reader refuses. An import or a new draft never
writes a character that `check` refuses, never turns text into a picture, and keeps sub-headings as
headings; a draft with such a character (typed by hand later) waits as 发布前需处理 instead of
stopping the whole site's build, while a published article still stops it.
"""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
from conftest import small_project
from docx import Document
from selectolax.lexbor import LexborHTMLParser
from township_archive import cli
from township_archive.authoring import importer
from township_archive.content.frontmatter import body_problems, read_front_matter, text_problem
from township_archive.content.loader import load_archive
from township_archive.content.model import Section
from township_archive.problems import Severity

SITE_EXTENSIONS = ["toc", "attr_list", "md_in_html", "tables", "footnotes", "admonition"]
LEAD = "曲樟乡组织全乡80个网格的网格员集中学习事件上报流程，乡综治中心的工作人员逐项讲解了操作步骤。"
STORY = "培训结束后，网格员回到各自网格，把学到的流程用在日常走访中，群众反映的问题当天就能报上来。"


def rendered(body: str) -> LexborHTMLParser:
    return LexborHTMLParser(markdown.markdown(body, extensions=SITE_EXTENSIONS))


def page(article: str) -> str:
    return (f"<html><head><title>曲樟乡网格员培训_合浦新闻网</title></head><body><nav>首页 新闻</nav>"
            f"<article><h1>曲樟乡网格员集中培训</h1>{article}</article><footer>版权所有</footer></body></html>")


# --- sub-headings --------------------------------------------------------------------------------------------------


def test_a_pages_sub_headings_are_headings_without_literal_hashes():
    draft = importer.from_html(page(f"<p>{LEAD}</p><h2>培训讲了什么</h2><p>{STORY}</p>"
                                    f"<h3>上报的三个步骤</h3><p>{STORY}</p>"))
    tree = rendered(draft.body)
    assert [node.text(strip=True) for node in tree.css("h2")] == ["培训讲了什么"]
    assert [node.text(strip=True) for node in tree.css("h3")] == ["上报的三个步骤"]  # a deeper level stays deeper
    assert "#" not in tree.body.text()


def test_word_heading_styles_are_headings_without_literal_hashes(tmp_path: Path):
    document = Document()
    document.add_paragraph("曲樟乡网格员集中培训", style="Title")
    document.add_paragraph(LEAD)
    document.add_heading("培训讲了什么", level=2)
    document.add_paragraph(STORY)
    document.add_heading("下一步的安排", level=1)
    document.add_paragraph(STORY)
    document.save(tmp_path / "培训.docx")
    draft = importer.from_docx(tmp_path / "培训.docx", "pei-xun")
    tree = rendered(draft.body)
    assert [node.text(strip=True) for node in tree.css("h2")] == ["培训讲了什么", "下一步的安排"]
    assert "#" not in tree.body.text()


# --- text stays text ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("before", ["看!", "看！!", "看 !"])
def test_an_exclamation_mark_before_a_link_does_not_make_it_a_picture(before: str):
    draft = importer.from_html(page(f"<p>{LEAD}{before}<a href=\"https://evil.example/track.png\">现场图</a>。</p><p>{STORY}</p>"))
    tree = rendered(draft.body)
    assert tree.css("img") == []
    assert [(a.text(), a.attributes["href"]) for a in tree.css("a")] == [("现场图", "https://evil.example/track.png")]
    assert before.rstrip() in tree.body.text()


# --- characters the reader refuses -------------------------------------------------------------------------------------

REFUSED = {
    "Arabic letter mark": "\u061c", "noncharacter FDD0": "\ufdd0", "noncharacter FFFE": "\ufffe",
    "right-to-left override": "\u202e", "line separator": "\u2028", "control": "\x01",
}


def assert_readable(path: Path) -> None:
    front, problems = read_front_matter(str(path), path.read_bytes())
    assert front is not None and problems == [], problems
    for value in (front.data["title"], *front.data["authors"], front.data.get("source", ""), front.data["editor"]):
        assert text_problem(value) is None


@pytest.mark.parametrize("char", list(REFUSED.values()), ids=list(REFUSED))
@pytest.mark.parametrize("kind", ["txt", "html", "md"])
def test_an_import_never_writes_a_character_the_reader_refuses(tmp_path: Path, kind: str, char: str):
    title, lead = f"曲樟乡网格员{char}集中培训", f"{LEAD[:10]}{char}{LEAD[10:]}"
    dateline = f"2026年11月20日　来源：合浦县融{char}媒体中心　作者：李{char}示例"
    if kind == "txt":
        draft = importer.from_text(f"{title}\n{dateline}\n{lead}\n{STORY}\n（责任编辑：王{char}编辑）\n")
    elif kind == "md":
        draft = importer.from_markdown(f"# {title}\n\n{dateline}\n\n{lead}\n\n{STORY}\n\n（责任编辑：王{char}编辑）\n")
    else:
        escaped = f"&#x{ord(char):x};"  # as an entity too: the parser decodes it
        draft = importer.from_html(page(f"<p>{dateline}</p><p>{lead}{escaped}</p><p>{STORY}</p><p>（责任编辑：王{char}编辑）</p>")
                                   .replace("<h1>曲樟乡网格员集中培训", f"<h1>{title}"))
    assert (draft.title, draft.source, draft.authors, draft.editor) == ("曲樟乡网格员集中培训", "合浦县融媒体中心", ["李示例"], "王编辑")
    assert body_problems("a.md", draft.body, 1) == [] and char not in draft.body
    path = importer.write_draft(tmp_path / "docs", "dangjian", draft, "wang-ge-yuan")
    assert_readable(path)


def test_a_line_separator_removed_does_not_make_a_heading():
    draft = importer.from_text(f"曲樟乡网格员集中培训\n{LEAD}\n前言\u2028# 不是标题\n{STORY}\n")
    assert rendered(draft.body).css("h1") == []


# --- new and import as staff type them --------------------------------------------------------------------------------


def command(config: Path, capsys, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main(["--config", str(config), *args])
    return code, capsys.readouterr().out


@pytest.mark.parametrize("option", ["title", "--author", "--source", "--editor", "--tag"])
@pytest.mark.parametrize("char", ["\u202e", "\x01", "\ufdd0"])
def test_new_refuses_a_character_the_reader_would_refuse(tmp_path: Path, capsys, option: str, char: str):
    config = small_project(tmp_path / "project", {})
    values = {"title": "曲樟乡网格员集中培训", "--author": "李示例", "--source": "合浦县融媒体中心", "--editor": "王编辑", "--tag": "网格化治理"}
    values[option] = values[option][:2] + char + values[option][2:]
    args = [values["title"], "--section", "党建成果", *(part for key in ("--author", "--source", "--editor", "--tag")
                                                     for part in (key, values[key]))]
    code, out = command(config, capsys, "new", *args)
    assert code == 2 and "含有" in out and f"U+{ord(char):04X}" in out, out
    assert sorted(p.name for p in (config.parent / "docs/dangjian").glob("*")) == []


def test_new_drops_zero_width_spaces_from_what_staff_typed(tmp_path: Path, capsys):
    config = small_project(tmp_path / "project", {})
    code, out = command(config, capsys, "new", "曲樟乡\u200b网格员集中培训", "--section", "党建成果", "--author", "李\u200b示例",
                        "--editor", "王编辑")
    assert code == 0, out
    (path,) = (config.parent / "docs/dangjian").glob("*.md")
    front, _problems = read_front_matter(str(path), path.read_bytes())
    assert (front.data["title"], front.data["authors"]) == ("曲樟乡网格员集中培训", ["李示例"])


def test_import_refuses_such_a_character_in_the_title_given(tmp_path: Path, capsys):
    config = small_project(tmp_path / "project", {})
    source = tmp_path / "稿件.txt"
    source.write_text(f"{LEAD}\n{STORY}\n", encoding="utf-8")
    code, out = command(config, capsys, "import", str(source), "--section", "党建成果", "--title", "曲樟乡\u202e网格员培训")
    assert code == 2 and "标题" in out and "U+202E" in out, out
    assert list((config.parent / "docs").glob("dangjian/*")) == []


# --- a draft with such a character typed in later ----------------------------------------------------------------------

SECTION = Section("dangjian", "党建成果")


def article(status: str, body: str, title: str = "曲樟乡网格员集中培训") -> str:
    return (f'---\ntitle: "{title}"\nslug: wang-ge-yuan\nstatus: {status}\ndate: 2026-11-20\nauthors: [李示例]\n'
            f"editor: 王编辑\ntags: [网格化治理]\n---\n\n{body}")


@pytest.mark.parametrize("where", ["body", "front matter"])
def test_a_drafts_unreadable_character_waits_as_pending_and_a_published_ones_stops_the_build(tmp_path: Path, where: str):
    def load(status: str):
        body, title = (f"{LEAD}\x01\n\n{STORY}\n", "曲樟乡网格员集中培训") if where == "body" else (f"{LEAD}\n", "曲樟乡\\u202e网格员培训")
        docs = tmp_path / status / "docs"
        (docs / "dangjian").mkdir(parents=True)
        (docs / "dangjian/wang-ge-yuan.md").write_text(article(status, body, title), encoding="utf-8")
        return load_archive(docs, [SECTION], "本站")

    archive, problems = load("draft")
    assert [p.code for p in problems] == []  # the site builds
    assert "control-character" in [p.code for p in archive.pending]
    assert all(p.severity is Severity.PENDING for p in archive.pending)
    (draft,) = archive.articles  # still known as a draft: the build leaves it out, the preview lists it
    assert not draft.is_public and "\x01" not in draft.body and "\u202e" not in draft.title

    archive, problems = load("published")
    assert "control-character" in [p.code for p in problems if p.is_error]
    assert archive.articles == []
