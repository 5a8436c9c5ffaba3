"""Chinese input habits are understood or explained in Chinese, at the line staff must change.

- Lists typed with a Chinese input method (，、； between items, 【】 around them) are split into
  their items, and `check` notes how they were read and how to write them.
- Every YAML mistake gets a Chinese message at the line to fix: a full-width colon after a field
  name, tabs, unclosed quotes and brackets, a colon inside an unquoted value, …; no English text
  of PyYAML's reaches staff, whatever is typed where.
- The command line answers in Chinese: wrong choices, missing and unknown arguments, --help.
- Output piped to a log is never broken across lines (one subprocess test: a real pipe).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import BIN, article, small_project
from township_archive import cli
from township_archive.content.frontmatter import parse
from township_archive.content.model import Section
from township_archive.content.schema import validate_article

PATH = "docs/dangjian/wangge.md"
SECTION = Section("dangjian", "党建成果")
# Words of PyYAML's and argparse's English messages: none may reach staff.
ENGLISH = re.compile(
    r"\b(found|expected|mapping|could not|while|scanning|parsing|allowed|token|character|stream|"
    r"usage|error|invalid|choice|required|unrecognized|arguments?|options|positional|show this help)\b",
    re.IGNORECASE,
)


def draft(extra: str) -> str:
    return article(title="曲樟乡网格化治理", slug="wangge", status="draft", extra=extra)


def read(text: str):
    front, problems = parse(PATH, text)
    assert front is not None, problems
    found, more = validate_article(PATH, "dangjian/wangge.md", front, SECTION, [SECTION], lambda _p: False, "本站")
    return found, problems + more


# ---------------------------------------------------------------------------------------------
# Lists.


@pytest.mark.parametrize(
    "extra,field,items,code,line",
    [
        ("villages: [示例村，示例二村]", "villages", ("示例村", "示例二村"), "list-split", 9),
        ("villages: [示例村、示例二村；示例三村]", "villages", ("示例村", "示例二村", "示例三村"), "list-split", 9),
        ("villages:\n- 示例村\n- 示例二村，示例三村", "villages", ("示例村", "示例二村", "示例三村"), "list-split", 11),
        ("villages: 示例村、示例二村", "villages", ("示例村", "示例二村"), "list-split", 9),
        ("villages: 示例村；示例二村", "villages", ("示例村", "示例二村"), "list-split", 9),
        ("villages: 【示例村, 示例二村】", "villages", ("示例村", "示例二村"), "list-full-width-brackets", 9),
        ("villages: ［示例村，示例二村］", "villages", ("示例村", "示例二村"), "list-full-width-brackets", 9),
    ],
)
def test_lists_typed_with_chinese_separators_are_split_and_noted(extra, field, items, code, line):
    found, problems = read(draft(extra))
    assert getattr(found, field) == items
    (note,) = [p for p in problems if p.code == code]
    assert note.line == line and not note.is_error
    assert "、".join(items[-2:]) in note.message and note.hint.endswith(f"{field}: [{', '.join(items)}]")


def test_authors_and_tags_are_split_too():
    text = article(title="曲樟乡网格化治理", slug="wangge", status="draft").replace(
        "authors: [测试作者]", "authors: 张三、李四").replace("tags: [测试]", "tags: [基层党建，网格化治理]")
    found, problems = read(text)
    assert found.authors == ("张三", "李四") and found.tags == ("基层党建", "网格化治理")
    assert sorted((p.line, p.code) for p in problems if p.code.startswith("list-")) == [(6, "list-split"), (8, "list-split")]


def test_a_list_written_properly_gets_no_note():
    found, problems = read(draft("villages: [示例村, 示例二村]\naliases: [old-wangge]"))
    assert found.villages == ("示例村", "示例二村")
    assert not [p for p in problems if p.code.startswith("list-")]


def test_check_notes_the_split_without_failing(tmp_path: Path, capsys):
    config = small_project(tmp_path / "project", {"dangjian/wangge.md": draft("villages: [示例村，示例二村]")})
    code = cli.main(["--config", str(config), "check", "--today", "2025-03-20"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "docs/dangjian/wangge.md:9:" in printed and "[list-split]" in printed
    assert "villages: [示例村, 示例二村]" in printed  # how to write it


def test_a_list_note_is_a_note_from_draft_to_published_and_said_once(tmp_path: Path, capsys):
    """A list read as meant is “提示”, not something to do before publishing: on the draft, at each review
    (not repeated there: it blocks nothing), after publishing; its hint does not contradict the reading."""
    villages = "villages: [示例村，示例二村, 示例三村、示例四村]"
    config = small_project(tmp_path / "project", {"dangjian/wangge.md": draft(villages)})
    path = config.parent / "docs/dangjian/wangge.md"

    def run(*args: str) -> tuple[int, str]:
        code = cli.main(["--config", str(config), *args])
        return code, capsys.readouterr().out

    for stage in ("draft", "published"):
        code, printed = run("check", "--today", "2025-03-20")
        assert code == 0, printed
        assert "docs/dangjian/wangge.md:9: 提示 [list-split]" in printed, stage
        assert printed.count("villages: [示例村, 示例二村, 示例三村, 示例四村]") == 1  # one note for the field
        assert "已按它分开，共 4 项：示例村、示例二村、示例三村、示例四村" in printed and "不算分隔" not in printed
        assert "另有 1 条写法提示（不影响构建和发布）" in printed and "发布前需处理" not in printed, stage
        data = json.loads(run("check", "--format", "json", "--today", "2025-03-20")[1])
        assert (data["pending"], data["notes"]) == (0, 1)
        if stage == "draft":
            for level, name in (("初审", "张三"), ("复审", "李四"), ("终审", "王五")):
                code, printed = run("review", str(path), "--level", level, "--by", name, "--today", "2025-03-20")
                assert code == 0 and "list-split" not in printed and "示例四村" not in printed, printed
            assert run("publish", str(path), "--today", "2025-03-20")[0] == 0


def test_the_build_logs_a_note_as_information_never_as_a_warning(caplog):
    """A warning fails `mkdocs build --strict`; a note must not."""
    import logging

    from township_archive.mkdocs.plugin import ArchivePlugin
    from township_archive.problems import Problem, Severity

    note = Problem(PATH, 9, "list-split", "字段 villages（涉及村庄）……已分成 2 项。", "villages: [示例村, 示例二村]", Severity.NOTE)
    with caplog.at_level(logging.DEBUG, logger="mkdocs.plugins.township_archive"):
        ArchivePlugin()._report([note], "内容检查")
    assert [(record.levelno, "提示 [list-split]" in record.getMessage()) for record in caplog.records] == [(logging.INFO, True)]


# ---------------------------------------------------------------------------------------------
# YAML mistakes. Line 1 is the opening ---.

BROKEN = [
    # what staff typed (lines 2…), the line to change, words of the message
    ("title：曲樟乡网格化治理\nstatus: draft\n", 2, "全角冒号"),
    ("status: draft\ntitle：曲樟乡网格化治理\n", 3, "全角冒号"),
    ("status: draft\ntitle：曲樟乡网格化治理\nslug: wangge\n", 3, "全角冒号"),
    ("title： 曲樟乡网格化治理\n", 2, "全角冒号"),
    ("title: 曲樟乡\nrights:\n  holder：曲樟乡人民政府\n  notice: 转载请注明\n", 4, "全角冒号"),
    ("title:曲樟乡网格化治理\nstatus: draft\n", 2, "少了一个空格"),
    ("title: 曲樟乡\ntags:\n\u3000- 基层党建\n", 4, "全角空格"),
    ("title: 曲樟乡\n\tstatus: draft\n", 3, "Tab"),
    ("title:\t曲樟乡\n", 2, "Tab"),
    ('title: "曲樟乡网格化治理\nstatus: draft\nslug: wangge\n', 2, "引号没有配对"),
    ("title: '曲樟乡网格化治理\nstatus: draft\n", 2, "引号没有配对"),
    ('title: "曲樟乡"网格化治理\n', 2, "引号后面还有文字"),
    ('title: "C:\\文件"\n', 2, "反斜杠"),
    ("title: 曲樟: 客家乡\n", 2, "冒号+空格"),
    ("title: 曲樟乡\n  status: draft\n", 3, "缩进"),
    ("title: 曲樟乡\ntags: [基层党建, 网格\nstatus: draft\n", 3, "方括号"),
    ("title: 曲樟乡\ntags: [基层党建\n", 3, "方括号"),
    ("title: 曲樟乡\nrights: {holder: 曲樟乡人民政府\n", 3, "花括号"),
    ("title: 曲樟乡\ntags: - 基层党建\n", 3, "同一行"),
    ("title: 曲樟乡\n- 基层党建\n", 3, "列表项"),
    ("title: @曲樟乡\n", 2, "“@”在 YAML 中有特殊含义"),
    ("title: `曲樟乡`\n", 2, "“`”在 YAML 中有特殊含义"),
    ("summary: | 第一行\n", 2, "“|”"),
    ("[title]: 曲樟乡\n", 2, "字段名"),
    ("title: 曲樟乡\ntags: [基层党建, , 网格]\n", 3, "多余"),
]


@pytest.mark.parametrize("yaml_text,line,words", BROKEN)
def test_yaml_mistakes_are_explained_in_chinese_at_the_line_to_change(yaml_text, line, words):
    front, problems = parse(PATH, "---\n" + yaml_text + "---\n\n正文。\n")
    assert front is None
    (problem,) = problems
    assert (problem.line, problem.code) == (line, "yaml-syntax"), problem
    assert words in problem.message + problem.hint, problem
    assert not ENGLISH.search(problem.message + problem.hint), problem


def test_a_full_width_colon_gets_the_corrected_line_as_the_hint():
    _front, (problem,) = parse(PATH, "---\nstatus: draft\ntitle：曲樟乡网格化治理\n---\n")
    assert problem.hint == "改成半角冒号，后面加一个空格：title: 曲樟乡网格化治理"
    _front, (problem,) = parse(PATH, "---\ntitle: 曲樟: 客家乡\n---\n")
    assert problem.hint == '把整个值用引号括起来：title: "曲樟: 客家乡"'


def test_a_full_width_colon_inside_a_value_is_just_text():
    front, problems = parse(PATH, "---\ntitle: 曲樟：客家乡\nsummary: 时间：2025年3月；地点：曲樟乡\n---\n")
    assert problems == [] and front.data == {"title": "曲樟：客家乡", "summary": "时间：2025年3月；地点：曲樟乡"}


def test_a_field_written_twice_is_reported_at_the_second():
    _front, problems = parse(PATH, "---\ntitle: 甲\nstatus: draft\ntitle: 乙\n---\n")
    assert [(p.line, p.code, p.message) for p in problems] == [(4, "duplicate-field", "字段 title 写了两次（第一次在第 2 行）。")]


def test_no_english_reaches_staff_whatever_is_typed_where():
    """Every character staff mistype, at the start and the end of every line of a real front matter."""
    lines = draft("villages: [示例村]\nrights:\n  holder: 曲樟乡人民政府").split("---\n")[1].splitlines()
    typed = ["\t", "：", "【", "】", '"', "'", "[", "]", "{", "}", ":", ": ", "- ", "&", "*", "!", "%", "@", "`", "|", ">",
             "?", "#", ",", "\u3000", "---", "...", "\\", "  "]
    seen = 0
    for number in range(len(lines)):
        for char in typed:
            for changed in (char + lines[number], lines[number] + char):
                text = "---\n" + "\n".join([*lines[:number], changed, *lines[number + 1:]]) + "\n---\n正文。\n"
                _front, problems = parse(PATH, text)
                for problem in problems:
                    seen += 1
                    assert not ENGLISH.search(problem.message + problem.hint), (changed, problem)
                    assert 1 <= problem.line <= len(lines) + 2, (changed, problem)
    assert seen > 100


@pytest.mark.parametrize("command", [["check"], ["build"]])
def test_a_mistake_in_mkdocs_yml_is_explained_in_chinese_at_its_line(tmp_path: Path, capsys, command):
    config = small_project(tmp_path / "project", {})
    lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(n for n, line in enumerate(lines) if line.startswith("site_name:"))
    lines[number] = lines[number].replace("site_name:", "site_name：", 1)
    config.write_text("".join(lines), encoding="utf-8")
    assert cli.main(["--config", str(config), *command]) == 2
    captured = capsys.readouterr()
    printed = captured.out + captured.err
    assert f"mkdocs.yml:{number + 1}：配置文件中字段名 site_name 后面用了全角冒号“：”。" in printed
    assert "提示：改成半角冒号，后面加一个空格：site_name: " in printed and not ENGLISH.search(printed.replace(str(config), "")), printed


# ---------------------------------------------------------------------------------------------
# The command line.


@pytest.mark.parametrize(
    "argv,words",
    [
        (["review", "a.md", "--level", "一审", "--by", "张三"], "--level：不能是“一审”，只能是 初审、复审、终审"),
        (["review", "a.md", "--level", "初审"], "缺少必填的参数 --by"),
        (["publish"], "缺少必填的参数 文章"),
        (["review", "a.md", "--level", "初审", "--by", "张三", "--reviewer", "李四"], "无法识别的参数 --reviewer"),
        (["一审"], "子命令：不能是“一审”"),
        ([], "缺少必填的参数 子命令"),
        (["check", "--format", "xml"], "--format：不能是“xml”，只能是 text、json 之一"),
        (["check", "--today"], "--today：后面要写一个值"),
    ],
)
def test_argument_errors_are_chinese(argv, words, capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(argv)
    assert exited.value.code == 2
    printed = capsys.readouterr().err
    assert printed.startswith("用法：township-archive") and "：错误：" in printed and words in printed, printed
    assert "查看用法" in printed
    assert not ENGLISH.search(printed.replace("township-archive", "")), printed


@pytest.mark.parametrize("argv", [["-h"], ["review", "--help"], ["new", "-h"], ["check", "-h"]])
def test_help_is_chinese(argv, capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(argv)
    assert exited.value.code == 0
    printed = capsys.readouterr().out
    assert printed.startswith("用法：") and "选项:" in printed and "显示这段帮助并退出" in printed
    english = ENGLISH.search(re.sub(r"township-archive|json|text|mkdocs\.yml|\.md|--\w[\w-]*", "", printed))
    assert not english, printed


def test_review_help_names_values_in_chinese(capsys):
    with pytest.raises(SystemExit):
        cli.main(["review", "-h"])
    usage = capsys.readouterr().out.split("\n\n")[0]
    assert "--by 姓名" in usage and "文章" in usage and "BY" not in usage


# ---------------------------------------------------------------------------------------------
# Output in logs.


def test_a_long_path_stays_on_one_line_in_a_log(tmp_path: Path, capsys):
    """In-process, output is captured (not a terminal): the path printed whole."""
    deep = tmp_path / ("很长的文件夹名称" * 6) / "另一层很长的文件夹名称" / "离线版-2025年3月20日.zip"
    assert cli.main(["verify", str(deep)]) == 2
    printed = capsys.readouterr().out
    assert printed == f"错误：找不到 {deep}。\n"


def test_piped_output_is_never_wrapped(tmp_path: Path):
    """A person runs a command with its output going to a log: whatever COLUMNS says, lines stay whole."""
    deep = tmp_path / ("很长的文件夹名称" * 6) / "另一层很长的文件夹名称" / "离线版-2025年3月20日.zip"
    for columns in (None, "80", "40"):
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "FORCE_COLOR", "TTY_COMPATIBLE")}
        if columns:
            env["COLUMNS"] = columns
        result = subprocess.run([str(BIN / "township-archive"), "verify", str(deep)], capture_output=True, text=True,
                                env=env, timeout=120, check=False)
        assert result.returncode == 2, result
        assert result.stdout == f"错误：找不到 {deep}。\n", (columns, result.stdout)


def test_check_json_is_unchanged_by_the_console(tmp_path: Path, capsys):
    config = small_project(tmp_path / "project", {"dangjian/wangge.md": draft("villages: [示例村，示例二村]")})
    cli.main(["--config", str(config), "check", "--format", "json", "--today", "2025-03-20"])
    report = json.loads(capsys.readouterr().out)
    assert [p["code"] for p in report["problems"] if p["code"].startswith("list-")] == ["list-split"]
