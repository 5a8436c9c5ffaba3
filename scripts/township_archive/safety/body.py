"""The body HTML policy: what rendered article HTML may contain.

Staff paste text from web pages, Word files and other media, and Markdown lets
raw HTML and `{: attributes }` through. Every rendered page body passes this one
allow-list sanitiser (nh3): what articles need stays (headings, lists, tables,
figures and pictures, links, emphasis, footnotes, `details`, ruby), while
scripts, event handlers, `style`, frames, objects, forms and `javascript:` or
`data:` links go. What was removed is reported, so staff learn what the
published page lacks and where it came from.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

from ..content.markdown_scan import lines_outside_code, mask_code_spans
from ..problems import Problem, Severity
from ..urls import is_relative, page_address

_TAGS = frozenset({
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "div", "span", "section",
    "a", "abbr", "b", "strong", "i", "em", "u", "s", "del", "ins", "mark", "small", "sub", "sup",
    "code", "pre", "kbd", "samp", "var", "blockquote", "q", "cite", "dfn", "time",
    "ul", "ol", "li", "dl", "dt", "dd",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col",
    "figure", "figcaption", "picture", "source", "img",
    "details", "summary", "ruby", "rt", "rp",
})
_EVERYWHERE = frozenset({"id", "class", "title", "lang"})
_ATTRIBUTES = {
    "*": _EVERYWHERE,
    "a": frozenset({"href", "rel", "hreflang"}),
    "img": frozenset({"src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding", "fetchpriority"}),
    "source": frozenset({"srcset", "sizes", "type", "media", "width", "height"}),
    "th": frozenset({"colspan", "rowspan", "align", "scope"}),
    "td": frozenset({"colspan", "rowspan", "align"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "li": frozenset({"value"}),
    "time": frozenset({"datetime"}),
    "details": frozenset({"open"}),
    "abbr": frozenset({"title"}),
    "q": frozenset({"cite"}),
    "blockquote": frozenset({"cite"}),
}
_EMBED_ATTRIBUTES = frozenset({"src", "width", "height", "allowfullscreen", "loading", "referrerpolicy"})
_URL_SCHEMES = frozenset({"http", "https", "mailto"})
_URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
# Material's and our scripts look elements up by these ids; content must not shadow them.
_RESERVED_ID = re.compile(r"^(__|md-|ta-(cite|permalink|notice|related|latest|sections))")
_ELSEWHERE = re.compile(r"(^|[\s,])(//|[A-Za-z][A-Za-z0-9+.-]*:)")
_TAGS_WITH_CONTENT = frozenset({"script", "style", "template", "noscript", "textarea", "title", "xmp", "noembed", "noframes"})


@dataclass(frozen=True)
class Removal:
    """One kind of thing the policy took out of a page, and how often."""

    what: str  # Chinese description
    needle: str  # text to look for in the Markdown source to find the line
    count: int = 1


@dataclass(frozen=True)
class BodyPolicy:
    """Hosts whose players may be embedded (`https://host` origins), from the site configuration; none by default.
    `directory_urls` false (the offline copy): links to other pages name their `index.html` (`urls.page_address`)."""

    embed_origins: tuple[str, ...] = ()
    directory_urls: bool = True


def origin_of(url: str) -> str:
    parts = urlsplit(url.strip())
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


@lru_cache(maxsize=8)
def _cleaner(embed_origins: tuple[str, ...], directory_urls: bool = True) -> nh3.Cleaner:
    tags = set(_TAGS)
    attributes = {tag: set(names) for tag, names in _ATTRIBUTES.items()}
    if embed_origins:
        tags.add("iframe")
        attributes["iframe"] = set(_EMBED_ATTRIBUTES)
    allowed = set(embed_origins)

    def attribute_filter(tag: str, name: str, value: str) -> str | None:
        if name == "id" and _RESERVED_ID.match(value):
            return None
        if tag == "iframe" and name == "src":
            return value if value.startswith("https://") and origin_of(value) in allowed else None
        if tag in ("img", "source") and name in ("src", "srcset") and _ELSEWHERE.search(value):
            return None  # pictures come from the site: another host is blocked offline and in China, and tracks readers
        if tag == "a" and name == "href" and not directory_urls and is_relative(value):
            return page_address(value, directory_urls=False)
        return value

    return nh3.Cleaner(
        tags=tags,
        clean_content_tags=set(_TAGS_WITH_CONTENT),
        attributes=attributes,
        attribute_filter=attribute_filter,
        strip_comments=True,
        link_rel=None,  # external links get rel="noopener" from the link extension
        url_schemes=set(_URL_SCHEMES),
    )


def clean_body(html: str, policy: BodyPolicy = BodyPolicy()) -> tuple[str, list[Removal]]:
    """The page body as the policy allows it, and what was removed."""
    cleaned = _cleaner(policy.embed_origins, policy.directory_urls).clean(html)
    if cleaned == html:
        return cleaned, []
    return cleaned, removals(html, cleaned)


class _Inventory(HTMLParser):
    """Counts elements, attributes and URL values, to tell what the sanitiser removed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: Counter[tuple[str, str, str]] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.items[("tag", tag, "")] += 1
        for name, value in attrs:
            self.items[("attr", tag, name)] += 1
            if name in _URL_ATTRIBUTES and value:
                self.items[("url", tag, name)] += 1

    handle_startendtag = handle_starttag

    def handle_comment(self, data: str) -> None:
        self.items[("comment", "", "")] += 1


def _inventory(html: str) -> Counter[tuple[str, str, str]]:
    parser = _Inventory()
    parser.feed(html)
    parser.close()
    return parser.items


def removals(before: str, after: str) -> list[Removal]:
    lost = _inventory(before) - _inventory(after)
    found: list[Removal] = []
    for (kind, tag, name), count in sorted(lost.items()):
        if kind == "tag":
            found.append(Removal(f"<{tag}> 元素", f"<{tag}", count))
        elif kind == "comment":
            found.append(Removal("HTML 注释 <!-- -->", "<!--", count))
        elif kind == "attr" and lost.get(("url", tag, name)) == count:
            continue  # reported as a link below
        elif kind == "attr":
            found.append(Removal(f"<{tag}> 的 {name} 属性", name, count))
        elif kind == "url" and tag in ("img", "source"):
            found.append(Removal(f"<{tag}> 的 {name} 地址（图片只能用放在本站的文件，不能引用其他网站的图片）", _url_needle(before), count))
        elif kind == "url":
            found.append(Removal(f"<{tag}> 的 {name} 地址（只允许 http、https、mailto 和站内地址）", _url_needle(before), count))
    return found


def _url_needle(html: str) -> str:
    """The first disallowed scheme in the page (or the first address on another host), to find its line in the source."""
    match = re.search(r"\b(javascript|vbscript|data|file|blob)\s*:", html, re.IGNORECASE) or re.search(
        r"""(?:src|srcset)\s*=\s*["']?\s*((?:https?:)?//[^\s"'>]+)""", html, re.IGNORECASE
    )
    return match.group(match.lastindex or 0) if match else "://"


def source_line(markdown: str, needle: str, first_line: int = 1) -> int:
    """The line in the Markdown source where `needle` first appears outside code (fenced blocks and inline
    code spans, which are published as text); `first_line` is the body's first line."""
    lowered = needle.lower()
    for number, line in lines_outside_code(markdown, first_line):
        if lowered in mask_code_spans(line).lower():
            return number
    return first_line


def removal_problems(path: str, markdown: str, removed: Iterable[Removal], first_line: int = 1) -> list[Problem]:
    """Warnings, one per kind of removal, at the line where it was written."""
    return [
        Problem(
            path, source_line(markdown, item.needle, first_line), "body-removed",
            f"发布时删除了 {item.what}" + (f"（共 {item.count} 处）" if item.count > 1 else "") + "：正文不允许脚本、样式、事件属性、内嵌框架、表单和不安全的链接。",
            "删掉这段 HTML，改用 Markdown 写法；确需嵌入视频等外部内容的，请网站技术人员在 mkdocs.yml 的 embeds 中登记该网站。",
            Severity.WARNING,
        )
        for item in removed
    ]
