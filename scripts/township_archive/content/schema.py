"""The article front-matter schema and its validation.

`FIELDS` is the one description of what staff may write; the handbook's field
table and `township-archive fields` are made from it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..problems import Problem, Severity
from .frontmatter import FrontMatter
from .model import REVIEW_LEVELS, Article, Review, RightsOverride, Section, Status
from .slugs import is_valid_slug, pinyin_slug


@dataclass(frozen=True)
class FieldSpec:
    label: str
    kind: str  # shown to staff: 文字 / 日期 / 列表 / ...
    required: str  # 必填 / 发布时必填 / 选填
    help: str
    example: str


FIELDS: dict[str, FieldSpec] = {
    "title": FieldSpec("标题", "文字", "必填", "文章标题，显示在页面顶部和列表中。", "title: 曲樟乡党建引领乡村治理纪实"),
    "date": FieldSpec(
        "发布时间", "日期或日期时间", "发布时必填",
        "文章的发布时间（北京时间）。可写 2024-05-01、2024-05-01 09:30 或 2024年5月1日。",
        "date: 2024-05-01 09:30",
    ),
    "updated": FieldSpec("更新时间", "日期或日期时间", "选填", "文章修改后的时间，不得早于发布时间。", "updated: 2024-05-08"),
    "authors": FieldSpec("作者", "文字或列表", "发布时必填", "作者姓名；多位作者写成列表。", "authors: [张三, 李四]"),
    "source": FieldSpec(
        "来源", "文字", "选填", "稿件来源；不写时用网站配置中的默认来源（本站）。转载稿写原发媒体。", "source: 北海日报"
    ),
    "editor": FieldSpec("责任编辑", "文字", "发布时必填", "对本文负责的编辑姓名。", "editor: 王五"),
    "section": FieldSpec(
        "栏目", "文字", "选填", "所属栏目，可写栏目名或栏目文件夹名；不写时由文件所在的栏目文件夹决定，写了则必须一致。",
        "section: 党建成果",
    ),
    "tags": FieldSpec("标签", "列表", "选填", "主题标签，用于“标签”页和搜索。", "tags: [基层党建, 网格化治理]"),
    "villages": FieldSpec("涉及村庄", "列表", "选填", "文中提到的村庄名称。", "villages: [示例村]"),
    "summary": FieldSpec(
        "摘要", "文字", "选填", "一两句话概括全文（建议 120 字以内），显示在栏目列表和分享卡片中；不写时取正文开头。",
        "summary: 曲樟乡以网格为单元……",
    ),
    "cover": FieldSpec(
        "封面图", "文件路径", "选填", "封面图片，路径相对于本文件，文件必须存在。", "cover: dangjian-wangge/cover.jpg"
    ),
    "photographer": FieldSpec(
        "摄影", "文字", "选填",
        "本文图片的作者（摄影），显示在图片说明中并写入图片文件；不写时署名网站版权方。单张图片可用同名说明文件另行指定（见手册）。",
        "photographer: 张三",
    ),
    "slug": FieldSpec(
        "网址名", "小写字母、数字和连字符", "发布时必填",
        "文章网址的最后一段。不写时由标题拼音生成；发布后固定不变，改标题不改网址。全站不得重复。",
        "slug: dang-jian-yin-ling-xiang-cun-zhi-li",
    ),
    "aliases": FieldSpec(
        "旧网址名", "列表", "选填",
        "发布后万一改了网址名，把以前的网址名写在这里，旧网址会自动跳转到新网址，媒体引用的旧链接不会失效。"
        "文章换了栏目时写成 旧栏目文件夹/旧网址名。",
        "aliases: [old-slug, dangjian/old-slug]",
    ),
    "reviews": FieldSpec(
        "审核记录", "列表", "自动填写",
        "三审记录：每一级（初审、复审、终审）的审核人和日期，由 review 命令写入，不要手改。发布前三级须由三个不同的人完成。",
        "reviews: [{level: 初审, by: 张三, date: 2025-03-20}]",
    ),
    "status": FieldSpec(
        "状态", "draft / review / published", "选填",
        "draft（草稿，默认）、review（待审）、published（已发布）。只有已发布的文章会出现在网站上；"
        "请用 review、publish 命令改状态，不要手改。",
        "status: published",
    ),
    "rights": FieldSpec(
        "版权信息", "字段组", "选填",
        "覆盖网站默认的版权声明。可用子字段：holder（版权方）、notice（声明文字）、license（许可协议名）、"
        "license_url（协议链接）、original_title（原标题）、original_source（原发媒体）、original_url（原文链接）、"
        "original_author（原作者）。",
        "rights: {holder: 北海日报社, original_source: 北海日报}",
    ),
}

RIGHTS_FIELDS = {
    "holder": "版权方",
    "notice": "声明文字",
    "license": "许可协议名",
    "license_url": "许可协议链接",
    "original_title": "原标题",
    "original_source": "原发媒体",
    "original_url": "原文链接",
    "original_author": "原作者",
}

STATUS_WORDS = {
    "draft": Status.DRAFT,
    "草稿": Status.DRAFT,
    "review": Status.REVIEW,
    "审核中": Status.REVIEW,
    "待审": Status.REVIEW,
    "published": Status.PUBLISHED,
    "已发布": Status.PUBLISHED,
}

_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d %H:%M", "%Y/%m/%d")
_CHINESE_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日(?:\s*(\d{1,2})[:：](\d{2}))?$")
_LIST_SEPARATORS = re.compile(r"[，,、；;]\s*")


def parse_date(value: Any) -> datetime | None:
    """Accept what staff write: YAML dates, ISO strings, 2024年5月1日."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if not isinstance(value, str):
        return None
    text = value.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    if match := _CHINESE_DATE.match(text):
        year, month, day, hour, minute = (int(g) if g else 0 for g in match.groups())
        try:
            return datetime(year, month, day, hour, minute)
        except ValueError:
            return None
    return None


class _Checker:
    """Collects problems for one file while the fields are read."""

    def __init__(self, path: str, front: FrontMatter):
        self.path = path
        self.front = front
        self.problems: list[Problem] = []

    def error(self, key: str, code: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.path, self.front.line_of(key), code, message, hint))

    def warn(self, key: str, code: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.path, self.front.line_of(key), code, message, hint, Severity.WARNING))

    def text(self, key: str) -> str:
        value = self.front.data.get(key)
        if value is None:
            return ""
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value).strip()
        self.error(key, "bad-type", f"字段 {key}（{FIELDS[key].label}）应当是一段文字。", f"示例：{FIELDS[key].example}")
        return ""

    def text_list(self, key: str) -> tuple[str, ...]:
        value = self.front.data.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            items = _LIST_SEPARATORS.split(value)
        elif isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
            items = [str(v) for v in value]
        else:
            self.error(key, "bad-type", f"字段 {key}（{FIELDS[key].label}）应当是文字列表。", f"示例：{FIELDS[key].example}")
            return ()
        cleaned = [item.strip() for item in items if item and item.strip()]
        return tuple(dict.fromkeys(cleaned))

    def date(self, key: str) -> datetime | None:
        value = self.front.data.get(key)
        if value is None:
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.error(
                key, "bad-date", f"字段 {key}（{FIELDS[key].label}）不是有效的日期：{value!s}。",
                "请写成 2024-05-01 或 2024-05-01 09:30 的形式，月、日要真实存在。",
            )
        return parsed


def _suggest(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if close:
        return f"是不是想写 {close[0]}？"
    return "可用的字段有：" + "、".join(known)


def _find_section(value: str, sections: list[Section]) -> Section | None:
    for section in sections:
        if value in (section.id, section.title):
            return section
    return None


def validate_article(
    path: str,
    source_path: str,
    front: FrontMatter,
    folder_section: Section,
    sections: list[Section],
    file_exists: Callable[[str], bool],
    default_source: str,
) -> tuple[Article | None, list[Problem]]:
    """Check one article's front matter and build its `Article`.

    `path` is what problems report (relative to the project), `source_path`
    is relative to docs/, `file_exists` answers for docs/-relative paths.
    """
    check = _Checker(path, front)
    data = front.data

    for key in data:
        if key not in FIELDS:
            check.error(key, "unknown-field", f"未知字段 {key}。", _suggest(key, list(FIELDS)))

    title = check.text("title")
    if not str(data.get("title") or "").strip():
        check.error("title", "missing-field", "缺少标题（title）。", f"在头信息中加一行，例如 {FIELDS['title'].example}")

    status_value = data.get("status", "draft")
    status = STATUS_WORDS.get(str(status_value).strip()) if status_value is not None else None
    if status is None:
        check.error(
            "status", "bad-status", f"状态（status）写成了 {status_value!s}，无法识别。",
            "只能是 draft（草稿）、review（待审）或 published（已发布）。",
        )
        status = Status.DRAFT
    publishing = status is Status.PUBLISHED

    section = folder_section
    declared = check.text("section")
    if declared:
        found = _find_section(declared, sections)
        if found is None:
            check.error(
                "section", "unknown-section", f"没有名为“{declared}”的栏目。",
                "可用的栏目：" + "、".join(f"{s.title}（{s.id}）" for s in sections),
            )
        elif found != folder_section:
            check.error(
                "section", "section-mismatch",
                f"栏目写的是“{found.title}”，但文件放在“{folder_section.title}”的文件夹（docs/{folder_section.id}/）里。",
                f"把文件移到 docs/{found.id}/，或删掉 section 这一行。",
            )

    published_at = check.date("date")
    updated = check.date("updated")
    if publishing and "date" not in data:
        check.error("date", "missing-field", "已发布的文章缺少发布时间（date）。", f"在头信息中加一行，例如 {FIELDS['date'].example}")
    if published_at and updated and updated < published_at:
        check.error("updated", "updated-before-date", "更新时间早于发布时间。", "检查两个日期是否写反。")

    authors = check.text_list("authors")
    if publishing and not data.get("authors"):
        check.error("authors", "missing-field", "已发布的文章缺少作者（authors）。", f"在头信息中加一行，例如 {FIELDS['authors'].example}")

    editor = check.text("editor")
    if publishing and not editor:
        check.error("editor", "missing-field", "已发布的文章缺少责任编辑（editor）。", f"在头信息中加一行，例如 {FIELDS['editor'].example}")

    slug = check.text("slug")
    if slug:
        if not is_valid_slug(slug):
            check.error(
                "slug", "bad-slug", f"网址名（slug）“{slug}”不合格。",
                f"只能用小写字母、数字和连字符，且不超过 80 个字符，例如 {pinyin_slug(title or '示例标题')}。",
            )
            slug = ""
    elif publishing:
        suggestion = pinyin_slug(title) if title else "..."
        check.error(
            "slug", "slug-not-fixed", "已发布的文章必须写明网址名（slug），发布后网址不再随标题变化。",
            f"在头信息中加一行：slug: {suggestion}",
        )
    if not slug and title:
        slug = pinyin_slug(title)

    cover = check.text("cover")
    cover_path = None
    if cover:
        folder = source_path.rsplit("/", 1)[0]
        cover_path = _normalise(f"{folder}/{cover}")
        if cover_path is None or not file_exists(cover_path):
            check.error(
                "cover", "missing-cover", f"封面图文件不存在：{cover}。",
                "路径相对于本文章文件，例如图片放在同名文件夹里就写 cover: 文章文件名/cover.jpg；注意大小写和扩展名。",
            )
            cover_path = None

    rights = _rights(check)
    aliases = _aliases(check, sections)
    reviews = _reviews(check)

    summary = check.text("summary")
    if len(summary) > 200:
        check.warn("summary", "long-summary", f"摘要有 {len(summary)} 个字，过长。", "摘要建议在 120 字以内。")

    tags = check.text_list("tags")
    villages = check.text_list("villages")
    source = check.text("source") or default_source
    photographer = check.text("photographer")

    if any(p.is_error for p in check.problems) or not title or not slug:
        return None, check.problems

    body = front.body
    article = Article(
        source_path=source_path,
        section=section,
        title=title,
        slug=slug,
        status=status,
        date=published_at,
        updated=updated,
        authors=authors,
        source=source,
        editor=editor,
        tags=tags,
        villages=villages,
        summary=summary or excerpt(body),
        cover=cover_path,
        rights=rights,
        photographer=photographer,
        aliases=aliases,
        reviews=reviews,
        body_chars=count_characters(body),
        body=body,
        body_line=front.body_line,
    )
    return article, check.problems


def _reviews(check: _Checker) -> tuple[Review, ...]:
    value = check.front.data.get("reviews")
    if value is None:
        return ()
    hint = "审核记录由 township-archive review 命令写入，请用命令重新记录，不要手改。"
    if not isinstance(value, list):
        check.error("reviews", "bad-reviews", "审核记录（reviews）格式不对。", hint)
        return ()
    reviews = []
    for entry in value:
        if not isinstance(entry, dict) or entry.get("level") not in REVIEW_LEVELS or not str(entry.get("by") or "").strip():
            check.error("reviews", "bad-reviews", f"审核记录中有一条无法识别：{entry!s}。", hint)
            continue
        reviews.append(Review(entry["level"], str(entry["by"]).strip(), str(entry.get("date") or "")))
    return tuple(reviews)


def _aliases(check: _Checker, sections: list[Section]) -> tuple[str, ...]:
    aliases = check.text_list("aliases")
    for alias in aliases:
        folder, _, slug = alias.rpartition("/")
        if not is_valid_slug(slug) or (folder and folder not in {s.id for s in sections}):
            check.error(
                "aliases", "bad-alias", f"旧网址名“{alias}”不合格。",
                "写以前用过的网址名（小写字母、数字、连字符），或 栏目文件夹/网址名，例如 dangjian/old-slug。",
            )
    return aliases


def _rights(check: _Checker) -> RightsOverride:
    value = check.front.data.get("rights")
    if value is None:
        return RightsOverride()
    if not isinstance(value, dict):
        check.error("rights", "bad-type", "版权信息（rights）应当是一组子字段。", f"示例：{FIELDS['rights'].example}")
        return RightsOverride()
    values: dict[str, str] = {}
    for key, item in value.items():
        if key not in RIGHTS_FIELDS:
            check.error("rights", "unknown-field", f"版权信息中有未知子字段 {key}。", _suggest(str(key), list(RIGHTS_FIELDS)))
        elif not isinstance(item, (str, int)) or isinstance(item, bool):
            check.error("rights", "bad-type", f"版权信息的 {key}（{RIGHTS_FIELDS[key]}）应当是一段文字。")
        else:
            values[key] = str(item).strip()
    for url_key in ("license_url", "original_url"):
        if url_key in values and not values[url_key].startswith(("http://", "https://")):
            check.error("rights", "bad-url", f"版权信息的 {url_key} 不是网址：{values[url_key]}。", "网址以 https:// 或 http:// 开头。")
    return RightsOverride(**values)


def _normalise(path: str) -> str | None:
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


_MARKUP = re.compile(r"!\[[^\]]*\]\([^)]*\)|\[([^\]]*)\]\([^)]*\)|<[^>]+>|[#>*_`|~-]+")


def plain_text(markdown: str) -> str:
    return re.sub(r"\s+", " ", _MARKUP.sub(lambda m: m.group(1) or " ", markdown)).strip()


def count_characters(markdown: str) -> int:
    return len(re.sub(r"\s", "", plain_text(markdown)))


def excerpt(markdown: str, limit: int = 100) -> str:
    text = plain_text(markdown)
    return text if len(text) <= limit else text[:limit].rstrip() + "……"
