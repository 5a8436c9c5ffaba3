"""Reading a Markdown file's YAML front matter while keeping line numbers.

Staff need to be told *where* a problem is, so every key remembers the line it
was written on. The file is decoded strictly as UTF-8: a file saved as GBK by a
Windows editor is reported with the line of its first bad byte instead of
being silently garbled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..problems import Problem

# Same shape MkDocs accepts: '---' on the first line, closed by '---' or '...'.
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text: PyYAML raises a bare ValueError on
    2024-13-45, and our own date parser reports it with a line and a hint."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class FrontMatter:
    data: dict[str, Any]
    key_lines: dict[str, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1

    def line_of(self, key: str) -> int:
        """Line of `key` in the file, or the opening fence when it is absent."""
        return self.key_lines.get(key, 1)


def decode(path: str, raw: bytes) -> tuple[str | None, list[Problem]]:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        return None, [
            Problem(
                path,
                line,
                "not-utf8",
                "文件不是 UTF-8 编码，无法读取（第一个无法识别的字节在这一行）。",
                "请用编辑器把文件另存为“UTF-8”编码（记事本：另存为 → 编码选 UTF-8），不要用 GBK/GB2312。",
            )
        ]


def parse(path: str, text: str) -> tuple[FrontMatter | None, list[Problem]]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return None, [
            Problem(
                path,
                1,
                "no-front-matter",
                "文章开头缺少头信息（YAML front matter）。",
                "文件第一行写 ---，接着写 title: 标题 等字段，再用一行 --- 结束。",
            )
        ]
    yaml_text = match.group(1) or ""
    body = text[match.end():]
    body_line = text.count("\n", 0, match.end()) + 1
    # Line 1 is the opening fence, so YAML line 0 is file line 2.
    offset = 2
    try:
        node = yaml.compose(yaml_text, Loader=_Loader)
        data = yaml.load(yaml_text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + offset if mark else 1
        return None, [
            Problem(
                path,
                line,
                "yaml-syntax",
                f"头信息的格式有误：{error.problem or error.context}。",
                "检查这一行及上一行：冒号后要有一个空格，列表项以“- ”开头，缩进用空格不用 Tab，含冒号的文字用引号括起来。",
            )
        ]
    except (yaml.YAMLError, ValueError, TypeError) as error:  # e.g. an explicit !!timestamp that is not a date
        return None, [
            Problem(path, offset, "yaml-syntax", f"头信息无法读取：{error}。", "检查头信息中带 !! 的写法，去掉它们。")
        ]
    if data is None:
        data, node = {}, None
    if not isinstance(data, dict):
        return None, [
            Problem(
                path,
                offset,
                "yaml-not-mapping",
                "头信息应当是“字段: 值”的形式。",
                "每行写一个字段，例如 title: 曲樟乡党建工作纪实",
            )
        ]
    key_lines: dict[str, int] = {}
    problems: list[Problem] = []
    if isinstance(node, yaml.MappingNode):
        for key_node, _value in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + offset
            if key in key_lines:
                problems.append(
                    Problem(
                        path,
                        line,
                        "duplicate-field",
                        f"字段 {key} 写了两次（第一次在第 {key_lines[key]} 行）。",
                        "删掉其中一行，只保留正确的那个值。",
                    )
                )
            else:
                key_lines[key] = line
    return FrontMatter({str(k): v for k, v in data.items()}, key_lines, body, body_line), problems
