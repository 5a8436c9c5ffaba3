"""Content lint beyond the build's validation: what provincial website inspections look at.

Internal links and anchors, duplicate titles, dates in the future, empty and
stale sections, wrongly written official terms. Rules that depend on today's
date run only here, never in the build (builds must not depend on the clock).
"""

from __future__ import annotations

import posixpath
import re
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..content.frontmatter import decode, split_front_matter
from ..content.loader import Archive
from ..content.markdown_scan import lines_outside_code, links
from ..content.slugs import heading_slug
from ..problems import Problem, Severity
from ..safety.files import scan_docs

_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")
_EXPLICIT_ID = re.compile(r"\{[^}]*#([\w-]+)[^}]*\}\s*$")


def heading_ids(markdown: str) -> set[str]:
    """Anchors a page offers: pinyin ids of its headings (as the toc extension makes them) and explicit {#ids}."""
    ids = set()
    for _number, line in lines_outside_code(markdown):
        match = _HEADING.match(line)
        if match:
            text = match.group(1)
            explicit = _EXPLICIT_ID.search(text)
            ids.add(explicit.group(1) if explicit else heading_slug(_EXPLICIT_ID.sub("", text).strip()))
    return ids


def lint_archive(
    archive: Archive, docs_dir: Path, display_root: Path, terms: dict[str, str], today: datetime
) -> list[Problem]:
    docs_dir, display_root = docs_dir.resolve(), display_root.resolve()

    def shown(relative: str) -> str:
        return (docs_dir / relative).relative_to(display_root).as_posix()

    problems: list[Problem] = []
    # The Markdown files the loader read (no links, no hidden files), whatever their state.
    pages = {relative: docs_dir / relative for relative in scan_docs(docs_dir).markdown}
    anchors_cache: dict[str, set[str] | None] = {}

    def anchors(relative: str) -> set[str] | None:
        """The anchors of a page's body, or None when the file cannot be read: the loader reports it."""
        if relative not in anchors_cache:
            try:
                text, _problems = decode(shown(relative), pages[relative].read_bytes())
            except OSError:
                text = None
            anchors_cache[relative] = None if text is None else heading_ids(split_front_matter(text).body)
        return anchors_cache[relative]

    for article in archive.articles:
        where = shown(article.source_path)
        for link in links(article.body, article.body_line):
            problems += _check_link(link.target, article.source_path, pages, anchors, where, link.line)
        for number, line in lines_outside_code(article.body, article.body_line):
            for wrong, right in terms.items():
                if wrong in line:
                    problems.append(Problem(where, number, "official-term", f"“{wrong}”是不规范的写法。", f"应写作“{right}”。",
                                            Severity.WARNING))
        for wrong, right in terms.items():
            if wrong in article.title or wrong in article.summary:
                problems.append(Problem(where, 1, "official-term", f"标题或摘要中的“{wrong}”是不规范的写法。", f"应写作“{right}”。",
                                        Severity.WARNING))
        if article.is_public and article.date and article.date > today:
            problems.append(Problem(where, 1, "future-date", f"发布时间 {article.date:%Y-%m-%d %H:%M} 在今天之后。",
                                    "检查年份和月份是否写错；预约发布请先保持草稿状态。", Severity.WARNING))

    titles: dict[str, list[str]] = {}
    for article in archive.published:
        titles.setdefault(article.title, []).append(article.source_path)
    for title, paths in titles.items():
        if len(paths) > 1:
            for path in paths:
                problems.append(Problem(shown(path), 1, "duplicate-title", f"标题“{title}”与其他文章重复：{'、'.join(shown(p) for p in paths)}。",
                                        "重复的标题会让读者和搜索引擎混淆，请修改其中一篇。", Severity.WARNING))

    for section in archive.sections:
        articles = archive.in_section(section)
        folder = f"docs/{section.id}/"
        if not articles:
            problems.append(Problem(folder, 0, "empty-section", f"栏目“{section.title}”还没有已发布的文章。",
                                    "网站检查会把空栏目记为问题：请发布文章，或从 mkdocs.yml 中撤掉这个栏目。", Severity.WARNING))
        elif section.stale_after_days and articles[0].date:
            idle = today - articles[0].date
            if idle > timedelta(days=section.stale_after_days):
                problems.append(Problem(folder, 0, "stale-section",
                                        f"栏目“{section.title}”已经 {idle.days} 天没有更新（最近一篇发布于 {articles[0].date:%Y-%m-%d}）。",
                                        f"检查规则要求每 {section.stale_after_days} 天内至少更新一次。", Severity.WARNING))
    return sorted(problems)


def _check_link(target: str, source: str, pages: dict, anchors, where: str, line: int) -> list[Problem]:
    parts = urlsplit(target)
    if parts.scheme or target.startswith(("//", "mailto:")):
        return []
    path, fragment = unquote(parts.path), parts.fragment
    if not path:  # a link within the page
        relative = source
    else:
        relative = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
        if not relative.endswith(".md"):
            return []  # images and files: the media check and MkDocs look after those
        if relative not in pages:
            return [Problem(where, line, "broken-link", f"链接指向的文章不存在：{target}。",
                            "链接写成相对于本文件的 .md 路径，例如 ../dangjian/文章名.md；检查文件名拼写。")]
    if not fragment:
        return []
    offered = anchors(relative)
    if offered is not None and fragment not in offered:  # None: a file that cannot be read, reported on its own
        return [Problem(where, line, "broken-anchor", f"链接中的段落锚点 #{fragment} 在 {relative} 中不存在。",
                        "小标题改过后锚点会变：打开目标文章，把鼠标移到小标题旁的 # 上复制正确的链接。")]
    return []
