"""Problems found in content: values with a code, a place and a Chinese message.

Library code never prints; it returns `Problem`s. The CLI and the MkDocs
plugin each have one reporter that turns them into output.
"""

from __future__ import annotations

import enum
import errno
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    # What a draft still needs before it can be published (content.readiness): the same finding is an
    # error on a published article. Never stops a build, nor `check --strict`.
    PENDING = "pending"
    # Understood as meant, but better written another way (a list typed with ，、): shown by `check`,
    # logged as information by the build; never stops a build, nor `--strict`, nor `publish`.
    NOTE = "note"

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "pending": "发布前需处理", "note": "提示"}[self.value]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one place. `path` is relative to the project root."""

    path: str
    line: int
    code: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def as_text(self) -> str:
        text = f"{self.location()}: {self.severity.label} [{self.code}] {self.message}"
        if self.hint:
            text += f"\n    提示：{self.hint}"
        return text

    def as_dict(self) -> dict:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


def count_errors(problems: Iterable[Problem]) -> int:
    return sum(1 for problem in problems if problem.is_error)


def count(problems: Iterable[Problem], severity: Severity) -> int:
    return sum(1 for problem in problems if problem.severity is severity)


def summary(problems: list[Problem]) -> str:
    """The last line of `check`: 内容检查通过 whenever nothing stops the build, with the counts."""
    errors, warnings = count(problems, Severity.ERROR), count(problems, Severity.WARNING)
    pending, notes = count(problems, Severity.PENDING), count(problems, Severity.NOTE)
    if not problems:
        return "内容检查通过，没有发现问题。"
    if errors:
        text = f"共发现 {errors} 处错误、{warnings} 处警告"
    elif warnings:
        text = f"内容检查通过：0 处错误、{warnings} 处警告"
    else:
        text = "内容检查通过，没有错误和警告"
    if pending:
        text += f"；草稿中还有 {pending} 处发布前需处理"
    if notes:
        text += f"；另有 {notes} 条写法提示（不影响构建和发布）"
    return text + "。"


def to_json(problems: list[Problem]) -> str:
    """`errors` and `warnings` count as before; what drafts need before publishing and the notes on
    how something is better written are counted apart."""
    return json.dumps(
        {
            "errors": count(problems, Severity.ERROR),
            "warnings": count(problems, Severity.WARNING),
            "pending": count(problems, Severity.PENDING),
            "notes": count(problems, Severity.NOTE),
            "problems": [problem.as_dict() for problem in sorted(problems)],
        },
        ensure_ascii=False,
        indent=2,
    )


def display_path(path: Path, root: Path) -> str:
    """How messages name a file: relative to the project folder (`docs/党建/文章.md`) when inside it."""
    try:  # the folder is resolved, not the file: a link is named as itself, not as its target
        return (path.parent.resolve() / path.name).relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def line_of_key(path: Path, key: str) -> int:
    """The line where `key:` is written in a YAML file (indented or not); 0 when absent or unreadable."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    for number, line in enumerate(lines, start=1):
        if line.strip().startswith(f"{key}:"):
            return number
    return 0


# What a failed file operation means, for staff (the system's own wording is English).
_OS_ERRORS = {
    errno.ENOENT: "文件或文件夹不存在", errno.EACCES: "没有读写权限", errno.EPERM: "没有读写权限",
    errno.EISDIR: "这是一个文件夹，不是文件", errno.ENOTDIR: "路径中有一段不是文件夹", errno.EROFS: "磁盘是只读的",
    errno.ENOSPC: "磁盘空间不足", errno.EEXIST: "已经存在", errno.ENAMETOOLONG: "文件名太长",
}


def os_error_text(error: OSError) -> str:
    """`path（原因）` of a failed file operation, in Chinese where the reason is a common one."""
    reason = _OS_ERRORS.get(error.errno or -1, error.strerror or str(error))
    return f"{error.filename or ''}（{reason}）"
