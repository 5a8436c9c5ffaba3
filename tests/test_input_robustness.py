"""Hostile or broken input never produces a traceback: every value from front matter, villages.yml,
image sidecars and the plugin's options in mkdocs.yml is checked, and refused with a Chinese message
that names the file and the line of the value."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import article, copy_project
from township_archive.content.frontmatter import parse
from township_archive.content.model import Section
from township_archive.content.schema import validate_article
from township_archive.media.library import _read_sidecar, sidecar_from_text
from township_archive.mkdocs.config import ArchiveConfig
from township_archive.problems import Problem
from township_archive.safe_url import url_problem
from township_archive.villages import load_villages, villages_from_text

PATH = "docs/dangjian/ce-shi.md"
SECTIONS = [Section("dangjian", "党建成果"), Section("kejia-wenhua", "客家文化")]
CHINESE = re.compile(r"[\u4e00-\u9fff]")
# Nine levels of nine: 9**4 = 6561 strings from four lines ("billion laughs" needs only a few more).
BOMB = (
    'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
)


def check_article(text: str) -> tuple[object, list[Problem]]:
    front, problems = parse(PATH, text)
    if front is None:
        return None, problems
    found, more = validate_article(PATH, "dangjian/ce-shi.md", front, SECTIONS[0], SECTIONS, lambda _p: False, "本站")
    return found, problems + more


def the_problem(problems: list[Problem], code: str, path: str, line: int) -> Problem:
    """The one problem with `code`; it names `path` and `line` and speaks Chinese."""
    matching = [p for p in problems if p.code == code]
    assert matching, problems
    problem = matching[0]
    assert (problem.path, problem.line) == (path, line), problem
    assert problem.is_error
    assert CHINESE.search(problem.message) and CHINESE.search(problem.hint), problem
    problem.as_text().encode("utf-8")  # printable: no lone surrogate made it into the message
    return problem


def with_extra(*lines: str) -> str:
    """A valid published article with `lines` added after line 8 (tags), so the first is line 9."""
    return article(extra="\n".join(lines))


def test_the_valid_article_passes():
    found, problems = check_article(article())
    assert found is not None and problems == []


# --- Dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value,beijing",
    [("2024-05-01T10:00:00+08:00", "2024-05-01 10:00"), ("2024-05-01T02:00:00Z", "2024-05-01 10:00"),
     ("2024-05-01 10:00+0800", "2024-05-01 10:00"), ("2024-04-30T20:00:00-06:00", "2024-05-01 10:00")],
)
def test_a_date_with_a_time_zone_is_refused_with_the_beijing_time_to_write(value, beijing):
    found, problems = check_article(article(date=value))
    problem = the_problem(problems, "date-with-zone", PATH, 5)
    assert found is None
    assert "时区" in problem.message and f"date: {beijing}" in problem.hint


def test_an_updated_time_with_a_zone_is_refused_on_its_own_line():
    _found, problems = check_article(with_extra("updated: 2024-05-02T08:00:00+08:00"))
    the_problem(problems, "date-with-zone", PATH, 9)


@pytest.mark.parametrize("value", ["1969-12-31", "1970-01-01", "1900-05-01", "0001-01-01", "2107-01-01", "9999-12-31 23:59"])
def test_dates_outside_1970_to_2106_are_refused(value):
    found, problems = check_article(article(date=value))
    assert found is None
    assert "超出" in the_problem(problems, "date-out-of-range", PATH, 5).message


@pytest.mark.parametrize("value", ["1970-01-02", "2106-02-06 23:59", "2024-05-01T10:00"])
def test_dates_inside_the_range_are_accepted(value):
    found, problems = check_article(article(date=value))
    assert found is not None and problems == []


# --- Characters in text -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "line,text,expected_line",
    [
        ('title: "曲樟\\ud800乡"', "U+D800", 2),  # a lone surrogate from a \u escape
        ('title: "曲樟\\x01乡"', "U+0001", 2),
        ('title: "曲樟\\x7f乡"', "U+007F", 2),
        ('title: "曲樟\\x85乡"', "U+0085", 2),  # C1 (NEL)
        ('title: "曲樟\\x9b乡"', "U+009B", 2),
        ('title: "曲樟\\uFFFE乡"', "U+FFFE", 2),
        ('title: "曲樟\\uffff乡"', "U+FFFF", 2),
        ('title: "曲樟\\r乡"', "U+000D", 2),
        ('title: "曲樟\\u2028乡"', "U+2028", 2),
        ('title: "曲樟\\u202e乡"', "U+202E", 2),  # right-to-left override
        ('title: "曲樟\\u2066乡"', "U+2066", 2),  # left-to-right isolate
        ('authors: ["张三", "\\u202a李四"]', "U+202A", 6),
        ('editor: "王\\u2069五"', "U+2069", 7),
        ('tags: [测试, "\\udfff"]', "U+DFFF", 8),
    ],
)
def test_unpublishable_characters_in_front_matter_are_refused_at_their_line(line, text, expected_line):
    key = line.split(":", 1)[0]
    lines = article().split("\n")
    lines[next(i for i, old in enumerate(lines) if old.startswith(f"{key}:"))] = line
    found, problems = check_article("\n".join(lines))
    assert found is None
    assert text in the_problem(problems, "control-character", PATH, expected_line).message


def test_a_raw_control_character_in_the_file_is_reported_at_its_line():
    found, problems = check_article(article().replace("editor: 测试编辑", "editor: 测试\x01编辑"))
    assert found is None
    assert "U+0001" in the_problem(problems, "control-character", PATH, 7).message


def test_control_characters_in_nested_fields_are_refused_at_their_line():
    found, problems = check_article(with_extra("rights:", "  holder: 北海日报社", '  original_author: "张\\x1b三"'))
    assert found is None
    the_problem(problems, "control-character", PATH, 11)
    found, problems = check_article(with_extra("reviews:", '  - {level: 初审, by: "\\ud83d", date: 2024-05-01}'))
    the_problem(problems, "control-character", PATH, 10)


def test_zero_width_spaces_are_dropped_silently():
    found, problems = check_article(article(title='"曲樟\\u200b乡\\ufeff"', extra='villages: ["示例\\u2060村"]'))
    assert problems == []
    assert found.title == "曲樟乡" and found.villages == ("示例村",)


def test_control_characters_in_the_body_are_refused_and_kept_out_of_the_summary():
    found, problems = check_article(article(body="第一段。\n\n第二段\x0c有换页符。\n"))
    the_problem(problems, "control-character", PATH, 13)
    assert "\x0c" not in found.summary  # the build stops on the error; the summary is clean regardless


def test_an_unknown_field_named_with_a_surrogate_is_reported_printably():
    _found, problems = check_article(with_extra('"\\ud800": 1'))
    (problem,) = [p for p in problems if p.line == 9]
    problem.as_text().encode("utf-8")


# --- YAML features staff never need -----------------------------------------------------------


def test_an_alias_bomb_in_front_matter_is_refused_with_a_short_message():
    text = "---\ntitle: 测试\n" + BOMB + "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n---\n正文\n"
    found, problems = check_article(text)
    assert found is None
    problem = the_problem(problems, "yaml-anchor", PATH, 3)
    assert len(problem.message) < 60 and "lol" not in problem.as_text()


@pytest.mark.parametrize(
    "extra,code",
    [
        ("summary: *undefined", "yaml-anchor"),
        ("summary: &keep 摘要", "yaml-anchor"),
        ("summary: !!binary aGVsbG8=", "yaml-tag"),
        ("updated: !!timestamp 2024-05-01T10:00:00+08:00", "yaml-tag"),
        ("summary: !!python/object:os.system x", "yaml-tag"),
        ("<<: {summary: 摘要}", "yaml-merge"),
        ("summary: " + "[" * 500 + "]" * 500, "yaml-too-deep"),
        ("summary: " + ":".join(["1"] * 2000), "number-too-long"),
        ("summary: " + "1" * 5000, "number-too-long"),
    ],
)
def test_yaml_tricks_are_refused_at_their_line(extra, code):
    found, problems = check_article(with_extra(extra))
    assert found is None
    the_problem(problems, code, PATH, 9)


def test_a_title_that_gives_no_slug_is_reported_instead_of_dropped():
    found, problems = check_article("---\ntitle: “？！”\n---\n正文\n")
    assert found is None
    the_problem(problems, "no-slug", PATH, 1)


# --- Links ------------------------------------------------------------------------------------

BAD_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\\u200bjavascript:alert(1)",
    "java\\tscript:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "javascript&colon;alert(1)",
    "%6Aavascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/page",
    "/\\\\evil.example/page",
    "https:evil.example",
    "https://",
    "www.example.com/article",
]


@pytest.mark.parametrize("url", BAD_URLS)
@pytest.mark.parametrize("field", ["license_url", "original_url"])
def test_dangerous_links_in_article_rights_are_refused_at_their_line(field, url):
    found, problems = check_article(with_extra("rights:", "  holder: 北海日报社", f'  {field}: "{url}"'))
    assert found is None
    problem = the_problem(problems, "bad-url", PATH, 11)
    assert field in problem.message


def test_a_plain_https_link_in_article_rights_is_accepted():
    found, problems = check_article(
        with_extra("rights:", "  license: CC BY 4.0", "  license_url: https://creativecommons.org/licenses/by/4.0/")
    )
    assert problems == [] and found.rights.license_url == "https://creativecommons.org/licenses/by/4.0/"


@pytest.mark.parametrize(
    "url",
    ["https://example.com/", "HTTP://EXAMPLE.COM/a?b=1&c=2#d", "https://例子.中国/文章", "mailto:editor@example.com",
     "/about/", "about/", "../dangjian/", "#zhuan-zai", "?page=2", "https://example.com/?q=%3A"],
)
def test_the_url_rule_accepts_web_mail_and_site_links(url):
    assert url_problem(url) is None


@pytest.mark.parametrize(
    "url",
    [u.replace("\\u200b", "\u200b").replace("\\t", "\t").replace("\\\\", "\\") for u in BAD_URLS if u != "www.example.com/article"]
    + ["", "\x00javascript:alert(1)", "\njavascript:alert(1)", "mailto:", "about:blank", "a:b/c", "https://exa mple.com"],
)
def test_the_url_rule_refuses_other_schemes_and_obfuscations(url):
    reason = url_problem(url)
    assert reason and CHINESE.search(reason)


def test_the_url_rule_can_ask_for_an_external_address():
    assert url_problem("/about/", relative=False) and url_problem("mailto:a@b.cn", mailto=False)
    assert url_problem("https://example.com/", relative=False, mailto=False) is None


# --- villages.yml -----------------------------------------------------------------------------

VILLAGES = "villages.yml"


@pytest.mark.parametrize(
    "text,code,line",
    [
        ('- name: "示例\\ud800村"\n', "control-character", 1),
        ("- name: 示例村\n  description: \"介绍\\x07\"\n", "control-character", 2),
        ("- name: 示例村\n  honours:\n    - title: \"名村\\u202e\"\n", "control-character", 3),
        ("- name: 示例村\n  description: 介绍\x01\n", "control-character", 2),
        ("- name: &v 示例村\n- name: *v\n", "yaml-anchor", 1),
        ("- name: 示例村\n  description: !!binary aGVsbG8=\n", "yaml-tag", 2),
        ("- name: 示例村\n  honours:\n    - title: 名村\n      year: ²⁰²⁴\n", "honour-year", 4),
        ("- name: 示例村\n  description: [a, b]\n", "village-not-text", 2),
        ("- name: 示例村\n  description: [\n", "villages-yaml", 2),  # the line of the unclosed '['
        ("- name: 示例村\ndescription：介绍\n", "villages-yaml", 2),  # a full-width colon, explained at its line
    ],
)
def test_bad_villages_file_is_reported_at_the_line(text, code, line):
    _villages, problems = villages_from_text(text, VILLAGES)
    the_problem(problems, code, VILLAGES, line)


def test_an_alias_bomb_in_villages_is_refused_briefly():
    text = "- name: 示例村\n  description: 介绍\n- " + BOMB.replace("\n", "\n  ")
    villages, problems = villages_from_text(text, VILLAGES)
    problem = the_problem(problems, "yaml-anchor", VILLAGES, 3)
    assert villages == [] and len(problem.message) < 60


def test_a_villages_file_in_gbk_is_reported_not_raised(tmp_path: Path):
    path = tmp_path / VILLAGES
    path.write_bytes("- name: 示例村\n".encode("gbk"))
    _villages, problems = load_villages(path, VILLAGES)
    the_problem(problems, "not-utf8", VILLAGES, 1)


def test_zero_width_spaces_in_village_names_are_dropped():
    villages, problems = villages_from_text('- name: "示例\\u200b村"\n', VILLAGES)
    assert problems == [] and villages[0].name == "示例村"


# --- Image sidecars ---------------------------------------------------------------------------

SIDECAR = "docs/dangjian/ce-shi/photo.jpg.yml"


@pytest.mark.parametrize(
    "text,code,line",
    [
        ('author: "张\\ud800三"\n', "control-character", 1),
        ("watermark: true\nholder: \"北海\\u202e日报\"\n", "control-character", 2),
        (BOMB, "yaml-anchor", 1),
        ("author: !!python/name:os.system\n", "yaml-tag", 1),
        ("watermark: true\nauther: 张三\n", "unknown-field", 2),
        ("author: 张三\nwatermark: 也许\n", "sidecar-invalid", 2),
        ("author: [张三, 李四]\n", "sidecar-invalid", 1),
    ],
)
def test_bad_sidecar_is_reported_at_the_line(text, code, line):
    sidecar, problems = sidecar_from_text(text, SIDECAR)
    problem = the_problem(problems, code, SIDECAR, line)
    assert len(problem.message) < 80
    assert all(isinstance(v, (str, bool)) for v in sidecar.values())


def test_a_sidecar_typo_gets_the_intended_field():
    _sidecar, problems = sidecar_from_text("auther: 张三\n", SIDECAR)
    assert "是不是想写 author" in problems[0].hint


def test_a_sidecar_in_gbk_is_reported_not_raised(tmp_path: Path):
    path = tmp_path / "photo.jpg.yml"
    path.write_bytes("author: 张三\n".encode("gbk"))
    sidecar, problems = _read_sidecar(path, SIDECAR)
    assert sidecar == {}
    the_problem(problems, "not-utf8", SIDECAR, 1)


def test_a_good_sidecar_gives_clean_values():
    sidecar, problems = sidecar_from_text('author: " 张三\\u200b "\nholder: 北海日报社\nwatermark: false\n', SIDECAR)
    assert problems == [] and sidecar == {"author": "张三", "holder": "北海日报社", "watermark": False}


# --- The plugin's options in mkdocs.yml -------------------------------------------------------

PLUGIN_BLOCK = """\
site_name: 测试
plugins:
  - search
  - township-archive:
      region: 某县某乡
      sponsor: 某乡人民政府
      rights:
        holder: 某乡人民政府
      sections:
        - id: dangjian
          title: 党建成果
"""


def validate_config(tmp_path: Path, *lines: str) -> tuple[list, list, str]:
    """Validate the plugin block plus `lines` (indented as options) the way MkDocs does;
    the first added line is line 12 of mkdocs.yml."""
    text = PLUGIN_BLOCK + "".join(f"      {line}\n" for line in lines)
    path = tmp_path / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    options = yaml.safe_load(text)["plugins"][1]["township-archive"]
    config = ArchiveConfig(config_file_path=str(path))
    config.load_dict(options)
    failed, warnings = config.validate()
    return failed, warnings, "\n".join(str(error) for _key, error in failed)


def test_the_plain_plugin_block_is_valid(tmp_path: Path):
    failed, warnings, _text = validate_config(tmp_path)
    assert failed == [] and warnings == []


@pytest.mark.parametrize(
    "lines,line,expected",
    [
        (["page_size: 0"], 12, "page_size"),
        (["page_size: -20"], 12, "page_size"),
        (["page_size: 二十"], 12, "整数"),
        (["feed_items: 0"], 12, "feed_items"),
        (["home_latest: -1"], 12, "home_latest"),
        (["home_latest: true"], 12, "整数"),
        (["reading_speed: 0"], 12, "reading_speed"),
        (["utc_offset: '+8'"], 12, "+08:00"),
        (["utc_offset: '+08:60'"], 12, "utc_offset"),
        (["utc_offset: '+14:30'"], 12, "-14:00 到 +14:00"),
        (["utc_offset: 'UTC+08:00'"], 12, "utc_offset"),
        (["utc_offset: 8"], 12, "文字"),
        (["media:", "  widths: []"], 13, "至少要写一个图片宽度"),
        (["media: {widths: [0, 960]}"], 12, "media.widths"),
        (["media:", "  widths: [-480]"], 13, "不小于 1"),
        (["offline:", "  widths: []"], 13, "offline.widths"),
        (["offline:", "  idle_seconds: 0"], 13, "offline.idle_seconds"),
        (["offline:", "  idle_seconds: -5"], 13, "不小于 1"),
        (["registration:", "  icp_url: javascript:alert(1)"], 13, "javascript"),
        (["registration:", "  police_url: ' JaVaScRiPt:alert(1)'"], 13, "registration.police_url"),
        (["registration:", "  police_url: 'data:text/html,<script>alert(1)</script>'"], 13, "data"),
        (["registration:", "  icp_url: //evil.example/"], 13, "icp_url"),
        (["contact:", '  phone: "0779\\x00123"'], 13, "U+0000"),
        (["organizer: \"某乡\\u202e政府\""], 12, "U+202E"),
        (["media:", "  watermark:", "    text: '© {owner}'"], 14, "{holder}"),
        (["offline:", "  bundle_name: ../../etc/x"], 13, "文件名"),
    ],
)
def test_bad_option_values_are_refused_in_chinese_with_file_and_line(tmp_path, lines, line, expected):
    failed, _warnings, text = validate_config(tmp_path, *lines)
    assert failed, lines
    assert f"mkdocs.yml 第 {line} 行" in text and expected in text and CHINESE.search(text), text


def test_bad_section_rights_link_is_refused(tmp_path: Path):
    text = PLUGIN_BLOCK + "          rights:\n            license_url: 'vbscript:msgbox(1)'\n"
    path = tmp_path / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    config = ArchiveConfig(config_file_path=str(path))
    config.load_dict(yaml.safe_load(text)["plugins"][1]["township-archive"])
    failed, _warnings = config.validate()
    message = str(failed[0][1])
    assert "mkdocs.yml 第 13 行" in message and "sections.rights.license_url" in message and "vbscript" in message


@pytest.mark.parametrize(
    "lines,line,suggestion",
    [
        (["sectons: []"], 12, "sections"),
        (["page_sise: 10"], 12, "page_size"),
        (["media:", "  widht: [480]"], 13, "widths"),
        (["rights: {holdr: x}"], 12, "holder"),
        (["offline:", "  idle_second: 60"], 13, "idle_seconds"),
    ],
)
def test_option_typos_are_errors_naming_the_intended_option(tmp_path, lines, line, suggestion):
    failed, warnings, text = validate_config(tmp_path, *lines)
    assert failed and not any("Unrecognised" in str(w) for _k, w in warnings)
    assert f"mkdocs.yml 第 {line} 行" in text and f"是不是想写 {suggestion}？" in text, text


def test_a_typo_of_a_required_option_names_the_intended_one_only(tmp_path: Path):
    text = PLUGIN_BLOCK.replace("        holder: 某乡人民政府", "        holdr: 某乡人民政府")
    path = tmp_path / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    config = ArchiveConfig(config_file_path=str(path))
    config.load_dict(yaml.safe_load(text)["plugins"][1]["township-archive"])
    failed, _warnings = config.validate()
    assert len(failed) == 1
    message = str(failed[0][1])
    assert "mkdocs.yml 第 8 行" in message and "rights.holdr" in message and "是不是想写 holder？" in message


def test_a_config_typo_stops_mkdocs_build_with_a_chinese_message(tmp_path: Path):
    project = copy_project(tmp_path / "project")
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "\n      sections:\n" in text
    config.write_text(text.replace("\n      sections:\n", "\n      sectons:\n"), encoding="utf-8")
    line = config.read_text(encoding="utf-8").split("\n").index("      sectons:") + 1
    result = project.mkdocs_build_in_process()
    assert result.returncode != 0
    assert f"mkdocs.yml 第 {line} 行" in result.output
    assert "sectons 不是可用的选项。是不是想写 sections？" in result.output
    assert "Traceback" not in result.output
    assert not (project.root / "site").exists()
