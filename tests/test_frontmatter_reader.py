"""One front-matter reader for every module: the loader, the lint, the authoring commands.

`township-archive check` runs in-process on a small project (the sample's configuration and
theme, two articles), so a crash shows as the exception itself rather than a traceback in a
subprocess's output."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from conftest import article, small_project
from township_archive import cli
from township_archive.authoring.editing import AuthoringError, read_article
from township_archive.authoring.lint import lint_archive
from township_archive.content.frontmatter import parse, read_front_matter, split_front_matter
from township_archive.content.loader import load_archive
from township_archive.content.model import Section

SECTIONS = [Section("dangjian", "党建成果")]
LINKING = article(title="链接文章", slug="lian-jie", body="见[另一篇的一段](ling-yi-pian.md#di-yi-duan)。\n")
TARGET = article(title="另一篇", slug="ling-yi-pian", body="## 第一段\n\n正文。\n")


def run_check(config: Path, capsys) -> tuple[int, list[dict]]:
    code = cli.main(["--config", str(config), "check", "--format", "json", "--today", "2025-03-20"])
    report = json.loads(capsys.readouterr().out)
    return code, report["problems"]


def test_check_reports_an_anchor_link_to_a_page_that_is_not_utf8_without_a_traceback(tmp_path: Path, capsys):
    config = small_project(tmp_path / "project", {
        "dangjian/lian-jie.md": LINKING,
        "dangjian/ling-yi-pian.md": TARGET.encode("gbk"),
    })
    code, problems = run_check(config, capsys)
    assert code == 1
    bad = [p for p in problems if p["path"] == "docs/dangjian/ling-yi-pian.md"]
    assert [p["code"] for p in bad] == ["not-utf8"], problems  # reported once, by the loader
    assert "不是 UTF-8 编码" in bad[0]["message"]
    # The anchor cannot be checked in a file that cannot be read: no second, misleading problem at the link.
    assert not [p for p in problems if p["path"] == "docs/dangjian/lian-jie.md" and p["code"] == "broken-anchor"]


def test_check_finds_anchors_after_the_front_matter_fence_not_at_any_three_dashes(tmp_path: Path, capsys):
    """The lint once cut a page at its second '---' wherever it was (here inside the title), and took
    a YAML comment after it for a heading."""
    target = article(title='"另一篇---续"', slug="ling-yi-pian", extra="# 第二段", body="## 第一段\n\n---\n\n正文。\n")
    linking = article(title="链接文章", slug="lian-jie", body="见[第一段](ling-yi-pian.md#di-yi-duan)和[第二段](ling-yi-pian.md#di-er-duan)。\n")
    config = small_project(tmp_path / "project", {"dangjian/lian-jie.md": linking, "dangjian/ling-yi-pian.md": target})
    _code, problems = run_check(config, capsys)
    links = [(p["code"], p["message"]) for p in problems if p["code"] in ("broken-anchor", "broken-link")]
    assert links == [("broken-anchor", "链接中的段落锚点 #di-er-duan 在 dangjian/ling-yi-pian.md 中不存在。")]


def test_lint_reads_the_files_the_loader_reads(tmp_path: Path):
    """A folder named like a page, a hidden page: links to them are broken (neither is published), never a crash."""
    docs = tmp_path / "docs"
    body = "[甲](wenjianjia.md#a) [乙](.yincang.md#b) [丙](ling-yi-pian.md#di-yi-duan) [丁](#mei-you)\n"
    for relative, text in {
        "dangjian/lian-jie.md": article(title="链接文章", slug="lian-jie", body=body),
        "dangjian/ling-yi-pian.md": TARGET,
        "dangjian/.yincang.md": TARGET,
    }.items():
        (docs / relative).parent.mkdir(parents=True, exist_ok=True)
        (docs / relative).write_text(text, encoding="utf-8")
    (docs / "dangjian/wenjianjia.md").mkdir()
    archive, _problems = load_archive(docs, SECTIONS, "本站", tmp_path)
    problems = lint_archive(archive, docs, tmp_path, {}, datetime(2025, 3, 20))
    found = sorted((p.code, p.message) for p in problems if p.path == "docs/dangjian/lian-jie.md")
    assert found == [
        ("broken-anchor", "链接中的段落锚点 #mei-you 在 dangjian/lian-jie.md 中不存在。"),
        ("broken-link", "链接指向的文章不存在：.yincang.md#b。"),
        ("broken-link", "链接指向的文章不存在：wenjianjia.md#a。"),
    ]


def test_the_reader_decodes_strictly_and_drops_a_byte_order_mark():
    front, problems = read_front_matter("docs/a.md", "\ufeff---\ntitle: 甲\n---\n正文\n".encode())
    assert problems == [] and front.data == {"title": "甲"} and front.body == "正文\n" and front.body_line == 4
    front, problems = read_front_matter("docs/a.md", "---\ntitle: 甲\n---\n正文\n".encode("gbk"))
    assert front is None and [(p.code, p.path, p.line) for p in problems] == [("not-utf8", "docs/a.md", 2)]


def test_pages_may_go_without_front_matter_but_must_close_an_opened_one():
    front, problems = read_front_matter("docs/about.md", "# 关于\n\n---\n\n正文\n", required=False)
    assert problems == [] and front.data == {} and front.body.startswith("# 关于") and front.body_line == 1
    front, problems = read_front_matter("docs/about.md", "---\ntitle: 关于\n\n正文\n", required=False)
    assert front is None and [p.code for p in problems] == ["no-front-matter"]
    front, problems = parse("docs/dangjian/a.md", "# 只有正文\n")
    assert front is None and [p.code for p in problems] == ["no-front-matter"]


def test_split_front_matter_is_the_one_fence_rule():
    split = split_front_matter("---\r\ntitle: 甲\r\n...\r\n正文 --- 不是分隔\n")
    assert (split.yaml, split.body, split.body_line) == ("title: 甲\r\n", "正文 --- 不是分隔\n", 4)
    assert split_front_matter("---\n---\n正文\n").yaml == ""
    assert split_front_matter("正文\n---\n").yaml is None


def test_authoring_commands_refuse_an_unreadable_article_naming_file_and_line(tmp_path: Path, capsys):
    config = small_project(tmp_path / "project", {"dangjian/wen-zhang.md": article().encode("utf-8").replace(
        "测试编辑".encode(), "测试编辑".encode("gbk"))})
    path = config.parent / "docs/dangjian/wen-zhang.md"
    with pytest.raises(AuthoringError, match=r"wen-zhang\.md:7：文件不是 UTF-8 编码[\s\S]*提示：.*另存为"):
        read_article(path)
    code = cli.main(["--config", str(config), "review", str(path), "--level", "初审", "--by", "张三", "--today", "2025-03-20"])
    output = "".join(capsys.readouterr().out.split())  # the terminal's line breaks out
    assert code == 2 and "wen-zhang.md:7：文件不是UTF-8编码" in output and "Traceback" not in output
    assert path.read_bytes().count("测试编辑".encode("gbk")) == 1  # untouched
