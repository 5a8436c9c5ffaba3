"""三审 as a gate, in-process: names compared as one person however they are typed, each review
recording the version it saw, the build refusing a published article changed after its 终审, and
历史稿件 marked explicitly and shown in the report."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from conftest import small_project
from township_archive import cli
from township_archive.authoring.editing import AuthoringError
from township_archive.authoring.workflow import publish_changes, read_front, review_changes, review_state, rewrite, with_changes
from township_archive.content.frontmatter import FrontMatter, parse
from township_archive.content.model import Section
from township_archive.content.schema import validate_article
from township_archive.hanzi import person_key

SECTION = Section("dangjian", "党建成果")
SOURCE = "dangjian/zhi-an-ting.md"
PATH = f"docs/{SOURCE}"
DAY = datetime(2025, 3, 18, 10, 0)

DRAFT = """---
title: 曲樟乡建成 11 个村级治安亭
slug: zhi-an-ting
status: draft
date: 2025-03-14 16:20  # from the county media centre's release
authors: [示例作者]
editor: 示例编辑
tags: [平安建设]
---

曲樟乡在各村建起 11 个村级治安亭，并组建乡治安巡逻队，夜间在主要路口巡逻。

治安亭由村里的治安协管员值守，群众有事可以就近求助。
"""


def front_of(text: str) -> FrontMatter:
    front, problems = parse(PATH, text)
    assert front is not None, problems
    return front


def reviewed(front: FrontMatter, *steps: tuple[str, str]) -> FrontMatter:
    """`front` after the review command recorded each (level, name) in turn."""
    for level, name in steps:
        front = with_changes(front, review_changes(front, level, name, DAY))
    return front


def gate(front: FrontMatter, *, publishing: bool = False) -> list[tuple[str, str]]:
    """The errors of the article as the build (or, `publishing`, the publish command) checks it."""
    _article, problems = validate_article(PATH, SOURCE, front, SECTION, [SECTION], lambda _p: False, "本站", publishing=publishing)
    return [(p.code, p.message) for p in problems if p.is_error]


def published(front: FrontMatter) -> FrontMatter:
    return with_changes(front, publish_changes(front, datetime(2025, 3, 20, 9, 0), use_now=False))


THREE = (("初审", "张三"), ("复审", "李四"), ("终审", "王五"))


# --- names -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("first,second", [
    ("张三", "張三"), ("张三", "张 三"), ("张三", "张\u200b三"), ("张三", "\u3000张三 "), ("张三", "张\u2060三\ufeff"),
    ("zhang", "ZHANG"), ("Zhang San", "ｚｈａｎｇ　ｓａｎ"), ("陈铭枢", "陳銘樞"), ("阿依古丽·买买提", "阿依古丽•买买提"),
])
def test_spellings_of_one_name_are_one_person(first, second):
    assert person_key(first) == person_key(second)
    front = reviewed(front_of(DRAFT), ("初审", first))
    with pytest.raises(AuthoringError, match="三审必须由三个不同的人完成"):
        review_changes(front, "复审", second, DAY)


def test_different_people_stay_different():
    assert len({person_key(name) for name in ("张三", "张山", "李四", "zhang", "zhangsan")}) == 5


# One person typed so as to look like another: an invisible mark, a filler, a look-alike letter of another script.
DISGUISED = {
    "variation selector": ("张三", "张三\ufe00"),
    "combining grapheme joiner": ("张三", "张\u034f三"),
    "Hangul filler": ("张三", "张三\u3164"),
    "braille blank": ("张三", "张三\u2800"),
    "Cyrillic a among Latin letters": ("Zhang San", "Zh\u0430ng San"),
    "Greek capital Eta among Latin letters": ("Zhang San", "Z\u0397ANG SAN"),
    "zero width joiner": ("张三", "张\u200d三"),
}


@pytest.mark.parametrize("first,second", list(DISGUISED.values()), ids=list(DISGUISED))
def test_a_name_disguised_by_invisible_or_look_alike_characters_is_refused_and_still_one_person(tmp_path: Path, capsys, first, second):
    assert person_key(first) == person_key(second)
    config = small_project(tmp_path / "project", {SOURCE: DRAFT})
    path = config.parent / PATH
    assert command(config, capsys, "review", str(path), "--level", "初审", "--by", first)[0] == 0
    before = path.read_bytes()
    code, out = command(config, capsys, "review", str(path), "--level", "复审", "--by", second)
    assert code == 2 and "审核人姓名" in out and ("不能用在姓名里的字符" in out or "混用了不同的文字" in out), out
    assert path.read_bytes() == before


def test_names_in_other_scripts_that_look_latin_are_one_person():
    assert person_key("Cox") == person_key("\u0421\u043e\u0445")  # Сох, all Cyrillic
    assert person_key("Zhang-San") == person_key("zhang san") == person_key("ZHANG·SAN")


@pytest.mark.parametrize("name", ["张三", "阿依古丽·买买提", "阿依古丽•买买提", "Zhang San", "O'Brien", "Jean-Luc",
                                  "Jose\u0301", "\U0002a6a5三", "ｚｈａｎｇ　ｓａｎ", "王〇", "陳銘樞"])
def test_real_names_are_accepted(name):
    front = reviewed(front_of(DRAFT), ("初审", name))
    assert front.data["reviews"][0]["by"] == " ".join(name.split())


def test_a_disguised_reviewer_written_into_the_file_is_refused_at_its_line():
    records = [{"level": lv, "by": by, "date": "2025-03-18", "fingerprint": "0" * 16} for lv, by in
               (("初审", "张三"), ("复审", "张三\ufe00"), ("终审", "王五"))]
    front = front_of(DRAFT.replace("---\n\n", "reviews:\n" + "".join(
        f"  - {{level: {r['level']}, by: \"{r['by']}\", date: {r['date']}, fingerprint: '{r['fingerprint']}'}}\n"
        for r in records) + "---\n\n", 1))
    _article, problems = validate_article(PATH, SOURCE, front, SECTION, [SECTION], lambda _p: False, "本站")
    refused = [p for p in problems if p.code == "bad-reviewer"]
    assert [(p.line, p.is_error) for p in refused] == [(front.line_of("reviews.1"), True)]
    assert "U+FE00" in refused[0].message and "汉字" in refused[0].hint


# --- the round: order, people, versions -------------------------------------------------------------------


def test_three_reviews_by_three_people_each_record_the_version_they_saw():
    front = reviewed(front_of(DRAFT), *THREE)
    reviews = front.data["reviews"]
    assert [(r["level"], r["by"], r["date"]) for r in reviews] == [(lv, by, "2025-03-18") for lv, by in THREE]
    state = review_state(front)
    assert {r["fingerprint"] for r in reviews} == {state.current} and len(state.current) == 16
    assert front.data["status"] == "review"
    assert state.progress().endswith("终审：王五（2025-03-18，版本 " + state.current + "，即当前版本）；可以发布")
    assert gate(published(front)) == []


def test_levels_go_in_order_and_are_not_repeated():
    front = front_of(DRAFT)
    with pytest.raises(AuthoringError, match="下一步应当是初审，不是复审"):
        review_changes(front, "复审", "李四", DAY)
    front = reviewed(front, ("初审", "张三"))
    with pytest.raises(AuthoringError, match="初审已经记录过（初审：张三"):
        review_changes(front, "初审", "赵六", DAY)
    with pytest.raises(AuthoringError, match="请用 --by 写明审核人姓名"):
        review_changes(front, "复审", " \u200b ", DAY)
    with pytest.raises(AuthoringError, match="审核级别只能是"):
        review_changes(front, "四审", "赵六", DAY)


def test_publish_keeps_the_imported_date_unless_told_now():
    front = reviewed(front_of(DRAFT), *THREE)
    now = datetime(2025, 3, 20, 9, 0)
    assert publish_changes(front, now, use_now=False) == {"status": "published"}  # 2025-03-14 16:20 stays
    assert publish_changes(front, now, use_now=True) == {"status": "published", "date": "2025-03-20 09:00"}
    undated = reviewed(front_of(DRAFT.replace("date: 2025-03-14 16:20  # from the county media centre's release\n", "")), *THREE)
    assert publish_changes(undated, now, use_now=False) == {"status": "published", "date": "2025-03-20 09:00"}
    assert gate(with_changes(front, publish_changes(front, now, use_now=True))) == []  # the date is publish's, not the review's
    assert publish_changes(published(front), now, use_now=True) == {}  # published already, this version approved
    changed = FrontMatter(front.data, front.key_lines, front.body + "\n补记一段。\n", front.body_line)
    with pytest.raises(AuthoringError, match="已经发布，改动后的新版本还没有完成三审（下一步：初审）"):
        publish_changes(published(changed), now, use_now=True)


def test_publish_is_refused_without_the_three_reviews_by_the_same_rules_as_the_build():
    front = reviewed(front_of(DRAFT), ("初审", "张三"), ("复审", "李四"))
    assert gate(published(front), publishing=True) == [("review-incomplete", "三审还没有完成：缺少终审。")]
    assert gate(published(front_of(DRAFT))) == [("reviews-missing", "已发布的文章没有三审记录。")]


# --- the gate in the build ----------------------------------------------------------------------------


def test_a_change_after_the_final_review_is_refused_and_says_who_saw_which_version():
    front = published(reviewed(front_of(DRAFT), *THREE))
    before = review_state(front).current
    for changed in (
        with_changes(front, {"title": "曲樟乡建成 12 个村级治安亭"}),
        FrontMatter(front.data, front.key_lines, front.body.replace("11 个", "12 个"), front.body_line),
    ):
        (problem,) = validate_article(PATH, SOURCE, changed, SECTION, [SECTION], lambda _p: False, "本站")[1]
        assert (problem.code, problem.message) == ("changed-after-review", "终审后内容有改动，请重新送审。")
        assert f"终审：王五（2025-03-18，版本 {before}，之后内容有改动）" in problem.hint
        assert "初审：张三" in problem.hint and "当前版本" in problem.hint


def test_what_the_workflow_writes_and_how_yaml_is_written_are_not_changes():
    front = published(reviewed(front_of(DRAFT), *THREE))
    text = (
        "---\n# 编辑部备注：这一行注释不算内容\nstatus: published\ntags:\n  - 平安建设\nslug: 'zhi-an-ting'\n"
        "title: 曲樟乡建成 11 个村级治安亭\neditor: 示例编辑\nauthors:\n- 示例作者\ndate: 2025-03-20 09:00\n---\n\n\n"
        + front.body.strip() + "\r\n"
    )
    rewritten = front_of(text)
    assert review_state(FrontMatter({**rewritten.data, "reviews": front.data["reviews"]}, {}, rewritten.body)).changed is False


def test_hand_written_reviews_do_not_pass():
    front = front_of(DRAFT.replace("status: draft", "status: published"))
    by_one = with_changes(front, {"reviews": [{"level": lv, "by": by, "date": "2025-03-18"} for lv, by in
                                              (("初审", "张三"), ("复审", "張三"), ("终审", "ZHANG"))]})
    codes = [code for code, _message in gate(by_one)]
    assert codes == ["same-reviewer", "review-unverified"]
    assert "初审（张三）和复审（張三）是同一个人" in gate(by_one)[0][1]
    skipping = with_changes(front, {"reviews": [{"level": "终审", "by": "王五", "date": "2025-03-18"}]})
    assert [code for code, _m in gate(skipping)] == ["reviews-order"]


def test_a_published_article_changed_later_goes_through_a_new_round():
    front = published(reviewed(front_of(DRAFT), *THREE))
    with pytest.raises(AuthoringError, match="已经发布，发布后内容没有改动"):
        review_changes(front, "初审", "赵六", DAY)
    changed = FrontMatter(front.data, front.key_lines, front.body + "\n巡逻队由乡派出所指导。\n", front.body_line)
    with pytest.raises(AuthoringError, match="下一步应当是初审"):
        review_changes(changed, "复审", "赵六", DAY)
    again = reviewed(changed, ("初审", "张三"), ("复审", "李四"))  # the same people may review the new version
    assert again.data["status"] == "published"  # stays where it is; the build waits for the 终审
    assert [code for code, _m in gate(again)] == ["review-incomplete"]
    assert gate(reviewed(again, ("终审", "王五"))) == []
    assert len(again.data["reviews"]) == 5  # the first round is kept as history


# --- 历史稿件 -------------------------------------------------------------------------------------------


def test_historical_articles_are_marked_by_someone_and_visible_in_the_report():
    from township_archive.authoring.report import render_report
    from township_archive.content.loader import Archive

    old = front_of(DRAFT.replace("status: draft", "status: published"))
    marked = reviewed(old, ("历史稿件", "档案员甲"))
    assert [(r["level"], r["by"]) for r in marked.data["reviews"]] == [("历史稿件", "档案员甲")]
    assert marked.data["status"] == "published" and gate(marked) == []
    with pytest.raises(AuthoringError, match="已经标为历史稿件"):
        review_changes(marked, "历史稿件", "档案员乙", DAY)

    article, _problems = validate_article(PATH, SOURCE, marked, SECTION, [SECTION], lambda _p: False, "本站")
    html = render_report(Archive([SECTION], [article]), [], "曲樟乡宣传文化档案", DAY)
    section = html.split("<h2>历史稿件", 1)[1].split("<h2>", 1)[0]
    assert "曲樟乡建成 11 个村级治安亭" in section and "档案员甲" in section and "2025-03-18" in section

    changed = with_changes(marked, {"tags": ["平安建设", "治安巡逻"]})
    assert gate(changed) == [("changed-after-review", "历史稿件标记后内容有改动，请重新送审。")]
    with pytest.raises(AuthoringError, match="已有审核记录，不能再标为历史稿件"):
        review_changes(changed, "历史稿件", "档案员甲", DAY)
    assert gate(reviewed(changed, *THREE)) == []


def test_only_published_articles_may_be_marked_historical_and_never_by_omission():
    with pytest.raises(AuthoringError, match="只用于本站启用三审之前就已发布的文章"):
        review_changes(front_of(DRAFT), "历史稿件", "档案员甲", DAY)
    with pytest.raises(AuthoringError, match="不经过 publish"):
        publish_changes(reviewed(front_of(DRAFT.replace("status: draft", "status: published")), ("历史稿件", "甲")), DAY, False)
    written_by_hand = front_of(DRAFT.replace("status: draft", "status: published").replace("tags:", "reviews: 历史稿件\ntags:"))
    (problem,) = [p for p in validate_article(PATH, SOURCE, written_by_hand, SECTION, [SECTION], lambda _p: False, "本站")[1]]
    assert (problem.code, problem.line) == ("bad-reviews", 8) and "要写明由谁导入" in problem.message
    assert "--level 历史稿件 --by" in problem.hint


# --- the file as written ---------------------------------------------------------------------------------


def test_the_recorded_version_is_the_file_as_written(tmp_path: Path):
    """What the review command writes through `editing` reads back with the fingerprint it recorded."""
    path = tmp_path / "zhi-an-ting.md"
    path.write_text(DRAFT, encoding="utf-8")
    for level, name in THREE:
        rewrite(path, review_changes(read_front(path), level, name, DAY))
    text = path.read_text(encoding="utf-8")
    assert "# from the county media centre's release" in text  # staff's comment kept
    state = review_state(read_front(path))
    assert state.complete and not state.changed
    rewrite(path, publish_changes(read_front(path), DAY, use_now=False))
    assert "date: 2025-03-14 16:20" in path.read_text(encoding="utf-8")
    assert gate(read_front(path)) == []


# --- the person's path: the commands as staff type them (in-process) -----------------------------------------------

# Lists typed with a Chinese input method: check reads them as meant and notes the standard way to write them.
LISTED = """---
title: 曲樟乡80个网格建起党小组
slug: wang-ge-dang-xiao-zu
status: draft
authors: 示例作者甲、示例作者乙
editor: 示例编辑
tags: [网格化治理，基层党建]
---

曲樟乡把全乡划为 80 个网格，建起 35 个网格党小组（示例）。

网格员由党员担任，群众反映的问题在网格里先接下来。
"""


def command(config: Path, capsys, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main(["--config", str(config), *args])
    return code, capsys.readouterr().out


def published_by_commands(tmp_path: Path, capsys, text: str = LISTED) -> tuple[Path, Path]:
    """A draft taken through 初审, 复审, 终审 and publish by the commands; (mkdocs.yml, the article)."""
    config = small_project(tmp_path / "project", {"dangjian/wang-ge-dang-xiao-zu.md": text})
    path = config.parent / "docs/dangjian/wang-ge-dang-xiao-zu.md"
    for level, name in THREE:
        assert command(config, capsys, "review", str(path), "--level", level, "--by", name, "--today", "2025-03-19")[0] == 0
    code, out = command(config, capsys, "publish", str(path), "--today", "2025-03-20 09:00")
    assert code == 0, out
    return config, path


def checked(config: Path, capsys, path: Path) -> tuple[int, list[dict]]:
    code, out = command(config, capsys, "check", "--format", "json", "--today", "2025-03-20")
    shown = path.relative_to(config.parent).as_posix()
    return code, [p for p in json.loads(out)["problems"] if p["path"] == shown]


def test_following_checks_advice_on_a_published_article_is_not_a_change(tmp_path: Path, capsys):
    config, path = published_by_commands(tmp_path, capsys)
    code, problems = checked(config, capsys, path)
    assert code == 0 and sorted((p["code"], p["line"], p["severity"]) for p in problems) == [
        ("list-split", 5, "note"), ("list-split", 7, "note")]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for problem in problems:  # the edit the hint suggests, exactly: the line as the hint writes it
        lines[problem["line"] - 1] = problem["hint"].rsplit("：", 1)[1] + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    assert "authors: [示例作者甲, 示例作者乙]\n" in lines and "tags: [网格化治理, 基层党建]\n" in lines

    code, problems = checked(config, capsys, path)
    assert (code, problems) == (0, [])


SAME_CONTENT = {  # the published file's front matter and body written another way: (what to replace, with what)
    "block lists": [("authors: 示例作者甲、示例作者乙\n", "authors:\n  - 示例作者甲\n  - 示例作者乙\n"),
                    ("tags: [网格化治理，基层党建]\n", "tags:\n- 网格化治理\n- 基层党建\n")],
    "quoting": [("title: 曲樟乡80个网格建起党小组", 'title: "曲樟乡80个网格建起党小组"'), ("editor: 示例编辑", "editor: '示例编辑'")],
    "key order": [("slug: wang-ge-dang-xiao-zu\n", ""), ("editor: 示例编辑\n", "editor: 示例编辑\nslug: wang-ge-dang-xiao-zu\n")],
    "comments": [("---\ntitle", "---\n# 编辑部备注：乡党委已审定\ntitle"), ("editor: 示例编辑", "editor: 示例编辑  # 乡宣传办")],
    "trailing spaces": [("editor: 示例编辑", "editor: 示例编辑   "), ("（示例）。\n", "（示例）。  \n")],
    "windows line endings": [("\n", "\r\n")],
    "empty fields": [("editor: 示例编辑\n", "editor: 示例编辑\nsummary: ''\nvillages: []\nphotographer:\n")],
}


@pytest.mark.parametrize("how", list(SAME_CONTENT))
def test_writing_the_same_front_matter_another_way_is_not_a_change(tmp_path: Path, capsys, how: str):
    config, path = published_by_commands(tmp_path, capsys)
    text = path.read_text(encoding="utf-8")
    for old, new in SAME_CONTENT[how]:
        assert old in text
        text = text.replace(old, new)
    path.write_bytes(text.encode("utf-8"))
    code, problems = checked(config, capsys, path)
    assert code == 0 and [p["code"] for p in problems if p["severity"] != "note"] == [], problems


def test_a_real_change_after_publishing_is_still_one(tmp_path: Path, capsys):
    config, path = published_by_commands(tmp_path, capsys)
    path.write_text(path.read_text(encoding="utf-8").replace("tags: [网格化治理，基层党建]", "tags: [网格化治理，平安建设]"),
                    encoding="utf-8")
    code, problems = checked(config, capsys, path)
    assert code == 1 and [p["code"] for p in problems if p["severity"] == "error"] == ["changed-after-review"]


def test_the_fingerprint_reads_the_same_list_fields_as_the_schema():
    from township_archive.content.lists import LIST_FIELDS
    from township_archive.content.schema import FIELDS, FieldType

    assert LIST_FIELDS == {name for name, spec in FIELDS.items() if spec.type in (FieldType.TEXT_LIST, FieldType.ALIASES)}


def test_a_change_to_a_published_article_is_approved_by_a_new_round_and_needs_no_publish(tmp_path: Path, capsys):
    """终审 and publish say the same: the change is approved, the article stays published with its date,
    the next build takes it."""
    config, path = published_by_commands(tmp_path, capsys)
    path.write_text(path.read_text(encoding="utf-8").replace("先接下来。", "先接下来，再交给乡里办理。"), encoding="utf-8")
    assert command(config, capsys, "publish", str(path), "--today", "2025-04-02")[0] != 0  # not before the new round
    for level, name in THREE:
        code, out = command(config, capsys, "review", str(path), "--level", level, "--by", name, "--today", "2025-04-01")
        assert code == 0, out
    assert "不需要再 publish，运行 make site 更新网站" in out and "可以发布" not in out
    code, out = command(config, capsys, "publish", str(path), "--today", "2025-04-02")
    assert code == 0, out
    assert "不需要再 publish，运行 make site 更新网站" in out and "发布时间仍为 2025-03-20 09:00" in out and "错误" not in out
    assert "date: 2025-03-20 09:00" in path.read_text(encoding="utf-8")
    assert checked(config, capsys, path)[0] == 0


@pytest.mark.parametrize("what", ["review", "publish"])
def test_an_article_outside_the_articles_folder_is_refused_before_anything_is_written(tmp_path: Path, capsys, what: str):
    config = small_project(tmp_path / "project", {})
    outside = tmp_path / "outside.md"
    outside.write_text(DRAFT, encoding="utf-8")
    args = ["review", str(outside), "--level", "初审", "--by", "张三"] if what == "review" else ["publish", str(outside)]
    code, out = command(config, capsys, *args)
    assert code == 2 and "不在文章文件夹" in out and "docs" in out, out
    assert outside.read_text(encoding="utf-8") == DRAFT


# --- pictures and their credits are part of the version ---------------------------------------------------------------

PICTURED = LISTED.replace("editor: 示例编辑\n", "editor: 示例编辑\ncover: wang-ge-dang-xiao-zu/cover.jpg\n").replace(
    "网格员由党员担任", '![网格员在村部登记群众反映的问题（示例）](wang-ge-dang-xiao-zu/dengji.jpg "网格员登记（示例）")\n\n网格员由党员担任')


def jpeg(seed: int) -> bytes:
    import io

    from township_archive.samples import photo_like

    buffer = io.BytesIO()
    photo_like(1000, 640, seed).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


CHANGES_AFTER_REVIEW = {  # (file in the article's picture folder, new content)
    "another picture in its place": ("dengji.jpg", jpeg(7)),
    "a new photographer in the picture's credits": ("dengji.jpg.yml", "author: 另一位摄影者\n"),
    "the credits of a picture that had none": ("cover.jpg.yml", "holder: 另一家单位\n"),
    "another cover picture": ("cover.jpg", jpeg(8)),
}


@pytest.fixture(scope="module")
def pictured(tmp_path_factory) -> Path:
    """A pictured article taken through 三审 and publish by the commands and checked once (its pictures'
    variants cached); each test changes a copy."""
    files = {"dangjian/wang-ge-dang-xiao-zu/dengji.jpg": jpeg(1), "dangjian/wang-ge-dang-xiao-zu/cover.jpg": jpeg(2),
             "dangjian/wang-ge-dang-xiao-zu/dengji.jpg.yml": "author: 示例摄影者  # 乡宣传办\n"}
    config = small_project(tmp_path_factory.mktemp("pictured") / "project", {"dangjian/wang-ge-dang-xiao-zu.md": PICTURED, **files})
    path = str(config.parent / "docs/dangjian/wang-ge-dang-xiao-zu.md")
    for level, name in THREE:
        assert cli.main(["--config", str(config), "review", path, "--level", level, "--by", name, "--today", "2025-03-19"]) == 0
    assert cli.main(["--config", str(config), "publish", path, "--today", "2025-03-20 09:00"]) == 0
    assert cli.main(["--config", str(config), "check", "--today", "2025-03-20"]) == 0
    return config.parent


def copy_of(project: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A copy of `project` with its image cache: (mkdocs.yml, the article)."""
    import shutil

    shutil.copytree(project, tmp_path / "project")
    return tmp_path / "project/mkdocs.yml", tmp_path / "project/docs/dangjian/wang-ge-dang-xiao-zu.md"


@pytest.mark.parametrize("name,content", list(CHANGES_AFTER_REVIEW.values()), ids=list(CHANGES_AFTER_REVIEW))
def test_a_picture_or_its_credits_changed_after_the_final_review_stops_the_build(tmp_path: Path, capsys, pictured, name, content):
    config, path = copy_of(pictured, tmp_path)
    code, problems = checked(config, capsys, path)
    assert code == 0 and [p for p in problems if p["severity"] == "error"] == []

    picture = path.with_suffix("") / name
    picture.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    code, problems = checked(config, capsys, path)
    assert code == 1 and [p["code"] for p in problems if p["severity"] == "error"] == ["changed-after-review"], problems


def test_rewriting_a_pictures_credits_without_changing_them_is_no_change(tmp_path: Path, capsys, pictured):
    config, path = copy_of(pictured, tmp_path)
    (path.with_suffix("") / "dengji.jpg.yml").write_text("# 摄影者由乡宣传办提供\nauthor: '示例摄影者'\n", encoding="utf-8")
    code, problems = checked(config, capsys, path)
    assert code == 0 and [p for p in problems if p["severity"] == "error"] == []


def test_the_files_an_article_shows_are_read_inside_docs_only(tmp_path: Path):
    from township_archive.content.reviews import FileVersions, shown_files

    docs = tmp_path / "docs"
    (docs / "dangjian/a").mkdir(parents=True)
    (docs / "dangjian/a/p.jpg").write_bytes(b"picture")
    (tmp_path / "secret.jpg").write_bytes(b"secret")
    (docs / "dangjian/a/link.jpg").symlink_to(tmp_path / "secret.jpg")
    body = "![甲](a/p.jpg)\n\n![乙](../../secret.jpg)\n\n![丙](a/link.jpg)\n\n<img src=\"a/p.jpg\" alt=\"丁\">\n\n![戊](https://example.org/x.jpg)\n"
    assert shown_files({"cover": "a/p.jpg"}, body, "dangjian/a.md") == ["dangjian/a/p.jpg", "dangjian/a/link.jpg"]
    versions = FileVersions(docs)
    assert versions("dangjian/a/p.jpg") is not None
    assert versions("dangjian/a/link.jpg") is None and versions("../secret.jpg") is None
