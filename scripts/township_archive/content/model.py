"""The archive's content model: sections, articles and their rights overrides."""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime


@dataclass(frozen=True)
class RightsOverride:
    """Per-article changes to the site's default rights notice."""

    holder: str | None = None
    notice: str | None = None
    license: str | None = None
    license_url: str | None = None
    original_title: str | None = None
    original_source: str | None = None
    original_url: str | None = None
    original_author: str | None = None

    @property
    def is_reprint(self) -> bool:
        return bool(self.original_source or self.original_title or self.original_url)


@dataclass(frozen=True)
class Section:
    """A column of the archive; `id` is its folder under docs/ and its URL."""

    id: str
    title: str
    description: str = ""
    stale_after_days: int | None = None
    watermark: bool | None = None  # None: follow the site setting
    rights: RightsOverride = field(default_factory=RightsOverride)  # the section's own notice, if any

    @property
    def url(self) -> str:
        return f"{self.id}/"


def find_section(name: str, sections: Iterable[Section]) -> Section | None:
    """The section whose id (folder) or title is `name`: staff write either."""
    return next((section for section in sections if name in (section.id, section.title)), None)


def section_choices(sections: Iterable[Section]) -> str:
    """The sections as staff may name them, for messages: 党建成果（dangjian）、…"""
    return "、".join(f"{s.title}（{s.id}）" for s in sections)


class Status(str, enum.Enum):
    DRAFT = "draft"
    REVIEW = "review"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return {"draft": "草稿", "review": "待审", "published": "已发布"}[self.value]


# Files the build writes itself, at the site's root, in each section and beside each article; and the
# folders of the project's own assets and search index. A file of docs/ at such a place would take the
# build's place (or be dropped without a word), so the loader refuses it.
SITE_FILES = ("robots.txt", "feed.xml", "feed.json", "sitemap.xml", "sitemap.xml.gz", "404.html")
SECTION_FILES = ("feed.xml", "feed.json")
ARTICLE_FILE_TYPES = (".json", ".bib")  # CSL-JSON and BibTeX, named after the article (see `article_files`)


def article_files(slug: str) -> tuple[str, str]:
    """The citation files beside an article, named after it so that a download says what it is:
    `<slug>.json` (CSL-JSON) and `<slug>.bib` (BibTeX)."""
    return (f"{slug}{ARTICLE_FILE_TYPES[0]}", f"{slug}{ARTICLE_FILE_TYPES[1]}")


PROJECT_FOLDERS = ("assets", "search")
# The preview's 草稿箱 (the plan's drafts page): only `mkdocs serve` writes it, but its address stays reserved.
DRAFTS_FOLDER = "drafts"
# Site folders of the listings, which sections, articles and pages may not take.
RESERVED_FOLDERS = frozenset({"tags", "archive", "villages", *PROJECT_FOLDERS, "page", DRAFTS_FOLDER})

REVIEW_LEVELS = ("初审", "复审", "终审")  # 三审: three levels, three different people
# An article published before the site had its 三审 workflow, marked so by the person who imported it.
HISTORICAL = "历史稿件"


@dataclass(frozen=True)
class Review:
    level: str  # one of REVIEW_LEVELS, or HISTORICAL
    by: str
    date: str  # YYYY-MM-DD
    fingerprint: str = ""  # the version of the article this record vouches for (content.reviews.fingerprint)

    @property
    def is_historical(self) -> bool:
        return self.level == HISTORICAL


@dataclass
class Article:
    source_path: str  # relative to docs/, '/'-separated
    section: Section
    title: str
    slug: str
    status: Status
    date: datetime | None
    updated: datetime | None = None
    authors: tuple[str, ...] = ()
    source: str = ""
    editor: str = ""
    tags: tuple[str, ...] = ()
    villages: tuple[str, ...] = ()
    summary: str = ""
    cover: str | None = None  # relative to docs/, '/'-separated
    rights: RightsOverride = field(default_factory=RightsOverride)
    photographer: str = ""
    aliases: tuple[str, ...] = ()  # earlier slugs (or section/slug) that must keep working
    reviews: tuple[Review, ...] = ()
    fingerprint: str = ""  # this version's (content.reviews.fingerprint), compared with the reviews'
    body_chars: int = 0
    body: str = field(default="", repr=False)
    body_line: int = 1  # file line where the Markdown body starts

    @property
    def url(self) -> str:
        return f"{self.section.id}/{self.slug}/"

    @property
    def alias_urls(self) -> list[str]:
        """Old addresses as site paths: a bare old slug stays in the article's section."""
        return [(alias if "/" in alias else f"{self.section.id}/{alias}").strip("/") + "/" for alias in self.aliases]

    @property
    def dest_path(self) -> str:
        return f"{self.url}index.html"

    @property
    def is_public(self) -> bool:
        return self.status is Status.PUBLISHED

    @property
    def asset_folder(self) -> str:
        """Images belong in a folder named like the article file, beside it."""
        return self.source_path.rsplit(".", 1)[0] + "/"

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None

    def reading_minutes(self, chars_per_minute: int) -> int:
        # Chinese has no spaces to count words by; readers manage ~300-500 characters a minute.
        return max(1, math.ceil(self.body_chars / chars_per_minute))

    def values(self) -> tuple:
        """Every field's value: equal for equal articles, and hashable (a key for what is worked out from
        an article once and reused while it does not change, as the preview does after each save)."""
        return tuple(getattr(self, name) for name in _ARTICLE_FIELDS)


_ARTICLE_FIELDS = tuple(f.name for f in fields(Article))
