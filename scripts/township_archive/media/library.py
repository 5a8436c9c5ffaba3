"""The site's images: which are used where, whose they are, and their processed variants.

`build_library` runs before MkDocs writes anything: it checks every image
reference of the articles, resolves each image's credit (sidecar file, then
the article, then the site), and runs the pipeline. Problems name the article
and line that uses the image.
"""

from __future__ import annotations

import difflib
import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..content.frontmatter import clean_text, decode, key_text, line_at, read_yaml
from ..content.frontmatter import shown as quoted
from ..content.loader import Archive
from ..content.markdown_scan import Image, Kind, images, resolve
from ..content.model import Article
from ..content.reviews import SIDECAR_SUFFIX
from ..problems import Problem, Severity
from .model import DEFAULT_MIN_WIDTH, RASTER_EXTENSIONS, Credit, MediaSpec, ProcessedImage
from .process import MediaCache, run_pipeline

SIDECAR_FIELDS = {"author": "摄影/作者", "holder": "版权方", "watermark": "是否加可见署名（true/false）"}


@dataclass(frozen=True)
class MediaSettings:
    spec: MediaSpec
    cache_dir: Path
    site_holder: str
    site_terms: str = ""
    min_width: int = DEFAULT_MIN_WIDTH
    workers: int = 0
    watermark: bool = False
    watermark_text: str = "{holder}"
    watermark_font: str | None = None


@dataclass(frozen=True)
class Usage:
    article: Article
    line: int
    kind: str  # "content" | "cover"


@dataclass
class MediaLibrary:
    images: dict[str, ProcessedImage] = field(default_factory=dict)
    credits: dict[str, Credit] = field(default_factory=dict)
    sidecars: set[str] = field(default_factory=set)
    article_images: dict[str, list[str]] = field(default_factory=dict)  # article source -> images it shows
    processed: int = 0
    cached: int = 0

    def get(self, source: str) -> ProcessedImage | None:
        return self.images.get(source)


@functools.lru_cache(maxsize=65536)  # asked several times for each picture of every build and preview
def is_raster(path: str) -> bool:
    return Path(path).suffix.lower() in RASTER_EXTENSIONS


def build_library(
    docs_dir: Path,
    display_root: Path,
    archive: Archive,
    settings: MediaSettings,
    include_drafts: bool = False,
    progress: Callable[[int], Callable[[int], object]] | None = None,
) -> tuple[MediaLibrary, list[Problem]]:
    """`progress` is handed to the pipeline (see `run_pipeline`)."""
    docs_dir, display_root = docs_dir.resolve(), display_root.resolve()
    problems: list[Problem] = []
    library = MediaLibrary()

    shown_as: dict[str, str] = {}
    folders: dict[str, str] = {}

    def shown(relative: str) -> str:
        """`(docs_dir / relative).relative_to(display_root)`, asked for every picture: path objects once a folder."""
        if (found := shown_as.get(relative)) is None:
            folder, _, name = relative.rpartition("/")
            if name in ("", ".", "..") or relative.startswith("/"):  # as path objects read them
                found = (docs_dir / relative).relative_to(display_root).as_posix()
            else:
                if folder not in folders:
                    folders[folder] = (docs_dir / folder).relative_to(display_root).as_posix()
                found = name if folders[folder] == "." else f"{folders[folder]}/{name}"
            shown_as[relative] = found
        return found

    articles = [a for a in archive.articles if a.is_public or include_drafts]
    usages: dict[str, list[Usage]] = {}
    for article in sorted(articles, key=lambda a: a.source_path):
        for ref in images(article.body, article.body_line):
            where = (shown(article.source_path), ref.line)
            if ref.kind is Kind.HTML:
                problems += _html_image_problems(ref, article, docs_dir, where)
                continue
            target = None if ref.is_external else resolve(ref.src, article.source_path)
            if target is None or not (docs_dir / target).is_file():
                # A picture from another site, outside docs/ or missing, and its alt text: the readiness check's
                # (content.readiness), so that publish refuses what the build would.
                continue
            if is_raster(target):
                usages.setdefault(target, []).append(Usage(article, ref.line, "content"))
        if article.cover and is_raster(article.cover):
            usages.setdefault(article.cover, []).append(Usage(article, 0, "cover"))

    # Images in a published article's folder are published even when not referenced (e.g. linked).
    public_folders = tuple(a.asset_folder for a in articles)
    article_folders = tuple(a.asset_folder for a in archive.articles)
    sources: dict[str, tuple[Path, Credit]] = {}
    files = _files(docs_dir)
    listed = set(files)
    for relative in files:
        path = docs_dir / relative
        if relative.endswith(SIDECAR_SUFFIX) and is_raster(relative[: -len(SIDECAR_SUFFIX)]):
            library.sidecars.add(relative)
            continue
        if not is_raster(relative):
            continue
        # Skip only images that sit in a non-public article's folder and are used nowhere public; images of the
        # home page, the about page and section introductions (outside any article's folder) are kept.
        if relative not in usages and not relative.startswith(public_folders) and relative.startswith(article_folders):
            continue
        sidecar, sidecar_problems = ({}, []) if relative + SIDECAR_SUFFIX not in listed else (  # most pictures have none
            _read_sidecar(docs_dir / (relative + SIDECAR_SUFFIX), shown(relative + SIDECAR_SUFFIX)))
        problems += sidecar_problems
        credit = _credit(relative, usages.get(relative, []), sidecar, settings, archive)
        if credit.watermark and not settings.watermark_font:
            problems.append(Problem(shown(relative), 0, "watermark-font-missing", "这张图片要加可见署名，但找不到中文字体。",
                                    "安装 fonts-noto-cjk，或在 mkdocs.yml 的 media.watermark.font 中写明字体文件路径。"))
        library.credits[relative] = credit
        sources[relative] = (path, credit)

    result = run_pipeline(
        sources, settings.spec, MediaCache(settings.cache_dir), settings.workers, settings.watermark_font, progress
    )
    library.images, library.processed, library.cached = result.images, result.processed, result.cached
    for source, uses in usages.items():
        for usage in uses:
            shown_by = library.article_images.setdefault(usage.article.source_path, [])
            if source not in shown_by:
                shown_by.append(source)

    for source, (code, message, hint) in sorted(result.failures.items()):
        places = [(shown(u.article.source_path), u.line or 1) for u in usages.get(source, [])] or [(shown(source), 0)]
        for path, line in places:
            problems.append(Problem(path, line, code, f"图片 {shown(source)} 无法发布：{message}", hint))
    for source, image in sorted(library.images.items()):
        for usage in usages.get(source, []):
            where = (shown(usage.article.source_path), usage.line or 1)
            if image.width < settings.min_width:
                use = "封面" if usage.kind == "cover" else "正文图片"
                problems.append(Problem(*where, "image-too-small",
                                        f"图片 {shown(source)} 只有 {image.width} 像素宽，用作{use}太小（至少 {settings.min_width} 像素）。",
                                        "换一张原图（不要用截图或微信压缩过的图片）。", Severity.WARNING))
        for note in image.notes:
            if note.startswith("扩展名"):
                problems.append(Problem(shown(source), 0, "image-misnamed", f"图片 {shown(source)}：{note}。",
                                        "把文件扩展名改成与实际格式一致。", Severity.WARNING))
    return library, problems


def _files(docs_dir: Path) -> list[str]:
    """The files `sorted(docs_dir.rglob("*"))` finds that are files (`is_file`, which follows a link) outside
    hidden folders, not hidden themselves, as docs/-relative paths in that order; without a path object and
    a system call for each (like rglob, linked folders are not entered, unreadable ones are skipped)."""
    found: list[str] = []

    def walk(folder: str, prefix: str) -> None:
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except PermissionError:
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                walk(entry.path, f"{prefix}{entry.name}/")
            elif entry.is_file():
                found.append(prefix + entry.name)

    walk(str(docs_dir), "")
    return sorted(found, key=lambda relative: relative.split("/"))  # as paths sort: part by part


def _html_image_problems(ref: Image, article: Article, docs_dir: Path, where: tuple[str, int]) -> list[Problem]:
    """A picture of the site written as HTML (`<img src=...>`) is not made into variants and its original is
    not published, so the page would show a broken image. Pictures from other sites are the body policy's:
    it removes them and says so at their line."""
    if ref.is_external:
        return []
    target = resolve(ref.src, article.source_path)
    if target is None or not is_raster(target) or not (docs_dir / target).is_file():
        return []
    return [Problem(*where, "image-html", f"图片 {ref.src} 是用 HTML 的 <img> 写的：这样不会生成适合各种屏幕的尺寸，也不带署名，原图不发布，网页上会显示不出来。",
                    "改用 Markdown 写法：![替代文字](图片路径 \"图片说明\")。", Severity.WARNING)]


_SIDECAR_HINT = "写成 author: 张三 这样的“字段: 值”，文件保存为 UTF-8。"


def _read_sidecar(path: Path, shown_path: str) -> tuple[dict, list[Problem]]:
    """The checked fields of an image's sidecar (`photo.jpg.yml`): author and holder as clean text,
    watermark as a boolean. A field that is wrong is reported at its line and left out."""
    if not path.is_file():
        return {}, []
    try:
        raw = path.read_bytes()
    except OSError as error:
        return {}, [Problem(shown_path, 0, "sidecar-invalid", f"图片说明文件无法读取：{quoted(error.strerror or error)}。", _SIDECAR_HINT)]
    text, problems = decode(shown_path, raw)
    if text is None:
        return {}, problems
    return sidecar_from_text(text, shown_path)


def sidecar_from_text(text: str, shown_path: str) -> tuple[dict, list[Problem]]:
    """The checked fields written in `text` (the content of a sidecar); see `_read_sidecar`."""
    problems: list[Problem] = []
    # No anchors or aliases, no !! tags, bounded nesting, no control characters: see `read_yaml`.
    loaded = read_yaml(text, shown_path, what="图片说明文件", code="sidecar-invalid", hint=_SIDECAR_HINT)
    if not loaded.ok:
        return {}, loaded.problems
    if loaded.data is None:
        return {}, []
    if not isinstance(loaded.data, dict) or not isinstance(loaded.node, yaml.MappingNode):
        return {}, [Problem(shown_path, 1, "sidecar-invalid", "图片说明文件应当是“字段: 值”的形式。", "例如 author: 张三")]
    lines = {
        key_text(key.value): line_at(text, key.start_mark.index, 1) for key, _value in loaded.node.value if isinstance(key, yaml.ScalarNode)
    }
    fields = "、".join(f"{k}（{v}）" for k, v in SIDECAR_FIELDS.items())
    sidecar: dict = {}
    for key, value in loaded.data.items():
        name = key_text(key)
        where = (shown_path, lines.get(name, 1))
        if name not in SIDECAR_FIELDS:
            close = difflib.get_close_matches(name, list(SIDECAR_FIELDS), n=1, cutoff=0.6)
            problems.append(Problem(*where, "unknown-field", f"图片说明文件中有未知字段 {quoted(name)}。",
                                    (f"是不是想写 {close[0]}？" if close else "") + "可用的字段：" + fields))
        elif name == "watermark":
            if isinstance(value, bool):
                sidecar[name] = value
            elif value is not None:
                problems.append(Problem(*where, "sidecar-invalid", f"图片说明文件的 watermark 应当是 true 或 false，写成了 {quoted(value)}。",
                                        "写 watermark: true（加可见署名）或 watermark: false（不加）。"))
        elif value is not None:
            text_value = value if isinstance(value, str) else str(value) if isinstance(value, int) and not isinstance(value, bool) else None
            if text_value is None:
                problems.append(Problem(*where, "sidecar-invalid", f"图片说明文件的 {name}（{SIDECAR_FIELDS[name]}）应当是一段文字。",
                                        f"例如 {name}: 张三"))
            elif cleaned := clean_text(text_value):  # unpublishable characters were refused by `read_yaml`
                sidecar[name] = cleaned
    return sidecar, problems


def _credit(source: str, usages: list[Usage], sidecar: dict, settings: MediaSettings, archive: Archive) -> Credit:
    owner = usages[0].article if usages else _owner(source, archive)
    author = str(sidecar.get("author") or (owner.photographer if owner else "") or "")
    holder = str(sidecar.get("holder") or (owner.rights.holder if owner and owner.rights.holder else "") or settings.site_holder)
    watermark_on = settings.watermark
    if owner is not None and owner.section.watermark is not None:
        watermark_on = owner.section.watermark
    if isinstance(sidecar.get("watermark"), bool):
        watermark_on = sidecar["watermark"]
    text = settings.watermark_text.format(holder=holder, author=author or holder) if watermark_on else ""
    return Credit(holder, author, owner.year if owner else None, settings.site_terms, text)


def _owner(source: str, archive: Archive) -> Article | None:
    for article in archive.articles:
        if source.startswith(article.asset_folder):
            return article
    return None
