"""Python-Markdown extension: plain `![替代文字](photo.jpg "图片说明")` becomes a responsive,
credited <figure>; a paragraph of several images becomes a gallery.

The plugin tells the extension which page is being rendered (`FigureContext`);
`src` and `href` stay docs-relative so MkDocs still checks and rewrites them,
while `srcset` URLs are made relative to the page here. The `<picture>` itself is
`picture.picture`'s, the same the templates print.
"""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass, field

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from ..content.markdown_scan import resolve
from .library import MediaLibrary
from .model import DEFAULT_WIDTHS, ProcessedImage
from .picture import PictureRole, picture


@dataclass
class FigureContext:
    library: MediaLibrary = field(default_factory=MediaLibrary)
    page_source: str = ""  # docs-relative source path of the page being rendered
    url_for: Callable[[str], str] = str  # docs-relative output path -> URL relative to the page
    lightbox: bool = True
    widths: tuple[int, ...] = DEFAULT_WIDTHS  # the configured variant widths
    images_on_page: int = 0

    def start_page(self, page_source: str, url_for: Callable[[str], str]) -> None:
        self.page_source, self.url_for, self.images_on_page = page_source, url_for, 0


class FigureTreeprocessor(Treeprocessor):
    def __init__(self, md: Markdown, context: FigureContext):
        super().__init__(md)
        self.context = context

    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "p" and self._only_images(child):
                    images = list(child)
                    if len(images) == 1:
                        replacement = self._figure(images[0])
                    else:
                        replacement = etree.Element("div", {"class": "ta-gallery"})
                        last_odd = len(images) - 1 if len(images) % 2 else None
                        for position, image in enumerate(images):
                            role = PictureRole.GALLERY_LAST_ODD if position == last_odd else PictureRole.GALLERY
                            replacement.append(self._figure(image, role))
                    replacement.tail = child.tail
                    parent.remove(child)
                    parent.insert(index, replacement)
                elif child.tag == "img":
                    element = self._picture(child, PictureRole.FIGURE)
                    if element is not None:
                        element.tail = child.tail
                        parent.remove(child)
                        parent.insert(index, element)

    @staticmethod
    def _only_images(paragraph: etree.Element) -> bool:
        if (paragraph.text or "").strip() or not len(paragraph):
            return False
        return all(el.tag == "img" and not (el.tail or "").strip() for el in paragraph)

    def _processed(self, img: etree.Element) -> tuple[str, ProcessedImage] | None:
        target = resolve(img.get("src", ""), self.context.page_source)
        image = self.context.library.get(target) if target else None
        return (target, image) if image else None

    def _figure(self, img: etree.Element, role: PictureRole = PictureRole.FIGURE) -> etree.Element:
        figure = etree.Element("figure", {"class": "ta-figure"})
        found = self._processed(img)
        element = self._picture(img, role)
        if element is None:  # not a processed image (SVG, missing): leave it as it is
            figure.append(img)
            return figure
        if self.context.lightbox and found:
            _target, image = found
            link = etree.SubElement(
                figure, "a",
                # The lightbox takes the slide's title and credit from the figure caption (lightbox.js).
                {"class": "glightbox", "href": self._relative_to_source(image.src_uri(image.fallback()))},
            )
            link.append(element)
        else:
            figure.append(element)
        caption = etree.SubElement(figure, "figcaption")
        if img.get("title"):
            caption.text = img.get("title")
        credit = self.context.library.credits.get(found[0]) if found else None
        if credit:
            etree.SubElement(caption, "span", {"class": "ta-credit"}).text = credit.line
        return figure

    def _picture(self, img: etree.Element, role: PictureRole) -> etree.Element | None:
        found = self._processed(img)
        if found is None:
            return None
        _target, image = found
        self.context.images_on_page += 1
        return picture(image, role, self.context.widths, self.context.url_for, src_for=self._relative_to_source).element(
            alt=img.get("alt", ""),
            class_="off-glb",  # the figure's own link opens the lightbox
            priority=self.context.images_on_page == 1,  # likely above the fold: no lazy loading
            title=img.get("title", ""),
        )

    def _relative_to_source(self, src_uri: str) -> str:
        """A docs-relative path written relative to the page's source file, for MkDocs to check and rewrite."""
        return posixpath.relpath(src_uri, posixpath.dirname(self.context.page_source) or ".")


class FigureExtension(Extension):
    def __init__(self, context: FigureContext, **kwargs):
        self.context = context
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        # Before MkDocs' own relative-path processor (priority 0), which then checks and rewrites src/href.
        md.treeprocessors.register(FigureTreeprocessor(md, self.context), "township_archive_figures", 5)
