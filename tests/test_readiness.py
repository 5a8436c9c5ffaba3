"""The readiness check, in-process: what would stop an article from being published, on drafts
(“发布前需处理”, never an error) and on published articles (errors), by the same rules."""

from __future__ import annotations

import pytest
from township_archive.content.frontmatter import parse
from township_archive.content.model import Section
from township_archive.content.readiness import ALT_PLACEHOLDER, TITLE_PLACEHOLDER
from township_archive.content.reviews import fingerprint
from township_archive.content.schema import validate_article
from township_archive.problems import Severity

SECTION = Section("dangjian", "党建成果")
SOURCE = "dangjian/ding-gang-ren-ze.md"
PATH = f"docs/{SOURCE}"
# Pictures that exist in the article's folder.
PICTURES = {"dangjian/ding-gang-ren-ze/tiaojie.jpg", "dangjian/ding-gang-ren-ze/xunluo.jpg"}

BODY = """今年以来，曲樟乡推行“定岗认责”，在各村设立民情信息员、纠纷调解员、治安协管员等岗位。

![纠纷调解员在村部接待来访群众（示例）](ding-gang-ren-ze/tiaojie.jpg)

全乡共有 222 人认领岗位，帮助群众解决问题 359 个以上。
"""


def front_matter(status: str, **fields: str | None) -> str:
    values: dict[str, str | None] = {
        "title": "曲樟乡党员定岗认责解难题", "slug": "ding-gang-ren-ze", "status": status, "date": "2024-10-12 09:30",
        "authors": "[示例作者]", "editor": "示例编辑", "tags": "[基层党建, 定岗认责]",
    }
    values.update(fields)
    return "---\n" + "".join(f"{key}: {value}\n" for key, value in values.items() if value is not None) + "---\n\n"


def validated(status: str, body: str = BODY, *, publishing: bool = False, **fields: str | None):
    """The article and its problems as the loader (or, `publishing`, the publish command) finds them."""
    text = front_matter(status, **fields) + body
    front, problems = parse(PATH, text)
    assert front is not None, problems
    if status == "published" and "reviews" not in fields:  # marked for this version: the gate is not what is tested here
        version = fingerprint(front.data, front.body)
        text = front_matter(status, reviews=f'[{{level: 历史稿件, by: 示例编辑, date: 2025-01-05, fingerprint: "{version}"}}]', **fields) + body
        front, problems = parse(PATH, text)
    article, more = validate_article(PATH, SOURCE, front, SECTION, [SECTION], PICTURES.__contains__, "曲樟乡人民政府", publishing=publishing)
    return article, problems + more


def found(problems) -> list[tuple[str, int, str]]:
    return sorted((p.code, p.line, p.severity.value) for p in problems)


def test_a_finished_draft_and_a_finished_published_article_have_nothing_to_do():
    for status in ("draft", "review", "published"):
        article, problems = validated(status)
        assert article is not None and problems == [], status


CASES = [  # (what is wrong, front-matter fields, body, code, line)
    ("picture not in its folder", {}, BODY.replace("tiaojie.jpg", "tiaojie-2.jpg"), "image-missing", 13),
    ("picture without alt text", {}, BODY.replace("纠纷调解员在村部接待来访群众（示例）", ""), "image-no-alt", 13),
    ("picture outside docs/", {}, BODY.replace("ding-gang-ren-ze/tiaojie.jpg", "../../../etc/passwd"), "image-outside-docs", 13),
    ("picture from another site", {}, BODY.replace("ding-gang-ren-ze/tiaojie.jpg", "https://evil.example/track.png"),
     "image-external", 13),
    ("importer's placeholder alt", {}, BODY.replace("纠纷调解员在村部接待来访群众（示例）", ALT_PLACEHOLDER), "placeholder-alt", 13),
    ("no editor", {"editor": None}, BODY, "missing-field", 1),
    ("empty editor from new", {"editor": "''"}, BODY, "missing-field", 7),
    ("no authors", {"authors": "[]"}, BODY, "missing-field", 6),
    ("importer's placeholder title", {"title": TITLE_PLACEHOLDER}, BODY, "placeholder-title", 2),
    ("placeholder editor", {"editor": "（请填写责任编辑）"}, BODY, "placeholder-field", 7),
    ("new's body left in", {}, "（在这里写正文。第一段概括全文。）\n", "placeholder-text", 11),
    ("empty body", {}, "\n", "empty-body", 10),
    ("release's dateline left in", {}, "2024年10月12日 09:30\u3000来源：合浦县融媒体中心\u3000作者：示例作者\n\n" + BODY,
     "credits-in-body", 11),
    ("来源 line left at the end", {}, BODY + "\n（来源：北海市融媒体中心）\n", "credits-in-body", 17),
]


@pytest.mark.parametrize("fields,body,code,line", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_each_rule_is_pending_on_a_draft_and_an_error_when_published(fields, body, code, line):
    article, problems = validated("draft", body, **fields)
    assert article is not None  # a draft with things to do is still a draft: previewed, never published
    assert found(problems) == [(code, line, "pending")]
    assert problems[0].severity.label == "发布前需处理"

    _article, problems = validated("draft", body, publishing=True, **fields)  # what publish is about to write
    assert (code, line, "error") in found(problems)

    _article, problems = validated("published", body, **fields)
    if code == "missing-field":  # the schema's own rule for published articles says it, once
        assert [(p.code, p.severity.value) for p in problems] == [("missing-field", "error")]
    else:
        assert (code, line if code not in ("placeholder-text", "empty-body", "image-missing", "image-no-alt", "placeholder-alt", "credits-in-body",
                                           "image-outside-docs", "image-external")
                else line + 1, "error") in found(problems)  # the reviews line moves the body down by one


def test_a_long_slug_is_shortened_before_publishing_and_kept_once_published():
    slug = "qu-zhang-xiang-dang-yuan-ding-gang-ren-ze-jie-nan-ti-shi-fan-xiang"  # 66 characters, from an old import
    _article, problems = validated("draft", slug=slug)
    (problem,) = problems
    assert (problem.code, problem.line, problem.severity) == ("long-slug", 3, Severity.PENDING)
    assert "66 个字符" in problem.message
    suggested = problem.hint.split("slug: ", 1)[1].split("（", 1)[0]
    assert len(suggested) <= 40 and suggested.startswith("qu-zhang-xiang")
    _article, problems = validated("draft", publishing=True, slug=slug)
    assert found(problems) == [("long-slug", 3, "error")]
    _article, problems = validated("published", slug=slug)  # its address is out there: left alone
    assert problems == []


def test_sentences_that_start_with_a_date_or_name_a_source_stay_prose():
    body = BODY + "\n2024年10月12日，曲樟乡召开定岗认责推进会。\n\n来源：群众反映的问题，由网格员先接下来。\n\n> 来源：合浦县融媒体中心\n"
    assert validated("draft", body)[1] == []


def test_code_and_inline_code_are_not_placeholders_or_pictures():
    body = BODY + "\n用 `![图片说明](文件夹/图片.jpg)` 引用图片。\n\n```\n请填写\n![](missing.jpg)\n```\n"
    assert validated("draft", body)[1] == []


def test_every_problem_of_a_draft_at_once():
    body = "（在这里写正文。）\n\n![](ding-gang-ren-ze/gone.jpg)\n\n![（请填写图片说明）](ding-gang-ren-ze/xunluo.jpg)\n"
    _article, problems = validated("draft", body, title=TITLE_PLACEHOLDER, editor="''", authors="[]")
    assert found(problems) == [
        ("image-missing", 13, "pending"), ("image-no-alt", 13, "pending"), ("missing-field", 6, "pending"),
        ("missing-field", 7, "pending"), ("placeholder-alt", 15, "pending"), ("placeholder-text", 11, "pending"),
        ("placeholder-title", 2, "pending"),
    ]


def test_the_loader_keeps_what_drafts_need_apart_from_what_stops_the_build(tmp_path):
    from township_archive.content.loader import load_archive

    docs = tmp_path / "docs"
    (docs / "dangjian").mkdir(parents=True)
    (docs / "dangjian/cao-gao.md").write_text(front_matter("draft", slug="cao-gao", editor="''") + BODY, encoding="utf-8")
    archive, problems = load_archive(docs, [SECTION], "曲樟乡人民政府", tmp_path)
    assert problems == [] and [a.slug for a in archive.articles] == ["cao-gao"]
    assert [(p.path, p.code, p.severity.value) for p in archive.pending] == [
        ("docs/dangjian/cao-gao.md", "missing-field", "pending"), ("docs/dangjian/cao-gao.md", "image-missing", "pending"),
    ]


def test_json_counts_stay_and_pending_is_counted_apart():
    import json

    from township_archive.problems import Problem, summary, to_json

    problems = [Problem(PATH, 7, "missing-field", "缺少责任编辑（editor）。", severity=Severity.PENDING)]
    data = json.loads(to_json(problems))
    assert (data["errors"], data["warnings"], data["pending"]) == (0, 0, 1)
    assert data["problems"][0]["severity"] == "pending"
    assert summary(problems) == "内容检查通过，没有错误和警告；草稿中还有 1 处发布前需处理。"


@pytest.mark.parametrize("src", ["../../../etc/passwd", "https://evil.example/track.png", "//evil.example/track.png"])
def test_publish_refuses_a_picture_the_build_would_refuse_before_anything_is_written(tmp_path, capsys, src):
    from conftest import small_project
    from township_archive import cli

    text = front_matter("draft") + BODY.replace("ding-gang-ren-ze/tiaojie.jpg", src)
    config = small_project(tmp_path / "project", {SOURCE: text})
    path = config.parent / PATH
    for level, name in (("初审", "张三"), ("复审", "李四"), ("终审", "王五")):
        assert cli.main(["--config", str(config), "review", str(path), "--level", level, "--by", name]) == 0
    reviewed = path.read_bytes()
    capsys.readouterr()
    assert cli.main(["--config", str(config), "publish", str(path)]) == 2
    out = capsys.readouterr().out
    assert "没有发布" in out and ("docs/ 文件夹之外" in out or "不能引用其他网站的图片" in out), out
    assert path.read_bytes() == reviewed
