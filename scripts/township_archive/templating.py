"""What the templates in overrides/ see: a read-only view of the site, date filters,
the generated navigation and the stub source of generated listing pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import yaml
from jinja2 import pass_context

from .content.loader import Archive
from .content.model import Article, Section
from .listings import TAGS_URL, VILLAGES_URL, YEARS_URL, ListingPage, ListingPlan
from .media.library import MediaLibrary
from .media.model import ProcessedImage
from .relations import ArticleLinks, article_links
from .rights.notice import year_range
from .urls import page_address
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
    identity: Any  # the plugin's ArchiveConfig: sponsor, contact, registration, rights
    sections: tuple[SectionSummary, ...]
    latest: tuple[Article, ...]
    tags: tuple[NamedCount, ...]
    years: tuple[YearView, ...]
    village_by_name: dict[str, VillageView]  # in the data file's order, then villages only articles mention
    links: dict[str, ArticleLinks]  # article source path -> newer/older/related
    copyright_years: str
    tag_urls: dict[str, str]
    library: MediaLibrary
    total: int
    lastmods: dict[str, str]
    rights_url: str  # site-relative URL of the rights page, for links from every article
    csp_meta: str = ""  # the Content Security Policy the offline copy carries in each page

    @classmethod
    def build(
        cls, identity, archive: Archive, plan: ListingPlan, library: MediaLibrary, rights_url: str = "",
        villages: list[Village] | tuple[Village, ...] = (), csp_meta: str = "",
    ) -> SiteView:
        published = archive.published
        by_tag = archive.by_tag()
        by_village = archive.by_village()
        known = {v.name: v for v in villages}
        newest_year = published[0].year if published else None
        month_urls = plan.month_urls()
        return cls(
            identity=identity,
            sections=tuple(
                SectionSummary(s, len(archive.in_section(s)), tuple(archive.in_section(s)[:3])) for s in archive.sections
            ),
            latest=tuple(published[: identity.home_latest]),
            tags=tuple(
                NamedCount(tag, len(by_tag[tag]), plan.tag_url(tag))
                for tag in sorted(by_tag, key=lambda t: (-len(by_tag[t]), plan.tag_slugs[t]))
            ),
            years=tuple(
                YearView(f"{y}年", len(a), f"{YEARS_URL}{y}/", _months(y, a, month_urls)) for y, a in archive.by_year().items()
            ),
            village_by_name={
                name: VillageView(
                    name, plan.village_url(name), known.get(name, Village(name)).description,
                    known.get(name, Village(name)).honours, len(by_village.get(name, [])),
                )
                for name in plan.village_names()
            },
            links=article_links(archive),
            copyright_years=year_range(identity.rights.since_year, newest_year),
            tag_urls={tag: plan.tag_url(tag) for tag in by_tag},
            library=library,
            total=len(published),
            lastmods=_lastmods(archive, plan),
            rights_url=rights_url,
            csp_meta=csp_meta,
        )

    def lastmod(self, src_uri: str) -> str:
        """W3C date of a page's last change, from article dates; pages without their own take the newest."""
        return self.lastmods.get(src_uri, self.lastmods.get("", ""))

    def cover(self, article: Article) -> ProcessedImage | None:
        return self.library.get(article.cover) if article.cover else None

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


def chinese_date(value: datetime | None, with_time: bool = False) -> str:
    if value is None:
        return ""
    text = f"{value.year}年{value.month}月{value.day}日"
    if with_time and (value.hour or value.minute):
        text += f" {value.hour:02d}:{value.minute:02d}"
    return text


def iso_date(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.date().isoformat() if not (value.hour or value.minute) else value.isoformat(timespec="minutes")


def install(env, site: SiteView, directory_urls: bool = True) -> None:
    # Every value printed by a template, ours or Material's, is escaped unless it is Markup:
    # only HTML the project built itself (the cleaned page body, tojson) is marked so.
    env.autoescape = True
    # MkDocs' `url` filter, with the folder rule of urls.page_address: offline, a folder is its index.html.
    mkdocs_url = env.filters["url"]

    @pass_context
    def url(context, value: str) -> str:
        return page_address(mkdocs_url(context, value), directory_urls)

    env.filters["url"] = url
    env.globals["archive"] = site
    env.filters["chinese_date"] = chinese_date
    env.filters["iso_date"] = iso_date


def listing_source(listing: ListingPage) -> str:
    """Markdown for a generated listing page: front matter only; the template draws the list."""
    meta = {"title": listing.title if listing.number == 1 else f"{listing.title}（第 {listing.number} 页）"}
    if listing.description:
        meta["description"] = listing.description
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n"


def navigation(archive: Archive, files) -> list:
    """Home, the sections, tags, archive, then the other top-level pages: never single articles."""
    nav: list = ["index.md"]
    nav += [{section.title: f"{section.id}/index.md"} for section in archive.sections]
    nav += [{"标签": f"{TAGS_URL}index.md"}, {"大事记": f"{YEARS_URL}index.md"}]
    if files.get_file_from_path(f"{VILLAGES_URL}index.md") is not None:
        nav.append({"村庄名录": f"{VILLAGES_URL}index.md"})
    nav += sorted(
        f.src_uri
        for f in files.documentation_pages()
        if "/" not in f.src_uri and f.src_uri != "index.md"
    )
    return nav
