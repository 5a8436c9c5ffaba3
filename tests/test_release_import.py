"""Faithful imports: one header-and-trailer recogniser for .txt, .docx and .html releases.

The fixtures are shaped like a county media centre's releases (北海市融媒体中心, 合浦县融媒体中心),
written for these tests from the township's facts: a plain-text release that starts with its lead
paragraph (no title line), a Word file with a dateline, a table, captioned pictures and a credits
and rights trailer (built here with python-docx), and a news page with header, navigation, sidebar
and footer around the article. The drafts are read the way staff and readers meet them: the front
matter as YAML, the body rendered with the site's Markdown extensions. The one subprocess test runs
`township-archive import` and `check` on the plain-text release.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import markdown
import pytest
import yaml
from conftest import BIN, cached_copy, run
from docx import Document
from docx.shared import Inches
from selectolax.lexbor import LexborHTMLParser
from township_archive.authoring import importer
from township_archive.authoring.release import TITLE_PLACEHOLDER, Block, Kind, parse_credits, recognise
from township_archive.content.slugs import (
    SLUG_LENGTH,
    is_placeholder_slug,
    is_valid_slug,
    pinyin_slug,
    placeholder_slug,
)
from township_archive.samples import photo_like

RELEASES = Path(__file__).parent / "fixtures" / "releases"
TEXT_RELEASE = RELEASES / "quzhang-dangjian.txt"
NEWS_PAGE = RELEASES / "hepu-daipaoyuan.html"
SITE_EXTENSIONS = ["toc", "attr_list", "md_in_html", "tables", "footnotes", "admonition"]
NOTICE_BEIHAI = ("本作品版权归北海市融媒体中心所有。任何媒体转载、摘编或以其他方式使用本作品，须事先取得北海市融媒体中心的书面授权。"
                 "转载联系电话：（示例，请以原稿为准）。法律顾问：（示例）律师事务所")
SUBHEADINGS = ["聚焦强根基，夯实基层组织体系", "网格连民心，织密基层治理网络", "产业添活力，拓宽群众增收门路"]
LEAD = "这几年，合浦县曲樟乡把基层党建当作“牵头工程”来抓"
LONG = "曲樟乡推行“党建+网格+基层治理”，全乡划成80个网格，组建35个网格党小组，群众有事找得到人。"  # a paragraph of the story


def rendered(body: str) -> LexborHTMLParser:
    return LexborHTMLParser(markdown.markdown(body, extensions=SITE_EXTENSIONS))


def texts(tree: LexborHTMLParser, selector: str) -> list[str]:
    return [node.text(strip=True) for node in tree.css(selector)]


def assert_no_trailer_in(body: str) -> None:
    for words in ("版权声明", "版权归", "联系电话", "法律顾问", "责任编辑", "王编辑", "来源：", "作者："):
        assert words not in body, words


# --- (a) plain text without a title line -----------------------------------------------------------------------------


def test_text_release_without_title_line_gets_the_placeholder_not_its_lead():
    draft = importer.from_text(TEXT_RELEASE.read_text(encoding="utf-8"))
    assert draft.title == TITLE_PLACEHOLDER == "请填写标题" and not draft.has_title
    assert (draft.date, draft.source, draft.authors, draft.editor) == ("2026-11-20", "北海市融媒体中心", ["李示例"], "王编辑")
    # The rights trailer once, without the label the page prints over it; no original title was invented.
    assert draft.rights == {"notice": NOTICE_BEIHAI, "holder": "北海市融媒体中心", "original_source": "北海市融媒体中心"}
    assert draft.notes == []

    tree = rendered(draft.body)
    assert texts(tree, "h2") == SUBHEADINGS
    assert tree.css("h1, h3") == []
    paragraphs = texts(tree, "p")
    assert paragraphs[0].startswith(LEAD) and len(paragraphs) == 6  # the lead stays the body's first paragraph
    assert paragraphs[-1].endswith("“一镇一业”“一村一品”的目标努力。")
    assert_no_trailer_in(draft.body)
    assert "2026年11月20日" not in draft.body


def test_text_release_takes_the_title_given():
    draft = importer.from_text(TEXT_RELEASE.read_text(encoding="utf-8"), title="曲樟乡：党建引领 治理有方")
    assert draft.title == "曲樟乡：党建引领 治理有方" and draft.has_title
    assert draft.body.startswith(LEAD)  # the lead is not taken for a title line and dropped
    assert "original_title" not in draft.rights  # a title staff gave is not the original's


def test_a_title_line_still_counts_and_given_title_replaces_it():
    text = "曲樟乡党建工作综述\n" + TEXT_RELEASE.read_text(encoding="utf-8")
    own = importer.from_text(text)
    assert own.title == "曲樟乡党建工作综述" and own.rights["original_title"] == "曲樟乡党建工作综述"
    assert own.date == "2026-11-20" and own.body.startswith(LEAD)
    replaced = importer.from_text(text, title="新标题")
    assert replaced.title == "新标题" and replaced.body.startswith(LEAD)
    assert replaced.rights["original_title"] == "曲樟乡党建工作综述"
    assert replaced.notes == ["原稿标题“曲樟乡党建工作综述”已换成 --title 指定的标题。"]


def test_a_release_without_a_date_is_written_without_one(tmp_path: Path):
    """No import day stands in for the date: `publish` keeps a date it finds, so it would pass for the publishing date."""
    (tmp_path / "docs/dangjian").mkdir(parents=True)
    dated = importer.write_draft(tmp_path / "docs", "dangjian", importer.from_text(TEXT_RELEASE.read_text(encoding="utf-8")), "a")
    undated = importer.write_draft(tmp_path / "docs", "dangjian", importer.from_text("曲樟乡荔枝节开幕\n" + LONG + "\n"), "b")
    assert str(yaml.safe_load(dated.read_text(encoding="utf-8").split("---\n")[1])["date"]) == "2026-11-20"
    assert "date" not in yaml.safe_load(undated.read_text(encoding="utf-8").split("---\n")[1])


# A release copied from a news app: the lead paragraph first, then the dateline with full-width spaces (line 3).
LEAD_FIRST = """　　6月11日，曲樟乡组织各村网格员集中学习网格事件上报流程，全乡80个网格的网格员参加，乡综治中心工作人员逐项讲解，力争网格事件上报率和及时办结率继续保持在北海市网格中心“红榜”（示例）。

{dateline}

　　培训中，工作人员结合近期群众反映的邻里纠纷、道路照明等问题，讲解了事件从发现、上报到签收办结的各个环节。

　　下一步，曲樟乡将把培训内容落到每个网格，做到群众的事有人接、有人办。
"""
DATELINES = {  # the dateline as written -> (date, source, authors) it gives
    "2024年6月12日 10:30\u3000来源：合浦县融媒体中心\u3000作者：黄示例 李示例": ("2024-06-12 10:30", "合浦县融媒体中心", ["黄示例", "李示例"]),
    "2024年6月12日\u3000来源：合浦县融媒体中心\u3000作者：黄示例、李示例": ("2024-06-12", "合浦县融媒体中心", ["黄示例", "李示例"]),
    "来源：合浦县融媒体中心　　作者：黄示例　李示例": ("", "合浦县融媒体中心", ["黄示例", "李示例"]),
}


@pytest.mark.parametrize("dateline", list(DATELINES))
@pytest.mark.parametrize("title", ["", "曲樟乡网格员集中学习事件上报流程\n\n"])
def test_the_dateline_under_the_lead_paragraph_goes_to_the_front_matter(tmp_path: Path, capsys, dateline: str, title: str):
    from conftest import small_project
    from township_archive import cli

    config = small_project(tmp_path / "project", {})
    release = tmp_path / "合浦县融媒体中心稿件.txt"
    release.write_text(title + LEAD_FIRST.format(dateline=dateline), encoding="utf-8")
    code = cli.main(["--config", str(config), "import", str(release), "--section", "党建成果", "--today", "2024-06-13"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    (path,) = (config.parent / "docs/dangjian").glob("*.md")
    meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    date, source, authors = DATELINES[dateline]
    assert (str(meta.get("date", "")), meta.get("source"), meta["authors"]) == (date, source, authors)
    assert ("稿件里没有找到日期" in printed) is not bool(date)
    body = path.read_text(encoding="utf-8").split("---\n", 2)[2]
    assert body.lstrip().startswith("6月11日，曲樟乡组织各村网格员") and "来源" not in body and "作者" not in body

    cli.main(["--config", str(config), "check", "--format", "json", "--today", "2024-06-13"])
    codes = [p["code"] for p in json.loads(capsys.readouterr().out)["problems"] if p["path"].endswith(path.name)]
    assert "credits-in-body" not in codes and not list((config.parent / "docs/dangjian").glob("*/"))  # no pictures, no folder


# --- (b) Word ----------------------------------------------------------------------------------------------------------


def _photo(seed: int) -> io.BytesIO:
    buffer = io.BytesIO()
    photo_like(640, 400, seed).save(buffer, "PNG")
    buffer.seek(0)
    return buffer


def make_word_release(path: Path) -> Path:
    """A release as a media centre sends it in Word: Title style, dateline, table, two captioned pictures, trailer."""
    document = Document()
    document.add_paragraph("曲樟乡“红色代跑员”跑出为民加速度", style="Title")
    document.add_paragraph("2026年11月20日　来源：北海市融媒体中心　作者：李示例")
    document.add_paragraph("在合浦县曲樟乡，村民买农资、买药，独居老人去看病，只要说一声，就有党员代跑员帮忙跑腿。")
    document.add_paragraph("一年跑了三百多趟")
    document.add_paragraph("代跑员们一年共跑了382趟，跑腿的事虽小，件件连着群众的日常生活，也拉近了党员和群众的距离。")
    table = document.add_table(rows=4, cols=2)
    for row, cells in zip(table.rows, [("服务项目", "数量"), ("红色代跑", "382 次"), ("结对帮扶留守儿童", "86 名"),
                                        ("线上辅导", "4 期 307 名学生")], strict=True):
        row.cells[0].text, row.cells[1].text = cells
    document.add_picture(_photo(3), width=Inches(3))
    document.add_paragraph("图1 党员代跑员为独居老人送药（示例图片）", style="Caption")
    document.add_paragraph("乡里还联合上海交通大学等高校开展线上辅导，先后办了4期。")
    document.add_picture(_photo(4), width=Inches(3))
    document.add_paragraph("（图为线上辅导课堂。示例图片）")
    document.add_paragraph("下一步，曲樟乡将继续把为民服务的小事办好办实。")
    document.add_paragraph("（责任编辑：王编辑）")
    document.add_paragraph("版权声明：本作品版权归北海市融媒体中心所有。任何媒体转载、摘编或以其他方式使用本作品，"
                           "须事先取得北海市融媒体中心的书面授权。")
    document.add_paragraph("转载联系电话：（示例，请以原稿为准）")
    document.add_paragraph("法律顾问：（示例）律师事务所")
    document.save(path)
    return path


def test_word_release_dateline_table_captions_and_trailer(tmp_path: Path):
    draft = importer.from_docx(make_word_release(tmp_path / "代跑员.docx"), "dai-pao-yuan")
    assert draft.title == "曲樟乡“红色代跑员”跑出为民加速度"
    assert (draft.date, draft.source, draft.authors, draft.editor) == ("2026-11-20", "北海市融媒体中心", ["李示例"], "王编辑")
    assert draft.rights == {"notice": NOTICE_BEIHAI, "holder": "北海市融媒体中心", "original_source": "北海市融媒体中心",
                            "original_title": draft.title}
    assert sorted(draft.images) == ["image-1.png", "image-2.png"]
    assert_no_trailer_in(draft.body)

    tree = rendered(draft.body)
    assert texts(tree, "h2") == ["一年跑了三百多趟"]
    # The first row is the header; there is no empty header row above it.
    assert texts(tree, "thead th") == ["服务项目", "数量"]
    assert [texts(row, "td") for row in tree.css("tbody tr")] == [["红色代跑", "382 次"], ["结对帮扶留守儿童", "86 名"],
                                                                  ["线上辅导", "4 期 307 名学生"]]
    # Captions become each picture's description and title (the site shows the title as the figure caption).
    pictures = [(node.attributes["src"], node.attributes["alt"], node.attributes["title"]) for node in tree.css("img")]
    assert pictures == [
        ("dai-pao-yuan/image-1.png", "图1 党员代跑员为独居老人送药（示例图片）", "图1 党员代跑员为独居老人送药（示例图片）"),
        ("dai-pao-yuan/image-2.png", "图为线上辅导课堂。示例图片", "图为线上辅导课堂。示例图片"),
    ]
    paragraphs = texts(tree, "p")
    assert not any("图1" in text or "图为" in text for text in paragraphs)  # no loose caption paragraphs
    assert importer.ALT_PLACEHOLDER not in draft.body


def test_word_picture_without_caption_keeps_the_alt_placeholder(tmp_path: Path):
    document = Document()
    document.add_paragraph("曲樟乡荔枝产业带见闻", style="Title")
    document.add_paragraph("以鸡嘴荔枝为主的水果产业带越铺越开。")
    document.add_picture(_photo(5), width=Inches(3))
    document.add_paragraph("乡里正朝着“一村一品”的目标努力。")
    document.save(tmp_path / "荔枝.docx")
    draft = importer.from_docx(tmp_path / "荔枝.docx", "li-zhi")
    assert "![（请填写替代文字）](li-zhi/image-1.png)" in draft.body


# --- (c) a news page ---------------------------------------------------------------------------------------------------


def test_news_page_keeps_the_article_and_leaves_the_page_around_it():
    draft = importer.from_html(NEWS_PAGE.read_text(encoding="utf-8"))
    assert draft.title == "曲樟乡“红色代跑员”跑出为民加速度"  # the article's <h1>, not the logo's or the <title>
    assert (draft.date, draft.source, draft.authors, draft.editor) == ("2026-11-20 10:30", "合浦县融媒体中心", ["李示例"], "王编辑")
    # The article's notice, once; the site footer's 版权所有 and phone line are not a second one.
    assert draft.rights["notice"] == ("本网注明“来源：合浦县融媒体中心”的作品，版权归合浦县融媒体中心所有，"
                                      "未经书面授权不得转载、摘编或以其他方式使用。")
    assert draft.rights["holder"] == "合浦县融媒体中心"

    tree = rendered(draft.body)
    assert texts(tree, "h2") == ["党员跑腿，群众少跑路", "陪读送课，关爱留守儿童"]
    assert texts(tree, "thead th") == ["服务项目", "数量"]
    body_text = tree.body.text()
    assert body_text.lstrip().startswith("在合浦县曲樟乡")
    for furniture in ("合浦县融媒体中心", "首页", "新闻中心", "政务公开", "搜索", "当前位置", "字体", "分享到", "微博",
                      "上一篇", "下一篇", "热点新闻", "备案号", "版权所有", "责任编辑"):
        assert furniture not in body_text, furniture
    # A remote picture is not fetched: a note with its address, its caption beside it.
    assert "（原文图片未导入：代跑员为老人送药，原图地址：https://www.example.cn/uploads/2026/11/daipao.jpg）" in body_text
    assert "（图为党员代跑员为独居老人送药。示例图片说明）" in body_text


def test_page_without_h1_falls_back_to_its_title_without_the_site_name():
    page = ("<html><head><title>曲樟乡召开网格员培训会_乡镇动态_北海市融媒体中心</title></head><body>"
            "<div class='nav'><a href='/'>首页</a></div><div class='content'><p>日期：2026年11月20日</p>"
            "<p>11月20日，曲樟乡召开网格员培训会，80个网格的网格员参加培训。</p></div></body></html>")
    draft = importer.from_html(page)
    assert draft.title == "曲樟乡召开网格员培训会" and draft.date == "2026-11-20"
    assert draft.body == "11月20日，曲樟乡召开网格员培训会，80个网格的网格员参加培训。\n"


# --- the recogniser's rules ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line,fields",
    [
        ("2026年11月20日 来源：北海市融媒体中心 作者：李示例", ("2026-11-20", "北海市融媒体中心", ["李示例"], "")),
        ("发布时间：2026-11-20 10:30:15　浏览次数：", ("2026-11-20 10:30", "", [], "")),
        ("日期：2026年11月20日 星期五", ("2026-11-20", "", [], "")),
        ("【来源：合浦县融媒体中心】【作者：李示例、张示例】", ("", "合浦县融媒体中心", ["李示例", "张示例"], "")),
        ("记者 李示例 通讯员 张示例", ("", "", ["李示例", "张示例"], "")),
        ("文/李示例", ("", "", ["李示例"], "")),
        ("通讯员：曲樟乡人民政府", ("", "", ["曲樟乡人民政府"], "")),
        ("（责任编辑：王编辑）", ("", "", [], "王编辑")),
        ("编辑：赵示例　责任编辑：王编辑", ("", "", [], "王编辑")),
        ("2026/11/20", ("2026-11-20", "", [], "")),
    ],
)
def test_credits_lines_are_read(line: str, fields):
    credits = parse_credits(line)
    assert credits is not None
    assert (credits.date, credits.source, credits.authors, credits.editor) == fields


@pytest.mark.parametrize(
    "line",
    [
        "2026年11月20日，曲樟乡召开网格员培训会。",  # a sentence that starts with a date
        "记者在现场看到，村民排起了长队。",
        "来源于群众的意见，乡里逐条办理。",
        "2026年2月30日 来源：北海市融媒体中心",  # no such day
        "文化活动丰富多彩",
        "编辑部的同志们",
        "记者在现场看到村民排队",
        "北海市融媒体中心",
    ],
)
def test_prose_is_not_a_credits_line(line: str):
    assert parse_credits(line) is None


def blocks(*lines: str) -> list[Block]:
    return [Block(line, line) for line in lines]



def test_headings_are_short_lines_between_paragraphs_only():
    release = recognise(blocks(
        LONG,
        "网格连民心，织密基层治理网络",  # a heading
        LONG,
        "2026年11月21日",  # a date alone is no heading (nor a dateline in the middle)
        LONG,
        "1. 组建网格党小组",  # list items stay as written
        "2. 设立治安亭",
        LONG,
        "红色代跑员",  # a run of short lines is not a run of headings
        "上门伴读",
        "云端家教",
        LONG,
        "图1 治安亭（示例）",  # a caption pattern without a picture stays a paragraph
        LONG,
        "下一步继续努力",  # last line: not between paragraphs
    ))
    assert [block.text for block in release.body if block.kind is Kind.HEADING] == ["网格连民心，织密基层治理网络"]


def test_trailer_is_only_the_end_and_its_label_is_not_repeated():
    release = recognise(blocks(
        "曲樟乡荔枝节开幕",
        LONG,
        "联系电话：报名请拨打乡文化站电话（示例）",  # a contact line in the middle of the story stays there
        LONG,
        LONG,
        "【版权声明】版权声明：本文版权归北海市融媒体中心所有。",
        "免责声明：本网转载的稿件仅供参考。",
    ))
    assert release.rights["notice"] == "本文版权归北海市融媒体中心所有。免责声明：本网转载的稿件仅供参考。"
    assert [block.text for block in release.body][1] == "联系电话：报名请拨打乡文化站电话（示例）"
    single = recognise(blocks("标题一行", LONG, "版权声明：本文版权归北海市融媒体中心所有。"))
    assert single.rights["notice"] == "本文版权归北海市融媒体中心所有。"  # never 版权声明：版权声明：


def test_credits_closing_the_last_paragraph_leave_it():
    release = recognise(blocks("标题一行", LONG, "下一步，曲樟乡将继续努力。（责任编辑：王编辑）"))
    assert release.editor == "王编辑" and release.body[-1].text == "下一步，曲樟乡将继续努力。"
    kept = recognise(blocks("标题一行", LONG, "活动由乡文化站主办（示例）"))
    assert kept.body[-1].text == "活动由乡文化站主办（示例）"


def test_other_credits_are_left_out_and_said_so():
    release = recognise(blocks("标题一行", LONG, "编辑：王编辑　审核：赵示例　校对：钱示例"))
    assert release.editor == "王编辑" and len(release.body) == 1
    assert release.notes == ["原稿的署名“审核：赵示例　校对：钱示例”没有写入头信息（本站的三审另行记录）。"]


def test_caption_title_cannot_break_the_markdown():
    block = Block("", "![（请填写替代文字）](x/image-1.png)", Kind.IMAGE, "x/image-1.png",
                  caption='图2 "代跑" & <b>送药</b> *示例* (1)')
    tree = rendered(importer._image_markdown(block))
    (image,) = tree.css("img")
    assert image.attributes["title"] == image.attributes["alt"] == '图2 "代跑" & <b>送药</b> *示例* (1)'
    assert image.attributes["src"] == "x/image-1.png" and tree.css("b, em") == []


# --- slugs -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title,slug",
    [
        ("聚焦强根基，夯实基层组织体系", "ju-jiao-qiang-gen-ji"),  # the first clause
        # As many words as fit: 培训会 is not cut to pei, nor 全年 to quan, 见实效 to jian, 群众 to qun.
        ("曲樟乡召开网格员培训会", "qu-zhang-xiang-zhao-kai-wang-ge-yuan"),
        ("曲樟乡红色代跑员全年代跑382趟", "qu-zhang-xiang-hong-se-dai-pao-yuan"),
        ("曲樟乡网格化治理见实效", "qu-zhang-xiang-wang-ge-hua-zhi-li"),
        ("“定岗认责”让党员群众各有岗位各尽其责", "ding-gang-ren-ze-rang-dang-yuan"),
        ("生态特色文化旅游示范村", "sheng-tai-te-se-wen-hua-lv-you-shi-fan"),  # two-character words kept whole
        ("曲樟乡召开2025年度党员大会部署重点工作", "qu-zhang-xiang-zhao-kai-2025-nian-du"),  # never 202
        ("陈铭枢与十九路军", "chen-ming-shu-yu-shi-jiu-lu-jun"),  # short titles whole
        # Syllables in order: none skipped to fit a shorter one in (…ji-ceng-zhi… never …ji-zhi).
        ("曲樟乡：党建引领基层治理见实效", "qu-zhang-xiang-dang-jian-yin-ling"),
    ],
)
def test_slugs_keep_the_first_words_within_40_characters(title: str, slug: str):
    assert pinyin_slug(title) == slug and len(slug) <= SLUG_LENGTH == 40


def test_the_lead_paragraph_would_never_make_the_slug():
    lead = TEXT_RELEASE.read_text(encoding="utf-8").splitlines()[2]
    assert len(pinyin_slug(lead)) <= 40 and is_valid_slug(pinyin_slug(lead))
    assert placeholder_slug("2026-11-20 10:30") == "dai-ding-2026-11-20" and is_placeholder_slug("dai-ding-2026-11-20-2")
    assert not is_placeholder_slug("dai-ding-li-zhi")


# --- the command, as staff run it ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_import_command_on_a_release_without_title(tmp_path: Path, sample_cache: Path):
    project = cached_copy(tmp_path / "project", sample_cache)  # check reads the sample's pictures: processed once a session
    today = "2026-11-21"
    result = run([str(BIN / "township-archive"), "import", str(TEXT_RELEASE), "--section", "党建成果", "--today", today],
                 project.root)
    assert result.returncode == 0, result.output
    path = project.docs / "dangjian" / "dai-ding-2026-11-20.md"
    shown = result.stdout.replace("\n", "")
    assert str(path) in shown and "稿件没有标题行" in shown and "请填写标题" in shown and "--title" in shown
    assert "日期 2026-11-20" in shown and "来源 北海市融媒体中心" in shown and "责任编辑 王编辑" in shown

    raw = path.read_text(encoding="utf-8")
    _, front, body = raw.split("---\n", 2)
    meta = yaml.safe_load(front)
    assert meta["title"] == "请填写标题" and meta["slug"] == "dai-ding-2026-11-20" and meta["status"] == "draft"
    assert str(meta["date"]) == "2026-11-20" and meta["source"] == "北海市融媒体中心"
    assert meta["authors"] == ["李示例"] and meta["editor"] == "王编辑"
    assert meta["rights"] == {"notice": NOTICE_BEIHAI, "holder": "北海市融媒体中心", "original_source": "北海市融媒体中心"}
    assert body.lstrip().startswith(LEAD)
    assert [line[3:] for line in body.splitlines() if line.startswith("## ")] == SUBHEADINGS
    assert_no_trailer_in(body)

    checked = run([str(BIN / "township-archive"), "check", "--format", "json", "--today", today], project.root)
    problems = [p for p in json.loads(checked.stdout)["problems"] if p["path"].endswith("dai-ding-2026-11-20.md")]
    # The readiness rules flag the placeholder title on the draft ("发布前需处理").
    assert any(p["code"] == "placeholder-title" and p["line"] == 3 for p in problems), problems  # under the 导入自 line


# --- the same manuscript twice ---------------------------------------------------------------------------------------

FOREST = """曲樟乡推进水源林桉树更新改造工作

2024年5月20日　来源：合浦县融媒体中心　作者：黄示例

　　曲樟乡在水源林中推进桉树更新改造，逐片换种乡土树种，涵养水源（示例）。

　　乡里同时规划建设一万五千亩国家储备林，目前土地流转正在进行。
"""


def test_importing_the_same_manuscript_again_warns_and_stays_within_40_characters(tmp_path: Path, capsys):
    from conftest import small_project
    from township_archive import cli

    config = small_project(tmp_path / "project", {})
    release = tmp_path / "水源林更新改造稿.txt"
    release.write_text(FOREST, encoding="utf-8")
    folder = config.parent / "docs/dangjian"

    def imported(*more: str) -> tuple[Path, str]:
        before = set(folder.glob("*.md")) if folder.is_dir() else set()
        code = cli.main(["--config", str(config), "import", str(release), "--section", "党建成果", "--today", "2024-05-21", *more])
        printed = capsys.readouterr().out
        assert code == 0, printed
        (path,) = set(folder.glob("*.md")) - before
        return path, printed

    first, printed = imported()
    assert first.stem == "qu-zhang-xiang-tui-jin-shui-yuan-lin-an" and "可能已经导入过" not in printed
    assert first.read_text(encoding="utf-8").startswith("---\n# 导入自：水源林更新改造稿.txt（2024-05-21 导入）\n")
    second, printed = imported()
    assert len(second.stem) <= 40 and second.stem == "qu-zhang-xiang-tui-jin-shui-yuan-lin-2"
    assert f"这份稿件可能已经导入过——docs/dangjian/{first.name}（标题相同，也是从 水源林更新改造稿.txt 导入的）" in printed
    assert f"删掉刚建的草稿 docs/dangjian/{second.name}" in printed
    third, printed = imported("--title", "水源林换上乡土树种")  # another title: the file name still tells
    assert f"docs/dangjian/{first.name}（也是从 水源林更新改造稿.txt 导入的）" in printed

    # A shorter slug check suggests is one no other article has.
    long_slug = first.stem + "-cong-xin-dao-ru"
    third.write_text(third.read_text(encoding="utf-8").replace(f"slug: {third.stem}", f"slug: {long_slug}")
                     .replace("title: 水源林换上乡土树种", "title: 曲樟乡推进水源林桉树更新改造工作"), encoding="utf-8")
    cli.main(["--config", str(config), "check", "--format", "json", "--today", "2024-05-21"])
    (problem,) = [p for p in json.loads(capsys.readouterr().out)["problems"] if p["code"] == "long-slug"]
    suggested = problem["hint"].split("slug: ", 1)[1].split("（", 1)[0]
    assert suggested not in {first.stem, second.stem} and len(suggested) <= 40 and suggested.startswith("qu-zhang-xiang")


def test_free_slugs_stay_within_the_limit():
    from township_archive.content.slugs import free_slug

    base = "qu-zhang-xiang-tui-jin-shui-yuan-lin-an"  # 39 characters
    assert free_slug(base, {base}) == "qu-zhang-xiang-tui-jin-shui-yuan-lin-2"
    taken = {base, *(f"qu-zhang-xiang-tui-jin-shui-yuan-lin-{n}" for n in range(2, 10))}
    assert free_slug(base, taken) == "qu-zhang-xiang-tui-jin-shui-yuan-lin-10"
    assert free_slug("wang-ge", {"wang-ge"}) == "wang-ge-2"
