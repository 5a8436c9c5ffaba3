"""Turning Word documents and news articles pasted as text or HTML into draft articles.

Word goes through mammoth (structure: headings, lists, tables, emphasis, images);
any HTML is sanitised with nh3 before it is turned into Markdown with markdownify.
News text keeps its body; its title, date, author and source are recognised
where written in the usual Chinese way, and the trailing copyright or contact
block (版权声明, 联系电话, 法律顾问 …) moves into the draft's rights fields.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import mammoth
import nh3
from markdownify import markdownify

from ..content.schema import parse_date
from .editing import AuthoringError

ALLOWED_TAGS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "a", "img", "figure", "figcaption", "sup", "sub", "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}

_DATE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?(?:\s*(\d{1,2})[:：](\d{2}))?")
_SOURCE = re.compile(r"来源[:：]\s*([^\s|｜　]+)")
_AUTHOR = re.compile(r"(?:作者|记者|文)[:：]?\s*([\u4e00-\u9fff]{2,4}(?:[、，,\s][\u4e00-\u9fff]{2,4})*)")
_EDITOR = re.compile(r"(?:责任编辑|编辑)[:：]\s*([\u4e00-\u9fff]{2,4})")
# Lines that begin the trailing block of rights and contacts news sites put under an article.
_TRAILER = re.compile(r"^\s*[【\[]?\s*(版权声明|版权所有|免责声明|转载请|转载须|未经.{0,6}授权|联系电话|联系方式|法律顾问|本文来源|举报电话|投稿邮箱)")
_HOLDER = re.compile(r"版权(?:归|属于)\s*([^\s，,。；;]+?)\s*(?:所有|拥有)|([^\s，,。；;]+?)\s*版权所有")


@dataclass
class Draft:
    title: str
    body: str  # Markdown
    date: str = ""
    authors: list[str] = field(default_factory=list)
    source: str = ""
    editor: str = ""
    rights: dict[str, str] = field(default_factory=dict)
    images: dict[str, bytes] = field(default_factory=dict)  # file name -> bytes, go into the image folder


def sanitise(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel="noopener")


def html_to_markdown(html: str) -> str:
    markdown = markdownify(sanitise(html), heading_style="ATX", bullets="-", strong_em_symbol="*")
    return re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"


def from_docx(path: Path, image_folder: str) -> Draft:
    images: dict[str, bytes] = {}

    def keep_image(image):
        extension = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif"}.get(image.content_type, "png")
        name = f"image-{len(images) + 1}.{extension}"
        with image.open() as stream:
            images[name] = stream.read()
        return {"src": f"{image_folder}/{name}", "alt": image.alt_text or ""}

    try:
        with path.open("rb") as stream:
            result = mammoth.convert_to_html(stream, convert_image=mammoth.images.img_element(keep_image))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise AuthoringError(f"无法读取 Word 文件 {path.name}：文件已损坏或不是 .docx 格式（{type(error).__name__}）。"
                             "请用 Word 打开后“另存为 .docx”再导入；旧的 .doc 格式需要先转换。") from None
    html = result.value
    title_match = re.search(r"<h1>(.*?)</h1>", html, re.DOTALL)
    title = re.sub(r"<[^>]+>", "", title_match.group(1)).strip() if title_match else ""
    if title_match:
        html = html.replace(title_match.group(0), "", 1)
    body = html_to_markdown(html)
    if not title:
        first = next((line for line in body.splitlines() if line.strip()), "")
        title = re.sub(r"^[#*\s]+|[*\s]+$", "", first)[:60] or path.stem
    # Alt text missing in Word: give the check something to point at rather than an empty alt.
    body = re.sub(r"!\[\]\(", "![（请填写图片说明）](", body)
    return Draft(title=title, body=body, images=images)


def from_html(html: str) -> Draft:
    clean = sanitise(html)
    title_match = re.search(r"<h1[^>]*>(.*?)</h1>", clean, re.DOTALL) or re.search(r"<title[^>]*>(.*?)</title>", html, re.DOTALL)
    title = re.sub(r"<[^>]+>", "", title_match.group(1)).strip() if title_match else ""
    if title_match and title_match.group(0) in clean:
        clean = clean.replace(title_match.group(0), "", 1)
    return from_text(html_to_markdown(clean), title=title, plain=False)


def from_text(text: str, title: str = "", plain: bool = True) -> Draft:
    """`plain`: one paragraph a line, as text copied from a web page or WeChat arrives."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    if not title and lines:
        title = lines.pop(0).strip().lstrip("#").strip()
    draft = Draft(title=title, body="")

    # The dateline block: the first few lines that carry date, source, author or editor.
    body_start = 0
    for index, line in enumerate(lines[:6]):
        found = False
        if (match := _DATE.search(line)) and not draft.date:
            year, month, day, hour, minute = match.groups()
            stamp = f"{int(year):04d}-{int(month):02d}-{int(day):02d}" + (f" {int(hour):02d}:{minute}" if hour else "")
            if parse_date(stamp):
                draft.date, found = stamp, True
        if (match := _SOURCE.search(line)) and not draft.source:
            draft.source, found = match.group(1), True
        if (match := _EDITOR.search(line)) and not draft.editor:
            draft.editor, found = match.group(1), True
        if (match := _AUTHOR.search(_EDITOR.sub("", line))) and not draft.authors:
            draft.authors, found = re.split(r"[、，,\s]+", match.group(1)), True
        if found:
            body_start = index + 1
        elif line.strip():
            break
    lines = lines[body_start:]

    # The trailer: from the first rights/contact line to the end.
    trailer_at = next((i for i, line in enumerate(lines) if _TRAILER.match(line)), None)
    if trailer_at is not None:
        trailer = " ".join(line.strip() for line in lines[trailer_at:] if line.strip())
        lines = lines[:trailer_at]
        draft.rights["notice"] = trailer
        if holder := _HOLDER.search(trailer):
            draft.rights["holder"] = (holder.group(1) or holder.group(2)).strip("【】[]：:")
    if draft.source:
        draft.rights.setdefault("original_source", draft.source)
        if draft.title:
            draft.rights.setdefault("original_title", draft.title)
    if plain:
        lines = [line.strip().lstrip("\u3000") for line in lines if line.strip()]
        draft.body = "\n\n".join(lines) + "\n"
    else:
        draft.body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
    if not draft.title:
        raise AuthoringError("没有找到标题：文件第一行应当是文章标题。")
    return draft


def write_draft(docs_dir: Path, section_id: str, draft: Draft, slug: str, fallback_date: str) -> Path:
    """Write the draft and its images; on any failure nothing stays behind."""
    import shutil
    import tempfile

    from .editing import write_article

    path = docs_dir / section_id / f"{slug}.md"
    folder = docs_dir / section_id / slug
    if path.exists() or folder.exists():
        raise AuthoringError(f"{path} 或同名图片文件夹已经存在，请换个标题或先处理已有文件。")
    meta: dict = {"title": draft.title, "slug": slug, "status": "draft", "date": draft.date or fallback_date}
    meta["authors"] = draft.authors
    if draft.source:
        meta["source"] = draft.source
    meta["editor"] = draft.editor
    meta["tags"] = []
    meta["summary"] = ""
    if draft.rights:
        meta["rights"] = draft.rights
    staging = Path(tempfile.mkdtemp(prefix=".import-", dir=docs_dir / section_id))
    try:
        for name, data in draft.images.items():
            (staging / name).write_bytes(data)
        staging.replace(folder)
        write_article(path, meta, draft.body)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        path.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return path
