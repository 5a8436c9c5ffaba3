"""The staff's tools, driven as staff drive them, in a temporary copy of the project: each rule in process
(the CLI's `main`), each command (new, import, review, publish, report) once as a subprocess, end to end."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml
from conftest import Project, article
from docx import Document
from docx.shared import Inches
from PIL import Image

TODAY = "2025-03-20"


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])


def snapshot(project: Project) -> dict[str, bytes]:
    return {p.relative_to(project.docs).as_posix(): p.read_bytes() for p in project.docs.rglob("*") if p.is_file()}


def codes(project: Project, *extra: str) -> list[tuple[str, str, int]]:
    result = project.cli_in_process("check", "--format", "json", "--today", TODAY, *extra)
    return [(p["code"], p["path"], p["line"]) for p in json.loads(result.stdout)["problems"]]


# --- new -----------------------------------------------------------------------------------------


def test_new_refuses_an_unknown_section(project: Project):
    before = snapshot(project)
    result = project.cli_in_process("new", "标题", "--section", "不存在")
    assert result.returncode == 2 and "没有名为“不存在”的栏目" in result.output
    assert snapshot(project) == before


# new → check → 三审 → publish → build: tests/test_workflow.py; the review gate's rules: tests/test_review_gate.py.


# --- import ------------------------------------------------------------------------------------------


def _png(colour) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 500), colour).save(buffer, "PNG")
    buffer.seek(0)
    return buffer


def make_docx(path: Path) -> Path:
    document = Document()
    document.add_heading("曲樟乡开展荔枝种植培训", level=1)
    paragraph = document.add_paragraph("培训由")
    paragraph.add_run("乡农技站").bold = True
    paragraph.add_run("组织，")
    paragraph.add_run("共有数十名果农参加").italic = True
    paragraph.add_run("（示例）。")
    document.add_heading("培训内容", level=2)
    document.add_paragraph("嫁接技术", style="List Bullet")
    document.add_paragraph("病虫害防治", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "项目", "人数"
    table.rows[1].cells[0].text, table.rows[1].cells[1].text = "嫁接", "20"
    document.add_picture(_png((200, 60, 60)), width=Inches(3))
    document.add_picture(_png((60, 60, 200)), width=Inches(3))
    document.save(path)
    return path


@pytest.mark.slow
def test_import_docx_keeps_structure_and_extracts_images(project: Project, tmp_path: Path):
    source = make_docx(tmp_path / "培训.docx")
    result = project.cli("import", str(source), "--section", "客家文化", "--today", TODAY)
    assert result.returncode == 0, result.output
    path = project.docs / "kejia-wenhua/qu-zhang-xiang-kai-zhan-li-zhi-zhong-zhi.md"
    text = path.read_text(encoding="utf-8")
    meta = front_matter(path)
    assert meta["title"] == "曲樟乡开展荔枝种植培训" and meta["status"] == "draft"
    assert "## 培训内容" in text
    assert "**乡农技站**" in text and "*共有数十名果农参加*" in text
    assert "- 嫁接技术" in text and "- 病虫害防治" in text
    assert "| 项目 | 人数 |" in text and "| 嫁接 | 20 |" in text
    images = sorted(p.name for p in path.with_suffix("").iterdir())
    assert len(images) == 2
    for name in images:
        assert f"({path.stem}/{name})" in text
    assert project.cli_in_process("check", "--today", TODAY).returncode == 0
    assert project.mkdocs_build_in_process().returncode == 0


def test_import_news_text_moves_trailing_notice_into_rights(project: Project, tmp_path: Path):
    source = tmp_path / "news.txt"
    source.write_text(
        "曲樟乡举办荔枝采摘节\n2024年6月15日 10:30　来源：北海日报　记者 陈某某\n\n"
        "　　6月15日，曲樟乡举办荔枝采摘节（示例）。\n　　现场游客众多。\n\n"
        "版权声明：本文版权归北海日报社所有，未经授权不得转载。\n联系电话：（示例）\n法律顾问：（示例）律师事务所\n",
        encoding="utf-8",
    )
    result = project.cli_in_process("import", str(source), "--section", "kejia-wenhua")
    assert result.returncode == 0, result.output
    path = project.docs / "kejia-wenhua/qu-zhang-xiang-ju-ban-li-zhi-cai-zhai.md"
    meta = front_matter(path)
    body = path.read_text(encoding="utf-8").split("---", 2)[2]
    assert meta["title"] == "曲樟乡举办荔枝采摘节" and str(meta["date"]) == "2024-06-15 10:30"
    assert meta["source"] == "北海日报" and meta["authors"] == ["陈某某"]
    # One notice, without the 版权声明 label the page prints over it.
    assert meta["rights"]["notice"].startswith("本文版权归北海日报社所有") and "法律顾问" in meta["rights"]["notice"]
    assert meta["rights"]["holder"] == "北海日报社" and meta["rights"]["original_source"] == "北海日报"
    assert "版权声明" not in body and "联系电话" not in body and "法律顾问" not in body
    assert "现场游客众多。" in body
    assert project.cli_in_process("check", "--today", TODAY).returncode == 0


def test_import_html_is_sanitised(project: Project, tmp_path: Path):
    source = tmp_path / "page.html"
    source.write_text(
        "<html><head><title>网页标题</title><script>alert(1)</script></head><body>"
        "<h1>乡村夜校开课</h1><p onclick='x()'>夜校第一课讲<b>防诈骗</b>（示例）。</p>"
        "<iframe src='https://evil.example/'></iframe><p>欢迎参加。</p></body></html>",
        encoding="utf-8",
    )
    assert project.cli_in_process("import", str(source), "--section", "dangjian").returncode == 0
    text = (project.docs / "dangjian/xiang-cun-ye-xiao-kai-ke.md").read_text(encoding="utf-8")
    assert "**防诈骗**" in text and "欢迎参加" in text
    for bad in ("<script", "alert(", "onclick", "iframe", "evil.example"):
        assert bad not in text


@pytest.mark.parametrize(
    "name,content,words",
    [
        ("坏的.docx", b"PK\x03\x04 not really a zip", "文件已损坏或不是 .docx 格式"),
        ("old.doc", b"\xd0\xcf\x11\xe0", "不支持旧的 .doc 格式"),
        ("scan.pdf", b"%PDF-1.4", "不支持导入 .pdf 文件"),
    ],
)
def test_import_refuses_bad_files_and_writes_nothing(project: Project, tmp_path: Path, name, content, words):
    source = tmp_path / name
    source.write_bytes(content)
    before = snapshot(project)
    result = project.cli_in_process("import", str(source), "--section", "dangjian")
    assert result.returncode == 2 and words in result.output and "Traceback" not in result.output
    assert snapshot(project) == before


# --- lint rules: each fails on bad content and passes on good -----------------------------------------------------

RULES = [
    ("broken-link", "[见此文](../kejia-wenhua/bu-cun-zai.md)", "[见此文](../kejia-wenhua/kejia-xinsu.md)"),
    ("broken-anchor", "[见此段](../jiaoyu-jidi/chen-mingshu-shengping.md#bu-cun-zai)",
     "[见此段](../jiaoyu-jidi/chen-mingshu-shengping.md#song-hu-kang-zhan)"),
    ("official-term", "广西自治区的乡村（示例）。", "广西壮族自治区的乡村（示例）。"),
]


@pytest.mark.parametrize("code,bad,good", RULES, ids=[r[0] for r in RULES])
def test_body_lint_rules(project: Project, code: str, bad: str, good: str):
    project.write("dangjian/lint.md", article(title="检查测试", slug="lint", body=f"第一段。\n\n{bad}\n"))
    found = codes(project)
    assert (code, "docs/dangjian/lint.md", 13) in found
    project.write("dangjian/lint.md", article(title="检查测试", slug="lint", body=f"第一段。\n\n{good}\n"))
    assert code not in {c for c, _, _ in codes(project)}


def test_duplicate_title_and_future_date(project: Project):
    project.write("dangjian/a.md", article(title="同名文章", slug="tong-ming-a", date="2025-03-01"))
    project.write("dangjian/b.md", article(title="同名文章", slug="tong-ming-b", date="2025-04-30"))
    found = codes(project)
    assert ("duplicate-title", "docs/dangjian/a.md", 1) in found and ("duplicate-title", "docs/dangjian/b.md", 1) in found
    assert ("future-date", "docs/dangjian/b.md", 1) in found
    assert ("future-date", "docs/dangjian/a.md", 1) not in found
    project.write("dangjian/b.md", article(title="另一个标题", slug="tong-ming-b", date="2025-03-02"))
    found = codes(project)
    assert "duplicate-title" not in {c for c, _, _ in found} and "future-date" not in {c for c, _, _ in found}


def test_empty_and_stale_sections(project: Project):
    for path in (project.docs / "rongyu-mingcun").glob("*.md"):
        path.unlink()
    found = {c: p for c, p, _ in codes(project)}
    assert found.get("empty-section") == "docs/rongyu-mingcun/"
    assert found.get("stale-section") == "docs/dangjian/"  # 党建成果: 14-day rule, newest 2025-01-15
    project.write("dangjian/xin.md", article(title="新动态", slug="xin-dong-tai", date="2025-03-18"))
    project.write("rongyu-mingcun/xin.md", article(title="新荣誉", slug="xin-rong-yu", date="2025-03-18"))
    remaining = {c for c, _, _ in codes(project)}
    assert "empty-section" not in remaining and "stale-section" not in remaining


# --- report --------------------------------------------------------------------------------------------------


def test_report_is_a_chinese_page_outside_the_site(project: Project):
    project.write("dangjian/dai-shen.md", article(title="待审稿件", slug="dai-shen", status="review"))
    result = project.cli_in_process("report", "--today", TODAY)
    assert result.returncode == 0, result.output
    report = project.root / "reports/内容报告.html"
    html = report.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    for words in ("各栏目情况", "党建成果", "等待审核的文章", "待审稿件", "初审", "检查发现的问题", "没有更新"):
        assert words in html
    refused = project.cli_in_process("report", "--output", "site/report.html")
    assert refused.returncode == 2 and "不能写进 site/" in refused.output


# --- in-process: small things staff met (cli.main on a small project) ---------------------------------------------


def in_process(config: Path, capsys, *args: str) -> tuple[int, str]:
    from township_archive import cli

    capsys.readouterr()
    code = cli.main(["--config", str(config), *args])
    return code, capsys.readouterr().out


def test_new_writes_pictures_the_way_the_handbook_does(tmp_path: Path, capsys):
    from conftest import ROOT, small_project

    config = small_project(tmp_path / "project", {})
    code, out = in_process(config, capsys, "new", "曲樟乡召开网格员培训会", "--section", "党建成果", "--today", "2025-03-18 10:00")
    assert code == 0, out
    (path,) = (config.parent / "docs/dangjian").glob("*.md")
    written = '![替代文字](文件夹/图片.jpg "图片说明")'
    assert written in path.read_text(encoding="utf-8") and "![图片说明]" not in path.read_text(encoding="utf-8")
    handbook = (ROOT / "HANDBOOK.md").read_text(encoding="utf-8")
    assert '`![替代文字](文章名/照片.jpg "图片说明")`。替代文字描述图片内容' in handbook  # the same words for the same parts


@pytest.mark.parametrize("typed", ["党建", "党建成果栏目", "dangjain"])
def test_a_section_typed_almost_right_is_suggested(tmp_path: Path, capsys, typed: str):
    from conftest import small_project

    config = small_project(tmp_path / "project", {})
    code, out = in_process(config, capsys, "new", "曲樟乡召开网格员培训会", "--section", typed)
    assert code == 2 and f"没有名为“{typed}”的栏目。是不是想写“党建成果”？" in out


def test_review_and_publish_find_an_article_named_without_docs(tmp_path: Path, capsys, monkeypatch):
    from conftest import small_project

    config = small_project(tmp_path / "project", {})
    (tmp_path / "project/secret.md").write_text("---\ntitle: 不在 docs 里\n---\n", encoding="utf-8")
    monkeypatch.chdir(config.parent)  # staff work in the project folder
    code, out = in_process(config, capsys, "new", "曲樟乡召开网格员培训会", "--section", "党建成果", "--author", "示例作者",
                           "--editor", "示例编辑", "--today", "2025-03-18 10:00")
    (path,) = (config.parent / "docs/dangjian").glob("*.md")
    path.write_text(path.read_text(encoding="utf-8").split("（在这里写正文")[0] + "全乡80个网格的网格员参加培训（示例）。\n",
                    encoding="utf-8")
    short = f"dangjian/{path.name}"
    for level, name in (("初审", "张三"), ("复审", "李四"), ("终审", "王五")):
        code, out = in_process(config, capsys, "review", short, "--level", level, "--by", name, "--today", "2025-03-19")
        assert code == 0, out
    code, out = in_process(config, capsys, "publish", short, "--today", "2025-03-20 09:00")
    assert code == 0 and "已发布" in out, out
    code, out = in_process(config, capsys, "review", "../secret.md", "--level", "初审", "--by", "张三")
    assert code == 2 and "找不到文章 ../secret.md" in out  # only inside docs/


def test_import_makes_a_picture_folder_only_for_pictures_and_readable_by_others(tmp_path: Path, capsys):
    import os
    import stat

    from conftest import small_project

    config = small_project(tmp_path / "project", {})
    release = tmp_path / "稿件.txt"
    release.write_text("曲樟乡开展荔枝种植培训\n\n乡农技站组织果农学习嫁接和病虫害防治（示例）。\n", encoding="utf-8")
    docx = make_docx(tmp_path / "稿件.docx")
    mask = os.umask(0o022)
    try:
        assert in_process(config, capsys, "import", str(release), "--section", "党建成果")[0] == 0
        assert [p.suffix for p in (config.parent / "docs/dangjian").iterdir()] == [".md"]  # no picture, no folder
        code, out = in_process(config, capsys, "import", str(docx), "--section", "党建成果")
    finally:
        os.umask(mask)
    assert code == 0, out
    folders = [p for p in (config.parent / "docs/dangjian").iterdir() if p.is_dir()]
    assert len(folders) == 1 and stat.S_IMODE(folders[0].stat().st_mode) == 0o755
    assert sorted(p.name for p in folders[0].iterdir()) == ["image-1.png", "image-2.png"]


def test_check_says_it_passed_when_nothing_is_an_error(tmp_path: Path, capsys):
    from conftest import small_project

    config = small_project(tmp_path / "project", {"dangjian/a.md": article(slug="a")})
    code, out = in_process(config, capsys, "check", "--today", TODAY)
    assert code == 0 and "内容检查通过：0 处错误、" in out.splitlines()[-1]  # the sample's empty sections warn


def test_picture_credits_name_pictures_by_number_and_caption_never_by_file_name():
    from township_archive.content.frontmatter import parse
    from township_archive.content.model import Section
    from township_archive.content.schema import validate_article
    from township_archive.rights.publishing import figure_names

    body = ('![党员代跑员为独居老人送药](dai-pao/image-1.jpg "图1 党员代跑员为独居老人送药（示例图片）")\n\n'
            "![线上辅导课堂](dai-pao/image-2.jpg)\n\n![](dai-pao/image-3.jpg)\n\n![再用一次](dai-pao/image-1.jpg)\n")
    front, _problems = parse("docs/dangjian/dai-pao.md", article(slug="dai-pao", status="draft", body=body))
    found, _problems = validate_article("docs/dangjian/dai-pao.md", "dangjian/dai-pao.md", front, Section("dangjian", "党建成果"),
                                        [Section("dangjian", "党建成果")], lambda _p: True, "本站")
    assert figure_names(found) == {
        "dangjian/dai-pao/image-1.jpg": "图1“党员代跑员为独居老人送药（示例图……”",  # its own 图1 once
        "dangjian/dai-pao/image-2.jpg": "图2“线上辅导课堂”",
        "dangjian/dai-pao/image-3.jpg": "图3",
    }


@pytest.mark.slow
def test_report_command_end_to_end(project: Project):
    result = project.cli("report", "--today", TODAY)
    assert result.returncode == 0, result.output
    assert "内容报告已生成" in result.output
    assert '<html lang="zh-CN">' in (project.root / "reports/内容报告.html").read_text(encoding="utf-8")
