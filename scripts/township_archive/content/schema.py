"""The article front-matter schema and its validation.

`FIELDS` is the one description of what staff may write; the handbook's field
table and `township-archive fields` are made from it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from ..problems import Problem, Severity
from ..safe_url import url_problem
from .frontmatter import FrontMatter, clean_text, key_text, shown, text_problem, without_unsafe
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

_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d %H:%M", "%Y/%m/%d",
    "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
)
_CHINESE_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日(?:\s*(\d{1,2})[:：](\d{2}))?$")
_WITH_ZONE = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$")
_LIST_SEPARATORS = re.compile(r"[，,、；;]\s*")

# Dates staff write are the site's local time (北京时间), without a zone. The range keeps every
# date a non-negative 32-bit Unix time in any zone: SOURCE_DATE_EPOCH, file and feed timestamps.
EARLIEST_DATE = datetime(1970, 1, 2)
LATEST_DATE = datetime(2106, 2, 6, 23, 59, 59)
BEIJING = timezone(timedelta(hours=8))


def parse_date(value: Any) -> datetime | None:
    """Accept what staff write: YAML dates, ISO strings, 2024年5月1日. Always naive local time, or None.

    A time with a zone (`2024-05-01T10:00:00+08:00`, `...Z`) is not accepted here; see `zoned_date`."""
    if isinstance(value, datetime):
        return value if value.tzinfo is None else None
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


def zoned_date(value: Any) -> datetime | None:
    """`value` when it is a date-time with a time zone (ISO 8601 with an offset or Z), else None."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else None
    if not isinstance(value, str) or not _WITH_ZONE.match(value.strip()):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def as_text(value: Any) -> str | None:
    """A text field's value as text: strings and numbers; None for anything else."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return str(value)
        except ValueError:  # an integer with thousands of digits
            return None
    return None


class _Checker:
    """Collects problems for one file while the fields are read."""

    def __init__(self, path: str, front: FrontMatter):
        self.path = path
        self.front = front
        self.problems: list[Problem] = []

    def error(self, key: str, code: str, message: str, hint: str = "") -> None:
        """`key` may name a sub-field (rights.license_url, reviews.0): its own line is used when known."""
        self.problems.append(Problem(self.path, self.front.line_of(key), code, message, hint))

    def warn(self, key: str, code: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.path, self.front.line_of(key), code, message, hint, Severity.WARNING))

    def clean(self, key: str, label: str, value: str) -> str | None:
        """`value` without stray zero-width characters, or None (and an error) when it holds characters
        that may not be published. `parse` refuses those already; this guards direct callers."""
        if reason := text_problem(value):
            self.error(key, "control-character", f"{label}{reason}。", "删除这个字符（通常是从网页或 Word 复制时带进来的）。")
            return None
        return clean_text(value)

    def text(self, key: str) -> str:
        value = self.front.data.get(key)
        if value is None:
            return ""
        text = as_text(value)
        if text is None:
            self.error(key, "bad-type", f"字段 {key}（{FIELDS[key].label}）应当是一段文字。", f"示例：{FIELDS[key].example}")
            return ""
        return self.clean(key, f"字段 {key}（{FIELDS[key].label}）", text) or ""

    def text_list(self, key: str) -> tuple[str, ...]:
        value = self.front.data.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            items: list[str | None] = list(_LIST_SEPARATORS.split(value))
        elif isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
            items = [as_text(v) for v in value]
        else:
            items = [None]
        if any(item is None for item in items):
            self.error(key, "bad-type", f"字段 {key}（{FIELDS[key].label}）应当是文字列表。", f"示例：{FIELDS[key].example}")
            return ()
        cleaned = [self.clean(key, f"字段 {key}（{FIELDS[key].label}）", item) for item in items if item]
        return tuple(dict.fromkeys(item for item in cleaned if item))

    def date(self, key: str) -> datetime | None:
        value = self.front.data.get(key)
        if value is None:
            return None
        label = f"字段 {key}（{FIELDS[key].label}）"
        if (zoned := zoned_date(value)) is not None:
            local = zoned.astimezone(BEIJING) if EARLIEST_DATE.year < zoned.year < LATEST_DATE.year else zoned
            self.error(
                key, "date-with-zone", f"{label}带有时区（{shown(value)}），本站的日期不写时区。",
                f"去掉末尾的时区（Z、+08:00 等），直接写北京时间，例如 {key}: {local:%Y-%m-%d %H:%M}"
                "（Z 表示世界标准时间，比北京时间晚 8 小时）。",
            )
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.error(
                key, "bad-date", f"{label}不是有效的日期：{shown(value)}。",
                "请写成 2024-05-01 或 2024-05-01 09:30 的形式，月、日要真实存在。",
            )
        elif not EARLIEST_DATE <= parsed <= LATEST_DATE:
            self.error(
                key, "date-out-of-range", f"{label}的年份 {parsed.year} 超出了可用范围。",
                "日期只能在 1970年1月2日 到 2106年2月6日 之间；检查年份是否写错。",
            )
            return None
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
            check.error(key, "unknown-field", f"未知字段 {shown(key)}。", _suggest(key, list(FIELDS)))

    title = check.text("title")
    if not title and (data.get("title") is None or isinstance(data.get("title"), str)):
        check.error("title", "missing-field", "缺少标题（title）。", f"在头信息中加一行，例如 {FIELDS['title'].example}")

    status_value = data.get("status", "draft")
    status_text = as_text(status_value)
    status = STATUS_WORDS.get(status_text.strip()) if status_text is not None else None
    if status is None:
        check.error(
            "status", "bad-status", f"状态（status）写成了 {shown(status_value)}，无法识别。",
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
                "section", "unknown-section", f"没有名为“{shown(declared)}”的栏目。",
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
                "slug", "bad-slug", f"网址名（slug）“{shown(slug)}”不合格。",
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
        if not slug and not check.problems:  # e.g. a title of only punctuation: the article would vanish silently
            check.error(
                "slug", "no-slug", f"无法从标题“{shown(title)}”生成网址名。",
                "在头信息中加一行 slug: 网址名（小写字母、数字和连字符），例如 slug: ce-shi-wen-zhang",
            )

    cover = check.text("cover")
    cover_path = None
    if cover:
        folder = source_path.rsplit("/", 1)[0]
        cover_path = _normalise(f"{folder}/{cover}")
        if cover_path is None or not file_exists(cover_path):
            check.error(
                "cover", "missing-cover", f"封面图文件不存在：{shown(cover)}。",
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
    for number, entry in enumerate(value):
        where = f"reviews.{number}"
        by = as_text(entry.get("by")) if isinstance(entry, dict) else None
        day = as_text(entry.get("date") or "") if isinstance(entry, dict) else None
        level = entry.get("level") if isinstance(entry, dict) else None
        if not isinstance(level, str) or level not in REVIEW_LEVELS or by is None or day is None:
            check.error(where, "bad-reviews", f"审核记录中有一条无法识别：{shown(entry)}。", hint)
            continue
        by, day = check.clean(where, "审核记录的审核人", by), check.clean(where, "审核记录的日期", day)
        if by is None or day is None:  # characters that may not be published; reported by `clean`
            continue
        if not by:
            check.error(where, "bad-reviews", f"审核记录中有一条无法识别：{shown(entry)}。", hint)
            continue
        reviews.append(Review(level, by, day))
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
        where = f"rights.{key_text(key)}"
        text = as_text(item) if not isinstance(item, float) else None
        if key not in RIGHTS_FIELDS:
            check.error(where, "unknown-field", f"版权信息中有未知子字段 {shown(key)}。", _suggest(shown(key), list(RIGHTS_FIELDS)))
        elif text is None:
            check.error(where, "bad-type", f"版权信息的 {key}（{RIGHTS_FIELDS[key]}）应当是一段文字。")
        elif (cleaned := check.clean(where, f"版权信息的 {key}（{RIGHTS_FIELDS[key]}）", text)) is not None:
            values[key] = cleaned
    # Both links point to other sites (a licence's deed, the original article) and go into JSON-LD,
    # which needs absolute addresses: http(s) only. The rule itself is `safe_url.url_problem`.
    for url_key in ("license_url", "original_url"):
        if values.get(url_key) and (reason := url_problem(values[url_key], relative=False, mailto=False)):
            check.error(
                f"rights.{url_key}", "bad-url", f"版权信息的 {url_key}（{RIGHTS_FIELDS[url_key]}）不能使用：{reason}",
                "写完整的网址，以 https:// 或 http:// 开头，例如 https://creativecommons.org/licenses/by/4.0/",
            )
            del values[url_key]
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


# Markdown and HTML to leave out of a summary: images, links (their text stays), comments (to their own
# `-->`, not to any `>`), tag-shaped markup only, line-start markers (headings, quotes, list items),
# emphasis and table bars; `>` and `-` in prose (‹简报>, 2024-05) stay.
_MARKUP = re.compile(
    r"!\[[^\]]*\]\([^)]*\)|\[([^\]]*)\]\([^)]*\)|<!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"
    r"|^[ \t]*(?:[#>]+|[-*+]|\d+\.)[ \t]+|[*_`|~]+|-{2,}",
    re.DOTALL | re.MULTILINE,
)


def plain_text(markdown: str) -> str:
    # Control characters are reported by `parse` (body_problems); they never reach a summary or a feed.
    text = without_unsafe(_MARKUP.sub(lambda m: m.group(1) or " ", markdown))
    return clean_text(re.sub(r"\s+", " ", text))


def count_characters(markdown: str) -> int:
    return len(re.sub(r"\s", "", plain_text(markdown)))


def excerpt(markdown: str, limit: int = 100) -> str:
    text = plain_text(markdown)
    return text if len(text) <= limit else text[:limit].rstrip() + "……"
