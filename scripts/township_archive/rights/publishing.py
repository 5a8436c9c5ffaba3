"""Everything the archive publishes about rights and citation, composed in one place:
per-article notices, citations, JSON-LD and Open Graph, feeds, citation files, robots.txt."""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup

from ..content.loader import Archive
from ..content.markdown_scan import images, resolve
from ..content.model import Article, article_files
from ..media.library import MediaLibrary
from ..site_checks import site_url_placeholder
from .citation import Citation, bibtex, csl_json, gbt7714, split_at_access_date
from .feeds import FeedItem, json_feed, plan_feeds, rss
from .metadata import Publisher, news_article, open_graph
from .notice import Notice, SiteRights, article_notice, effective_rights
from .qrcode import qr_svg

FIGURE_CAPTION_SHOWN = 16  # characters of a caption named in a credit line
_NUMBERED = re.compile(r"^图\s*[0-9０-９一二三四五六七八九十]+\s*[:：.．、]?\s*")


def figure_names(article: Article) -> dict[str, str]:
    """How a credit line names each picture of the body (docs/-relative source -> name): 图1, 图2 … in the
    order they appear, with their caption (or alt text) when they have one: 图1“党员代跑员为独居老人送药”.
    Never the file name: image-1.jpg says nothing to a reader."""
    names: dict[str, str] = {}
    for image in images(article.body, article.body_line):
        target = resolve(image.src, article.source_path) if not image.is_external else None
        if target is None or target in names:
            continue
        caption = _NUMBERED.sub("", " ".join((image.title or image.alt).split()))  # 图1 …: numbered here already
        if len(caption) > FIGURE_CAPTION_SHOWN:
            caption = caption[:FIGURE_CAPTION_SHOWN] + "……"
        names[target] = f"图{len(names) + 1}" + (f"“{caption}”" if caption else "")
    return names


@dataclass(frozen=True)
class ImageCredit:
    name: str  # 封面图, or 图1“caption” (`figure_names`)
    author: str
    holder: str


@dataclass(frozen=True)
class ArticleRights:
    """What an article page shows and embeds about its rights and how to cite it."""

    notice: Notice
    citation_before: str  # the GB/T 7714 text before the access date …
    citation_after: str  # … and after it
    permalink: str
    jsonld: dict
    open_graph: list[tuple[str, str]]
    image_credits: tuple[ImageCredit, ...]
    qr_svg: Markup  # the permalink as a QR code (an SVG we draw); empty without a real site_url
    cite_json: str  # the citation files beside the page, named after the article: <slug>.json …
    cite_bib: str  # … and <slug>.bib


_CITATION_FILES: dict[tuple, tuple[str, str]] = {}


class Publishing:
    def __init__(self, site: SiteRights, publisher: Publisher, library: MediaLibrary):
        self.site = site
        self.publisher = publisher
        self.library = library
        self._notices: dict[str, Notice] = {}
        # A QR code only of an address a phone can open: never of a placeholder or intranet site_url.
        self.qr_codes = not site_url_placeholder(publisher.site_url)

    def notice(self, article: Article) -> Notice:
        if article.source_path not in self._notices:
            self._notices[article.source_path] = article_notice(self.site, article)
        return self._notices[article.source_path]

    def citation(self, article: Article) -> Citation:
        rights = effective_rights(article)
        return Citation(
            title=article.title,
            url=self.publisher.absolute(article.url),
            authors=article.authors,
            publisher=self.publisher.site_name,
            published=article.date.date() if article.date else None,
            updated=article.updated.date() if article.updated else None,
            key=article.slug,
            summary=article.summary,
            original_source=rights.original_source or "",
            original_title=rights.original_title or "",
            original_author=rights.original_author or "",
            original_url=rights.original_url or "",
        )

    def cover_url(self, article: Article) -> tuple[str, int]:
        """Absolute URL and size of the largest JPEG/PNG of the cover, for link cards and feeds."""
        image = self.library.get(article.cover) if article.cover else None
        if image is None:
            return "", 0
        largest = image.fallback()
        return self.publisher.absolute(image.src_uri(largest)), largest.bytes

    def article_rights(self, article: Article) -> ArticleRights:
        notice = self.notice(article)
        before, after = split_at_access_date(gbt7714(self.citation(article)))
        cover, _size = self.cover_url(article)
        images = [cover] if cover else []
        credits = []
        figures = figure_names(article)
        for source in self.library.article_images.get(article.source_path, []):
            credit = self.library.credits.get(source)
            image = self.library.get(source)
            if credit and image:
                name = "封面图" if source == article.cover else figures.get(source, f"图{len(figures) + 1}")
                credits.append(ImageCredit(name, credit.author, credit.holder))
                url = self.publisher.absolute(image.src_uri(image.fallback()))
                if url not in images:
                    images.append(url)
        permalink = self.publisher.absolute(article.url)
        return ArticleRights(
            notice=notice,
            citation_before=before,
            citation_after=after,
            permalink=permalink,
            jsonld=news_article(article, notice, self.publisher, images),
            open_graph=open_graph(article, self.publisher, images[0] if images else None),
            image_credits=tuple(credits),
            qr_svg=Markup(qr_svg(permalink)) if self.qr_codes else Markup(""),
            cite_json=article_files(article.slug)[0],
            cite_bib=article_files(article.slug)[1],
        )

    def _citation_files(self, article: Article) -> tuple[str, str]:
        """CSL-JSON and BibTeX of an article; the preview keeps them while the article does not change."""
        key = (self.publisher, article.values())
        try:
            found = _CITATION_FILES.get(key)
        except TypeError:  # a field that cannot be hashed
            found, key = None, None
        if found is None:
            citation = self.citation(article)
            found = csl_json(citation), bibtex(citation)
            if key is not None:
                if len(_CITATION_FILES) > 100_000:
                    _CITATION_FILES.clear()
                _CITATION_FILES[key] = found
        return found

    def generated_files(self, archive: Archive, feed_items: int) -> dict[str, str | bytes]:
        """Site-relative path -> content of every file this module adds to the site."""
        files: dict[str, str | bytes] = {}
        for article in archive.published:
            cite_json, cite_bib = article_files(article.slug)
            files[article.url + cite_json], files[article.url + cite_bib] = self._citation_files(article)

        def item(article: Article) -> FeedItem:
            url, size = self.cover_url(article)
            return FeedItem(article, self.notice(article), url, size)

        copyright_text = f"© {self.site.holder}。{self.site.policy}"
        for feed in plan_feeds(archive, self.publisher.site_name, copyright_text, item, feed_items):
            files[feed.path] = rss(feed, self.publisher)
            files[feed.json_path] = json_feed(feed, self.publisher)
        files["robots.txt"] = f"User-agent: *\nAllow: /\n\nSitemap: {self.publisher.absolute('sitemap.xml')}\n"
        return files
