"""Listing pages: sections, tags, years (the chronicle) and villages, paginated so no page grows with the archive."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field

from .content.loader import Archive
from .content.model import Article
from .content.slugs import unique_slugs

TAGS_URL = "tags/"
YEARS_URL = "archive/"
VILLAGES_URL = "villages/"


class ListingKind(str, enum.Enum):
    """A str enum, so templates compare `listing.kind == "tag"` as before."""

    SECTION = "section"
    TAG = "tag"
    YEAR = "year"
    VILLAGE = "village"
    TAG_INDEX = "tag-index"
    YEAR_INDEX = "year-index"
    VILLAGE_INDEX = "village-index"


@dataclass(frozen=True)
class ListingPage:
    kind: ListingKind
    title: str
    base_url: str
    number: int = 1
    count: int = 1
    articles: tuple[Article, ...] = ()
    description: str = ""
    total: int = 0

    @property
    def url(self) -> str:
        return self.page_url(self.number)

    @property
    def src_uri(self) -> str:
        return f"{self.url}index.md"

    def page_url(self, number: int) -> str:
        return self.base_url if number == 1 else f"{self.base_url}page/{number}/"

    @property
    def previous_url(self) -> str | None:
        return self.page_url(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.page_url(self.number + 1) if self.number < self.count else None

    def pager(self, around: int = 2) -> list[tuple[int | None, str | None]]:
        """Page links with gaps: 1 … 4 5 [6] 7 8 … 20, gaps as (None, None)."""
        shown = sorted({1, self.count, *range(self.number - around, self.number + around + 1)})
        links: list[tuple[int | None, str | None]] = []
        previous = 0
        for number in shown:
            if number < 1 or number > self.count:
                continue
            if number - previous > 1:
                links.append((None, None))
            links.append((number, self.page_url(number)))
            previous = number
        return links


def paginate(
    kind: ListingKind, title: str, base_url: str, articles: list[Article], page_size: int, description: str = ""
) -> list[ListingPage]:
    count = max(1, math.ceil(len(articles) / page_size))
    return [
        ListingPage(
            kind,
            title,
            base_url,
            number,
            count,
            tuple(articles[(number - 1) * page_size : number * page_size]),
            description,
            len(articles),
        )
        for number in range(1, count + 1)
    ]


@dataclass
class ListingPlan:
    """Every listing page of the site, and the names behind tag URLs."""

    pages: list[ListingPage] = field(default_factory=list)
    tag_slugs: dict[str, str] = field(default_factory=dict)
    village_slugs: dict[str, str] = field(default_factory=dict)

    def by_src_uri(self) -> dict[str, ListingPage]:
        return {page.src_uri: page for page in self.pages}

    def tag_url(self, tag: str) -> str:
        return f"{TAGS_URL}{self.tag_slugs[tag]}/"

    def village_names(self) -> list[str]:
        """Villages in the data file's order, then those only articles mention."""
        return [page.title for page in self.pages if page.kind is ListingKind.VILLAGE and page.number == 1]

    def village_url(self, name: str) -> str:
        return f"{VILLAGES_URL}{self.village_slugs[name]}/"

    def month_urls(self) -> dict[tuple[int, int], str]:
        """(year, month) -> the chronicle page where that month begins, with its anchor."""
        found: dict[tuple[int, int], str] = {}
        for page in self.pages:
            if page.kind is ListingKind.YEAR:
                for article in page.articles:
                    key = (article.date.year, article.date.month)
                    found.setdefault(key, f"{page.url}#m{article.date.month}")
        return found


def plan_listings(archive: Archive, page_size: int, village_names: list[str] | tuple[str, ...] = ()) -> ListingPlan:
    plan = ListingPlan()
    for section in archive.sections:
        plan.pages += paginate(
            ListingKind.SECTION, section.title, section.url, archive.in_section(section), page_size, section.description
        )
    tags = archive.by_tag()
    plan.tag_slugs = unique_slugs(list(tags))
    plan.pages.append(ListingPage(ListingKind.TAG_INDEX, "标签", TAGS_URL, total=len(tags)))
    for tag in sorted(tags, key=lambda t: (-len(tags[t]), plan.tag_slugs[t])):
        plan.pages += paginate(ListingKind.TAG, tag, plan.tag_url(tag), tags[tag], page_size)
    years = archive.by_year()
    plan.pages.append(ListingPage(ListingKind.YEAR_INDEX, "大事记", YEARS_URL, total=len(archive.published)))
    for year, articles in years.items():
        plan.pages += paginate(ListingKind.YEAR, f"{year}年大事记", f"{YEARS_URL}{year}/", articles, page_size)
    by_village = archive.by_village()
    names = list(dict.fromkeys([*village_names, *sorted(by_village)]))
    if names:
        plan.village_slugs = unique_slugs(names)
        plan.pages.append(ListingPage(ListingKind.VILLAGE_INDEX, "村庄名录", VILLAGES_URL, total=len(names)))
        for name in names:
            plan.pages += paginate(ListingKind.VILLAGE, name, plan.village_url(name), by_village.get(name, []), page_size)
    return plan
