"""New articles and the 三审 workflow: 初审, 复审, 终审 by three different people, then publish."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ..content.model import REVIEW_LEVELS, Section
from ..content.slugs import free_slug, pinyin_slug
from .editing import AuthoringError, write_article

NEW_BODY = "（在这里写正文。第一段概括全文；小标题用 ## 开头；图片放在同名文件夹里，用 ![图片说明](文件夹/图片.jpg) 引用。）\n"


def new_article(
    docs_dir: Path, section: Section, title: str, today: datetime, taken_slugs: set[str],
    authors: list[str] | None = None, source: str = "", tags: list[str] | None = None,
) -> Path:
    title = title.strip()
    if not title:
        raise AuthoringError("标题不能为空。")
    slug = pinyin_slug(title)
    if not slug:
        raise AuthoringError("无法从标题生成网址名，请换一个标题。")
    slug = free_slug(slug, taken_slugs)
    path = docs_dir / section.id / f"{slug}.md"
    if path.exists():
        raise AuthoringError(f"文件 {path} 已经存在。")
    meta: dict = {"title": title, "slug": slug, "status": "draft", "date": today.strftime("%Y-%m-%d %H:%M")}
    meta["authors"] = list(authors or [])
    if source:
        meta["source"] = source
    meta["editor"] = ""
    meta["tags"] = list(tags or [])
    meta["summary"] = ""
    write_article(path, meta, NEW_BODY)
    (docs_dir / section.id / slug).mkdir(exist_ok=True)  # the article's image folder
    return path


def record_review(meta: dict, level: str, reviewer: str, today: datetime) -> dict:
    """Add one level of review; levels go in order and each needs a different person."""
    reviewer = reviewer.strip()
    if level not in REVIEW_LEVELS:
        raise AuthoringError(f"审核级别只能是 {'、'.join(REVIEW_LEVELS)}，不能是“{level}”。")
    if not reviewer:
        raise AuthoringError("请用 --by 写明审核人姓名。")
    if str(meta.get("status", "draft")) == "published":
        raise AuthoringError("这篇文章已经发布，不需要再审核。")
    reviews = [dict(r) for r in meta.get("reviews") or []]
    done = [r.get("level") for r in reviews]
    expected = REVIEW_LEVELS[len(done)] if len(done) < len(REVIEW_LEVELS) else None
    if level in done:
        raise AuthoringError(f"{level}已经记录过（审核人：{next(r['by'] for r in reviews if r.get('level') == level)}）。")
    if level != expected:
        raise AuthoringError(f"请按顺序审核：下一步应当是{expected}，不是{level}。")
    same = [r for r in reviews if str(r.get("by", "")).strip() == reviewer]
    if same:
        raise AuthoringError(f"{reviewer} 已经做过{same[0]['level']}，三审必须由三个不同的人完成。")
    reviews.append({"level": level, "by": reviewer, "date": today.strftime("%Y-%m-%d")})
    meta = dict(meta)
    meta["reviews"] = reviews
    meta["status"] = "review"
    return meta


def publish(meta: dict, now: datetime) -> dict:
    """Refuse without 初审, 复审 and 终审 by three different people; then fix the slug and the date."""
    reviews = meta.get("reviews") or []
    levels = {r.get("level"): str(r.get("by", "")).strip() for r in reviews if isinstance(r, dict)}
    missing = [level for level in REVIEW_LEVELS if not levels.get(level)]
    if missing:
        raise AuthoringError(f"不能发布：还缺少{'、'.join(missing)}。请先用 review 命令记录审核。")
    if len({levels[level] for level in REVIEW_LEVELS}) < len(REVIEW_LEVELS):
        raise AuthoringError("不能发布：初审、复审、终审必须由三个不同的人完成。")
    meta = dict(meta)
    meta["status"] = "published"
    meta["date"] = now.strftime("%Y-%m-%d %H:%M")
    if not meta.get("slug"):
        meta["slug"] = pinyin_slug(str(meta.get("title", "")))
    return meta
