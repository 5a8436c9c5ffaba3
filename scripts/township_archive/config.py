"""Typed configuration of the archive plugin (the `township-archive` block in mkdocs.yml).

Everything that names a particular township lives here, so another township can
reuse the tooling by writing its own mkdocs.yml.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from .content.model import RightsOverride, Section
from .listings import RESERVED_FOLDERS
from .media.encode import find_cjk_font
from .media.library import MediaSettings
from .media.model import MediaSpec
from .rights.notice import SiteRights


class SectionRightsConfig(Config):
    # A section whose articles belong to someone else, or are openly licensed.
    holder = c.Optional(c.Type(str))
    notice = c.Optional(c.Type(str))
    license = c.Optional(c.Type(str))
    license_url = c.Optional(c.Type(str))


class SectionConfig(Config):
    # Folder under docs/ and the section's URL; lower-case ASCII.
    id = c.Type(str)
    title = c.Type(str)
    description = c.Type(str, default="")
    # Inspection rule: warn when the section has had no new article for this many days.
    stale_after_days = c.Optional(c.Type(int))
    # Visible credit on this section's pictures; unset follows media.watermark.enabled.
    watermark = c.Optional(c.Type(bool))
    rights = c.SubConfig(SectionRightsConfig)


class ContactConfig(Config):
    phone = c.Type(str, default="")
    email = c.Type(str, default="")
    address = c.Type(str, default="")


class RegistrationConfig(Config):
    # ICP filing number; shown linked to the MIIT filing site.
    icp = c.Type(str, default="")
    icp_url = c.Type(str, default="https://beian.miit.gov.cn/")
    # Public security (公安) filing number and its record URL.
    police = c.Type(str, default="")
    police_url = c.Type(str, default="")


class RightsConfig(Config):
    holder = c.Type(str)
    policy = c.Type(
        str,
        default="未经书面授权，任何媒体、网站或个人不得转载、摘编或以其他方式使用本站作品；已获授权的，应在授权范围内使用并注明来源。",
    )
    reprint_contact = c.Type(str, default="")
    legal_counsel = c.Type(str, default="")
    # How to ask for permission, shown on the rights page.
    permission_howto = c.Type(
        str,
        default="请以书面形式（信函或电子邮件）说明拟使用的作品、用途、范围和期限，并附单位名称和联系人，经同意后方可使用。",
    )
    since_year = c.Optional(c.Type(int))


class WatermarkConfig(Config):
    enabled = c.Type(bool, default=False)
    # {holder} and {author} are filled in per image.
    text = c.Type(str, default="© {holder}")
    # A font with Chinese glyphs; empty: the first Noto CJK / WenQuanYi font found.
    font = c.Type(str, default="")


class MediaConfig(Config):
    enabled = c.Type(bool, default=True)
    widths = c.ListOfItems(c.Type(int), default=[480, 960, 1600])
    formats = c.ListOfItems(c.Choice(("avif", "webp")), default=["avif", "webp"])
    quality_avif = c.Type(int, default=50)
    quality_webp = c.Type(int, default=78)
    quality_jpeg = c.Type(int, default=80)
    # Larger images are refused as likely decompression bombs.
    max_megapixels = c.Type(int, default=220)
    # Narrower images get a warning when used as a cover or in an article.
    min_width = c.Type(int, default=480)
    cache_dir = c.Type(str, default=".cache/media")
    workers = c.Type(int, default=0)  # 0: all cores
    lightbox = c.Type(bool, default=True)
    watermark = c.SubConfig(WatermarkConfig)


class OfflineConfig(Config):
    # Set by `township-archive offline` (through !ENV in mkdocs.yml); plain builds are online.
    enabled = c.Type(bool, default=False)
    # Kiosk mode for the education base's touch screens.
    kiosk = c.Type(bool, default=False)
    idle_seconds = c.Type(int, default=180)
    # A kiosk screen needs fewer variants than the web: smaller bundle.
    widths = c.ListOfItems(c.Type(int), default=[480, 960])
    formats = c.ListOfItems(c.Choice(("avif", "webp")), default=["avif"])
    # File name stem of the bundle; empty: pinyin of site_name.
    bundle_name = c.Type(str, default="")


class ArchiveConfig(Config):
    enabled = c.Type(bool, default=True)

    # Site identity
    region = c.Type(str)
    sponsor = c.Type(str)
    organizer = c.Type(str, default="")
    default_source = c.Type(str, default="")
    contact = c.SubConfig(ContactConfig)
    registration = c.SubConfig(RegistrationConfig)
    rights = c.SubConfig(RightsConfig)

    # Content
    sections = c.ListOfItems(c.SubConfig(SectionConfig))
    # Honoured villages (name, description, honours), beside mkdocs.yml; joined with articles' `villages`.
    villages_file = c.Type(str, default="villages.yml")

    # Images
    media = c.SubConfig(MediaConfig)

    # Offline bundle and kiosk
    offline = c.SubConfig(OfflineConfig)

    # Our Chinese search (substrings, traditional characters, pinyin, shards loaded on demand).
    # false: Material's own lunr + jieba search, kept as the baseline the search benchmark compares with.
    archive_search = c.Type(bool, default=True)

    # Wrongly written official terms and their correct forms, flagged by `check`.
    terms = c.Type(dict, default={})

    # The page that explains rights and reprinting (rendered with overrides/rights.html).
    rights_page = c.Type(str, default="about.md")

    # Listings
    page_size = c.Type(int, default=20)
    feed_items = c.Type(int, default=20)
    # Local time of the dates staff write, for machine-readable timestamps.
    utc_offset = c.Type(str, default="+08:00")
    home_latest = c.Type(int, default=8)
    reading_speed = c.Type(int, default=400)  # Chinese characters per minute

    def validate(self):
        failed, warnings = super().validate()
        ids = [section.id for section in self.sections or []]
        for section_id in ids:
            if section_id in RESERVED_FOLDERS or not section_id.isascii() or section_id != section_id.lower():
                failed.append(("sections", c.ValidationError(f"栏目 id “{section_id}”不可用：请用小写英文或拼音，且不能是 {', '.join(sorted(RESERVED_FOLDERS))}。")))
        if len(set(ids)) != len(ids):
            failed.append(("sections", c.ValidationError("栏目 id 有重复。")))
        if not ids:
            failed.append(("sections", c.ValidationError("至少要配置一个栏目（sections）。")))
        watermark = self.media.watermark if self.media else None
        if watermark is not None and (watermark.enabled or any(s.watermark for s in self.sections or [])):
            font = watermark.font or find_cjk_font()
            if not font or not Path(font).is_file():
                failed.append(("media", c.ValidationError(
                    "已开启图片可见署名（watermark），但找不到中文字体。请安装 fonts-noto-cjk，或在 media.watermark.font 中写明字体文件路径。"
                )))
        return failed, warnings


def sections_of(config: ArchiveConfig) -> list[Section]:
    return [
        Section(
            s.id, s.title, s.description, s.stale_after_days, s.watermark,
            RightsOverride(holder=s.rights.holder, notice=s.rights.notice, license=s.rights.license, license_url=s.rights.license_url),
        )
        for s in config.sections
    ]


def media_settings_of(config: ArchiveConfig, project_dir: Path) -> MediaSettings:
    media = config.media
    offline = config.offline.enabled
    spec = MediaSpec(
        widths=tuple(sorted(config.offline.widths if offline else media.widths)),
        formats=tuple(config.offline.formats if offline else media.formats),
        quality={"avif": media.quality_avif, "webp": media.quality_webp, "jpeg": media.quality_jpeg},
        max_pixels=media.max_megapixels * 1_000_000,
    )
    watermark = media.watermark
    font = watermark.font or find_cjk_font()  # also needed when only an image's sidecar asks for a credit
    return MediaSettings(
        spec=spec,
        cache_dir=project_dir / media.cache_dir,
        site_holder=config.rights.holder,
        site_terms=config.rights.policy,
        min_width=media.min_width,
        workers=media.workers,
        watermark=watermark.enabled,
        watermark_text=watermark.text,
        watermark_font=font,
    )


def site_rights_of(config: ArchiveConfig) -> SiteRights:
    rights = config.rights
    return SiteRights(rights.holder, rights.policy, rights.reprint_contact, rights.since_year)


def default_source_of(config: ArchiveConfig) -> str:
    return config.default_source or config.sponsor
