"""New articles and the 三审 workflow: 初审, 复审, 终审 by three different people, then publish.

The functions here decide; they read the article as the build reads it (`content.frontmatter`)
and return the front-matter changes, which `rewrite` writes through `editing` in one go. Whether
the result may be published is the schema's and the readiness check's to say
(`validate_article(..., publishing=True)`), the same rules as `check` and the build.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from ..content.frontmatter import FrontMatter, clean_text, read_front_matter, shown, text_problem
from ..content.model import HISTORICAL, REVIEW_LEVELS, Review, Section, Status
from ..content.readiness import NEW_BODY_MARK
from ..content.reviews import (
    NAME_HINT,
    FileVersions,
    ReviewState,
    as_data,
    describe,
    fingerprint,
    records_from,
    shown_file_versions,
)
from ..content.schema import STATUS_WORDS
from ..content.slugs import free_slug, pinyin_slug
from ..hanzi import name_problem, person_key
from .editing import AuthoringError, read_article, write_article

# The example picture is inline code: a placeholder, not a picture the checks would look for.
NEW_BODY = (
    f"（{NEW_BODY_MARK}。第一段概括全文；小标题用 ## 开头；图片放在同名文件夹里，"
    "用 `![替代文字](文件夹/图片.jpg \"图片说明\")` 引用：替代文字描述图片内容，不能空着；图片说明显示在图片下方，可以不写。）\n"
)


def new_article(
    docs_dir: Path, section: Section, title: str, today: datetime, taken_slugs: set[str],
    authors: list[str] | None = None, source: str = "", tags: list[str] | None = None, editor: str = "",
) -> Path:
    """A draft with the title, a fixed slug and an image folder. No date: `publish` writes the time it publishes.
    What staff typed is refused with the reason when it holds a character `check` would refuse."""
    title = typed_text("标题", title)
    authors = [typed_text("作者（--author）", author) for author in authors or []]
    source, editor = typed_text("来源（--source）", source), typed_text("责任编辑（--editor）", editor)
    tags = [typed_text("标签（--tag）", tag) for tag in tags or []]
    if not title:
        raise AuthoringError("标题不能为空。")
    slug = pinyin_slug(title)
    if not slug:
        raise AuthoringError("无法从标题生成网址名，请换一个标题。")
    slug = free_slug(slug, taken_slugs)
    path = docs_dir / section.id / f"{slug}.md"
    if path.exists():
        raise AuthoringError(f"文件 {path} 已经存在。")
    meta: dict = {"title": title, "slug": slug, "status": "draft"}
    meta["authors"] = [author for author in authors if author]
    if source:
        meta["source"] = source
    meta["editor"] = editor
    meta["tags"] = [tag for tag in tags if tag]
    meta["summary"] = ""
    write_article(path, meta, NEW_BODY)
    (docs_dir / section.id / slug).mkdir(exist_ok=True)  # the article's image folder
    return path


def typed_text(label: str, value: str) -> str:
    """A value typed on the command line as the article will hold it: refused (in Chinese, naming `label` and
    the character) when the reader would refuse it, without zero-width spaces and surrounding spaces."""
    if reason := text_problem(value):
        raise AuthoringError(f"{label}{reason}，写进文章后网站无法构建。请重新输入（这种字符看不见，"
                             "通常是从网页或聊天软件复制时带进来的）。")
    return clean_text(value)


def read_front(path: Path) -> FrontMatter:
    """The article as the build reads it (the reviews' fingerprints are of this)."""
    try:
        raw = path.read_bytes()
    except OSError:
        raise AuthoringError(f"无法读取文章文件 {path}：检查文件的读取权限，或是否被其他程序占用。") from None
    front, problems = read_front_matter(str(path), raw)
    if front is None:
        first = problems[0]
        raise AuthoringError(f"{first.location()}：{first.message}" + (f"\n提示：{first.hint}" if first.hint else ""))
    return front


def file_versions(docs_dir: Path, path: Path, front: FrontMatter) -> dict[str, str]:
    """The pictures and cover the article at `path` (inside `docs_dir`) shows, with their versions: part of
    the version a review records, as the build reads them (`reviews.FileVersions`)."""
    relative = path.resolve().relative_to(docs_dir.resolve()).as_posix()
    return shown_file_versions(front.data, front.body, relative, FileVersions(docs_dir.resolve()))


def review_state(front: FrontMatter, files: Mapping[str, str] | None = None) -> ReviewState:
    """The article's review records read against its current version (`files`: see `file_versions`)."""
    records = records_from(front.data.get("reviews"))
    if records is None:
        raise AuthoringError("审核记录（reviews）格式不对，无法在其后添加。请先运行 township-archive check 查看并改正。")
    return ReviewState(records, fingerprint(front.data, front.body, files))


def _status(front: FrontMatter) -> Status:
    return STATUS_WORDS.get(str(front.data.get("status", "draft")).strip(), Status.DRAFT)


def _reviewer(name: str) -> str:
    if reason := text_problem(name):
        raise AuthoringError(f"审核人姓名{reason}。请重新输入姓名。")
    name = " ".join(clean_text(name).split())
    if not name:
        raise AuthoringError("请用 --by 写明审核人姓名。")
    if reason := name_problem(name):
        raise AuthoringError(f"审核人姓名“{shown(name)}”{reason}。{NAME_HINT}")
    return name


def review_changes(front: FrontMatter, level: str, by: str, today: datetime,
                   files: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The front-matter changes that record one level of review (or the 历史稿件 mark) for this version.

    Levels go in order within a round, each by a different person (names compared by `person_key`);
    a published article is reviewed again only after its content changed, in a new round from 初审."""
    if level not in (*REVIEW_LEVELS, HISTORICAL):
        raise AuthoringError(f"审核级别只能是 {'、'.join(REVIEW_LEVELS)} 或 {HISTORICAL}，不能是“{level}”。")
    reviewer = _reviewer(by)
    state = review_state(front, files)
    status = _status(front)
    record = Review(level, reviewer, today.strftime("%Y-%m-%d"), state.current)
    if level == HISTORICAL:
        return {"reviews": [as_data(r) for r in (*_historical_allowed(state, status), record)]}

    following = state.next_level()
    if following is None and status is Status.PUBLISHED:
        raise AuthoringError("这篇文章已经发布，发布后内容没有改动，不需要再审核。")
    if following is None:
        raise AuthoringError("三审已经完成，内容也没有改动：可以用 township-archive publish 发布。")
    if level != following:
        done = next((r for r in state.round if r.level == level), None) if following != REVIEW_LEVELS[0] else None
        if done is not None:
            raise AuthoringError(f"{level}已经记录过（{describe(done, state.current)}）。下一步应当是{following}。")
        raise AuthoringError(f"请按顺序审核：下一步应当是{following}，不是{level}。")
    earlier = state.round if following != REVIEW_LEVELS[0] else ()
    for review in earlier:
        if person_key(review.by) == person_key(reviewer):
            same = "" if review.by == reviewer else f"（记录为“{review.by}”，姓名不分繁简、大小写和空格）"
            raise AuthoringError(f"{reviewer} 已经做过{review.level}{same}，三审必须由三个不同的人完成。")
    changes: dict[str, Any] = {"reviews": [as_data(r) for r in (*state.records, record)]}
    if status is not Status.PUBLISHED:  # a published article under review again stays where it is
        changes["status"] = "review"
    return changes


def _historical_allowed(state: ReviewState, status: Status) -> tuple[Review, ...]:
    """The records a 历史稿件 mark may follow (none); refused with the reason otherwise."""
    if status is not Status.PUBLISHED:
        raise AuthoringError(f"{HISTORICAL}只用于本站启用三审之前就已发布的文章（status: published）。新稿件请依次完成初审、复审、终审。")
    if state.historical is not None and not state.changed:
        raise AuthoringError(f"这篇文章已经标为{HISTORICAL}（{describe(state.historical, state.current)}）。")
    if state.records:
        raise AuthoringError(
            f"这篇文章已有审核记录，不能再标为{HISTORICAL}：标记之后的改动要经过初审、复审、终审。"
            "用 township-archive review 文章 --level 初审 --by 姓名 送审。"
        )
    return ()


def publish_changes(front: FrontMatter, now: datetime, use_now: bool, files: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Status published; the date written (by hand or by the import) stays unless `use_now`, and a
    draft without one gets `now`. The reviews are checked with everything else by the caller's validation.
    Nothing to change ({}) for an article already published whose current version passed 三审."""
    state = review_state(front, files)
    if state.historical is not None:
        raise AuthoringError(f"这篇文章标为{HISTORICAL}，不经过 publish：新稿件要完成初审、复审、终审后发布。")
    if _status(front) is Status.PUBLISHED:
        # Published stays published: a change approved by a new round goes out with the next build, date kept.
        if state.vouching is not None and not state.changed:
            return {}
        following = state.next_level() or REVIEW_LEVELS[0]
        raise AuthoringError(f"这篇文章已经发布，改动后的新版本还没有完成三审（下一步：{following}）。"
                             "完成初审、复审、终审后运行 make site 更新网站即可，不需要再 publish。")
    changes: dict[str, Any] = {"status": "published"}
    if use_now or not front.data.get("date"):
        changes["date"] = now.strftime("%Y-%m-%d %H:%M")
    return changes


def with_changes(front: FrontMatter, changes: dict[str, Any]) -> FrontMatter:
    """`front` as it will read once `changes` are written: what the publish command validates."""
    return FrontMatter({**front.data, **changes}, front.key_lines, front.body, front.body_line)


def rewrite(path: Path, changes: dict[str, Any]) -> None:
    """Write `changes` into the article's front matter, leaving the rest as staff wrote it."""
    meta, body = read_article(path)
    for key, value in changes.items():
        meta[key] = value
    write_article(path, meta, body)
