"""Loading and validating the whole archive from the docs folder.

The archive is read once per build, before MkDocs touches the output folder,
so bad content stops the build while the last good site is still in place.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import os
import stat
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from ..problems import Problem, Severity
from ..safety.files import scan_docs
from .frontmatter import FrontMatter, decode, parse, shown, text_problem
from .lists import read_list
from .markdown_scan import forget_scans
from .model import (
    DRAFTS_FOLDER,
    PROJECT_FOLDERS,
    RESERVED_FOLDERS,
    SECTION_FILES,
    SITE_FILES,
    Article,
    Section,
    Status,
    article_files,
)
from .reviews import FileVersions
from .schema import STATUS_WORDS, validate_article
from .slugs import pinyin_slug


@dataclass
class Archive:
    sections: list[Section]
    articles: list[Article] = field(default_factory=list)  # every valid article, drafts too
    # Pages that are not articles (home, section introductions, top-level pages) whose status keeps them unpublished.
    unpublished_pages: set[str] = field(default_factory=set)
    # Scripts, HTML and SVG files under docs/, published only when the configuration allows them.
    active_files: list[str] = field(default_factory=list)
    page_urls: dict[str, str] = field(default_factory=dict)  # site path of each non-article page -> its source
    # What drafts and 待审 articles still need before publishing (Severity.PENDING): `check` and the
    # preview show them; they are kept apart from the problems, which stop a build.
    pending: list[Problem] = field(default_factory=list)

    @cached_property
    def published(self) -> list[Article]:
        """Public articles, newest first (ties broken by slug, so order is stable).

        Computed once: the archive is complete when `load_archive` returns and nothing changes it after."""
        public = [a for a in self.articles if a.is_public]
        return sorted(public, key=lambda a: (a.date or datetime.min, a.section.id, a.slug), reverse=True)

    def in_section(self, section: Section) -> list[Article]:
        return [a for a in self.published if a.section == section]

    def by_tag(self) -> dict[str, list[Article]]:
        return self._group(lambda a: a.tags)

    def by_village(self) -> dict[str, list[Article]]:
        return self._group(lambda a: a.villages)

    def by_year(self) -> dict[int, list[Article]]:
        groups = self._group(lambda a: (a.year,) if a.year else ())
        return dict(sorted(groups.items(), reverse=True))

    def _group(self, keys) -> dict:
        groups: dict = defaultdict(list)
        for article in self.published:
            for key in keys(article):
                groups[key].append(article)
        return dict(groups)


# What `Path.is_file` takes for "not a file" rather than an error to raise (pathlib's _ignore_error).
_MISSING = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)


class LoadMemo:
    """What one reading of docs/ learnt file by file, kept for the next reading in the same process: the
    preview (`make serve`) reads docs/ again after every save, when one file has changed.

    A file is known by its path and the hash of its bytes (never by its time or size). What reading it
    alone gives is reused as it was: its front matter and the problems of its bytes. An article's checks
    also ask about other files (does the cover exist, what version are its pictures, which slugs do other
    articles have): the questions and their answers are kept, asked again at each reading, and the checks
    are reused only when every answer is the same. What compares articles with each other (slugs and old
    addresses taken twice, reserved places) is never kept. The memo holds the files of the last reading
    only, and starts empty when the reading is of another folder or with other sections or sources."""

    def __init__(self) -> None:
        self._context: tuple | None = None
        self._files: dict[tuple[str, str, bytes], _FileReading] = {}
        self._read: dict[tuple[str, str, bytes], _FileReading] = {}  # the reading under way
        self.reused = 0  # files of the last reading whose outcome came whole from the memo

    def __len__(self) -> int:
        return len(self._files)

    def _begin(self, context: tuple) -> None:
        if context != self._context:
            self._context, self._files = context, {}
        self._read, self.reused = {}, 0

    def _recall(self, path: str, relative: str, raw: bytes) -> tuple[tuple[str, str, bytes], _FileReading | None]:
        """The file's key, and its reading when the last reading read the same bytes at the same place."""
        key = (path, relative, hashlib.sha256(raw).digest())
        return key, self._files.get(key)

    def _keep(self, key: tuple[str, str, bytes], reading: _FileReading) -> None:
        self._read[key] = reading

    def _end(self) -> None:
        self._files, self._read = self._read, {}


@dataclass
class _FileReading:
    """What one Markdown file's bytes say on their own: the same bytes always read the same."""

    problems: list[Problem] = field(default_factory=list)  # the file's own errors and warnings
    readable: bool = True  # decoded as UTF-8
    pending: list[Problem] = field(default_factory=list)  # what a draft carries that waits for publishing
    public: bool = True  # a page (not an article): whether it is published
    front: FrontMatter | None = None  # an article that could be read
    slugs: tuple[str, ...] = ()  # the slugs it has or will have (`_declared_slugs`)
    checked: _Checked | None = None  # its checks, with the questions they asked about other files


@dataclass(frozen=True)
class _Checked:
    article: Article | None
    problems: tuple[Problem, ...]
    asked: tuple[tuple[str, str, object], ...]  # (question, about, answer), in the order asked


class _Questions:
    """The questions an article's checks ask about other files, answered by this reading and written down."""

    def __init__(self, **questions: Callable[[str], object]):
        self.questions = questions
        self.asked: list[tuple[str, str, object]] = []

    def asker(self, question: str) -> Callable[[str], Any]:
        def ask(about: str) -> object:
            answer = self.questions[question](about)
            self.asked.append((question, about, answer))
            return answer
        return ask

    def same_answers(self, asked: tuple[tuple[str, str, object], ...]) -> bool:
        return all(self.questions[question](about) == answer for question, about, answer in asked)


def load_archive(
    docs_dir: Path,
    sections: list[Section],
    default_source: str,
    display_root: Path | None = None,
    *,
    memo: LoadMemo | None = None,
) -> tuple[Archive, list[Problem]]:
    """Read every article under the section folders of `docs_dir`.

    Problems name files relative to `display_root` (the project folder), so
    staff see `docs/党建成果/文章.md:3`. `memo`: the per-file work of the last reading with the same memo
    is reused for files whose bytes are unchanged (see `LoadMemo`); the outcome is the same without it.
    """
    forget_scans()
    docs_dir = docs_dir.resolve()
    display_root = (display_root or docs_dir.parent).resolve()
    if memo is not None:
        memo._begin((docs_dir, display_root, tuple(sections), default_source))
    problems: list[Problem] = []
    archive = Archive(sections)
    by_folder = {section.id: section for section in sections}
    docs = docs_dir.as_posix()
    slug_lines: dict[str, int] = {}
    alias_lines: dict[str, int] = {}

    shown_as: dict[Path, str] = {}
    folders: dict[Path, Path] = {}

    def shown(path: Path) -> str:
        """`problems.display_path`, with each folder resolved once (system calls) rather than once per file."""
        if (name := shown_as.get(path)) is None:
            if (folder := folders.get(path.parent)) is None:
                folder = folders[path.parent] = path.parent.resolve()
            try:
                name = (folder / path.name).relative_to(display_root).as_posix()
            except ValueError:
                name = path.as_posix()
            shown_as[path] = name
        return name

    places: dict[str, str | None] = {}

    def named(relative: str) -> str:
        """`shown(docs_dir / relative)` for a file: its folder's name is worked out once for all its files."""
        folder, _, name = relative.rpartition("/")
        if folder not in places:
            try:
                places[folder] = (docs_dir / folder).resolve().relative_to(display_root).as_posix()
            except ValueError:
                places[folder] = None
        place = places[folder]
        if place is None:
            return f"{docs_dir.as_posix()}/{relative}"
        return name if place == "." else f"{place}/{name}"

    def exists(relative: str) -> bool:
        """`(docs_dir / relative).is_file()` for the normalised paths the checks ask about, without a path object."""
        if any(part in ("", ".") for part in relative.split("/")):  # what a path object would tidy away
            return (docs_dir / relative).is_file()
        try:
            return stat.S_ISREG(os.stat(f"{docs}/{relative}").st_mode)
        except OSError as error:
            if error.errno not in _MISSING:
                raise
            return False
        except ValueError:  # a NUL character
            return False

    for section in sections:
        if not (docs_dir / section.id).is_dir():
            problems.append(
                Problem(
                    shown(docs_dir / section.id), 0, "missing-section-folder",
                    f"栏目“{section.title}”的文件夹不存在。", f"新建文件夹 docs/{section.id}/，或从 mkdocs.yml 的 sections 中删掉这个栏目。",
                    Severity.WARNING,
                )
            )

    scan = scan_docs(docs_dir, shown(docs_dir))
    problems += scan.problems
    archive.active_files = scan.active
    articles: list[tuple[str, str, Section, _FileReading]] = []
    reused: set[str] = set()
    for relative in scan.markdown:
        path = named(relative)
        with open(f"{docs}/{relative}", "rb") as file:
            raw = file.read()
        section = by_folder.get(relative.split("/", 1)[0])
        key, reading = memo._recall(path, relative, raw) if memo is not None else (None, None)
        if reading is not None:
            reused.add(relative)
        else:
            reading = _read_file(path, relative, raw, section, sections)
        if memo is not None:
            memo._keep(key, reading)
        problems += reading.problems
        archive.pending += reading.pending
        if not reading.readable:
            continue
        if _is_page(relative):  # published unless its front matter says draft or review
            archive.page_urls[_page_url(relative)] = relative
            if not reading.public:
                archive.unpublished_pages.add(relative)
        elif reading.front is not None:
            articles.append((relative, path, section, reading))

    # Every article's slug is known before any is validated: a shorter slug suggested for one avoids the others'.
    owners: dict[str, set[str]] = defaultdict(set)
    for relative, _path, _section, reading in articles:
        for slug in reading.slugs:
            owners[slug].add(relative)
    versions = FileVersions(docs_dir)  # each picture hashed once for all the articles that show it
    for relative, path, section, reading in articles:
        front = reading.front
        questions = _Questions(
            exists=exists, slug_taken=lambda slug, own=relative: bool(owners.get(slug, set()) - {own}), file_version=versions,
        )
        if reading.checked is not None and questions.same_answers(reading.checked.asked):
            article = dataclasses.replace(reading.checked.article) if reading.checked.article is not None else None
            article_problems = list(reading.checked.problems)
        else:
            reused.discard(relative)
            article, article_problems = validate_article(
                path, relative, front, section, sections, questions.asker("exists"), default_source,
                slug_taken=questions.asker("slug_taken"), file_version=questions.asker("file_version"),
            )
            if memo is not None:
                kept = dataclasses.replace(article) if article is not None else None  # the archive's own may be changed
                reading.checked = _Checked(kept, tuple(article_problems), tuple(questions.asked))
        archive.pending += [p for p in article_problems if p.severity is Severity.PENDING]
        problems += [p for p in article_problems if p.severity is not Severity.PENDING]
        if article is not None:
            archive.articles.append(article)
            slug_lines[relative] = front.line_of("slug")
            alias_lines[relative] = front.line_of("aliases")
    if memo is not None:
        memo._end()
        memo.reused = len(reused)

    problems += _slug_collisions(archive.articles, slug_lines, shown, docs_dir)
    problems += _alias_collisions(archive, alias_lines, shown, docs_dir)
    problems += _reserved_places(scan.markdown + scan.active + scan.other, archive, shown(docs_dir))
    return archive, sorted(problems)


def _read_file(path: str, relative: str, raw: bytes, section: Section | None, sections: list[Section]) -> _FileReading:
    """What the bytes of one Markdown file of docs/ say on their own (`path` as messages name the file)."""
    text, decode_problems = decode(path, raw)
    reading = _FileReading(list(decode_problems), readable=text is not None)
    if text is None:
        return reading
    if _is_page(relative):
        reading.public = _page_is_public(path, text, reading.problems)
        return reading
    if section is None:
        top = relative.split("/", 1)[0]
        reading.problems.append(
            Problem(
                path, 1, "unknown-section",
                f"文件夹 docs/{top}/ 不是已配置的栏目，这篇文章无法归类。",
                "把文章移到这些栏目文件夹之一：" + "、".join(f"docs/{s.id}/（{s.title}）" for s in sections),
            )
        )
        return reading
    front, parse_problems = parse(path, text)
    if (unpublished := _unpublished_despite_characters(path, text, parse_problems)) is not None:
        # A draft is never on the public site: what it carries waits for publishing, the site builds.
        front, reading.pending = unpublished
    else:
        reading.problems += parse_problems
    if front is not None:
        reading.front, reading.slugs = front, tuple(_declared_slugs(front.data))
    return reading


def _unpublished_despite_characters(path: str, text: str, found: list[Problem]) -> tuple[FrontMatter, list[Problem]] | None:
    """A draft or 待审 article whose only problems are characters the reader refuses: the article as it
    reads once they are deleted, and the problems as 发布前需处理. None for anything else (a published
    article, or one whose status cannot be read without them): the problems stay errors."""
    if not found or any(problem.code != "control-character" for problem in found):
        return None
    front, cleaned_problems = parse(path, text, clean=True)
    if front is None or cleaned_problems:
        return None
    status = front.data.get("status", Status.DRAFT.value)
    if STATUS_WORDS.get(status.strip() if isinstance(status, str) else "") not in (Status.DRAFT, Status.REVIEW):
        return None
    hint = "删除这个字符（通常是从网页或 Word 复制时带进来的，看不见）；草稿不上网站，发布前必须删掉，review 和 publish 在删掉之前不会记录。"
    return front, [dataclasses.replace(problem, severity=Severity.PENDING, hint=hint) for problem in found]


def _declared_slugs(data: dict) -> list[str]:
    """The slug an article has or will have (written, else from its title) and its old slugs, before it is validated."""
    slug, title = data.get("slug"), data.get("title")
    declared = [slug.strip() if isinstance(slug, str) and slug.strip() else pinyin_slug(title) if isinstance(title, str) else ""]
    aliases = read_list(data.get("aliases"))
    return declared + [alias.rpartition("/")[2] for alias in (aliases.words if aliases is not None and aliases.valid else ())]


def _reserved_places(files: list[str], archive: Archive, shown_docs: str) -> list[Problem]:
    """Files of docs/ where the build writes its own (feeds, citation files, the theme's assets,
    the search index), and pages whose address is a section's or a listing's."""
    sections = {s.id for s in archive.sections}
    articles = {a.url for a in archive.articles}
    taken = {s.url for s in archive.sections} | {f"{folder}/" for folder in RESERVED_FOLDERS}
    problems = []
    for relative in files:
        folder, _, name = relative.rpartition("/")
        place = ""
        if relative.split("/", 1)[0] in PROJECT_FOLDERS and "/" in relative:
            place = f"docs/{relative.split('/', 1)[0]}/ 是网站自己的样式、脚本和搜索文件的位置"
        elif (not folder and name in SITE_FILES) or (folder in sections and name in SECTION_FILES):
            place = f"{name} 由网站自动生成"
        elif f"{folder}/" in articles and name in article_files(folder.rpartition("/")[2]):  # the folder is the slug
            place = f"文章旁的 {name} 由网站自动生成"
        if place:
            problems.append(_reserved_place(shown_docs, relative, place))
    for relative in filter(_is_page, files):
        url = _page_url(relative)
        if url == f"{DRAFTS_FOLDER}/":  # not even as an introduction: the preview writes this page whole
            problems.append(_reserved_place(shown_docs, relative, f"网址 /{url} 是本地预览中草稿箱的位置"))
        elif url in taken and relative != f"{url}index.md":
            problems.append(_reserved_place(shown_docs, relative, f"这个页面的网址 /{url} 已经属于栏目或索引页"))
    return problems


def _reserved_place(shown_docs: str, relative: str, place: str) -> Problem:
    return Problem(f"{shown_docs}/{relative}", 0, "reserved-place", f"{place}，这里的文件会替换或冒充网站自己的内容。",
                   "把文件移到别的文件夹或改个名字。")


def _is_page(relative: str) -> bool:
    """Top-level pages (home, about) and a section's own introduction are pages, not articles."""
    return relative.endswith(".md") and ("/" not in relative or relative.count("/") == 1 and relative.endswith("/index.md"))


def _page_url(relative: str) -> str:
    """Site path of a page: `index.md` is the home page, `x/index.md` and `x.md` are `x/`."""
    stem = relative.removesuffix(".md").removesuffix("index").rstrip("/")
    return stem + "/" if stem else ""


# What the front matter of a page that is not an article (home, section introduction, about) may say.
PAGE_TEMPLATES = ("home.html", "rights.html", "main.html")
PAGE_HIDE = ("navigation", "toc", "footer", "path", "tags", "feedback")
PAGE_FIELDS = {
    "title": "标题", "description": "页面简介", "status": "状态（published 或 draft）",
    "template": "页面样式（" + "、".join(PAGE_TEMPLATES) + "）", "hide": "隐藏的部分（" + "、".join(PAGE_HIDE) + "）",
}


def _page_is_public(path: str, text: str, problems: list[Problem]) -> bool:
    """A page's front matter is checked like an article's (so nothing reaches the theme unchecked);
    the page is public unless its status says draft or review."""
    front, parse_problems = parse(path, text, required=False)
    problems += parse_problems
    if front is None:
        return False  # the parse problems stop the build
    problems += _page_field_problems(path, front)
    if "status" not in front.data:
        return True
    status = STATUS_WORDS.get(str(front.data["status"]).strip())
    if status is None:
        problems.append(
            Problem(path, front.line_of("status"), "bad-status", f"状态（status）写成了 {shown(front.data['status'])}，无法识别。",
                    "页面的状态写 published（发布）或 draft（草稿）。")
        )
        return False
    return status is Status.PUBLISHED


def _page_field_problems(path: str, front) -> list[Problem]:
    problems = []

    def refuse(key: str, message: str, hint: str) -> None:
        problems.append(Problem(path, front.line_of(key), "bad-page-field", message, hint))

    for key, value in front.data.items():
        if key not in PAGE_FIELDS:
            refuse(key, f"页面的头信息不能写 {shown(key)}。", "页面只能写这些字段：" + "；".join(f"{k}（{v}）" for k, v in PAGE_FIELDS.items()))
        elif key in ("title", "description") and (not isinstance(value, str) or text_problem(value)):
            refuse(key, f"{PAGE_FIELDS[key]}（{key}）应当是一段普通文字，写成了 {shown(value)}。", "例如 title: 关于本站")
        elif key == "template" and value not in PAGE_TEMPLATES:
            refuse(key, f"页面样式（template）写成了 {shown(value)}，没有这种样式。", "只能写 " + "、".join(PAGE_TEMPLATES) + "，或者不写。")
        elif key == "hide" and (not isinstance(value, list) or any(item not in PAGE_HIDE for item in value)):
            refuse(key, f"hide 写成了 {shown(value)}。", "写成列表，每项是 " + "、".join(PAGE_HIDE) + " 之一，例如 hide: [toc]。")
    return problems


def _slug_collisions(articles: list[Article], slug_lines: dict[str, int], shown, docs_dir: Path) -> list[Problem]:
    """Slugs are unique across the whole site, not just a section, so that an
    article can move between sections and keep a recognisable address."""
    owners: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        owners[article.slug].append(article)
    problems = []
    for slug, same in owners.items():
        if len(same) < 2:
            continue
        names = "、".join(shown(docs_dir / a.source_path) for a in same)
        for article in same:
            problems.append(
                Problem(
                    shown(docs_dir / article.source_path), slug_lines[article.source_path],
                    "duplicate-slug", f"网址名 {slug} 重复，这些文章会抢同一个网址：{names}。",
                    "给其中一篇改一个不同的 slug（例如加上年份或村名拼音）。",
                )
            )
    return problems



def _alias_collisions(archive: Archive, alias_lines: dict[str, int], shown, docs_dir: Path) -> list[Problem]:
    """An old address is `section/old-slug/` and nothing else: never another article's current or old
    address, a section, a listing, a top-level page such as the rights page, or a folder of files."""
    current = {a.url: a for a in archive.articles}
    taken = set(archive.page_urls) | {s.url for s in archive.sections}
    claimed: dict[str, Article] = {}
    problems = []
    for article in archive.articles:
        for alias, url in zip(article.aliases, article.alias_urls):
            other = current.get(url) or claimed.get(url)
            folder, _, slug = url.rstrip("/").rpartition("/")
            reason = ""
            if alias.startswith("/") or alias.endswith("/") or url.count("/") != 2:
                reason = "旧网址名只能写 网址名 或 栏目文件夹/网址名，不能以 / 开头或结尾"
            elif url in taken or slug == "page" or (docs_dir / folder / slug).exists():
                reason = f"/{url} 是网站上现有的页面或文件夹，不能拿来跳转"
            elif other is not None and other is not article:
                reason = f"旧网址 /{url} 已被 {shown(docs_dir / other.source_path)} 使用，不能再跳转到本文"
            if reason:
                problems.append(
                    Problem(
                        shown(docs_dir / article.source_path), alias_lines[article.source_path], "bad-alias",
                        reason + "。", "删掉这个旧网址名，或改成这篇文章以前真正用过的网址名。",
                    )
                )
                continue
            claimed.setdefault(url, article)
    return problems
