"""What the templates in overrides/ see: a read-only, typed view of the site built from the plan.

Engine-neutral: the adapter puts it into the template environment as `archive`."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from .content.loader import Archive
from .content.model import Article, Section
from .listings import YEARS_URL, ListingPlan
from .media.library import MediaLibrary
from .media.model import ProcessedImage
from .media.picture import PictureRole, picture
from .plan import DraftsPage, SitePlan
from .relations import ArticleLinks, article_links
from .rights.notice import year_range
from .settings import Identity, OfflineSettings
from .urls import file_url
from .villages import Honour, Village


@dataclass(frozen=True)
class SectionSummary:
    section: Section
    count: int
    latest: tuple[Article, ...]

    @property
    def url(self) -> str:
        return self.section.url


@dataclass(frozen=True)
class NamedCount:
    name: str
    count: int
    url: str


@dataclass(frozen=True)
class MonthCount:
    month: int
    count: int
    url: str


@dataclass(frozen=True)
class YearView:
    """One year of the chronicle: its articles by month, each month linking to where it begins."""

    name: str
    count: int
    url: str
    months: tuple[MonthCount, ...]


@dataclass(frozen=True)
class VillageView:
    name: str
    url: str
    description: str
    honours: tuple[Honour, ...]
    count: int  # articles that mention the village


@dataclass(frozen=True)
class SiteView:
    identity: Identity  # site name, sponsor, contact, registration, rights
    offline: OfflineSettings
    archive_search: bool
    sections: tuple[SectionSummary, ...]
    latest: tuple[Article, ...]
    tags: tuple[NamedCount, ...]
    years: tuple[YearView, ...]
    village_by_name: dict[str, VillageView]  # in the data file's order, then villages only articles mention
    links: dict[str, ArticleLinks]  # article source path -> newer/older/related
    copyright_years: str
    tag_urls: dict[str, str]
    library: MediaLibrary
    picture_widths: tuple[int, ...]  # the configured variant widths
    total: int
    lastmods: dict[str, str]
    rights_url: str  # site-relative URL of the rights page, for links from every article
    csp_meta: str = ""  # the Content Security Policy the offline copy carries in each page
    drafts: DraftsPage | None = None  # the preview's 草稿箱, linked from every page of the preview

    @classmethod
    def from_plan(cls, plan: SitePlan) -> SiteView:
        archive, listings, settings = plan.archive, plan.listings, plan.settings
        published = archive.published
        by_tag = archive.by_tag()
        by_village = archive.by_village()
        known = {v.name: v for v in plan.villages}
        newest_year = published[0].year if published else None
        month_urls = listings.month_urls()
        return cls(
            identity=settings.identity,
            offline=settings.offline,
            archive_search=settings.archive_search,
            sections=tuple(
                SectionSummary(s, len(archive.in_section(s)), tuple(archive.in_section(s)[:3])) for s in archive.sections
            ),
            latest=tuple(published[: settings.home_latest]),
            tags=tuple(
                NamedCount(tag, len(by_tag[tag]), listings.tag_url(tag))
                for tag in sorted(by_tag, key=lambda t: (-len(by_tag[t]), listings.tag_slugs[t]))
            ),
            years=tuple(
                YearView(f"{y}年", len(a), f"{YEARS_URL}{y}/", _months(y, a, month_urls)) for y, a in archive.by_year().items()
            ),
            village_by_name={
                name: VillageView(
                    name, listings.village_url(name), known.get(name, Village(name)).description,
                    known.get(name, Village(name)).honours, len(by_village.get(name, [])),
                )
                for name in listings.village_names()
            },
            links=article_links(archive),
            copyright_years=year_range(settings.identity.rights.since_year, newest_year),
            tag_urls={tag: listings.tag_url(tag) for tag in by_tag},
            library=plan.library,
            picture_widths=settings.media.spec.widths,
            total=len(published),
            lastmods=_lastmods(archive, listings),
            rights_url=plan.rights_url(),
            csp_meta=plan.csp_meta,
            drafts=plan.drafts_page,
        )

    def lastmod(self, src_uri: str) -> str:
        """W3C date of a page's last change, from article dates; pages without their own take the newest."""
        return self.lastmods.get(src_uri, self.lastmods.get("", ""))

    def cover(self, article: Article) -> ProcessedImage | None:
        return self.library.get(article.cover) if article.cover else None

    def picture(self, image: ProcessedImage, page_url: str, role: str = PictureRole.FIGURE, alt: str = "", class_: str = "") -> Markup:
        """`<picture>` of a processed image in the page at site address `page_url` (a template's `page.url`),
        the same the figures in articles get (`media.picture`)."""
        return picture(image, PictureRole(role), self.picture_widths, lambda target: file_url(target, page_url)).markup(
            alt=alt, class_=class_
        )

    @property
    def villages(self) -> tuple[VillageView, ...]:
        return tuple(self.village_by_name.values())

    def village(self, name: str) -> VillageView | None:
        return self.village_by_name.get(name)


def _months(year: int, articles: list[Article], month_urls: dict[tuple[int, int], str]) -> tuple[MonthCount, ...]:
    counts: dict[int, int] = {}
    for article in articles:
        counts[article.date.month] = counts.get(article.date.month, 0) + 1
    return tuple(MonthCount(m, counts[m], month_urls[(year, m)]) for m in sorted(counts, reverse=True))


def _changed(article: Article) -> str:
    moment = article.updated or article.date
    return moment.date().isoformat() if moment else ""


def _lastmods(archive: Archive, plan: ListingPlan) -> dict[str, str]:
    lastmods = {a.source_path: _changed(a) for a in archive.published}
    for listing in plan.pages:
        if listing.articles:
            lastmods[listing.src_uri] = max(_changed(a) for a in listing.articles)
    lastmods[""] = max((_changed(a) for a in archive.published), default="")
    return lastmods
