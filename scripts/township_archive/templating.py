"""What the templates in overrides/ see: a read-only, typed view of the site built from the plan.

Engine-neutral: the adapter puts it into the template environment as `archive`."""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from .content.loader import Archive
from .content.model import Article, Section
from .listings import YEARS_URL, ListingKind, ListingPage, ListingPlan
from .media.library import MediaLibrary
from .media.model import Credit, ProcessedImage
from .media.picture import PictureRole, picture
from .plan import DraftsPage, SitePlan
from .relations import ArticleLinks, article_links
from .rights.notice import year_range
from .settings import HomeSettings, Identity, OfflineSettings
from .urls import file_url
from .villages import Honour, Village


@dataclass(frozen=True)
class SectionSummary:
    section: Section
    count: int
    cover_article: Article | None = None  # the section's newest published article with a cover

    @property
    def url(self) -> str:
        return self.section.url


@dataclass(frozen=True)
class Cards:
    """A row layout for the home page's cards (overrides/home.html, .ta-cards in archive.css): how many
    a row where the column is wide (`wide`) and middling (`middle`); narrow columns take one a row."""

    items: tuple = ()
    wide: int = 1
    middle: int = 1


def row_counts(count: int, widest: int) -> tuple[int, int]:
    """(a row on wide screens, a row on middling ones) for `count` cards: never one card alone on the
    last row, so 5 are laid out 3 + 2 rather than 4 + 1. Wide: `widest` a row, else the nearest count
    that works (upwards first: 7 as 4 + 3); middling: two a row when that works, else one."""
    if count <= 1:
        return 1, 1
    candidates = [widest, widest + 1, *range(widest - 1, 1, -1)]
    wide = next((k for k in candidates if k <= count and count % k != 1), 1)
    return wide, min(wide, 2) if count % 2 == 0 else 1


@dataclass(frozen=True)
class Banner:
    """The home page's banner: the processed photo (None when pictures are not processed: then the
    original at `source`), what it shows, its credit line, and the heading over it."""

    source: str
    image: ProcessedImage | None
    alt: str
    credit: str
    title: str
    subtitle: str


@dataclass(frozen=True)
class TimelineMonth:
    """One month on a page of the chronicle (大事记): its entries, newest first. `continued`: the month
    began on an earlier page of the year, where the index's link (`ListingPlan.month_urls`) points."""

    month: int
    entries: tuple[Article, ...]
    continued: bool = False

    @property
    def anchor(self) -> str:
        return f"m{self.month}"


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
    home: HomeSettings = field(default_factory=HomeSettings)
    banner: Banner | None = None
    picture_news: Cards = field(default_factory=Cards)  # the newest articles with a cover (home.picture_news of them)
    section_cards: Cards = field(default_factory=Cards)  # SectionSummary of every section, for the home page
    month_urls: dict[tuple[int, int], str] | None = None  # (year, month) -> the chronicle page where it begins, #m<month>
    feeds: bool = True  # feed.xml and feed.json are linked (not in the offline copy: no network to follow them)

    @classmethod
    def from_plan(cls, plan: SitePlan) -> SiteView:
        archive, listings, settings = plan.archive, plan.listings, plan.settings
        published = archive.published
        by_tag = archive.by_tag()
        by_village = archive.by_village()
        known = {v.name: v for v in plan.villages}
        newest_year = published[0].year if published else None
        month_urls = listings.month_urls()
        covered = [a for a in published if a.cover and plan.library.get(a.cover)]  # newest first, as published
        sections = tuple(
            SectionSummary(s, len(archive.in_section(s)), next((a for a in covered if a.section == s), None))
            for s in archive.sections
        )
        news = tuple(covered[: settings.home.picture_news])
        return cls(
            identity=settings.identity,
            offline=settings.offline,
            archive_search=settings.archive_search,
            sections=sections,
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
            home=settings.home,
            banner=_banner(plan),
            picture_news=Cards(news, *row_counts(len(news), 4)),
            section_cards=Cards(sections, *row_counts(len(sections), 3)),
            month_urls=month_urls,
            feeds=not settings.offline.enabled,
        )

    def lastmod(self, src_uri: str) -> str:
        """W3C date of a page's last change, from article dates; pages without their own take the newest."""
        return self.lastmods.get(src_uri, self.lastmods.get("", ""))

    def cover(self, article: Article) -> ProcessedImage | None:
        return self.library.get(article.cover) if article.cover else None

    def picture(
        self, image: ProcessedImage, page_url: str, role: str = PictureRole.FIGURE, alt: str = "", class_: str = "",
        priority: bool = False,
    ) -> Markup:
        """`<picture>` of a processed image in the page at site address `page_url` (a template's `page.url`),
        the same the figures in articles get (`media.picture`). `priority`: the page's main picture, fetched first."""
        return picture(image, PictureRole(role), self.picture_widths, lambda target: file_url(target, page_url)).markup(
            alt=alt, class_=class_, priority=priority
        )

    def timeline(self, listing: ListingPage) -> tuple[TimelineMonth, ...]:
        """The months of one page of a year of the chronicle with their entries (the page's articles only)."""
        months: list[TimelineMonth] = []
        for article in listing.articles:
            if months and months[-1].month == article.date.month:
                months[-1] = TimelineMonth(article.date.month, (*months[-1].entries, article), months[-1].continued)
            else:
                begins = (self.month_urls or {}).get((article.date.year, article.date.month), "")
                months.append(TimelineMonth(article.date.month, (article,), not begins.startswith(f"{listing.url}#")))
        return tuple(months)

    def year_of(self, listing: ListingPage) -> YearView | None:
        """The chronicle's year a year page belongs to (its months link to the page where each begins)."""
        if listing.kind is not ListingKind.YEAR:
            return None
        return next((year for year in self.years if year.url == listing.base_url), None)

    @property
    def villages(self) -> tuple[VillageView, ...]:
        return tuple(self.village_by_name.values())

    def village(self, name: str) -> VillageView | None:
        return self.village_by_name.get(name)


def _banner(plan: SitePlan) -> Banner | None:
    home, library = plan.settings.home, plan.library
    if not home.banner or not (plan.settings.docs_dir / home.banner).is_file():
        return None  # the plan reports it (plan.banner_problems)
    image = library.get(home.banner)
    if plan.settings.media_enabled and image is None:
        return None
    credit = library.credits.get(home.banner) or Credit(plan.settings.identity.rights.holder)
    return Banner(home.banner, image, home.banner_alt, credit.line, home.title, home.subtitle)


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
