"""Citations of archive articles: GB/T 7714-2015 text, CSL-JSON and BibTeX.

GB/T 7714-2015 orders an electronic resource as
    主要责任者. 题名[文献类型标识/载体标识]. 出版地: 出版者, 出版年(更新或修改日期)[引用日期]. 获取和访问路径.
leaving out elements that are unknown. A web article has no place of
publication; when it was never updated its publication date stands in the
parentheses, as in the standard's own examples ("(2001-12-19)[2002-04-15]");
when it was updated the year of publication stays and the update date goes in
the parentheses. At most three responsible persons are named, then ", 等".
The access date is the reader's "today", so it is left as a slot.

A reprint is cited as the copy the reader consulted (this site's page, its address and dates),
followed by where it first appeared: "原载: <medium>, 原题: <title>." GB/T 7714 has no element
for a reprint's origin, so the note stands after the access path, where it cannot be mistaken
for one of the standard's elements (see README, Decisions).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime

ACCESS_SLOT = "\0access\0"


@dataclass(frozen=True)
class Citation:
    title: str
    url: str
    authors: tuple[str, ...] = ()
    publisher: str = ""
    place: str = ""
    published: date | None = None
    updated: date | None = None
    type_code: str = "EB/OL"
    key: str = ""  # for BibTeX and CSL ids
    summary: str = ""
    language: str = "zh-CN"
    # A reprint: the medium that first published it, its title and author there, its address there.
    original_source: str = ""
    original_title: str = ""
    original_author: str = ""
    original_url: str = ""

    @property
    def is_reprint(self) -> bool:
        return bool(self.original_source or self.original_title or self.original_url)


def _day(value: date | datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def responsible_persons(authors: tuple[str, ...]) -> str:
    named = ", ".join(authors[:3])
    return named + (", 等" if len(authors) > 3 else "")


def gbt7714(citation: Citation, accessed: str = ACCESS_SLOT) -> str:
    """The reference text; `accessed` is the access date (YYYY-MM-DD) or the slot the browser fills."""
    parts = []
    if citation.authors:
        parts.append(responsible_persons(citation.authors) + ". ")
    parts.append(f"{citation.title}[{citation.type_code}]. ")
    publication = ""
    if citation.place and citation.publisher:
        publication = f"{citation.place}: {citation.publisher}"
    elif citation.publisher:
        publication = citation.publisher
    if citation.updated and citation.published and _day(citation.updated) != _day(citation.published):
        dates = f"{citation.published.year}({_day(citation.updated)})"
    else:
        dates = f"({_day(citation.published)})" if citation.published else ""
    if publication and dates:
        publication += ", " + dates
    else:
        publication += dates
    parts.append(f"{publication}[{accessed}]. ")
    parts.append(f"{citation.url}.")
    if note := original_note(citation):
        parts.append(" " + note)
    return "".join(parts)


def original_note(citation: Citation, *, with_url: bool = True) -> str:
    """`原载: 北海日报, 原题: 客家围屋焕新颜.` for a reprint; empty otherwise. The original title is
    left out when the archive kept it, the original address when there is none."""
    if not citation.is_reprint:
        return ""
    parts = [f"原载: {citation.original_source or '其他媒体'}"]
    if citation.original_title and citation.original_title != citation.title:
        parts.append(f"原题: {citation.original_title}")
    note = ", ".join(parts) + "."
    if citation.original_url and with_url:
        note += f" {citation.original_url}."
    return note


def split_at_access_date(text: str) -> tuple[str, str]:
    """Template helper: the citation around the access-date slot."""
    before, _, after = text.partition(ACCESS_SLOT)
    return before, after


def _date_parts(value: date | None) -> dict:
    return {"date-parts": [[value.year, value.month, value.day]]} if value else {}


def csl_json(citation: Citation) -> str:
    item = {
        "id": citation.key or citation.url,
        "type": "webpage",
        "title": citation.title,
        "author": [{"literal": name} for name in citation.authors],
        "container-title": citation.publisher,
        "publisher": citation.publisher,
        "URL": citation.url,
        "language": citation.language,
    }
    # An empty field is no field: CSL processors take a present publisher for a known one.
    item = {name: value for name, value in item.items() if value or name == "title"}
    if citation.published:
        item["issued"] = _date_parts(citation.published)
    if citation.summary:
        item["abstract"] = citation.summary
    if citation.is_reprint:
        item["original-publisher"] = citation.original_source
        if citation.original_title:
            item["original-title"] = citation.original_title
        if citation.original_author:
            item["original-author"] = [{"literal": citation.original_author}]
        item["note"] = original_note(citation)
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


# TeX's special characters as text: a title or name can never open a command, a group or a comment.
_TEX_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "#": r"\#", "$": r"\$",
    "&": r"\&", "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
}
_TEX_SPECIAL = re.compile("|".join(re.escape(c) for c in _TEX_SPECIALS))


def tex_text(value: str) -> str:
    return _TEX_SPECIAL.sub(lambda match: _TEX_SPECIALS[match.group(0)], " ".join(value.split()))


def bibtex(citation: Citation) -> str:
    """biblatex @online; names are braced whole so that Chinese names are not split into given/family."""

    fields = {
        "author": " and ".join("{" + tex_text(name) + "}" for name in citation.authors),
        "title": tex_text(citation.title),
        "organization": tex_text(citation.publisher),
        "date": _day(citation.published),
        "url": citation.url,
        "langid": "chinese",
    }
    notes = []
    if citation.updated:
        notes.append(f"更新于 {_day(citation.updated)}")
    if citation.is_reprint:
        fields["origpublisher"] = tex_text(citation.original_source)
        fields["origtitle"] = tex_text(citation.original_title)
        notes.append(original_note(citation, with_url=False))  # TeX would mangle an address in a note
    fields["note"] = tex_text("; ".join(notes))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items() if value)
    return f"@online{{{citation.key or 'article'},\n{body}\n}}\n"
