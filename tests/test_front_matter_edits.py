"""`review` and `publish` change only what they must in the front matter staff wrote.

The commands run in-process (`cli.main`) on a small project, as staff type them; the article is
written the way an editor keeps a file: comments, a key order of their own, a flow list and a
block list indented their way. After three reviews and publishing, every line staff wrote is still
there byte for byte, except the `status` line the commands change; the reviews are added."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from conftest import small_project
from township_archive import cli
from township_archive.authoring.editing import AuthoringError, read_article, rewrite_front_matter, write_article
from township_archive.content.frontmatter import parse

STAFF_WROTE = """---
# 乡宣传办 3 月例会定稿；改动请先告诉编辑部
title: 曲樟乡“党建+网格”：80 个网格里的党小组   # 标题经乡党委审定
slug: wangge-dangjian   # 网址名已对外公布，不要改
status: draft
date: 2025-03-18 09:00

# 署名按稿件顺序
authors:
    - 示例作者甲   # 乡宣传办
    - 示例作者乙
editor: 示例编辑
tags: [基层党建, 网格化治理]  # 与上月稿件一致
villages:
  - 示例村
summary: '全乡划为 80 个网格，建起 35 个网格党小组，群众反映的事有人接、有人办。'
# 以上由作者填写
---
曲樟乡把“党建+网格+基层治理”落到每个网格：全乡 80 个网格，建起 35 个网格党小组。

## 网格里的党小组

网格员由党员担任，群众反映的问题在网格里先接下来。
"""


def command(config: Path, *args: str) -> int:
    return cli.main(["--config", str(config), *args])


def test_three_reviews_and_publish_keep_every_line_staff_wrote(tmp_path: Path, capsys):
    config = small_project(tmp_path / "project", {"dangjian/wangge-dangjian.md": STAFF_WROTE})
    article = config.parent / "docs/dangjian/wangge-dangjian.md"
    for level, by, day in (("初审", "张三", "2025-03-19"), ("复审", "李四", "2025-03-20"), ("终审", "王五", "2025-03-21")):
        assert command(config, "review", str(article), "--level", level, "--by", by, "--today", day) == 0, capsys.readouterr()
    assert command(config, "publish", str(article), "--today", "2025-03-22") == 0, capsys.readouterr()

    written = article.read_text(encoding="utf-8")
    before, after = STAFF_WROTE.splitlines(keepends=True), written.splitlines(keepends=True)
    changed = [(tag, before[i1:i2], after[j1:j2]) for tag, i1, i2, j1, j2
               in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes() if tag != "equal"]
    # The status line changed in place; the reviews were added after the last field; nothing else moved.
    assert changed[0] == ("replace", ["status: draft\n"], ["status: published\n"]), changed
    assert [tag for tag, *_lines in changed[1:]] == ["insert"], changed
    added = changed[1][2]
    assert added[0] == "reviews:\n" and all(line.startswith("    ") for line in added[1:]), added
    assert written.endswith("# 以上由作者填写\n" + "".join(added) + "---\n" + STAFF_WROTE.split("---\n", 2)[2])

    front, problems = parse(str(article), written)
    assert front is not None and not problems
    assert front.data["status"] == "published" and front.data["date"] == "2025-03-18 09:00"
    assert [(r["level"], r["by"], r["date"]) for r in front.data["reviews"]] == [
        ("初审", "张三", "2025-03-19"), ("复审", "李四", "2025-03-20"), ("终审", "王五", "2025-03-21")]
    assert front.data["tags"] == ["基层党建", "网格化治理"] and front.data["authors"] == ["示例作者甲", "示例作者乙"]


def rewrite(yaml_text: str, **changes) -> str:
    front, problems = parse("a.md", "---\n" + yaml_text + "---\n")
    assert front is not None, problems
    new = {**front.data, **changes}
    for key in [key for key, value in changes.items() if value is None]:
        del new[key]
    return rewrite_front_matter(yaml_text, front.data, new)


def test_nothing_changed_is_the_same_text():
    text = "title: 标题   # 注释\ntags: [ 甲 ,乙 ]\n"
    assert rewrite(text) == text


def test_a_changed_field_keeps_its_comment_and_the_comments_around_it():
    text = "title: 标题\n# 状态由命令改写\nstatus: review  # 送审中\n\n# 标签\ntags: [甲, 乙]\n"
    assert rewrite(text, status="published") == "title: 标题\n# 状态由命令改写\nstatus: published # 送审中\n\n# 标签\ntags: [甲, 乙]\n"


def test_lists_keep_their_style_when_an_item_is_added():
    text = "tags: [甲, 乙]   # 标签\nauthors:\n  - 张三  # 记者\n"
    assert rewrite(text, tags=["甲", "乙", "丙"], authors=["张三", "李四"]) == (
        "tags: [甲, 乙, 丙] # 标签\nauthors:\n  - 张三  # 记者\n  - 李四\n"  # the comment stays in its column where it fits
    )


def test_earlier_reviews_keep_their_text_when_one_is_added():
    text = "reviews:\n- level: 初审   # 第一轮\n  by: 张三\n  date: 2025-03-19\nstatus: review\n"
    front, _problems = parse("a.md", "---\n" + text + "---\n")
    reviews = [*front.data["reviews"], {"level": "复审", "by": "李四", "date": "2025-03-20"}]
    assert rewrite(text, reviews=reviews) == (
        "reviews:\n- level: 初审   # 第一轮\n  by: 张三\n  date: 2025-03-19\n- level: 复审\n  by: 李四\n  date: 2025-03-20\n"
        "status: review\n"
    )


def test_a_removed_field_leaves_the_comment_of_the_next_one():
    assert rewrite("title: 标题\nsummary: 旧摘要\n# 标签\ntags: [甲]\n", summary=None) == "title: 标题\n# 标签\ntags: [甲]\n"


def test_new_fields_go_at_the_end_with_lists_of_words_in_brackets():
    assert rewrite("# 只有标题\ntitle: 标题\n", slug="biao-ti", tags=["甲", "乙"]) == "# 只有标题\ntitle: 标题\nslug: biao-ti\ntags: [甲, 乙]\n"
    assert rewrite("# 还没有字段\n", title="标题") == "# 还没有字段\ntitle: 标题\n"


def test_windows_line_endings_and_quoting_are_kept():
    text = "title: '标题'\r\nstatus: draft\r\ndate: \"2025-03-18\"\r\n"
    assert rewrite(text, status="review") == "title: '标题'\r\nstatus: review\r\ndate: \"2025-03-18\"\r\n"


def test_a_long_value_is_never_folded():
    summary = "曲樟乡" * 200
    assert rewrite("title: 标题\nsummary: 短\n", summary=summary) == f"title: 标题\nsummary: {summary}\n"


def test_the_body_is_written_back_as_it_was(tmp_path: Path):
    path = tmp_path / "a.md"
    original = "---\ntitle: 标题  # 注释\nstatus: draft\n---\n正文紧跟在头信息后面。\r\n\n\n"
    path.write_bytes(original.encode("utf-8"))
    meta, body = read_article(path)
    write_article(path, {**meta, "status": "review"}, body)
    assert path.read_bytes().decode("utf-8") == original.replace("status: draft", "status: review")


def test_a_field_written_twice_is_refused_before_anything_is_written(tmp_path: Path):
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: 甲\nstatus: draft\ntitle: 乙\n---\n正文\n", encoding="utf-8")
    with pytest.raises(AuthoringError, match="字段 title 写了两次"):
        read_article(path)


def test_a_comment_under_an_empty_reviews_field_stays_once_however_many_reviews_are_added(tmp_path: Path, capsys):
    """`reviews:` left empty with a comment under it: ruamel keeps the comment with the field, so the
    comment lines between it and the next field are not added a second time."""
    text = STAFF_WROTE.replace("# 以上由作者填写\n", "reviews:   # 审核记录\n  # 由 review 命令写入\n")
    config = small_project(tmp_path / "project", {"dangjian/wangge-dangjian.md": text})
    article = config.parent / "docs/dangjian/wangge-dangjian.md"
    for level, by in (("初审", "张三"), ("复审", "李四"), ("终审", "王五")):
        assert command(config, "review", str(article), "--level", level, "--by", by, "--today", "2025-03-19") == 0, capsys.readouterr()
        written = article.read_text(encoding="utf-8")
        assert written.count("# 审核记录") == 1 and written.count("# 由 review 命令写入") == 1, written
    assert written.index("# 由 review 命令写入") < written.index("- level: 初审")
