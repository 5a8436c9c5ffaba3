"""What may be read from `docs/`: regular files inside it, nothing else.

MkDocs walks `docs/` following symbolic links and copies every file it finds,
so a link to `/proc/self/environ` would publish the build's environment and a
FIFO would hang the build. The folder is therefore checked first, without
following links, and the build stops with a Chinese message naming the path.
Files a browser would run (scripts, HTML, SVG) are published only when the
site's configuration allows them.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import Problem, Severity

# The extensions MkDocs renders as Markdown; articles and pages are written as .md only.
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
# Files a browser runs as script or as a page of its own when opened from the site.
ACTIVE_SUFFIXES = (".js", ".mjs", ".html", ".htm", ".xhtml", ".shtml", ".svg", ".svgz", ".xml", ".xsl", ".wasm", ".swf")


@dataclass
class DocsFiles:
    """The regular files under `docs/` (POSIX paths relative to it), sorted, and what is wrong there."""

    markdown: list[str] = field(default_factory=list)
    active: list[str] = field(default_factory=list)  # scripts, HTML and SVG: not published unless allowed
    other: list[str] = field(default_factory=list)  # images, attachments and everything else
    problems: list[Problem] = field(default_factory=list)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "命名管道（FIFO）"
    if stat.S_ISSOCK(mode):
        return "套接字"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    return "特殊文件"


def scan_docs(docs_dir: Path, shown: str = "docs") -> DocsFiles:
    """Walk `docs_dir` without following links; `shown` is how messages name the folder.

    Each folder is listed once (`os.scandir`): a file's kind comes with the listing, so only a file that
    is neither a regular file, a folder nor a link costs a system call of its own."""
    found = DocsFiles()

    def problem(relative: str, code: str, message: str, hint: str, severity: Severity = Severity.ERROR) -> None:
        found.problems.append(Problem(f"{shown}/{relative}", 0, code, message, hint, severity))

    def walk(folder: str, prefix: str, hidden: bool) -> None:
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            return  # as os.walk: a folder that cannot be listed is passed over
        folders = []
        for entry in entries:
            name = entry.name
            relative = prefix + name
            try:
                if entry.is_symlink():
                    mode = stat.S_IFLNK
                elif entry.is_dir(follow_symlinks=False):
                    mode = stat.S_IFDIR
                elif entry.is_file(follow_symlinks=False):
                    mode = stat.S_IFREG
                else:
                    mode = entry.stat(follow_symlinks=False).st_mode
            except OSError:
                problem(relative, "unreadable-file", "无法读取这个文件或文件夹。", "检查文件权限，或删除它。")
                continue
            if stat.S_ISLNK(mode):
                target = os.readlink(entry.path)
                problem(
                    relative, "symlink", f"这是一个符号链接（指向 {target}），网站不发布链接，以免把 docs/ 以外的文件带上网。",
                    "把真正的文件复制到这里，替换这个链接。",
                )
            elif stat.S_ISDIR(mode):
                if name.lower().endswith(MARKDOWN_SUFFIXES):
                    problem(relative, "folder-named-md", "文件夹的名字以 .md 结尾，会被当成文章。", "给文件夹改一个不以 .md 结尾的名字。")
                folders.append(entry)
            elif not stat.S_ISREG(mode):
                problem(relative, "special-file", f"这是一个{_kind(mode)}，不是普通文件，不能放在 docs/ 中。", "删除它。")
            elif hidden or name.startswith("."):
                continue  # hidden files and folders: MkDocs leaves them out, and so do we
            elif name.endswith(".md"):
                found.markdown.append(relative)
            elif name.lower().endswith(MARKDOWN_SUFFIXES):
                problem(
                    relative, "markdown-suffix", f"文章和页面的文件扩展名只能是小写的 .md，这个文件是 {Path(name).suffix}。",
                    f"把文件改名为 {Path(name).stem}.md。",
                )
            elif name.lower().endswith(ACTIVE_SUFFIXES):
                found.active.append(relative)
            else:
                found.other.append(relative)
        for entry in folders:  # a link to a folder is not entered
            walk(entry.path, f"{prefix}{entry.name}/", hidden or entry.name.startswith("."))

    walk(str(docs_dir), "", False)
    found.markdown.sort()
    found.active.sort()
    found.other.sort()
    return found


def active_file_problems(active: list[str], shown: str = "docs") -> list[Problem]:
    """Warnings for the script, HTML and SVG files that the build leaves out."""
    return [
        Problem(
            f"{shown}/{relative}", 0, "active-file-skipped",
            "这个文件可以在浏览器里运行脚本（.js、.html、.svg 等），没有发布。",
            "图片请用 JPG、PNG 或 WebP；确需发布这类文件的，请网站技术人员在 mkdocs.yml 中设置 allow_active_files: true。",
            Severity.WARNING,
        )
        for relative in active
    ]
