"""The credits lines of a news release: a dateline (`2026年11月20日 10:30　来源：北海市融媒体中心　作者：张三 李四`),
`（责任编辑：王编辑）`, `记者 陈某某`, `发布时间：…`, read into their fields.

`parse_credits` answers for one line: its fields when the line is nothing but fields, None when it is
anything more (a sentence that starts with a date stays a sentence). The importer takes these lines
out of an imported body into the front matter (`authoring.release`); the readiness check flags such a
line still standing in a body (`content.readiness`), where the page would show it under the 来源 the
site already prints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from ..dates import parse_date

_DATE = re.compile(
    r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?"
    r"(?:\s*(\d{1,2})\s*[:：时]\s*(\d{2})(?:\s*[:：分]\s*\d{2}\s*秒?)?)?"
)
_WEEKDAY = re.compile(r"(?:星期|周)[一二三四五六日天]")


class _Role(Enum):
    DATE = "date"
    SOURCE = "source"
    AUTHOR = "author"
    EDITOR = "editor"  # 责任编辑 wins over 编辑
    PHOTOGRAPHER = "photographer"
    OTHER_CREDIT = "other"  # the original's own reviewers: left out, and said so
    CHROME = "chrome"  # page furniture: counters, font size


# Longest first, so 责任编辑 is not read as 编辑.
_LABELS = {
    "发布时间": _Role.DATE, "发布日期": _Role.DATE, "发表时间": _Role.DATE, "更新时间": _Role.DATE,
    "日期": _Role.DATE, "时间": _Role.DATE,
    "信息来源": _Role.SOURCE, "稿件来源": _Role.SOURCE, "来源": _Role.SOURCE, "稿源": _Role.SOURCE,
    "作者": _Role.AUTHOR, "记者": _Role.AUTHOR, "通讯员": _Role.AUTHOR, "撰稿": _Role.AUTHOR, "文": _Role.AUTHOR,
    "责任编辑": _Role.EDITOR, "编辑": _Role.EDITOR,
    "摄影": _Role.PHOTOGRAPHER, "图": _Role.PHOTOGRAPHER,
    "值班编辑": _Role.OTHER_CREDIT, "审核": _Role.OTHER_CREDIT, "审校": _Role.OTHER_CREDIT, "校对": _Role.OTHER_CREDIT,
    "初审": _Role.OTHER_CREDIT, "复审": _Role.OTHER_CREDIT, "终审": _Role.OTHER_CREDIT, "监制": _Role.OTHER_CREDIT,
    "统筹": _Role.OTHER_CREDIT, "签发": _Role.OTHER_CREDIT, "主编": _Role.OTHER_CREDIT,
    "浏览次数": _Role.CHROME, "浏览量": _Role.CHROME, "阅读量": _Role.CHROME, "阅读次数": _Role.CHROME,
    "点击数": _Role.CHROME, "点击量": _Role.CHROME, "访问量": _Role.CHROME, "字号": _Role.CHROME, "字体": _Role.CHROME,
}
# Labels that may stand before a name with a space instead of a colon (记者 陈某某), some even with nothing between
# (记者陈某某); 文 and 图 only as 文/… or 文：….
_BARE = {"作者", "记者", "通讯员", "摄影", "责任编辑", "编辑", "来源"}
_JOINED = {"记者", "通讯员", "摄影"}
_SEPARATORS = " \t\u3000|｜/／·•,，;；、"
_LABEL = re.compile(
    r"(?:^|(?<=[\s|｜/／,，;；、]))(" + "|".join(sorted(_LABELS, key=len, reverse=True)) + r")"
    r"(\s*[:：/／]\s*|\s+|(?=[\u4e00-\u9fff]))"
)
# A person's name: two to four characters, or a name with a middle dot (阿不都·热合曼), or Latin letters;
# or an office that signs a release (曲樟乡人民政府, 北海市融媒体中心), known by how its name ends.
_NAME = re.compile(
    r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,8}(?:·[\u4e00-\u9fff]{1,8})+|[A-Za-z][A-Za-z .'-]{1,30}|"
    r"[\u4e00-\u9fff]{2,14}(?:中心|报社|日报|晚报|电视台|人民政府|办公室|委员会|宣传部|新闻网|工作站)"
)
_NAME_SPLIT = re.compile(r"[、，,;；\s]+")
# A line that closes a sentence or a clause is prose, not a field value.
_PROSE = re.compile(r"[。！？!?]")
_CREDITS_MAX = 120  # characters: a dateline is one short line


@dataclass
class Credits:
    date: str = ""
    source: str = ""
    authors: list[str] = field(default_factory=list)
    editor: str = ""
    chief_editor: bool = False  # the editor was named as 责任编辑
    photographer: str = ""
    other: list[str] = field(default_factory=list)  # 审核：王五 …, as written


def unwrap(text: str) -> str:
    """`（责任编辑：王编辑）` -> `责任编辑：王编辑`: only when the whole line is in one pair of brackets."""
    text = text.strip()
    if len(text) > 2 and text[0] in "（(" and text[-1] in "）)" and not re.search(r"[（()）]", text[1:-1]):
        return text[1:-1].strip()
    return text


def _date_value(text: str) -> tuple[str, str] | None:
    """The date written at the start of `text` as 2026-11-20[ 10:30], and what follows it; None if no valid date."""
    match = _DATE.match(text)
    if not match:
        return None
    year, month, day, hour, minute = match.groups()
    stamp = f"{int(year):04d}-{int(month):02d}-{int(day):02d}" + (f" {int(hour):02d}:{minute}" if hour else "")
    if parse_date(stamp) is None:
        return None
    rest = text[match.end():].strip(_SEPARATORS)
    rest = _WEEKDAY.sub("", rest, count=1).strip(_SEPARATORS) if _WEEKDAY.match(rest) else rest
    return stamp, rest


def _names(value: str) -> list[str] | None:
    names = [name for name in _NAME_SPLIT.split(value.strip(_SEPARATORS)) if name]
    if not names or not all(_NAME.fullmatch(name) for name in names):
        return None
    return names


def parse_credits(line: str) -> Credits | None:
    """The fields of a dateline or credits line, or None when the line is anything more than fields.

    `2026年11月20日 来源：北海市融媒体中心 作者：张三` and `（责任编辑：王编辑）` are credits;
    `2026年11月20日，曲樟乡召开……。` is a sentence and stays in the body.
    """
    # Chained replaces: str.translate with a table is slow on Chinese text, and every body line is asked.
    text = unwrap(line.replace("【", " ").replace("】", " ").replace("[", " ").replace("]", " ")).strip()
    if not text or len(text) > _CREDITS_MAX:
        return None
    credits, found = Credits(), False
    labels = list(_LABEL.finditer(text))
    head = text[: labels[0].start()] if labels else text
    # Before the first label only a date (and time, weekday) may stand.
    head = head.strip(_SEPARATORS)
    if head:
        dated = _date_value(head)
        if dated is None or dated[1]:
            return None
        credits.date, found = dated[0], True
    for index, match in enumerate(labels):
        label, separator = match.group(1), match.group(2)
        if not separator.strip() and label not in (_BARE if separator else _JOINED):
            return None  # 文 and 图 need a colon or slash; 编辑部 is no editor
        end = labels[index + 1].start() if index + 1 < len(labels) else len(text)
        value = text[match.end():end].strip(_SEPARATORS)
        role = _LABELS[label]
        if role is _Role.CHROME:
            if len(value) > 20:
                return None
            found = True
            continue  # 浏览次数 is filled in by the page's script: often empty
        if not value or _PROSE.search(value):
            return None
        if role is _Role.DATE:
            dated = _date_value(value)
            if dated is None or dated[1]:
                return None
            credits.date = credits.date or dated[0]
        elif role is _Role.SOURCE:
            if len(value) > 40 or "，" in value:
                return None
            credits.source = credits.source or value
        else:
            names = _names(value)
            if names is None:
                return None
            if role is _Role.AUTHOR:
                credits.authors += [name for name in names if name not in credits.authors]
            elif role is _Role.EDITOR:
                if label == "责任编辑" or not credits.editor:
                    credits.editor, credits.chief_editor = names[0], label == "责任编辑" or credits.chief_editor
            elif role is _Role.PHOTOGRAPHER:
                credits.photographer = credits.photographer or "、".join(names)
            else:
                credits.other.append(f"{label}：{'、'.join(names)}")
        found = True
    return credits if found else None
