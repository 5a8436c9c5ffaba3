"""What the templates in overrides/ see: a read-only view of the site, date filters,
the generated navigation and the stub source of generated listing pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import yaml

from .content.loader import Archive
from .content.model import Article, Section
from .listings import TAGS_URL, YEARS_URL, ListingPage, ListingPlan
from .media.library import MediaLibrary
from .media.model import ProcessedImage
from .rights.notice import year_range


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
class SiteView:
    identity: Any  # the plugin's ArchiveConfig: sponsor, contact, registration, rights
    sections: tuple[SectionSummary, ...]
    latest: tuple[Article, ...]
    tags: tuple[NamedCount, ...]
    years: tuple[NamedCount, ...]
    copyright_years: str
    tag_urls: dict[str, str]
    library: MediaLibrary
    total: int
    lastmods: dict[str, str]
    rights_url: str  # site-relative URL of the rights page, for links from every article

    @classmethod
    def build(cls, identity, archive: Archive, plan: ListingPlan, library: MediaLibrary, rights_url: str = "") -> SiteView:
        published = archive.published
        by_tag = archive.by_tag()
        newest_year = published[0].year if published else None
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
            years=tuple(NamedCount(f"{y}年", len(a), f"{YEARS_URL}{y}/") for y, a in archive.by_year().items()),
            copyright_years=year_range(identity.rights.since_year, newest_year),
            tag_urls={tag: plan.tag_url(tag) for tag in by_tag},
            library=library,
            total=len(published),
            lastmods=_lastmods(archive, plan),
            rights_url=rights_url,
        )

    def lastmod(self, src_uri: str) -> str:
        """W3C date of a page's last change, from article dates; pages without their own take the newest."""
        return self.lastmods.get(src_uri, self.lastmods.get("", ""))

    def cover(self, article: Article) -> ProcessedImage | None:
        return self.library.get(article.cover) if article.cover else None


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


def install(env, site: SiteView) -> None:
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
    nav += [{"标签": f"{TAGS_URL}index.md"}, {"归档": f"{YEARS_URL}index.md"}]
    nav += sorted(
        f.src_uri
        for f in files.documentation_pages()
        if "/" not in f.src_uri and f.src_uri != "index.md"
    )
    return nav
