"""What would stop an article from being published, found while it is still a draft.

One rule set for every stage: `check` shows a draft's findings as “发布前需处理” (they never stop
a build), `publish` refuses on them before anything is written, and the build refuses a
published article that has them. Pure functions of an `Article`; files are asked about through
`file_exists` (docs-relative paths), lines through `line_of` (a front-matter key's line).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable

from ..problems import Problem, Severity
from .credits import parse_credits
from .frontmatter import shown
from .markdown_scan import Kind, images, lines_outside_code, resolve
from .model import Article
from .slugs import free_slug, pinyin_slug

# Placeholders the authoring commands write where staff still have to fill something in. The
# importer writes TITLE_PLACEHOLDER for a release without a title line and ALT_PLACEHOLDER for a
# picture without a caption; `new` writes its body between NEW_BODY_MARK's brackets.
TITLE_PLACEHOLDER = "请填写标题"
ALT_PLACEHOLDER = "（请填写替代文字）"  # older imports wrote （请填写图片说明）: flagged alike (请填写)
NEW_BODY_MARK = "在这里写正文"
_PLACEHOLDER = re.compile(f"请填写|{NEW_BODY_MARK}")
_IMAGE_ALT = re.compile(r"!\[[^\]]*\]")  # a picture's alt text has its own rule
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_\[\]{}#>+\-!.|])")  # as the importer escapes text
_BLOCK_MARKUP = ("#", "|", "!", ">", "- ", "* ", "+ ", "```", "~~~", "<")  # headings, tables, pictures, quotes, lists, code, HTML

READABLE_SLUG = 40  # characters: an address staff can read out and type


class Stage(enum.Enum):
    DRAFT = "draft"  # a draft or 待审 article: findings are what to do before publishing
    PUBLISHING = "publishing"  # the publish command: every finding refuses
    PUBLISHED = "published"  # a published article in a build or check: errors, except rules for publishing only


class _Taken:
    """The slugs other articles have, asked one at a time (`slug in taken`)."""

    def __init__(self, slug_taken: Callable[[str], bool]):
        self.slug_taken = slug_taken

    def __contains__(self, slug: object) -> bool:
        return isinstance(slug, str) and self.slug_taken(slug)


def _slug_suggestion(article: Article, slug_taken: Callable[[str], bool]) -> str:
    """A shorter slug no other article has: from the title, else the slug's own first syllables."""
    shorter = pinyin_slug(article.title, max_length=READABLE_SLUG)
    if not shorter or shorter == article.slug:
        shorter = article.slug[:READABLE_SLUG].rsplit("-", 1)[0]
    return free_slug(shorter, _Taken(slug_taken), READABLE_SLUG)


def readiness_problems(
    article: Article,
    path: str,
    stage: Stage,
    file_exists: Callable[[str], bool],
    line_of: Callable[[str], int] = lambda key: 1,
    slug_taken: Callable[[str], bool] = lambda slug: False,
) -> list[Problem]:
    """What blocks publishing `article` (`path` as messages name it, e.g. docs/dangjian/a.md);
    `slug_taken` tells the slugs of other articles, which a suggested shorter slug avoids."""
    severity = Severity.PENDING if stage is Stage.DRAFT else Severity.ERROR
    docs = path[: -len(article.source_path)] if path.endswith(article.source_path) else ""
    problems: list[Problem] = []

    def add(line: int, code: str, message: str, hint: str) -> None:
        problems.append(Problem(path, line, code, message, hint, severity))

    if _PLACEHOLDER.search(article.title):
        add(line_of("title"), "placeholder-title", f"标题还是占位文字“{article.title}”。", "在头信息的 title 中写上文章的真实标题。")
    if not article.authors:
        add(line_of("authors"), "missing-field", "缺少作者（authors）。", "在头信息中加一行，例如 authors: [张三, 李四]")
    if not article.editor:
        add(line_of("editor"), "missing-field", "缺少责任编辑（editor）。", "在头信息中加一行，例如 editor: 王五（也可以在 new 命令中用 --editor 写明）")
    # The summary is left out: when not written it is the body's opening, reported below.
    fields = {"authors": article.authors, "editor": (article.editor,), "source": (article.source,),
              "tags": article.tags, "villages": article.villages}
    for key, values in fields.items():
        if any(_PLACEHOLDER.search(value) for value in values):
            add(line_of(key), "placeholder-field", f"字段 {key} 中还有占位文字。", "把“请填写……”换成真实内容，或删掉这一项。")
    if stage is not Stage.PUBLISHED and len(article.slug) > READABLE_SLUG:
        # Published addresses stay as they are: media and readers link to them.
        add(line_of("slug"), "long-slug", f"网址名有 {len(article.slug)} 个字符，太长（建议不超过 {READABLE_SLUG} 个）。",
            f"发布前改短，例如 slug: {_slug_suggestion(article, slug_taken)}（发布后网址名就不再改）。")
    if article.body_chars == 0:
        add(article.body_line, "empty-body", "正文是空的。", "在头信息下面写正文。")

    credits: list[Problem] = []  # reported after the placeholders, as the two checks always were
    for number, line in lines_outside_code(article.body, article.body_line):
        if match := _PLACEHOLDER.search(_IMAGE_ALT.sub("", line) if "![" in line else line):
            add(number, "placeholder-text", f"正文这一行还有占位文字（“{match.group()}……”）。", "把占位文字换成正文，或删掉这一行。")
        if (found := _credits_line(line)) is not None:
            credits.append(Problem(
                path, number, "credits-in-body", f"正文这一行像是原稿的日期、来源或作者行：“{shown(line.strip(), 40)}”（{found}）。",
                "把日期、来源、作者、责任编辑写进头信息（date、source、authors、editor），再删掉这一行；"
                "留在正文里，页面上会在网站的来源下面再出现一行来源。", severity,
            ))
    problems += credits

    # The pictures' own rules, the media library's too (it no longer repeats them): checked before publishing.
    for image in images(article.body, article.body_line):
        if image.kind is Kind.HTML:
            continue  # the media check and the body policy speak for those
        if image.is_external:
            add(image.line, "image-external", f"不能引用其他网站的图片：{shown(image.src, 80)}。",
                "网站和离线版都不从其他网站加载内容：把图片下载下来，放进文章的图片文件夹再引用。")
            continue
        target = resolve(image.src, article.source_path)
        if target is None:
            add(image.line, "image-outside-docs", f"图片路径 {shown(image.src, 80)} 指向了 docs/ 文件夹之外。",
                "把图片放进文章同名的文件夹里，用相对路径引用，例如 文章名/照片.jpg。")
        elif not file_exists(target):
            add(image.line, "image-missing", f"找不到图片 {image.src}（应在 {docs}{target}）。",
                "检查文件名的拼写、大小写和扩展名，以及图片是否放进了正确的文件夹。")
        alt = image.alt.strip()
        if not alt:
            add(image.line, "image-no-alt", f"图片 {image.src} 缺少替代文字（描述图片内容的一句话）。",
                "在 ![ ] 的方括号里写一句话描述图片内容，供视障读者和图片加载失败时使用。")
        elif _PLACEHOLDER.search(alt):
            add(image.line, "placeholder-alt", f"图片 {image.src} 的替代文字还是占位文字“{alt}”。",
                "在 ![ ] 的方括号里写一句话描述图片内容（导入时 Word 里这张图片没有说明）。")
    return problems


def _credits_line(line: str) -> str | None:
    """What a body line that is nothing but a release's dateline or credits says (`日期 2024-06-12，来源 …`),
    or None: the fields the importer moves into the front matter, left behind (pasted by hand, or an
    import that missed them)."""
    text = line.strip().strip("\u3000").strip()
    if not text or text.startswith(_BLOCK_MARKUP):
        return None
    credits = parse_credits(_MARKDOWN_ESCAPE.sub(r"\1", text) if "\\" in text else text)
    if credits is None:
        return None
    found = [f"{label} {value}" for label, value in (("日期", credits.date), ("来源", credits.source),
                                                     ("作者", "、".join(credits.authors)), ("责任编辑", credits.editor)) if value]
    return "，".join(found) or None
