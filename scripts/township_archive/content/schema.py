"""The article front-matter schema and its validation.

`FIELDS` is the one description of what staff may write: each field's name, how its value
is read (`FieldType`), the `Article` attribute it fills, whether it is required, and its
Chinese label, help and example. Validation reads every field with its type's reader, then
applies the required rules and the rules that involve several fields (`validate_article`).
The handbook's field table (`fields_markdown`, `township-archive fields --markdown`) and the
terminal's (`township-archive fields`) are made from the same table.
"""

from __future__ import annotations

import difflib
import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..dates import BEIJING, EARLIEST_DATE, LATEST_DATE, parse_date, zoned_date
from ..hanzi import name_problem
from ..problems import Problem, Severity
from ..safe_url import url_problem
from .frontmatter import INVISIBLE_CHARACTERS, FrontMatter, clean_text, key_text, shown, text_problem, without_unsafe
from .lists import ListReading, read_list
from .model import HISTORICAL, REVIEW_LEVELS, Article, Review, RightsOverride, Section, Status, find_section, section_choices
from .readiness import Stage, readiness_problems
from .reviews import NAME_HINT, ReviewState, fingerprint, shown_file_versions
from .slugs import is_valid_slug, pinyin_slug


class FieldType(enum.Enum):
    """How a field's value is read; `words` is how the handbook's 写法 column names it."""

    TEXT = ("text", "文字")
    TEXT_LIST = ("text-list", "列表")  # a YAML list, or one text with 、，; between the items
    DATE = ("date", "日期或日期时间")
    STATUS = ("status", "draft / review / published")
    SECTION = ("section", "文字")  # a section's title or folder name
    SLUG = ("slug", "小写字母、数字和连字符")
    ALIASES = ("aliases", "列表")  # slugs, or section/slug
    PATH = ("path", "文件路径")  # relative to the article file; the file must exist
    REVIEWS = ("reviews", "列表")  # written by the review command
    RIGHTS = ("rights", "字段组")  # the sub-fields of RIGHTS_FIELDS

    def __init__(self, key: str, words: str):
        self.key, self.words = key, words


class Requirement(enum.Enum):
    ALWAYS = "必填"
    WHEN_PUBLISHED = "发布时必填"
    OPTIONAL = "选填"
    AUTOMATIC = "自动填写"  # written by a command, never by hand


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: FieldType
    attr: str  # the `Article` attribute the value fills
    requirement: Requirement
    label: str
    help: str
    example: str
    written: str = ""  # how to write it, when the type's own words say too little

    @property
    def kind(self) -> str:
        """How staff write the value (the handbook's 写法 column)."""
        return self.written or self.type.words

    @property
    def required(self) -> str:
        return self.requirement.value


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

_T, _R = FieldType, Requirement
# In the handbook's order. Every field is read by its type's reader (`_READERS`), in this order.
FIELDS: dict[str, FieldSpec] = {spec.name: spec for spec in (
    FieldSpec("title", _T.TEXT, "title", _R.ALWAYS, "标题", "文章标题，显示在页面顶部和列表中。", "title: 曲樟乡党建引领乡村治理纪实"),
    FieldSpec(
        "date", _T.DATE, "date", _R.WHEN_PUBLISHED, "发布时间",
        "文章的发布时间（北京时间）。可写 2024-05-01、2024-05-01 09:30 或 2024年5月1日。", "date: 2024-05-01 09:30",
    ),
    FieldSpec("updated", _T.DATE, "updated", _R.OPTIONAL, "更新时间", "文章修改后的时间，不得早于发布时间。", "updated: 2024-05-08"),
    FieldSpec(
        "authors", _T.TEXT_LIST, "authors", _R.WHEN_PUBLISHED, "作者", "作者姓名；多位作者写成列表。", "authors: [张三, 李四]",
        written="文字或列表",
    ),
    FieldSpec(
        "source", _T.TEXT, "source", _R.OPTIONAL, "来源",
        "稿件来源；不写时用网站配置中的默认来源（本站）。转载稿写原发媒体。", "source: 北海日报",
    ),
    FieldSpec("editor", _T.TEXT, "editor", _R.WHEN_PUBLISHED, "责任编辑", "对本文负责的编辑姓名。", "editor: 王五"),
    FieldSpec(
        "section", _T.SECTION, "section", _R.OPTIONAL, "栏目",
        "所属栏目，可写栏目名或栏目文件夹名；不写时由文件所在的栏目文件夹决定，写了则必须一致。", "section: 党建成果",
    ),
    FieldSpec("tags", _T.TEXT_LIST, "tags", _R.OPTIONAL, "标签", "主题标签，用于“标签”页和搜索。", "tags: [基层党建, 网格化治理]"),
    FieldSpec("villages", _T.TEXT_LIST, "villages", _R.OPTIONAL, "涉及村庄", "文中提到的村庄名称。", "villages: [示例村]"),
    FieldSpec(
        "summary", _T.TEXT, "summary", _R.OPTIONAL, "摘要",
        "一两句话概括全文（建议 120 字以内），显示在栏目列表和分享卡片中；不写时取正文开头。", "summary: 曲樟乡以网格为单元……",
    ),
    FieldSpec(
        "cover", _T.PATH, "cover", _R.OPTIONAL, "封面图", "封面图片，路径相对于本文件，文件必须存在。", "cover: dangjian-wangge/cover.jpg",
    ),
    FieldSpec(
        "photographer", _T.TEXT, "photographer", _R.OPTIONAL, "摄影",
        "本文图片的作者（摄影），显示在图片说明中并写入图片文件；不写时署名网站版权方。单张图片可用同名说明文件另行指定（见手册）。",
        "photographer: 张三",
    ),
    FieldSpec(
        "slug", _T.SLUG, "slug", _R.WHEN_PUBLISHED, "网址名",
        "文章网址的最后一段。不写时由标题拼音生成；发布后固定不变，改标题不改网址。全站不得重复。",
        "slug: dang-jian-yin-ling-xiang-cun-zhi-li",
    ),
    FieldSpec(
        "aliases", _T.ALIASES, "aliases", _R.OPTIONAL, "旧网址名",
        "发布后万一改了网址名，把以前的网址名写在这里，旧网址会自动跳转到新网址，媒体引用的旧链接不会失效。"
        "文章换了栏目时写成 旧栏目文件夹/旧网址名。",
        "aliases: [old-slug, dangjian/old-slug]",
    ),
    FieldSpec(
        "reviews", _T.REVIEWS, "reviews", _R.AUTOMATIC, "审核记录",
        "三审记录：每一级（初审、复审、终审）的审核人、日期和所审版本的指纹，由 review 命令写入，不要手改。"
        "发布前三级须由三个不同的人完成，终审后内容不能再改。本站启用三审之前已发布的旧稿标为“历史稿件”（review 命令的 --level 历史稿件）。",
        "reviews: [{level: 初审, by: 张三, date: 2025-03-20, fingerprint: 3f0c…}]",
    ),
    FieldSpec(
        "status", _T.STATUS, "status", _R.OPTIONAL, "状态",
        "draft（草稿，默认）、review（待审）、published（已发布）。只有已发布的文章会出现在网站上；"
        "请用 review、publish 命令改状态，不要手改。",
        "status: published",
    ),
    FieldSpec(
        "rights", _T.RIGHTS, "rights", _R.OPTIONAL, "版权信息",
        "覆盖网站默认的版权声明。可用子字段：" + "、".join(f"{key}（{label}）" for key, label in RIGHTS_FIELDS.items()) + "。",
        "rights: {holder: 北海日报社, original_source: 北海日报}",
    ),
)}
del _T, _R

STATUS_WORDS = {
    "draft": Status.DRAFT,
    "草稿": Status.DRAFT,
    "review": Status.REVIEW,
    "审核中": Status.REVIEW,
    "待审": Status.REVIEW,
    "published": Status.PUBLISHED,
    "已发布": Status.PUBLISHED,
}

LONG_SUMMARY = 200  # characters; the help advises 120

# ---------------------------------------------------------------------------------------------
# The handbook's field table.

FIELDS_START = "<!-- fields:start -->"
FIELDS_END = "<!-- fields:end -->"
_COLUMNS = ("字段", "含义", "写法", "是否必填", "说明", "示例")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def fields_markdown() -> str:
    """The handbook's field table, one row per field of `FIELDS` (ends with a newline)."""
    rows = ["| " + " | ".join(_COLUMNS) + " |", "|" + " --- |" * len(_COLUMNS)]
    for spec in FIELDS.values():
        cells = (f"`{spec.name}`", spec.label, spec.kind, spec.required, spec.help, f"`{spec.example}`")
        rows.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return "\n".join(rows) + "\n"


def handbook_with_fields(handbook: str) -> str:
    """`handbook` with the text between FIELDS_START and FIELDS_END replaced by `fields_markdown()`."""
    start, end = handbook.find(FIELDS_START), handbook.find(FIELDS_END)
    if start < 0 or end < start:
        raise ValueError(f"the handbook has no {FIELDS_START} … {FIELDS_END} markers")
    return handbook[: start + len(FIELDS_START)] + "\n" + fields_markdown() + handbook[end:]


# ---------------------------------------------------------------------------------------------
# Reading the fields.

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
    """Reads one file's fields and collects their problems; knows the file's place in the archive."""

    def __init__(
        self,
        path: str,
        front: FrontMatter,
        source_path: str,
        folder_section: Section,
        sections: list[Section],
        file_exists: Callable[[str], bool],
    ):
        self.path = path
        self.front = front
        self.source_path = source_path
        self.folder_section = folder_section
        self.sections = sections
        self.file_exists = file_exists
        self.file_version: Callable[[str], str | None] = lambda path: None  # see validate_article
        self.problems: list[Problem] = []
        self.values: dict[str, Any] = {}  # model attribute -> value read so far
        self.refused: set[str] = set()  # fields with an error: not reported missing as well

    def error(self, key: str, code: str, message: str, hint: str = "") -> None:
        """`key` may name a sub-field (rights.license_url, reviews.0): its own line is used when known."""
        self.refused.add(key.split(".", 1)[0])
        self.problems.append(Problem(self.path, self.front.line_of(key), code, message, hint))

    def warn(self, key: str, code: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.path, self.front.line_of(key), code, message, hint, Severity.WARNING))

    @property
    def has_errors(self) -> bool:
        return any(problem.is_error for problem in self.problems)

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
        reading = read_list(self.front.data.get(key))
        if reading is None:
            return ()
        if not reading.valid:
            self.error(key, "bad-type", f"字段 {key}（{FIELDS[key].label}）应当是文字列表。", f"示例：{FIELDS[key].example}")
            return ()
        for item in reading.items:
            if item and self.clean(key, f"字段 {key}（{FIELDS[key].label}）", item) is None:
                return ()
        self._notes(key, reading)
        return reading.words

    def _notes(self, key: str, reading: ListReading) -> None:
        """How a list written in a Chinese input habit was read: one note per field, shown by `check`
        (Severity.NOTE: never stops a build nor publishing). The standard way to write it is the
        same list to the 三审 fingerprint, so following the note needs no new review."""
        words = reading.words
        label = f"字段 {key}（{FIELDS[key].label}）"
        standard = f"这样写也能读懂；改成标准写法不算改动内容，已审核的文章不用重新送审：{key}: [{', '.join(words)}]"
        if reading.brackets:
            self._note(key, "list-full-width-brackets",
                       f"{label}用了全角方括号“{reading.brackets}”，已按列表读取，共 {len(words)} 项：{'、'.join(words)}。",
                       "标准写法是半角方括号、半角逗号。" + standard)
        elif reading.as_text and len(words) > 1:
            self._note(key, "list-split", f"{label}写成了一段文字，已按其中的分隔符分成 {len(words)} 项：{'、'.join(words)}。",
                       "标准写法是列表（半角方括号、半角逗号）。" + standard)
        elif reading.splits:
            written = "".join(f"“{shown(split.written)}”" for split in reading.splits)
            separators = "".join(dict.fromkeys("".join(split.separators for split in reading.splits)))
            self._note(f"{key}.{reading.splits[0].index}", "list-split",
                       f"{label}中的{written}含有“{separators}”，已按它分开，共 {len(words)} 项：{'、'.join(words)}。",
                       "标准写法是各项之间用半角逗号“,”。" + standard)

    def _note(self, key: str, code: str, message: str, hint: str) -> None:
        self.problems.append(Problem(self.path, self.front.line_of(key), code, message, hint, Severity.NOTE))

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


def _read_status(check: _Checker, spec: FieldSpec) -> Status:
    value = check.front.data.get(spec.name, Status.DRAFT.value)
    text = as_text(value)
    status = STATUS_WORDS.get(text.strip()) if text is not None else None
    if status is None:
        check.error(
            spec.name, "bad-status", f"{spec.label}（{spec.name}）写成了 {shown(value)}，无法识别。",
            "只能是 draft（草稿）、review（待审）或 published（已发布）。",
        )
        return Status.DRAFT
    return status


def _read_section(check: _Checker, spec: FieldSpec) -> Section:
    """The section is the file's folder; the field may only confirm it."""
    declared = check.text(spec.name)
    if declared:
        found = find_section(declared, check.sections)
        folder = check.folder_section
        if found is None:
            check.error(
                spec.name, "unknown-section", f"没有名为“{shown(declared)}”的栏目。",
                "可用的栏目：" + section_choices(check.sections),
            )
        elif found != folder:
            check.error(
                spec.name, "section-mismatch",
                f"栏目写的是“{found.title}”，但文件放在“{folder.title}”的文件夹（docs/{folder.id}/）里。",
                f"把文件移到 docs/{found.id}/，或删掉 section 这一行。",
            )
    return check.folder_section


def _read_slug(check: _Checker, spec: FieldSpec) -> str:
    slug = check.text(spec.name)
    if slug and not is_valid_slug(slug):
        check.error(
            spec.name, "bad-slug", f"{spec.label}（{spec.name}）“{shown(slug)}”不合格。",
            f"只能用小写字母、数字和连字符，且不超过 80 个字符，例如 {pinyin_slug(check.values.get('title') or '示例标题')}。",
        )
        return ""
    return slug


def _read_aliases(check: _Checker, spec: FieldSpec) -> tuple[str, ...]:
    aliases = check.text_list(spec.name)
    for alias in aliases:
        folder, _, slug = alias.rpartition("/")
        if not is_valid_slug(slug) or (folder and folder not in {s.id for s in check.sections}):
            check.error(
                spec.name, "bad-alias", f"{spec.label}“{alias}”不合格。",
                "写以前用过的网址名（小写字母、数字、连字符），或 栏目文件夹/网址名，例如 dangjian/old-slug。",
            )
    return aliases


def _read_path(check: _Checker, spec: FieldSpec) -> str | None:
    """A file named relative to the article, as a docs/-relative path; None when absent or missing."""
    written = check.text(spec.name)
    if not written:
        return None
    folder = check.source_path.rsplit("/", 1)[0]
    path = _normalise(f"{folder}/{written}")
    if path is None or not check.file_exists(path):
        check.error(
            spec.name, "missing-cover", f"{spec.label}文件不存在：{shown(written)}。",
            "路径相对于本文章文件，例如图片放在同名文件夹里就写 cover: 文章文件名/cover.jpg；注意大小写和扩展名。",
        )
        return None
    return path


def _read_reviews(check: _Checker, spec: FieldSpec) -> tuple[Review, ...]:
    value = check.front.data.get(spec.name)
    if value is None:
        return ()
    hint = "审核记录由 township-archive review 命令写入，请用命令重新记录，不要手改。"
    if isinstance(value, str) and value.strip() == HISTORICAL:  # written by hand: who vouches for it, and for which version?
        check.error(
            spec.name, "bad-reviews", f"标为{HISTORICAL}时要写明由谁导入、是哪个版本。",
            f"用命令标记：township-archive review 文章文件 --level {HISTORICAL} --by 导入人姓名",
        )
        return ()
    if not isinstance(value, list):
        check.error(spec.name, "bad-reviews", f"{spec.label}（{spec.name}）格式不对。", hint)
        return ()
    reviews = []
    for number, entry in enumerate(value):
        where = f"{spec.name}.{number}"
        by = as_text(entry.get("by")) if isinstance(entry, dict) else None
        day = as_text(entry.get("date") or "") if isinstance(entry, dict) else None
        level = entry.get("level") if isinstance(entry, dict) else None
        version = as_text(entry.get("fingerprint") or "") if isinstance(entry, dict) else None
        if not isinstance(level, str) or level not in (*REVIEW_LEVELS, HISTORICAL) or by is None or day is None or version is None:
            check.error(where, "bad-reviews", f"审核记录中有一条无法识别：{shown(entry)}。", hint)
            continue
        by, day = check.clean(where, "审核记录的审核人", by), check.clean(where, "审核记录的日期", day)
        if by is None or day is None:  # characters that may not be published; reported by `clean`
            continue
        if not by:
            check.error(where, "bad-reviews", f"审核记录中有一条无法识别：{shown(entry)}。", hint)
            continue
        if reason := name_problem(by):  # one person must not pass as two (张三 and 张三 with an invisible mark)
            check.error(where, "bad-reviewer", f"审核记录中的审核人“{shown(by)}”{reason}。", NAME_HINT)
            continue
        reviews.append(Review(level, by, day, version.strip()))
    return tuple(reviews)


def _read_rights(check: _Checker, spec: FieldSpec) -> RightsOverride:
    value = check.front.data.get(spec.name)
    if value is None:
        return RightsOverride()
    if not isinstance(value, dict):
        check.error(spec.name, "bad-type", f"{spec.label}（{spec.name}）应当是一组子字段。", f"示例：{spec.example}")
        return RightsOverride()
    values: dict[str, str] = {}
    for key, item in value.items():
        where = f"{spec.name}.{key_text(key)}"
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
                f"{spec.name}.{url_key}", "bad-url", f"版权信息的 {url_key}（{RIGHTS_FIELDS[url_key]}）不能使用：{reason}",
                "写完整的网址，以 https:// 或 http:// 开头，例如 https://creativecommons.org/licenses/by/4.0/",
            )
            del values[url_key]
    return RightsOverride(**values)


_READERS: dict[FieldType, Callable[[_Checker, FieldSpec], Any]] = {
    FieldType.TEXT: lambda check, spec: check.text(spec.name),
    FieldType.TEXT_LIST: lambda check, spec: check.text_list(spec.name),
    FieldType.DATE: lambda check, spec: check.date(spec.name),
    FieldType.STATUS: _read_status,
    FieldType.SECTION: _read_section,
    FieldType.SLUG: _read_slug,
    FieldType.ALIASES: _read_aliases,
    FieldType.PATH: _read_path,
    FieldType.REVIEWS: _read_reviews,
    FieldType.RIGHTS: _read_rights,
}


def _report_missing(check: _Checker, spec: FieldSpec) -> None:
    if spec.type is FieldType.SLUG:  # a published address must not follow later changes of the title
        title = check.values.get("title") or ""
        check.error(
            spec.name, "slug-not-fixed", f"已发布的文章必须写明{spec.label}（{spec.name}），发布后网址不再随标题变化。",
            f"在头信息中加一行：{spec.name}: {pinyin_slug(title) or '...'}",
        )
        return
    whose = "已发布的文章" if spec.requirement is Requirement.WHEN_PUBLISHED else ""
    check.error(spec.name, "missing-field", f"{whose}缺少{spec.label}（{spec.name}）。", f"在头信息中加一行，例如 {spec.example}")


# ---------------------------------------------------------------------------------------------
# Rules that involve more than one field, or the body and the site's settings. Each may change the
# values read (a default from another field) and report problems; they run in this order.


def _updated_after_date(check: _Checker, values: dict[str, Any], body: str, default_source: str) -> None:
    if values["date"] and values["updated"] and values["updated"] < values["date"]:
        check.error("updated", "updated-before-date", "更新时间早于发布时间。", "检查两个日期是否写反。")


def _slug_from_title(check: _Checker, values: dict[str, Any], body: str, default_source: str) -> None:
    if values["slug"] or not values["title"]:
        return
    values["slug"] = pinyin_slug(values["title"])
    # e.g. a title of only punctuation: without a problem the article would vanish silently.
    if not values["slug"] and not check.refused & {"title", "slug"}:
        check.error(
            "slug", "no-slug", f"无法从标题“{shown(values['title'])}”生成网址名。",
            "在头信息中加一行 slug: 网址名（小写字母、数字和连字符），例如 slug: ce-shi-wen-zhang",
        )


def _summary_from_body(check: _Checker, values: dict[str, Any], body: str, default_source: str) -> None:
    if len(values["summary"]) > LONG_SUMMARY:
        check.warn("summary", "long-summary", f"摘要有 {len(values['summary'])} 个字，过长。", "摘要建议在 120 字以内。")
    values["summary"] = values["summary"] or excerpt(body)


def _source_from_settings(check: _Checker, values: dict[str, Any], body: str, default_source: str) -> None:
    values["source"] = values["source"] or default_source


def _review_gate(check: _Checker, values: dict[str, Any], body: str, default_source: str) -> None:
    """A published article goes out only as its 终审 saw it (or as it was marked 历史稿件), pictures and their
    credits included. Asked only of an article without other errors: their fixes change the version anyway."""
    files = shown_file_versions(check.front.data, body, check.source_path, check.file_version, check.front.body_line)
    values["fingerprint"] = fingerprint(check.front.data, body, files)
    if values["status"] is not Status.PUBLISHED or check.has_errors:
        return
    for finding in ReviewState(values["reviews"], values["fingerprint"]).findings():
        check.error("reviews", finding.code, finding.message, finding.hint)


_RULES = (_updated_after_date, _slug_from_title, _summary_from_body, _source_from_settings, _review_gate)


def validate_article(
    path: str,
    source_path: str,
    front: FrontMatter,
    folder_section: Section,
    sections: list[Section],
    file_exists: Callable[[str], bool],
    default_source: str,
    *,
    publishing: bool = False,
    slug_taken: Callable[[str], bool] = lambda slug: False,
    file_version: Callable[[str], str | None] = lambda path: None,
) -> tuple[Article | None, list[Problem]]:
    """Check one article's front matter and build its `Article`, with what blocks publishing it
    (`content.readiness`: as errors when it is published, as Severity.PENDING while a draft).

    `path` is what problems report (relative to the project), `source_path`
    is relative to docs/, `file_exists` answers for docs/-relative paths. `publishing`: the
    publish command's check of the article it is about to write (rules for publishing only apply).
    `slug_taken` tells the slugs of the other articles (a suggested shorter slug avoids them).
    `file_version` gives the version of a docs/-relative file (`reviews.FileVersions`): the pictures and
    cover the article shows count in its fingerprint.
    """
    check = _Checker(path, front, source_path, folder_section, sections, file_exists)
    check.file_version = file_version

    for key in front.data:
        if key not in FIELDS:
            check.error(key, "unknown-field", f"未知字段 {shown(key)}。", _suggest(key, list(FIELDS)))

    values = check.values
    for spec in FIELDS.values():
        values[spec.attr] = _READERS[spec.type](check, spec)

    published = values["status"] is Status.PUBLISHED
    for spec in FIELDS.values():
        required = spec.requirement is Requirement.ALWAYS or (spec.requirement is Requirement.WHEN_PUBLISHED and published)
        if required and not values[spec.attr] and spec.name not in check.refused:
            _report_missing(check, spec)

    for rule in _RULES:
        rule(check, values, front.body, default_source)

    if check.has_errors or not values["title"] or not values["slug"]:
        return None, check.problems
    article = Article(
        source_path=source_path,
        **values,
        body_chars=count_characters(front.body),
        body=front.body,
        body_line=front.body_line,
    )
    stage = Stage.PUBLISHING if publishing else Stage.PUBLISHED if article.is_public else Stage.DRAFT
    return article, check.problems + readiness_problems(article, path, stage, file_exists, front.line_of, slug_taken)


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
# emphasis and table bars; `>` and `-` in prose (‹简报>, 2024-05) stay. Every alternative starts with one
# known character, so `re` skips the text between them (four times faster on a Chinese body): a line-start
# marker is matched with the newline before it (the text is given one in front), emphasis and dashes are
# spelt out by their first character. What is replaced differs only in white space, which the callers fold.
_MARKUP = re.compile(
    r"!\[[^\]]*\]\([^)]*\)|\[([^\]]*)\]\([^)]*\)|<!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"
    r"|\n[ \t]*(?:[#>]+|[-*+]|\d+\.)[ \t]+|\*[*_`|~]*|_[*_`|~]*|`[*_`|~]*|\|[*_`|~]*|~[*_`|~]*|--+",
    re.DOTALL,
)


def _without_markup(markdown: str) -> str:
    return without_unsafe(_MARKUP.sub(lambda m: m.group(1) or " ", "\n" + markdown))


def plain_text(markdown: str) -> str:
    # Control characters are reported by `parse` (body_problems); they never reach a summary or a feed.
    return clean_text(re.sub(r"\s+", " ", _without_markup(markdown)))


def count_characters(markdown: str) -> int:
    """The characters of `plain_text(markdown)` that are not white space, counted without building it:
    collapsing and trimming white space, then dropping the invisible characters, leaves the others."""
    text = _without_markup(markdown)
    return sum(map(len, text.split())) - sum(text.count(char) for char in INVISIBLE_CHARACTERS)


def excerpt(markdown: str, limit: int = 100) -> str:
    text = plain_text(markdown)
    return text if len(text) <= limit else text[:limit].rstrip() + "……"
