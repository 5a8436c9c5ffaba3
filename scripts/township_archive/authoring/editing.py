"""Reading and rewriting an article's front matter without touching its body."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..content.frontmatter import read_front_matter
from ..files import write_atomically


class AuthoringError(Exception):
    """A refusal explained to staff in Chinese; nothing has been written."""


def read_article(path: Path) -> tuple[dict, str]:
    """An article's front matter and body, read as the build reads them; refused when the build could not."""
    if not path.is_file():
        raise AuthoringError(f"找不到文章文件 {path}。")
    try:
        raw = path.read_bytes()
    except OSError:
        raise AuthoringError(f"无法读取文章文件 {path}：检查文件的读取权限，或是否被其他程序占用。") from None
    front, problems = read_front_matter(str(path), raw)
    if front is None:
        first = problems[0]
        raise AuthoringError(f"{first.location()}：{first.message}" + (f"\n提示：{first.hint}" if first.hint else ""))
    return dict(front.data), front.body


def dump_front_matter(meta: dict) -> str:
    text = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=None)
    # Dates as staff write them (2024-05-01 09:30), not as quoted strings.
    return re.sub(r"^(date|updated): '([^']*)'$", r"\1: \2", text, flags=re.MULTILINE)


def write_article(path: Path, meta: dict, body: str) -> None:
    write_atomically(path, "---\n" + dump_front_matter(meta) + "---\n" + ("\n" if not body.startswith("\n") else "") + body)
