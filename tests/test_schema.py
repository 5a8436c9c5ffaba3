"""The declarative front-matter schema: the table is complete, validation follows it, and the
handbook's field table is the one the table generates."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import ROOT, article
from township_archive import cli
from township_archive.content.frontmatter import parse
from township_archive.content.model import Article, Section
from township_archive.content.schema import (
    _READERS,
    FIELDS,
    FIELDS_END,
    FIELDS_START,
    FieldType,
    Requirement,
    fields_markdown,
    handbook_with_fields,
    validate_article,
)

PATH = "docs/dangjian/ce-shi.md"
SECTIONS = [Section("dangjian", "党建成果")]
REGENERATE = (
    ".venv/bin/python -c \"import pathlib; from township_archive.content.schema import handbook_with_fields as h; "
    "p = pathlib.Path('HANDBOOK.md'); p.write_text(h(p.read_text('utf-8')), 'utf-8')\""
)


def check(text: str):
    front, problems = parse(PATH, text)
    assert front is not None, problems
    found, more = validate_article(PATH, "dangjian/ce-shi.md", front, SECTIONS[0], SECTIONS, lambda _p: False, "本站")
    return found, problems + more


def without(key: str, text: str | None = None) -> str:
    return "\n".join(line for line in (text or article()).split("\n") if not line.startswith(f"{key}:"))


def test_the_handbook_field_table_is_the_one_the_schema_generates():
    handbook = (ROOT / "HANDBOOK.md").read_text(encoding="utf-8")
    assert FIELDS_START in handbook and FIELDS_END in handbook, f"HANDBOOK.md lost its {FIELDS_START} … {FIELDS_END} markers"
    assert handbook_with_fields(handbook) == handbook, (
        "HANDBOOK.md's field table differs from content/schema.py (FIELDS). Regenerate it: put the output of "
        "`.venv/bin/township-archive fields --markdown` between the markers, or run\n" + REGENERATE
    )


def test_fields_markdown_prints_the_handbook_table(capsys):
    assert cli.main(["fields", "--markdown"]) == 0
    printed = capsys.readouterr().out
    assert printed == fields_markdown()
    rows = printed.splitlines()
    assert rows[0] == "| 字段 | 含义 | 写法 | 是否必填 | 说明 | 示例 |" and len(rows) == 2 + len(FIELDS)
    assert rows[2].startswith("| `title` | 标题 | 文字 | 必填 |")


def test_the_plain_fields_command_keeps_its_terminal_table(capsys):
    assert cli.main(["fields"]) == 0
    printed = capsys.readouterr().out
    assert "文章头信息字段" in printed and "title" in printed and "|" not in printed


def test_the_table_describes_every_article_attribute_staff_write():
    from_file = {f.name for f in dataclasses.fields(Article)} - {"source_path", "fingerprint", "body_chars", "body", "body_line"}
    assert {spec.attr for spec in FIELDS.values()} == from_file
    assert set(_READERS) == set(FieldType)
    assert all(name == spec.name for name, spec in FIELDS.items())


@pytest.mark.parametrize("spec", [s for s in FIELDS.values() if s.requirement is Requirement.WHEN_PUBLISHED], ids=lambda s: s.name)
def test_each_field_required_for_publishing_is_reported_missing_once(spec):
    found, problems = check(without(spec.name))
    assert found is None
    (problem,) = [p for p in problems if p.is_error]
    assert problem.line == 1 and spec.name in problem.message
    assert problem.code == ("slug-not-fixed" if spec.type is FieldType.SLUG else "missing-field")
    # A draft may leave them out: what it still needs before publishing is shown as such, never as an error.
    found, problems = check(without(spec.name, article(status="draft")))
    assert found is not None and all(p.severity.label == "发布前需处理" for p in problems)


def test_an_empty_date_does_not_publish_an_undated_article():
    found, problems = check(article(date=""))
    assert found is None
    assert [(p.code, p.line, p.message) for p in problems] == [("missing-field", 5, "已发布的文章缺少发布时间（date）。")]


@pytest.mark.parametrize("line,code", [("editor: [测试编辑]", "bad-type"), ("authors: {a: 1}", "bad-type"), ("slug: Ce_Shi", "bad-slug")])
def test_a_required_field_written_wrongly_is_reported_once(line, code):
    key = line.split(":", 1)[0]
    lines = article().split("\n")
    lines[next(i for i, old in enumerate(lines) if old.startswith(f"{key}:"))] = line
    found, problems = check("\n".join(lines))
    assert found is None
    assert [p.code for p in problems] == [code]


def test_an_empty_list_of_authors_is_missing():
    found, problems = check(article().replace("authors: [测试作者]", "authors: \"，\""))
    assert found is None and [p.code for p in problems] == ["missing-field"]
