"""The SitePlan: every decision the build makes, computed once from content and settings.

Which articles are drafts, where each page is written and with which template, the listing
pages, the navigation, which image variants are published and which originals withheld, the
generated files (feeds, citation files, robots.txt), the redirects and what goes into search.
No engine is known here: the MkDocs adapter and the CLI both read one plan and decide nothing.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

from .content.loader import Archive, LoadMemo, load_archive
from .content.model import DRAFTS_FOLDER, Article, Status
from .content.reviews import ReviewState
from .dates import chinese_date
from .listings import ListingKind, ListingPage, ListingPlan, plan_listings
from .media.library import MediaLibrary, build_library, is_raster
from .media.lightbox import LIGHTBOX_ASSETS
from .media.process import MediaCache
from .problems import Problem, Severity, display_path, line_of_key
from .rights.metadata import Publisher
from .rights.notice import SiteRights
from .rights.publishing import Publishing
from .search.index import SearchDocument, html_text
from .serving import archive_redirects, content_security_policy
from .settings import Settings
from .urls import page_address, page_output, relative_url
from .villages import Village, load_villages


class PageKind(str, enum.Enum):
    HOME = "home"
    ARTICLE = "article"
    LISTING = "listing"
    PAGE = "page"  # about, a section's introduction, other top-level pages
    DRAFTS = "drafts"  # the preview's 草稿箱


# The template each kind of page is drawn with; None: the page's own front matter or the theme's default.
TEMPLATES = {PageKind.ARTICLE: "article.html", PageKind.LISTING: "listing.html", PageKind.DRAFTS: "drafts.html"}

DRAFTS_URL = f"{DRAFTS_FOLDER}/"


# Listing pages the navigation names (their first page); single tags, years and villages are reached from these.
_NAV_LISTINGS = (ListingKind.SECTION, ListingKind.TAG_INDEX, ListingKind.YEAR_INDEX, ListingKind.VILLAGE_INDEX)


@dataclass(frozen=True)
class NavEntry:
    """One item of the site's top navigation: a page source, with a title unless the page names itself."""

    source: str
    title: str | None = None


@dataclass(frozen=True)
class PageFacts:
    """What the plan fills into a page's metadata: its template, a description when the page has none, its authors."""

    template: str | None = None
    description: str | None = None
    author: str | None = None


@dataclass(frozen=True)
class RedirectPage:
    """A page at an old address that sends the reader on (for servers without our nginx redirects, and offline)."""

    path: str  # output file
    title: str
    target: str  # relative address of the article
    canonical: str  # the article's absolute address


@dataclass(frozen=True)
class DraftEntry:
    """One unpublished article in the 草稿箱: where it is, how far its 三审 has come, what blocks publishing."""

    article: Article
    file: str  # as messages name it (docs/dangjian/文章.md): the file staff open
    problems: tuple[Problem, ...]  # found in this file (errors, warnings, 发布前需处理), by line

    @property
    def review_progress(self) -> str:
        """Who reviewed which version and what comes next, as `check` and the report say it."""
        return ReviewState(self.article.reviews, self.article.fingerprint).progress()


@dataclass(frozen=True)
class DraftsPage:
    """草稿箱: a page of the preview only (never built for the public site or the offline copy)
    listing every draft and pending (待审) article: section by section, 待审 first, newest first."""

    entries: tuple[DraftEntry, ...]
    title: str = "草稿箱"
    url: str = DRAFTS_URL
    source: str = f"{DRAFTS_FOLDER}/index.md"  # the page's place among the engine's pages


@dataclass(frozen=True)
class SitePlan:
    settings: Settings
    archive: Archive
    library: MediaLibrary
    villages: tuple[Village, ...]
    listings: ListingPlan
    publishing: Publishing
    # Site path -> file on disk copied into the site as it is (image variants, the lightbox's script).
    copied: Mapping[str, Path] = field(default_factory=dict)
    # Site path -> content of every file the build writes itself (feeds, citation files, robots.txt).
    generated: Mapping[str, str | bytes] = field(default_factory=dict)
    redirects: tuple[tuple[str, str], ...] = ()
    nav: tuple[NavEntry, ...] = ()
    csp_meta: str = ""  # the Content Security Policy the offline copy carries in each page
    # Articles that are not published and their picture folders: only the preview shows them.
    draft_folders: tuple[str, ...] = ()
    drafts_page: DraftsPage | None = None  # only when planning the preview

    @cached_property
    def articles_by_source(self) -> Mapping[str, Article]:
        return MappingProxyType({a.source_path: a for a in self.archive.articles})

    @cached_property
    def published_by_url(self) -> Mapping[str, Article]:
        return MappingProxyType({a.url: a for a in self.archive.published})

    @cached_property
    def listings_by_source(self) -> Mapping[str, ListingPage]:
        return MappingProxyType(self.listings.by_src_uri())

    @cached_property
    def _withheld_sources(self) -> frozenset[str]:
        active = () if self.settings.allow_active_files else self.archive.active_files
        return frozenset(self.library.sidecars) | frozenset(active)

    @property
    def content_epoch(self) -> int | None:
        """The build's own date (sitemap) as seconds since 1970: the newest published article's, so that
        the same content builds the same site on any day."""
        newest = self.archive.published[0].date if self.archive.published else None
        return int(newest.timestamp()) if newest else None

    # -- pages -----------------------------------------------------------------------------

    def kind(self, source: str) -> PageKind:
        if self.drafts_page is not None and source == self.drafts_page.source:
            return PageKind.DRAFTS
        if source in self.articles_by_source:
            return PageKind.ARTICLE
        if source in self.listings_by_source:
            return PageKind.LISTING
        return PageKind.HOME if source == "index.md" else PageKind.PAGE

    def page_facts(self, source: str) -> PageFacts:
        article = self.articles_by_source.get(source)
        if article is None:
            return PageFacts(template=TEMPLATES.get(self.kind(source)))
        return PageFacts(TEMPLATES[PageKind.ARTICLE], article.summary, "、".join(article.authors))

    def dest(self, source: str) -> str | None:
        """Output path of an article (its slug folder); None: where the engine puts any page."""
        article = self.articles_by_source.get(source)
        return article.dest_path if article else None

    def in_nav(self, source: str) -> bool:
        """Only sections, the tag, chronicle and village indexes and top-level pages are in the navigation."""
        if source in self.articles_by_source:
            return False
        listing = self.listings_by_source.get(source)
        return listing is None or listing.number == 1 and listing.kind in _NAV_LISTINGS

    # -- what is published -----------------------------------------------------------------

    def is_draft(self, source: str) -> bool:
        """Not on the public site, only in the preview: drafts, their pictures, unpublished pages."""
        return source.startswith(self.draft_folders) or source in self.archive.unpublished_pages or (
            (article := self.articles_by_source.get(source)) is not None and not article.is_public
        )

    def draft_label(self, source: str) -> str | None:
        """How the preview marks an unpublished page: its status (草稿, 待审); None for a public page."""
        if (article := self.articles_by_source.get(source)) is not None:
            return None if article.is_public else article.status.label
        return Status.DRAFT.label if source in self.archive.unpublished_pages else None

    def is_withheld(self, source: str) -> bool:
        """Never published: originals (their variants are), sidecars, and active files unless allowed."""
        if source in self._withheld_sources:
            return True
        # A draft's pictures stay as they are in the preview (drafts are never on the public site).
        return self.settings.media_enabled and is_raster(source) and not self.is_draft(source)

    # -- per page, for the templates ---------------------------------------------------------

    def rights_url(self) -> str:
        """Site-relative address of the rights page, linked from every article."""
        if not (self.settings.docs_dir / self.settings.rights_page).is_file():
            return ""
        return page_output(self.settings.rights_page, self.settings.directory_urls)[1]

    def redirect_pages(self) -> list[RedirectPage]:
        """One page at each old address of a published article; the same list nginx's 301s use."""
        pages = []
        for old, new in self.redirects:
            old_folder, new_folder = old.strip("/") + "/", new.strip("/") + "/"
            article = self.published_by_url[new_folder]
            target = page_address(relative_url(new_folder, old_folder), self.settings.directory_urls)
            pages.append(RedirectPage(f"{old_folder}index.html", article.title, target, self.publishing.publisher.absolute(article.url)))
        return pages

    def search_document(self, source: str, title: str, body_html: str) -> SearchDocument | None:
        """What search knows of a page: articles with their metadata; a section by its first page;
        other pages by title and text. Tag and year pages only repeat article titles; the home page is the search's own."""
        urls = self.settings.directory_urls
        if (article := self.articles_by_source.get(source)) is not None:
            if not article.is_public:
                return None
            return SearchDocument(
                url=page_address(article.url, urls), title=article.title, text=html_text(body_html),
                section=article.section.title, date=article.date.isoformat() if article.date else "",
                date_label=chinese_date(article.date), tags=article.tags, villages=article.villages,
            )
        if (listing := self.listings_by_source.get(source)) is not None:
            if listing.kind is ListingKind.SECTION and listing.number == 1:
                return SearchDocument(url=page_address(listing.url, urls), title=listing.title, text=listing.description)
            return None
        if source == "index.md" or self.kind(source) is PageKind.DRAFTS:
            return None
        url = page_output(source, urls)[1]
        return SearchDocument(url=page_address(url, urls), title=title, text=html_text(body_html))


def make_plan(
    settings: Settings,
    archive: Archive,
    library: MediaLibrary,
    villages: tuple[Village, ...] | list[Village] = (),
    *,
    preview: bool = False,
    problems: Iterable[Problem] = (),
) -> SitePlan:
    """The plan of a loaded archive: pure, no files read or written. `preview`: the plan of `mkdocs
    serve`, which adds the 草稿箱 listing the drafts with their `problems` (what `prepare` found)."""
    villages = tuple(villages)
    listings = plan_listings(archive, settings.page_size, [v.name for v in villages])
    identity = settings.identity
    publisher = Publisher(identity.site_name, identity.sponsor, identity.site_url or "/", utc_offset=settings.utc_offset)
    rights = identity.rights
    publishing = Publishing(SiteRights(rights.holder, rights.policy, rights.reprint_contact, rights.since_year), publisher, library)
    copied: dict[str, Path] = {}
    cache = MediaCache(settings.media.cache_dir)
    for image in library.images.values():
        folder = cache.dir_for(image.key)
        for variant in image.variants:
            copied[image.src_uri(variant)] = folder / variant.filename
    if settings.lightbox:
        copied.update(LIGHTBOX_ASSETS)
    drafts_page = _drafts_page(settings, archive, problems) if preview else None
    return SitePlan(
        settings=settings,
        archive=archive,
        library=library,
        villages=villages,
        listings=listings,
        publishing=publishing,
        copied=MappingProxyType(copied),
        generated=MappingProxyType(publishing.generated_files(archive, settings.feed_items)),
        redirects=tuple(archive_redirects(archive)),
        nav=_navigation(archive, listings, drafts_page),
        csp_meta=content_security_policy(settings.embeds, meta=True),
        draft_folders=tuple(a.asset_folder for a in archive.articles if not a.is_public),
        drafts_page=drafts_page,
    )


def _drafts_page(settings: Settings, archive: Archive, problems: Iterable[Problem]) -> DraftsPage:
    """Drafts and pending articles with the problems found in their files: the build's and what the
    readiness rules ask before publishing (`Archive.pending`). Section by section as configured; in each,
    待审 before 草稿 (a reviewer is waiting), newest first."""
    by_file: dict[str, list[Problem]] = {}
    for problem in (*problems, *archive.pending):
        by_file.setdefault(problem.path, []).append(problem)
    order = {section.id: number for number, section in enumerate(archive.sections)}
    unpublished = sorted(
        (a for a in archive.articles if not a.is_public),
        key=lambda a: (order.get(a.section.id, len(order)), a.status is not Status.REVIEW, -(a.date.timestamp() if a.date else 0), a.source_path),
    )
    entries = []
    for article in unpublished:
        file = display_path(settings.docs_dir / article.source_path, settings.project_dir)
        entries.append(DraftEntry(article, file, tuple(sorted(by_file.get(file, []), key=lambda p: (p.line, p.code)))))
    return DraftsPage(tuple(entries))


def _navigation(archive: Archive, listings: ListingPlan, drafts_page: DraftsPage | None = None) -> tuple[NavEntry, ...]:
    """Home, the sections, tags, the chronicle, villages, then the other top-level pages: never single articles.
    The preview ends with its 草稿箱."""
    nav = [NavEntry("index.md")]
    nav += [NavEntry(f"{section.id}/index.md", section.title) for section in archive.sections]
    for listing in listings.pages:
        if listing.kind in (ListingKind.TAG_INDEX, ListingKind.YEAR_INDEX, ListingKind.VILLAGE_INDEX):
            nav.append(NavEntry(listing.src_uri, listing.title))
    pages = {source for source in archive.page_urls.values() if "/" not in source and source != "index.md"}
    nav += [NavEntry(source) for source in sorted(pages - archive.unpublished_pages)]
    if drafts_page is not None:
        nav.append(NavEntry(drafts_page.source, drafts_page.title))
    return tuple(nav)


def prepare(
    settings: Settings,
    *,
    include_drafts: bool = False,
    progress: Callable[[int], Callable[[int], object]] | None = None,
    memo: LoadMemo | None = None,
) -> tuple[SitePlan, list[Problem]]:
    """Read and check the project's content, images and villages, and plan the site.

    The one entry point of the build (`mkdocs build`/`serve` through the adapter) and of the CLI's
    `check`: both see the same problems. `include_drafts`: the plan of the preview, which shows
    drafts (their pictures are processed too) and lists them in its 草稿箱. `memo`: kept by the
    preview from one call to the next, so that unchanged files are not read again (`LoadMemo`)."""
    archive, problems = load_archive(
        settings.docs_dir, list(settings.sections), settings.identity.source, settings.project_dir, memo=memo,
    )
    library = MediaLibrary()
    if settings.media_enabled:
        library, media_problems = build_library(
            settings.docs_dir, settings.project_dir, archive, settings.media, include_drafts=include_drafts, progress=progress,
        )
        problems += media_problems
    problems += banner_problems(settings, library)
    villages, village_problems = load_villages(settings.villages_path, settings.villages_file)
    problems = sorted(problems + village_problems)
    return make_plan(settings, archive, library, villages, preview=include_drafts, problems=problems), problems


def banner_problems(settings: Settings, library: MediaLibrary) -> list[Problem]:
    """The home page's banner (mkdocs.yml home.banner): the photo must be there and be made into variants
    like every picture (the library takes every picture of docs/ outside unpublished articles' folders);
    a photo narrower than the largest configured width would look blurred across a wide screen."""
    banner = settings.home.banner
    if not banner:
        return []
    where = (display_path(settings.config_file, settings.project_dir), line_of_key(settings.config_file, "banner"))
    shown = f"docs/{banner}"
    if not (settings.docs_dir / banner).is_file():
        return [Problem(*where, "home-banner-missing", f"首页横幅照片 {shown} 不存在。",
                        "把照片放进 docs/ 文件夹（例如 docs/images/banner.jpg），mkdocs.yml 的 home.banner 写它在 docs/ 里的路径（images/banner.jpg）；不要横幅就删掉 banner 这一行。")]
    if not settings.media_enabled:
        return []
    image = library.get(banner)
    if image is None:
        return [Problem(*where, "home-banner-unusable", f"首页横幅照片 {shown} 无法发布。",
                        "看看关于这张图片的其他提示；未发布文章的图片文件夹里的照片不能用作横幅，请放到 docs/images/ 里。")]
    widest = max(settings.media.spec.widths)
    if image.width < widest:
        return [Problem(*where, "home-banner-small", f"首页横幅照片 {shown} 只有 {image.width} 像素宽，在大屏幕上会发虚（最好至少 {widest} 像素）。",
                        "换一张原图（不要用截图或微信压缩过的图片）。", Severity.WARNING)]
    return []


def watched_paths(settings: Settings) -> tuple[Path, ...]:
    """What `prepare` reads: the preview rebuilds when any of these changes."""
    return (settings.docs_dir, settings.config_file, settings.villages_path)

