"""Typed, frozen settings of one archive project, read once from configuration.

The engine adapter (township_archive.mkdocs) fills these in from mkdocs.yml; everything
else, the plan included, reads only these objects and never the engine's configuration.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .content.model import Section, find_section
from .media.library import MediaSettings


@dataclass(frozen=True)
class Contact:
    phone: str = ""
    email: str = ""
    address: str = ""


# The national public-security filing site's record page for a 14-digit 公安机关备案 number.
POLICE_RECORD_URL = "https://beian.mps.gov.cn/#/query/webSearch?code={code}"
_POLICE_CODE = re.compile(r"\d{14}")


@dataclass(frozen=True)
class Registration:
    """The identifiers a Chinese government site shows in its footer, each only when configured."""

    icp: str = ""
    icp_url: str = ""
    police: str = ""  # 公安机关备案号, e.g. 桂公网安备 45052102000123号
    police_url: str = ""  # empty: the filing site's record page for the number
    site_code: str = ""  # 网站标识码 (政府网站), ten letters or digits
    # 党政机关网站标识: the image the site was issued (a file of the theme folder) and its verification page.
    party_government_image: str = ""
    party_government_url: str = ""

    @property
    def police_link(self) -> str:
        """Where the 公安机关备案 number links to: the configured page, else its record on the filing site."""
        if self.police_url:
            return self.police_url
        code = _POLICE_CODE.search(self.police)
        return POLICE_RECORD_URL.format(code=code.group(0)) if code else ""


@dataclass(frozen=True)
class RightsSettings:
    holder: str
    policy: str = ""
    reprint_contact: str = ""
    legal_counsel: str = ""
    permission_howto: str = ""
    since_year: int | None = None


@dataclass(frozen=True)
class OfflineSettings:
    enabled: bool = False
    kiosk: bool = False
    idle_seconds: int = 180
    bundle_name: str = ""


@dataclass(frozen=True)
class Identity:
    """Who publishes the site: what the footer, the rights page and the notices name."""

    site_name: str
    site_url: str
    region: str
    sponsor: str
    rights: RightsSettings
    organizer: str = ""
    default_source: str = ""
    contact: Contact = field(default_factory=Contact)
    registration: Registration = field(default_factory=Registration)

    @property
    def source(self) -> str:
        """The source articles name when they name none: the configured one, else the sponsor."""
        return self.default_source or self.sponsor


# The administrative levels above a township (省, 自治区, 市, 州, 盟, 县, 旗, 区), greedily up to the last
# one, so that the region's rest is the township: 广西壮族自治区北海市合浦县 + 曲樟乡.
_ABOVE_TOWNSHIP = re.compile(r"(.*(?:省|自治区|市|州|盟|县|旗|区))(.{2,})")


def township_name(region: str) -> tuple[str, str]:
    """(the township, the levels above it) of a region as staff write it; the whole region when it
    cannot be split (written differently, or a township whose name ends in one of those characters)."""
    match = _ABOVE_TOWNSHIP.fullmatch(region)
    return (match.group(2), match.group(1)) if match else (region, "")


@dataclass(frozen=True)
class HomeSettings:
    """The home page: a banner photo with the township's name as text over it, and how many 图片新闻."""

    banner: str = ""  # a picture under docs/ ('/'-separated, e.g. images/banner.jpg), processed like every picture; "" for none
    banner_alt: str = ""
    title: str = ""  # the banner's heading (the page's H1): the township's name, never the header's site name
    subtitle: str = ""
    picture_news: int = 4  # the newest published articles with a cover shown as 图片新闻; 0: no such block


@dataclass(frozen=True)
class MarkdownSettings:
    """Python-Markdown's extensions as configured for the site (names or instances, and their options)."""

    extensions: tuple[Any, ...] = ()
    configs: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Settings:
    project_dir: Path
    docs_dir: Path
    config_file: Path
    identity: Identity
    sections: tuple[Section, ...]
    media: MediaSettings
    media_enabled: bool = True
    lightbox: bool = True
    offline: OfflineSettings = field(default_factory=OfflineSettings)
    # Clean folder URLs online; the offline copy links to each folder's index.html.
    directory_urls: bool = True
    villages_file: str = "villages.yml"
    archive_search: bool = True
    terms: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    embeds: tuple[str, ...] = ()
    allow_active_files: bool = False
    rights_page: str = "about.md"
    page_size: int = 20
    feed_items: int = 20
    utc_offset: str = "+08:00"
    home_latest: int = 8
    home: HomeSettings = field(default_factory=HomeSettings)
    reading_speed: int = 400
    markdown: MarkdownSettings = field(default_factory=MarkdownSettings)

    @property
    def villages_path(self) -> Path:
        return self.project_dir / self.villages_file

    def section(self, name: str) -> Section | None:
        """The section with this id or title."""
        return find_section(name, self.sections)
