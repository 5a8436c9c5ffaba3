"""Turning Word documents and news articles pasted as text or HTML into draft articles.

Everything imported comes from outside and is treated as hostile until cleaned:

- the file is read only when it is a regular file of a sane size, and a Word file
  (a zip) only when its declared contents are of a sane size and count;
- any HTML (Word goes through mammoth first) is sanitised with nh3 *before* it is
  turned into Markdown: links keep only http, https, mailto and relative
  addresses, images only the ones saved from the Word file itself;
- text in the produced Markdown is escaped, so `<script>`, `[a](javascript:…)` or
  `{: onclick=… }` written as text in a release stay visible text;
- title, date, source, author and rights come from sanitised plain text (tags
  stripped, entities decoded once, control characters removed, whitespace
  collapsed) and are written with the YAML dumper.

Each format is cut into blocks (paragraphs, headings, lists, tables, pictures, captions); one
recogniser (`release.recognise`) reads the title, dateline, credits and rights trailer from them
for all three formats alike and marks sub-headings and captions; this module writes the Markdown.
A web page is first narrowed to its article: header, navigation, sidebars and footer stay behind.
"""

from __future__ import annotations

import html as html_module
import io
import os
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import mammoth
import markdown as markdown_module
import nh3
from markdownify import MarkdownConverter, chomp
from selectolax.lexbor import LexborHTMLParser

# A Word picture without a description or caption gets ALT_PLACEHOLDER as its alt text; `check` flags it.
from ..content.frontmatter import without_unsafe
from ..content.readiness import ALT_PLACEHOLDER, TITLE_PLACEHOLDER
from .editing import AuthoringError
from .release import Block, Kind, Release, recognise

ALLOWED_TAGS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "a", "img", "figure", "figcaption", "sup", "sub", "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}, "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Removed together with everything inside them, not just their tags.
DROPPED_WITH_CONTENT = {
    "script", "style", "title", "template", "noscript", "iframe", "object", "embed", "textarea", "select",
    "svg", "math", "xmp", "noembed", "noframes",
}

# Limits on what is read at all. A news release is kilobytes, a Word file with photos a few megabytes.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_DOCX_UNPACKED = 200 * 1024 * 1024
MAX_DOCX_ENTRIES = 10_000
# Deflate tops out near 1000:1 on runs of one byte; Word's XML and photos stay far below 100:1.
MAX_DOCX_RATIO = 200
_RATIO_APPLIES_FROM = 1024 * 1024  # tiny entries (empty parts) may have any ratio without harm

# Invisible characters that have no place in an article: C0/C1 controls (but tab and newline), zero-width and
# direction-overriding marks (they make text read differently from what it is), the byte-order mark.
# Python-Markdown also keeps its placeholders between \x02 and \x03: text must never carry them.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def _visible(text: str) -> str:
    """`text` without the characters above and every character the reader refuses (`frontmatter.without_unsafe`:
    U+061C, U+2028/U+2029, noncharacters, surrogates), removed before anything is escaped: a character that
    went only after escaping could bring a `#` or `!` to where Markdown reads it."""
    return without_unsafe(_INVISIBLE.sub("", text))
_BLOCK_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "blockquote", "table", "figcaption", "hr"}


@dataclass
class Draft:
    title: str  # TITLE_PLACEHOLDER when the release has none and none was given
    body: str  # Markdown
    date: str = ""
    authors: list[str] = field(default_factory=list)
    source: str = ""
    editor: str = ""
    photographer: str = ""
    rights: dict[str, str] = field(default_factory=dict)
    images: dict[str, bytes] = field(default_factory=dict)  # file name -> bytes, go into the image folder
    notes: list[str] = field(default_factory=list)  # for staff: what the import left out or replaced

    @property
    def has_title(self) -> bool:
        return self.title != TITLE_PLACEHOLDER


# --- reading files ---------------------------------------------------------------------------------------------------


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.0f} MB"


def check_source(path: Path) -> None:
    """Refuse, before anything is read, a file that is missing, not a regular file or too large."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise AuthoringError(f"找不到要导入的文件 {path}。") from None
    except OSError as error:
        raise AuthoringError(f"无法读取要导入的文件 {path}：{error.strerror or type(error).__name__}。") from None
    _check_stat(path, info)


def _check_stat(path: Path, info: os.stat_result) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise AuthoringError(f"{path.name} 不是普通文件（是文件夹、设备或管道），不能导入。请选择 .docx、.txt 或 .html 文件。")
    if info.st_size > MAX_FILE_BYTES:
        raise AuthoringError(f"{path.name} 有 {_size(info.st_size)}，超过导入上限 {_size(MAX_FILE_BYTES)}，没有导入。"
                             "新闻稿通常只有几 MB；如果 Word 文件里照片很多，请先压缩图片或分成几篇导入。")


def read_source(path: Path) -> bytes:
    """The bytes of a file to import: a regular file of at most MAX_FILE_BYTES, read no further than that."""
    check_source(path)
    try:
        # O_NONBLOCK: a pipe put in the file's place after the check must not hang the import.
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(handle, "rb") as stream:
            _check_stat(path, os.fstat(stream.fileno()))
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise AuthoringError(f"无法读取要导入的文件 {path}：{error.strerror or type(error).__name__}。") from None
    if len(data) > MAX_FILE_BYTES:
        raise AuthoringError(f"{path.name} 超过导入上限 {_size(MAX_FILE_BYTES)}，没有导入。")
    return data


def decode_text(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            raise AuthoringError(f"{path.name} 不是文本文件，或编码无法识别（请另存为 UTF-8）。") from None


def _damaged(name: str, reason: str) -> AuthoringError:
    return AuthoringError(f"无法读取 Word 文件 {name}：文件已损坏或不是 .docx 格式（{reason}）。"
                          "请用 Word 打开后“另存为 .docx”再导入；旧的 .doc 格式需要先转换。")


def check_docx_archive(data: bytes, name: str) -> None:
    """A .docx is a zip: refuse one that is not, or that would unpack to far more than any real document."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, NotImplementedError) as error:
        raise _damaged(name, f"不是有效的 zip 压缩包：{type(error).__name__}") from None
    if len(entries) > MAX_DOCX_ENTRIES:
        raise AuthoringError(f"Word 文件 {name} 里有 {len(entries)} 个部件，超过上限 {MAX_DOCX_ENTRIES}，"
                             "不像正常的 Word 文件，没有导入。请用 Word 打开后“另存为 .docx”再试。")
    total = sum(entry.file_size for entry in entries)
    if total > MAX_DOCX_UNPACKED:
        raise AuthoringError(f"Word 文件 {name} 解压后有 {_size(total)}，超过上限 {_size(MAX_DOCX_UNPACKED)}，"
                             "可能是恶意构造的“压缩炸弹”，没有导入。")
    for entry in entries:
        if entry.file_size > _RATIO_APPLIES_FROM and entry.file_size > MAX_DOCX_RATIO * max(entry.compress_size, 1):
            raise AuthoringError(f"Word 文件 {name} 中的部件“{clean_text(entry.filename)}”压缩比异常"
                                 f"（{entry.compress_size} 字节解压成 {entry.file_size} 字节），"
                                 "可能是恶意构造的“压缩炸弹”，没有导入。")


# --- text and Markdown -----------------------------------------------------------------------------------------------


def clean_text(text: str) -> str:
    """One line of plain text for front matter: invisible characters removed, whitespace collapsed."""
    return re.sub(r"\s+", " ", _visible(text)).strip()


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment: tags stripped (scripts and styles with their content), entities decoded once."""
    if _too_deep(fragment):
        raise AuthoringError("文件的标签嵌套层次过深，无法转换。请复制其中的文字另存为 .txt 再导入。")
    spaced = re.sub(r"<br\b[^>]*>|</(?:p|li|td|th|tr|h[1-6]|div|blockquote|figcaption)\s*>", " ", fragment, flags=re.IGNORECASE)
    stripped = nh3.clean(spaced, tags=set(), attributes={}, clean_content_tags=DROPPED_WITH_CONTENT)
    return clean_text(html_module.unescape(stripped))


_ESCAPE_INLINE = re.compile(r"([\\`*_\[\]{}])")
# What makes a line more than text when it starts it: headings, quotes, list items, rules, admonitions.
_ESCAPE_LINE_START = re.compile(r"^([ \t]*)([#>+\-!])", re.MULTILINE)
_ESCAPE_ORDERED = re.compile(r"^([ \t]*\d+)\.", re.MULTILINE)
# A `!` that ends a piece of text may meet the `[` of the link written after it (看!<a>图</a>): a picture.
_ESCAPE_BANG = re.compile(r"!(?=\Z)")
_SETEXT_EQUALS = re.compile(r"^([ \t]*)=(=*[ \t]*)$", re.MULTILINE)


def escape_markdown(text: str) -> str:
    """Text that Markdown shows as written: no HTML, entities, links, emphasis, attribute lists or block syntax.

    `<` and `&` become entities (a backslash does not escape them in Python-Markdown); the other characters
    with a meaning get a backslash, those that only mean something at the start of a line only there.
    """
    text = _visible(text)
    text = _ESCAPE_BANG.sub(r"\\!", _ESCAPE_INLINE.sub(r"\\\1", text))
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = _ESCAPE_LINE_START.sub(r"\1\\\2", text)
    text = _ESCAPE_ORDERED.sub(r"\1\\.", text)
    return _SETEXT_EQUALS.sub(r"\1&#61;\2", text)


def _markdown_url(url: str) -> str:
    """A URL that cannot end the link early or carry Markdown after it: brackets, quotes, spaces percent-encoded."""
    return quote(url, safe="/:?#@!$&+,;=%~-._")


def _url_scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:
        return "invalid"


def _link_allowed(url: str) -> bool:
    """http, https, mailto or relative; nothing a browser could read differently (controls, backslashes)."""
    return bool(url) and not _INVISIBLE.search(url) and "\\" not in url and _url_scheme(url) in URL_SCHEMES | {""}


def _local_image(src: str) -> bool:
    """An image the draft can show: a relative path (Word's images are saved beside the article), not data: or remote."""
    return _link_allowed(src) and _url_scheme(src) == "" and not src.startswith("//")


class _Converter(MarkdownConverter):
    """markdownify with text escaped for Python-Markdown and links and images written by our rules."""

    def __init__(self, empty_alt: str = "", **options):
        # A table without <th> (Word's, most pages') takes its first row as the header, not an empty one.
        super().__init__(heading_style="ATX", bullets="-", strong_em_symbol="*", table_infer_header=True, **options)
        self.empty_alt = empty_alt

    def escape(self, text, parent_tags):
        text = escape_markdown(text or "")
        if "td" in parent_tags or "th" in parent_tags:
            text = text.replace("|", "\\|")  # a bar would end the table cell
        return text

    def convert_a(self, el, text, parent_tags):
        prefix, suffix, text = chomp(text)
        href = (el.get("href") or "").strip()
        if not text or "_noformat" in parent_tags or not _link_allowed(href):
            return prefix + text + suffix  # javascript:, data: … : the words stay, the link goes
        return f"{prefix}[{text}]({_markdown_url(href)}){suffix}"

    def convert_img(self, el, text, parent_tags):
        alt = clean_text(el.get("alt") or "")
        src = (el.get("src") or "").strip()
        if not _local_image(src):
            where = f"，原图地址：{src}" if _url_scheme(src) in ("http", "https") and _link_allowed(src) else ""
            return escape_markdown(f"（原文图片未导入{'：' + alt if alt else ''}{where}）")
        if "_inline" in parent_tags and el.parent.name not in self.options["keep_inline_images_in"]:
            return escape_markdown(alt)
        return f"![{escape_markdown(alt or self.empty_alt)}]({_markdown_url(src)})"


_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^<>]*?(/?)>")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
# Real pages nest a few dozen levels. HTML parsers spend time in proportion to the depth on each tag,
# so a file of nothing but "<div>" would keep them busy for hours: such a file is refused first.
MAX_NESTING = 1000


def _too_deep(html: str) -> bool:
    depth = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.groups()
        if closing:
            depth = max(depth - 1, 0)
        elif not self_closing and name.lower() not in _VOID:
            depth += 1
            if depth > MAX_NESTING:
                return True
    return False


def sanitise(html: str) -> str:
    if _too_deep(html):
        raise AuthoringError("文件的标签嵌套层次过深，无法转换。请复制其中的文字另存为 .txt 再导入。")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     clean_content_tags=DROPPED_WITH_CONTENT, link_rel=None)


_ONLY_IMAGE = re.compile(r"^!\[((?:[^\]\\]|\\.)*)\]\(([^)\s]+)\)$")
_KINDS = {"ul": Kind.LIST, "ol": Kind.LIST, "table": Kind.TABLE, "figcaption": Kind.CAPTION,
          **{f"h{level}": Kind.HEADING for level in range(1, 7)}}


def _block(piece: str, kind: Kind, converter: _Converter) -> Block | None:
    markdown = re.sub(r"\n{3,}", "\n\n", converter.convert(piece)).strip()
    if not markdown:
        return None
    image = ""
    if kind in (Kind.PARAGRAPH, Kind.OTHER) and (match := _ONLY_IMAGE.match(markdown)):
        kind, image = Kind.IMAGE, match.group(2)
    return Block(plain_text(piece), markdown, kind, image)


def _blocks(body, converter: _Converter) -> list[Block]:
    """The top-level blocks of sanitised HTML; runs of inline content and paragraphs are cut at each <br>,
    a <figure> into its pictures and its caption."""
    pieces: list[tuple[str, Kind]] = []
    run: list[str] = []

    def close_run():
        if run:
            pieces.append(("<p>" + "".join(run) + "</p>", Kind.PARAGRAPH))
            run.clear()

    def add_paragraph(node):
        close_run()
        for child in node.iter(include_text=True):
            close_run() if child.tag == "br" else run.append(child.html or "")
        close_run()

    for node in body.iter(include_text=True):
        if node.tag == "p":
            add_paragraph(node)
        elif node.tag == "figure":
            close_run()
            for child in node.iter(include_text=True):
                if child.tag == "figcaption":
                    close_run()
                    pieces.append((child.html or "", Kind.CAPTION))
                elif child.tag == "p":
                    add_paragraph(child)
                else:
                    run.append(child.html or "")
            close_run()
        elif node.tag in _BLOCK_TAGS:
            close_run()
            pieces.append((node.html or "", _KINDS.get(node.tag, Kind.OTHER)))
        elif node.tag == "br":
            close_run()
        else:
            run.append(node.html or "")
    close_run()
    return [block for piece, kind in pieces if (block := _block(piece, kind, converter)) is not None]


def _parse_sanitised(html: str, converter: _Converter) -> tuple[str, list[Block]]:
    """The first <h1>'s text (taken out of the body) and the blocks of the body, from sanitised HTML."""
    try:
        body = LexborHTMLParser(sanitise(html)).body
        heading = body.css_first("h1") if body is not None else None
        title = plain_text(heading.html or "") if heading is not None else ""
        if heading is not None:
            heading.decompose()
        return title, (_blocks(body, converter) if body is not None else [])
    except RecursionError:
        raise AuthoringError("文件的标签嵌套层次过深，无法转换。请复制其中的文字另存为 .txt 再导入。") from None


# --- a web page's article --------------------------------------------------------------------------------------------

# Page furniture by element, and by the class or id names Chinese news sites give it (class="nav", id="footer",
# "site-header"); "article-header" or "news-footer" belong to the article and are not furniture.
_FURNITURE_TAGS = {"nav", "aside", "form", "button", "select", "input", "textarea", "header", "footer"}
_FURNITURE_NAME = re.compile(
    r"(?:(?:site|page|top|main|global|g)[-_]?)?"
    r"(?:nav|navbar|menu|header|head|footer|foot|breadcrumbs?|crumbs?|bread|sidebar|side|share|related|comments?|"
    r"toolbar|topbar)", re.IGNORECASE)
# 曲樟乡……_北海新闻网, 标题 | 网站: a page's <title> ends with its site's name.
_SITE_SUFFIX = re.compile(r"\s*(?:[_|｜]|\s-\s|\s—\s).*$")


def _is_furniture(node) -> bool:
    if node.tag in _FURNITURE_TAGS:
        return True
    names = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}".split()
    return any(_FURNITURE_NAME.fullmatch(name) for name in names)


def _ancestor_nodes(node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


def _ancestors(node) -> list[int]:
    """The ids of `node` and everything around it."""
    return [node.mem_id, *(ancestor.mem_id for ancestor in _ancestor_nodes(node))]


def _article(html: str) -> tuple[str, str, str]:
    """The article of a web page as HTML, the title over it when outside it, and the page's <title>.

    The article is the <article> (the one with most text), else <main>; else the smallest element that holds both
    the <h1> and the element with the most paragraph text. Navigation, sidebars, forms and a page header or footer
    inside it are dropped, unless they hold the title or the story.
    """
    if _too_deep(html):
        raise AuthoringError("文件的标签嵌套层次过深，无法转换。请复制其中的文字另存为 .txt 再导入。")
    tree = LexborHTMLParser(html)
    # The <title> as written: its markup stripped and entities decoded once, like every other text.
    head_title = re.search(r"<title\b[^>]*>(.*?)</title\s*>", html, re.DOTALL | re.IGNORECASE)
    page_title = plain_text(head_title.group(1)) if head_title else ""
    page_title = _SITE_SUFFIX.sub("", page_title) or page_title
    body = tree.body
    if body is None:
        return html, "", page_title
    texts: dict[int, tuple[int, object]] = {}
    for paragraph in body.css("p"):
        parent = paragraph.parent
        if parent is not None:
            count, _node = texts.get(parent.mem_id, (0, parent))
            texts[parent.mem_id] = (count + len(paragraph.text(strip=True)), parent)
    story = max(texts.values(), key=lambda item: item[0])[1] if texts else None
    articles = body.css("article")
    root = (max(articles, key=lambda node: len(node.text(strip=True))) if articles
            else body.css_first("main, [role=main]"))
    # The page's own <h1> (a site logo in the page header is one too) is not the article's title.
    heading = next((node for node in body.css("h1") if not any(map(_is_furniture, _ancestor_nodes(node)))), None)
    if root is None:
        root = story if story is not None else body
        if heading is not None:
            shared = set(_ancestors(heading))
            root = next((node for node in (root, *_ancestor_nodes(root)) if node.mem_id in shared), body)
    outer_title = ""
    if root.css_first("h1") is None and heading is not None:
        outer_title = plain_text(heading.html or "")
    # One walk that does not enter what it drops: each element is looked at once.
    keep = set(_ancestors(heading) if heading is not None else []) | set(_ancestors(story) if story is not None else [])
    furniture, stack = [], [root]
    while stack:
        for child in stack.pop().iter():
            own_part = child.tag in ("header", "footer") and root.tag == "article"  # its dateline and credits
            if _is_furniture(child) and child.mem_id not in keep and not own_part:
                furniture.append(child)
            else:
                stack.append(child)
    for node in furniture:
        node.decompose()
    return root.html or "", outer_title, page_title


# --- the three kinds of file -----------------------------------------------------------------------------------------

# Word's own styles for a title and a picture caption (题注 in Chinese Word is the style named "caption").
_DOCX_STYLES = "p[style-name='Title'] => h1:fresh\np[style-name='Caption'] => figcaption:fresh"


def from_docx(path: Path, image_folder: str, title: str = "") -> Draft:
    data = read_source(path)
    check_docx_archive(data, path.name)
    images: dict[str, bytes] = {}

    def keep_image(image):
        try:
            with image.open() as stream:
                content = stream.read()
        except Exception:  # noqa: BLE001 - a linked picture mammoth may not fetch, or a damaged one: a note instead
            return {"alt": image.alt_text or ""}
        extension = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif"}.get(image.content_type, "png")
        name = f"image-{len(images) + 1}.{extension}"
        images[name] = content
        return {"src": f"{image_folder}/{name}", "alt": image.alt_text or ""}

    try:
        # A stream without a file name, and no external access: a linked image cannot make mammoth read local files.
        result = mammoth.convert_to_html(io.BytesIO(data), convert_image=mammoth.images.img_element(keep_image),
                                         external_file_access=False, style_map=_DOCX_STYLES)
    except Exception as error:  # noqa: BLE001 - whatever a hostile file does to the parser, staff see a damaged file
        raise _damaged(path.name, type(error).__name__) from None
    heading, blocks = _parse_sanitised(result.value, _Converter(empty_alt=ALT_PLACEHOLDER))
    draft = _draft(recognise(blocks, heading_title=heading, given_title=clean_text(title)))
    draft.images = images
    return draft


def from_html(html: str, title: str = "") -> Draft:
    article, outer_title, page_title = _article(html)
    heading, blocks = _parse_sanitised(article, _Converter())
    return _draft(recognise(blocks, heading_title=heading or outer_title, page_title=page_title,
                            given_title=clean_text(title)))


def from_markdown(text: str, title: str = "") -> Draft:
    """A Markdown file: rendered, then treated as any HTML (sanitised, then converted back)."""
    try:
        html = markdown_module.markdown(_visible(text), extensions=["tables"])
    except RecursionError:
        raise AuthoringError("Markdown 文件的列表或引用嵌套层次过深，无法转换。") from None
    return from_html(html, title)


def from_text(text: str, title: str = "") -> Draft:
    """Plain text, one paragraph a line, as text copied from a web page or WeChat arrives; it stays text."""
    blocks = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _visible(line).strip().lstrip("\u3000").strip()
        if line:
            blocks.append(Block(clean_text(line), escape_markdown(line)))
    return _draft(recognise(blocks, given_title=clean_text(title)))


_ATX = re.compile(r"^(#{1,6})[ \t]+")


def _heading_markdown(block: Block) -> str:
    """`## 小标题`: a heading the converter wrote keeps its level below the title's (h3 stays ###)."""
    text = " ".join(block.markdown.split())
    level = 2
    if match := _ATX.match(text):
        level, text = max(level, len(match.group(1))), text[match.end():]
    while len(text) > 4 and text.startswith(("**", "__")) and text.endswith(text[:2]):
        text = text[2:-2].strip()  # a bold line is the heading, not bold text in it
    return "#" * level + " " + text


def _image_markdown(block: Block) -> str:
    if not block.caption:
        return block.markdown
    match = _ONLY_IMAGE.match(block.markdown)
    alt = match.group(1) if match else ""
    if not alt or alt == escape_markdown(ALT_PLACEHOLDER):
        alt = escape_markdown(block.caption)
    # The caption is the figure's title (its <figcaption>); a quote would end the title early.
    return f'![{alt}]({block.image} "{escape_markdown(block.caption).replace(chr(34), "&quot;")}")'


def _draft(release: Release) -> Draft:
    parts = []
    for block in release.body:
        if block.kind is Kind.HEADING:
            parts.append(_heading_markdown(block))
        elif block.kind is Kind.IMAGE:
            parts.append(_image_markdown(block))
        else:
            parts.append(block.markdown)
    # Every value once more through the reader's own rule: what the import writes, `check` reads.
    return Draft(
        title=clean_text(release.title), body=without_unsafe("\n\n".join(parts)) + "\n", date=without_unsafe(release.date),
        authors=[without_unsafe(author) for author in release.authors], source=without_unsafe(release.source),
        editor=without_unsafe(release.editor), photographer=without_unsafe(release.photographer),
        rights={key: without_unsafe(value) for key, value in release.rights.items()}, notes=release.notes,
    )


def write_draft(docs_dir: Path, section_id: str, draft: Draft, slug: str, comment: str = "") -> Path:
    """Write the draft and its images; on any failure nothing stays behind.

    The date is the release's own; a release without one gets none, so that `publish` writes the time it
    publishes (it keeps a date that is there: an import day would pass for the publishing date). The image
    folder is made only when the release has pictures, with the permissions any folder staff make gets
    (readable by the web server and by colleagues, as the umask allows). `comment` goes above the fields."""
    import shutil

    from .editing import write_article

    path = docs_dir / section_id / f"{slug}.md"
    folder = docs_dir / section_id / slug
    if path.exists() or folder.exists():
        raise AuthoringError(f"{path} 或同名图片文件夹已经存在，请换个标题或先处理已有文件。")
    meta: dict = {"title": draft.title, "slug": slug, "status": "draft"}
    if draft.date:
        meta["date"] = draft.date
    meta["authors"] = draft.authors
    if draft.source:
        meta["source"] = draft.source
    meta["editor"] = draft.editor
    if draft.photographer:
        meta["photographer"] = draft.photographer
    meta["tags"] = []
    meta["summary"] = ""
    if draft.rights:
        meta["rights"] = draft.rights
    path.parent.mkdir(parents=True, exist_ok=True)  # a configured section whose folder is not made yet
    made_folder = False
    try:
        if draft.images:
            folder.mkdir()  # fails if it appeared meanwhile: never writes into someone else's folder
            made_folder = True
            for name, data in draft.images.items():
                (folder / name).write_bytes(data)
        write_article(path, meta, draft.body, comment=comment)
    except BaseException:
        if made_folder:
            shutil.rmtree(folder, ignore_errors=True)
        path.unlink(missing_ok=True)
        raise
    return path


# --- the same manuscript twice -----------------------------------------------------------------------------------------

# The line `import` writes above an imported draft's fields (a YAML comment: the build ignores it, review
# and publish keep it), so that importing the same file again can say which article came from it.
IMPORTED_FROM = "导入自："
_IMPORTED_FROM_LINE = re.compile(rf"^# {IMPORTED_FROM}(.+?)（[^（）]*）\s*$", re.MULTILINE)


def import_comment(file_name: str, day: str) -> str:
    return f"{IMPORTED_FROM}{clean_text(file_name)}（{day} 导入）"


def imported_from(path: Path) -> str:
    """The file name an article was imported from, as `import_comment` wrote it; "" when not imported."""
    try:
        with path.open(encoding="utf-8", errors="replace") as stream:
            head = stream.read(4096)
    except OSError:
        return ""
    found = _IMPORTED_FROM_LINE.search(head.split("\n---", 1)[0])
    return found.group(1).strip() if found else ""


def earlier_imports(docs_dir: Path, articles, title: str, file_name: str) -> list[tuple[str, str]]:
    """Articles that may be this manuscript imported before: (docs/-relative path, why), for a warning.

    The same title (compared as one text whatever the spaces, width or 繁简), or imported from a file of the
    same name. A placeholder title says nothing."""
    from ..hanzi import person_key

    key = person_key(title) if title != TITLE_PLACEHOLDER else ""
    name = clean_text(file_name)
    found = []
    for article in articles:
        reasons = []
        if key and person_key(article.title) == key:
            reasons.append("标题相同")
        if name and imported_from(docs_dir / article.source_path) == name:
            reasons.append(f"也是从 {name} 导入的")
        if reasons:
            found.append((article.source_path, "，".join(reasons)))
    return found
