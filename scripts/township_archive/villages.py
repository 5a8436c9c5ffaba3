"""Honoured villages: a data file staff keep (name, description, honours), joined with the
`villages` field of articles into the villages index and one page per village."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .content.frontmatter import clean_text, decode, read_yaml, shown
from .problems import Problem

HINT = "格式见 HANDBOOK.md“荣誉名村资料”：每个村一项，写 name、description 和 honours（title、year、by）。"


@dataclass(frozen=True)
class Honour:
    title: str
    year: int | None = None
    by: str = ""  # the awarding body


@dataclass(frozen=True)
class Village:
    name: str
    description: str = ""
    honours: tuple[Honour, ...] = ()


_YEAR = re.compile(r"[0-9]{4}")  # ASCII digits: str.isdigit() also accepts ² and ①, which int() refuses


def _scalar(node: yaml.Node | None) -> str:
    # Every scalar was checked for unpublishable characters by `read_yaml`; zero-width spaces are dropped.
    if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
        return ""
    return clean_text(str(node.value))


def _fields(node: yaml.MappingNode) -> dict[str, yaml.Node]:
    return {str(key.value): value for key, value in node.value if isinstance(key, yaml.ScalarNode)}


def load_villages(path: Path, shown_as: str) -> tuple[list[Village], list[Problem]]:
    """The villages in `path` (missing file: none); `shown_as` is the path used in messages."""
    if not path.is_file():
        return [], []
    try:
        raw = path.read_bytes()
    except OSError as error:
        return [], [Problem(shown_as, 0, "villages-unreadable", f"村庄资料文件无法读取：{shown(error.strerror or error)}。", HINT)]
    text, decode_problems = decode(shown_as, raw)
    if text is None:
        return [], decode_problems
    return villages_from_text(text, shown_as)


def villages_from_text(text: str, shown_as: str) -> tuple[list[Village], list[Problem]]:
    """The villages written in `text` (the content of villages.yml)."""
    problems: list[Problem] = []
    # No anchors or aliases, no !! tags, bounded nesting, no control characters: see `read_yaml`.
    loaded = read_yaml(text, shown_as, what="村庄资料文件", code="villages-yaml", hint=HINT)
    if not loaded.ok:
        return [], loaded.problems
    root = loaded.node
    if root is None:
        return [], []

    def problem(node: yaml.Node, code: str, message: str) -> None:
        problems.append(Problem(shown_as, text.count("\n", 0, node.start_mark.index) + 1, code, message, HINT))

    if not isinstance(root, yaml.SequenceNode):
        problem(root, "villages-not-list", "村庄资料文件应当是一个列表，每个村以“- name: 村名”开头。")
        return [], problems
    villages: list[Village] = []
    seen: dict[str, int] = {}
    for item in root.value:
        if not isinstance(item, yaml.MappingNode):
            problem(item, "village-not-mapping", "这一项应当写成“name: 村名”等字段。")
            continue
        fields = _fields(item)
        name = _scalar(fields.get("name"))
        if not name:
            problem(item, "village-name-missing", "这个村没有写名称（name）。")
            continue
        if name in seen:
            problem(item, "village-duplicate", f"村名“{shown(name)}”写了两次（第一次在第 {seen[name]} 行）。")
            continue
        seen[name] = text.count("\n", 0, item.start_mark.index) + 1
        if "description" in fields and not isinstance(fields["description"], yaml.ScalarNode):
            problem(fields["description"], "village-not-text", f"“{shown(name)}”的介绍（description）应当是一段文字。")
        honours: list[Honour] = []
        honours_node = fields.get("honours")
        if honours_node is not None and not isinstance(honours_node, yaml.SequenceNode):
            problem(honours_node, "honours-not-list", f"“{shown(name)}”的荣誉（honours）应当是列表，每项以“- title: 荣誉名称”开头。")
        for entry in honours_node.value if isinstance(honours_node, yaml.SequenceNode) else []:
            entry_fields = _fields(entry) if isinstance(entry, yaml.MappingNode) else {}
            title = _scalar(entry_fields.get("title"))
            if not title:
                problem(entry, "honour-title-missing", f"“{shown(name)}”的这项荣誉没有写名称（title）。")
                continue
            year_text = _scalar(entry_fields.get("year"))
            if year_text and not (_YEAR.fullmatch(year_text) and 1949 <= int(year_text) <= 2100):
                problem(entry_fields["year"], "honour-year", f"“{shown(title)}”的年份“{shown(year_text)}”不是四位数的年份。")
                continue
            honours.append(Honour(title, int(year_text) if year_text else None, _scalar(entry_fields.get("by"))))
        honours.sort(key=lambda h: -(h.year or 0))
        villages.append(Village(name, _scalar(fields.get("description")), tuple(honours)))
    return villages, problems
