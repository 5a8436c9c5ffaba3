"""What a news release carries around its story, recognised the same way for .txt, .docx and .html.

A county media centre's release reads: an optional title line, a dateline
(`2026年11月20日 来源：北海市融媒体中心 作者：…`, or `发布时间：…`), the story with short
sub-headings between its paragraphs and captions under its pictures, then credits
(`（责任编辑：王编辑）`) and a rights and contact trailer (版权声明…, 联系电话…, 法律顾问…).

`recognise` takes the blocks of any of the three formats (plain text and Markdown already
made by the importer) and returns a `Release`: the front-matter facts, the rights notice
once and without its label, and the body blocks with sub-headings and captions marked.
It decides structure only; the importer writes the Markdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from ..content.credits import Credits, parse_credits, unwrap
from ..content.readiness import TITLE_PLACEHOLDER  # a release without a title gets it; `check` flags it


class Kind(Enum):
    PARAGRAPH = "paragraph"
    HEADING = "heading"
    LIST = "list"
    TABLE = "table"
    IMAGE = "image"  # a paragraph holding one picture and nothing else
    CAPTION = "caption"  # marked as a caption by its format (Word's Caption style, <figcaption>)
    OTHER = "other"


@dataclass
class Block:
    text: str  # plain text, invisible characters removed: what the rules read
    markdown: str
    kind: Kind = Kind.PARAGRAPH
    image: str = ""  # an IMAGE block's address as its Markdown writes it
    caption: str = ""  # set by `recognise` on an IMAGE block followed by its caption


@dataclass
class Release:
    title: str
    body: list[Block]
    title_line: str = ""  # the document's own title, when it has one
    date: str = ""  # 2026-11-20 or 2026-11-20 10:30
    authors: list[str] = field(default_factory=list)
    source: str = ""
    editor: str = ""
    photographer: str = ""
    rights: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what staff should know about what was left out


# A credits group closing the last paragraph: "……新画卷。（责任编辑：王编辑）".
_TRAILING_CREDITS = re.compile(r"[（(]([^（()）]{2,60})[）)]\s*$")


# --- page furniture, rights trailer, captions, sub-headings -----------------------------------------------------------

# Lines a web page puts around an article: where you are, share, previous/next, and rows of buttons
# (【打印】【关闭窗口】, read word by word so that no pattern backtracks over a long line).
_CHROME = re.compile(
    r"^\s*(?:(?:当前位置|您的位置|您现在的位置|你的位置|你现在的位置)\s*[:：]|分享到|扫一扫|"
    r"(?:上一篇|下一篇|相关(?:新闻|文章|阅读|链接))\s*[:：]?)"
)
_BUTTONS = {"打印", "打印本页", "打印此页", "打印文章", "关闭", "关闭窗口", "关闭本页", "返回顶部", "收藏", "收藏本页", "纠错"}
_CHROME_MAX = 80
# Lines that begin the trailing block of rights and contacts news sites put under an article.
_TRAILER = re.compile(
    r"^\s*[【\[]?\s*(?:版权声明|版权所有|免责声明|转载请|转载须|转载联系|未经.{0,6}(?:授权|许可|同意)|"
    r"(?:转载|新闻|报料|值班)?(?:联系电话|联系方式)|法律顾问|本文来源|举报电话|投稿邮箱)"
)
_NOTICE_LABEL = re.compile(r"^\s*[【\[]?\s*版权声明\s*[】\]]?\s*[:：]?\s*")
_HOLDER = re.compile(
    r"版权(?:归|属于)\s*([^\s，,。；;]+?)\s*(?:所有|拥有)|([^\s，,。；;]+?)\s*版权所有|"
    r"([^\s，,。；;]{2,20}?)\s*(?:依法)?(?:对|就)[^，,。；;]{0,12}享有(?:著作权|版权)|"
    r"版权所有\s*[:：©]?\s*([^\s，,。；;:：]{2,30})"
)
_TRAILER_LOOKBACK = 12  # blocks: a trailer is the end of a release, never its middle
_TRAILER_LINE_MAX = 200  # characters of one line that continues a notice
_TRAILER_START_MAX = 500  # characters of the line that begins it (a long notice may be one paragraph)
# What a line continuing a notice talks about (凡本网注明……的作品, 地址：……); a line of the story does not.
_NOTICE_WORDS = re.compile(r"版权|著作权|授权|转载|摘编|本网|本站|本报|本作品|作品|联系|电话|邮箱|地址|律师|法律|声明")

_CAPTION = re.compile(r"^\s*(?:图\s*[0-9０-９一二三四五六七八九十]+\s*[\s:：.．、]|[（(]\s*图为|图为|[▲△↑]\s*)")
_CAPTION_MAX = 150
_END_PUNCTUATION = tuple("。！？!?；;：:，,、…—")
_LIST_ITEM = re.compile(r"^\s*(?:[-•·●▪*+]\s*|\d+\s*[.、．)）]|[（(]\s*\d+\s*[)）]|[①-⑳])")
_HAN = re.compile(r"[\u4e00-\u9fff]")
HEADING_MAX = 30  # characters; 聚焦强根基，夯实基层组织体系 has 14
TITLE_MAX = 60
DATELINE_WINDOW = 4  # blocks: a dateline stands before the story, at most after its lead paragraph
_TITLE_END = tuple("。；;：:，,、…")


def is_chrome(text: str) -> bool:
    if len(text) > _CHROME_MAX:
        return False
    words = re.split(r"[\s【】\[\]|｜]+", text.strip())
    return bool(_CHROME.match(text)) or (any(words) and all(word in _BUTTONS for word in words if word))


def looks_like_title(block: Block) -> bool:
    """A first line that is a title: short, no closing punctuation of a sentence, not a dateline or list item."""
    text = block.text
    return (block.kind in (Kind.PARAGRAPH, Kind.HEADING) and 2 <= len(text) <= TITLE_MAX and bool(_HAN.search(text))
            and not text.endswith(_TITLE_END) and not _LIST_ITEM.match(text) and parse_credits(text) is None
            and not is_chrome(text) and not _TRAILER.match(text) and not _CAPTION.match(text))


def _could_be_heading(block: Block) -> bool:
    """A short line of words (mostly Chinese, starting with a character or digit) that ends no sentence."""
    text = block.text
    return (block.kind is Kind.PARAGRAPH and 4 <= len(text) <= HEADING_MAX and text[0].isalnum()
            and 2 * len(_HAN.findall(text)) >= len(text) and "](" not in block.markdown
            and not text.endswith(_END_PUNCTUATION) and not _LIST_ITEM.match(text) and not _CAPTION.match(text)
            and parse_credits(text) is None and not is_chrome(text))


def _caption_text(block: Block) -> str:
    text = unwrap(block.text)
    return re.sub(r"^[▲△↑]\s*", "", text).strip()


def _is_caption(block: Block) -> bool:
    return block.kind is Kind.CAPTION or (
        block.kind is Kind.PARAGRAPH and len(block.text) <= _CAPTION_MAX and bool(_CAPTION.match(block.text)))


# --- the recogniser --------------------------------------------------------------------------------------------------


def _take(release: Release, credits: Credits) -> None:
    release.date = release.date or credits.date
    release.source = release.source or credits.source
    release.authors += [name for name in credits.authors if name not in release.authors]
    if credits.editor and (not release.editor or credits.chief_editor):
        release.editor = credits.editor
    release.photographer = release.photographer or credits.photographer
    if credits.other:
        release.notes.append("原稿的署名“" + "　".join(credits.other) + "”没有写入头信息（本站的三审另行记录）。")


def _starts_trailer(block: Block) -> bool:
    return block.kind is Kind.PARAGRAPH and len(block.text) <= _TRAILER_START_MAX and bool(_TRAILER.match(block.text))


def _continues_trailer(block: Block) -> bool:
    text = block.text
    return block.kind in (Kind.PARAGRAPH, Kind.LIST) and len(text) <= _TRAILER_LINE_MAX and (
        bool(_TRAILER.match(text) or _NOTICE_WORDS.search(text)) or parse_credits(text) is not None or is_chrome(text))


def _trailer_start(blocks: list[Block]) -> int | None:
    """Where the rights and contact trailer begins: the earliest rights line after which only trailer lines follow."""
    for start in range(max(0, len(blocks) - _TRAILER_LOOKBACK), len(blocks)):
        if not _starts_trailer(blocks[start]):
            continue
        if all(_continues_trailer(block) for block in blocks[start + 1:]):
            return start
    return None


def _notice(parts: list[str]) -> str:
    """One notice from the trailer's lines, without the 版权声明 label the page already prints above it."""
    texts = []
    for part in parts:
        while _NOTICE_LABEL.match(part) and (shorter := _NOTICE_LABEL.sub("", part, count=1)) != part:
            part = shorter  # 【版权声明】版权声明：… as some pages write it
        part = part.strip()
        if part:
            if texts and not texts[-1].endswith(("。", "！", "？", ".", "；", ";")):
                texts[-1] += "。"
            texts.append(part)
    return "".join(texts)


def _strip_trailing_credits(release: Release, body: list[Block]) -> None:
    """Credits lines, page furniture and a closing `（责任编辑：…）` at the end of the story leave the body."""
    while body and body[-1].kind is Kind.PARAGRAPH:
        text = body[-1].text
        credits = parse_credits(text)
        if credits is not None:
            _take(release, credits)
        elif not is_chrome(text):
            break
        body.pop()
    if body and body[-1].kind is Kind.PARAGRAPH and (match := _TRAILING_CREDITS.search(body[-1].text)):
        credits = parse_credits(match.group(1))
        if credits is not None and (credits.editor or credits.authors or credits.other):
            _take(release, credits)
            last = body[-1]
            group = match.group(0).strip()
            position = last.markdown.rfind(group)
            if position >= 0:  # the Markdown writes the same characters (no Markdown syntax in a credits group)
                body[-1] = Block(last.text[: match.start()].rstrip(), last.markdown[:position].rstrip(), last.kind)


def _mark_structure(body: list[Block]) -> list[Block]:
    """Captions onto their pictures, short lines between paragraphs into sub-headings."""
    result: list[Block] = []
    for block in body:
        previous = result[-1] if result else None
        if previous is not None and previous.kind is Kind.IMAGE and not previous.caption and _is_caption(block):
            previous.caption = _caption_text(block)
            continue
        if block.kind is Kind.CAPTION:  # a caption with no picture before it is an ordinary paragraph
            block = Block(block.text, block.markdown)
        result.append(block)
    candidates = [_could_be_heading(block) for block in result]
    for index, block in enumerate(result):
        if not candidates[index] or index == 0 or index == len(result) - 1:
            continue
        before, after = result[index - 1], result[index + 1]
        # A run of short lines is a list or a verse, not headings; a line next to a heading is not one either.
        if candidates[index - 1] or candidates[index + 1] or Kind.HEADING in (before.kind, after.kind):
            continue
        if after.kind is Kind.OTHER or (after.kind is Kind.PARAGRAPH and len(after.text) <= len(block.text)):
            continue  # a heading leads into something longer than itself
        block.kind = Kind.HEADING
    return result


def _is_dateline(block: Block) -> Credits | None:
    credits = parse_credits(block.text) if block.kind is Kind.PARAGRAPH else None
    return credits if credits is not None and (credits.date or credits.source or credits.authors) else None


def _take_later_dateline(release: Release, body: list[Block]) -> None:
    """A dateline a few lines in: releases copied from WeChat or a news app often open with the lead
    paragraph (or a title and the lead) and put `2024年6月12日 10:30　来源：…　作者：…` under it.
    Only when no dateline opened the release; the credits lines right after it go too."""
    if release.date or release.source or release.authors:
        return
    for index in range(1, min(len(body), DATELINE_WINDOW)):
        if _is_dateline(body[index]) is None:
            continue
        end = index
        while end < len(body) and body[end].kind is Kind.PARAGRAPH and (credits := parse_credits(body[end].text)) is not None:
            _take(release, credits)
            end += 1
        del body[index:end]
        return


def recognise(blocks: list[Block], *, heading_title: str = "", page_title: str = "", given_title: str = "") -> Release:
    """Title, dateline, credits, trailer and structure of a release.

    `heading_title` is the title a format marks as such (Word's Title or Heading 1, the page's <h1>),
    already out of `blocks`; `page_title` the page's <title>, used when nothing better is found;
    `given_title` what staff passed with --title, which wins.
    """
    body = list(blocks)
    while body and body[0].kind is Kind.PARAGRAPH and is_chrome(body[0].text):
        body.pop(0)
    title_line = heading_title
    if not title_line and body and looks_like_title(body[0]):
        title_line = body.pop(0).text.lstrip("#").strip()  # "# 标题" in a text file
    if not title_line:
        title_line = page_title
    release = Release(title=given_title or title_line or TITLE_PLACEHOLDER, body=[], title_line=title_line)
    if given_title and title_line and title_line != given_title:
        release.notes.append(f"原稿标题“{title_line}”已换成 --title 指定的标题。")

    # The dateline: the first few lines, as long as each is nothing but fields (or page furniture).
    for _ in range(6):
        if not body or body[0].kind is not Kind.PARAGRAPH:
            break
        credits = parse_credits(body[0].text)
        if credits is None and not is_chrome(body[0].text):
            break
        if credits is not None:
            _take(release, credits)
        body.pop(0)
    _take_later_dateline(release, body)

    # The trailer: rights and contacts go to `rights` once; credits among them to their fields.
    start = _trailer_start(body)
    if start is not None:
        parts = []
        for block in body[start:]:
            credits = parse_credits(block.text)
            if credits is not None:
                _take(release, credits)
            elif not is_chrome(block.text):
                parts.append(block.text)
        del body[start:]
        if notice := _notice(parts):
            release.rights["notice"] = notice
            if holder := _HOLDER.search(notice):
                release.rights["holder"] = next(group for group in holder.groups() if group).strip("【】[]：:")
    _strip_trailing_credits(release, body)

    if release.source:
        release.rights.setdefault("original_source", release.source)
        if title_line:
            release.rights.setdefault("original_title", title_line)
    release.body = _mark_structure(body)
    return release
