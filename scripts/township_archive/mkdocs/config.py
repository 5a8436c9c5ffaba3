"""The archive plugin's options (the `township-archive` block in mkdocs.yml), validated with Chinese
messages, and their translation into the engine-neutral `Settings`.

Everything that names a particular township lives here, so another township can
reuse the tooling by writing its own mkdocs.yml.
"""

from __future__ import annotations

import difflib
import re
import string
from pathlib import Path
from types import MappingProxyType

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig

from ..content.frontmatter import clean_text, shown, text_problem
from ..content.model import RESERVED_FOLDERS, RightsOverride, Section
from ..media.encode import find_cjk_font
from ..media.library import MediaSettings
from ..media.model import (
    DEFAULT_FORMATS,
    DEFAULT_MAX_MEGAPIXELS,
    DEFAULT_MIN_WIDTH,
    DEFAULT_QUALITY,
    DEFAULT_WIDTHS,
    MODERN_FORMATS,
    RASTER_EXTENSIONS,
    MediaSpec,
)
from ..safe_url import url_problem
from ..serving import embed_origin
from ..settings import (
    Contact,
    HomeSettings,
    Identity,
    MarkdownSettings,
    OfflineSettings,
    Registration,
    RightsSettings,
    Settings,
    township_name,
)

PLUGIN_NAME = "township-archive"

# ---------------------------------------------------------------------------------------------
# Validation with Chinese messages that name mkdocs.yml and the line.
#
# MkDocs only warns, in English, about options it does not know ("Unrecognised configuration
# name"), so a typo such as `sectons:` would silently fall back to a default. Every config class
# below derives from `_StrictConfig`, whose `validate` turns unknown options into errors with the
# closest known name, and whose options (`Text`, `Integer`, ...) explain wrong values in Chinese.
# MkDocs prints the errors as "Config value 'plugins': Plugin 'township-archive' option ...: <ours>"
# and stops without a traceback.


class _Located(c.ValidationError):
    """A message that already says where in mkdocs.yml the problem is."""


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "整数"
    if isinstance(value, float):
        return "小数"
    if isinstance(value, str):
        return "文字"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "一组“选项: 值”"
    return "空值" if value is None else type(value).__name__


def _key_line(config_file: str | None, keys: list[str]) -> int:
    """Line of the last of `keys` in mkdocs.yml, each searched after the one before, starting at our plugin's block."""
    if not config_file:
        return 0
    try:
        lines = Path(config_file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    found = 0
    for key in [PLUGIN_NAME, *keys]:
        pattern = re.compile(rf"""(?:^|[\s{{,\-])["']?{re.escape(key)}["']?\s*:(?:\s|$)""")
        for number in range(max(0, found - 1), len(lines)):  # from the parent's own line: `rights: {holdr: x}`
            if pattern.search(lines[number].split("#", 1)[0]):
                found = number + 1
                break
        else:
            return found if key != PLUGIN_NAME else 0
    return found


def _where(config: Config, key: object) -> str:
    keys = [*filter(None, getattr(config, "_location", "").split(".")), str(key)]
    name = Path(config.config_file_path).name if config.config_file_path else "mkdocs.yml"
    line = _key_line(config.config_file_path, keys)
    place = f"{name} 第 {line} 行" if line else name
    return f"{place}：{PLUGIN_NAME} 的 {'.'.join(keys)}"


class _StrictConfig(Config):
    # Dotted place of this group inside the plugin's block, for messages ("media.watermark").
    _location = ""

    def check(self) -> list[tuple[str, str]]:
        """Rules between options, run once every option is valid: (key, Chinese message) pairs."""
        return []

    def validate(self):
        missing = {key for key, _option in self._schema if self.get(key) is None}
        failed, warnings = super().validate()
        unknown = [key for key in self.keys() if key not in self._schema_keys]
        # Replaced by the errors below: MkDocs' own English warning about unknown names.
        warnings = [(key, warning) for key, warning in warnings if key not in unknown]
        located: list[tuple[str, c.ValidationError]] = []
        known = [key for key, _option in self._schema]
        meant = set()
        for key in unknown:  # first: a typo is the likeliest cause of everything else
            name = shown(key)
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
            suggestion = f"是不是想写 {close[0]}？" if close else "可用的选项有：" + "、".join(known) + "。"
            meant.update(close)
            located.append((str(key), _Located(f"{_where(self, name)} 不是可用的选项。{suggestion}")))
        for key, error in failed:
            if key in missing and key in meant:
                continue  # "holder is required" adds nothing to "holdr: did you mean holder?"
            located.append((key, error if isinstance(error, _Located) else _Located(f"{_where(self, key)}：{error}")))
        if not located:
            located += [(key, _Located(f"{_where(self, key)}：{message}")) for key, message in self.check()]
        return located, warnings


class _Required(c.Type):
    """A value of one type, with Chinese messages (MkDocs' are English)."""

    expected = "值"

    def validate(self, value):
        if value is None and self.default is None and self.required:
            raise c.ValidationError("必须填写这一项。")
        return super().validate(value)


class Text(_Required):
    """Text that may be published: no control characters, lone surrogates or direction overrides
    (see `content.frontmatter.text_problem`); stray zero-width spaces and outer whitespace are dropped."""

    def __init__(self, default: str | None = None):
        super().__init__(str, default=default)

    def run_validation(self, value: object) -> str:
        if not isinstance(value, str):
            raise c.ValidationError(f"应当是一段文字，不能写成{_kind(value)}（{shown(value)}）。")
        if reason := text_problem(value):
            raise c.ValidationError(f"{reason}，请删除这个字符。")
        return clean_text(value)


class Url(Text):
    """A link (see `safe_url.url_problem`); empty means none."""

    def __init__(self, default: str | None = None, *, relative: bool = False, mailto: bool = False):
        super().__init__(default)
        self.relative, self.mailto = relative, mailto

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value)
        if text and (reason := url_problem(text, relative=self.relative, mailto=self.mailto)):
            raise c.ValidationError(f"{reason}现在写的是 {shown(text)}。")
        return text


class Integer(_Required):
    def __init__(self, default: int | None = None, *, minimum: int | None = None, maximum: int | None = None):
        super().__init__(int, default=default)
        self.minimum, self.maximum = minimum, maximum

    def run_validation(self, value: object) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise c.ValidationError(f"应当是整数，不能写成{_kind(value)}（{shown(value)}）。")
        if self.minimum is not None and value < self.minimum or self.maximum is not None and value > self.maximum:
            low = "" if self.minimum is None else f"不小于 {self.minimum}"
            high = "" if self.maximum is None else f"不大于 {self.maximum}"
            raise c.ValidationError(f"应当是{low}{'、' if low and high else ''}{high} 的整数，写成了 {shown(value)}。")
        return value


class Flag(_Required):
    def __init__(self, default: bool | None = None):
        super().__init__(bool, default=default)

    def run_validation(self, value: object) -> bool:
        if not isinstance(value, bool):
            raise c.ValidationError(f"只能写 true 或 false，写成了 {shown(value)}。")
        return value


class Choice(_Required):
    def __init__(self, choices: tuple[str, ...]):
        super().__init__(str)
        self.choices = choices

    def run_validation(self, value: object) -> str:
        if value not in self.choices:
            raise c.ValidationError(f"只能是 {'、'.join(self.choices)} 之一，写成了 {shown(value)}。")
        return value  # type: ignore[return-value]


class Origin(Text):
    """A host whose player articles may embed, as https://host[:port] (see `serving.embed_origin`)."""

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value).lower()
        try:
            return embed_origin(text)
        except ValueError as error:
            raise c.ValidationError(str(error)) from None


class UtcOffset(Text):
    """±HH:MM within ±14:00, the range of real time zones (and of ISO 8601 / RFC 822 usage)."""

    PATTERN = re.compile(r"[+-](\d{2}):(\d{2})")

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value)
        match = self.PATTERN.fullmatch(text)
        if not match or int(match.group(2)) >= 60 or int(match.group(1)) * 60 + int(match.group(2)) > 14 * 60:
            raise c.ValidationError(f"应写成 +08:00 这样的“±时:分”，且在 -14:00 到 +14:00 之间；写成了 {shown(value)}。")
        return text


class FileStem(Text):
    """A file name without folders (the offline bundle's name)."""

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value)
        if text and (re.search(r'[/\\<>:"|?*]', text) or text.startswith(".") or len(text) > 80):
            raise c.ValidationError(f"只能是一个文件名（不含 / \\ : * ? 等符号，不以 . 开头，不超过 80 个字符），写成了 {shown(text)}。")
        return text


class DocsPicture(Text):
    """A picture inside docs/, written as its path there (images/banner.jpg); empty means none.
    Whether the file is there is the plan's question (`plan.prepare`), asked at every build and check."""

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value)
        if not text:
            return text
        example = "写成它在 docs/ 文件夹里的路径，例如 images/banner.jpg"
        if "\\" in text:
            raise c.ValidationError(f"路径里要用 / 分隔文件夹，不能用 \\：{example}。现在写的是 {shown(text)}。")
        parts = text.split("/")
        if text.startswith("/") or re.match(r"[A-Za-z]:", text) or ".." in parts or "" in parts or "." in parts:
            raise c.ValidationError(f"图片必须在 docs/ 文件夹里：{example}。现在写的是 {shown(text)}。")
        if parts[0] == "docs":
            raise c.ValidationError(f"路径从 docs/ 里面写起，不要写 docs/ 本身：写成 {shown('/'.join(parts[1:]))}。")
        if Path(text).suffix.lower() not in RASTER_EXTENSIONS:
            raise c.ValidationError(f"应当是一张照片（.jpg、.png、.webp 等），写成了 {shown(text)}。")
        return text


class Terms(c.Type):
    """Wrong form -> right form, both text."""

    def __init__(self):
        super().__init__(dict, default={})

    def run_validation(self, value: object) -> dict:
        if not isinstance(value, dict):
            raise c.ValidationError(f"应当写成“错误写法: 正确写法”的一组，不能写成{_kind(value)}。")
        terms = {}
        for wrong, right in value.items():
            if not isinstance(wrong, str) or not isinstance(right, str) or not clean_text(wrong) or not clean_text(right):
                raise c.ValidationError(f"“{shown(wrong)}: {shown(right)}”应当左右都是文字。")
            if reason := text_problem(wrong) or text_problem(right):
                raise c.ValidationError(f"“{shown(wrong)}”这一项{reason}。")
            terms[clean_text(wrong)] = clean_text(right)
        return terms


class Group(c.SubConfig):
    """A group of options; its own errors already name the place, so no English "Sub-option" prefix."""

    def __init__(self, config_class: type[Config]):
        super().__init__()
        self.config_class = config_class

    def run_validation(self, value: object):
        if not isinstance(value, dict):
            location = getattr(self.config_class, "_location", "")
            raise c.ValidationError(f"{location} 应当是一组“选项: 值”，不能写成{_kind(value)}。")
        config = self.config_class(config_file_path=self._config_file_path)
        config.load_dict(value)
        failed, warnings = config.validate()
        self.warnings.extend(f"{key}: {message}" for key, message in warnings)
        if failed:
            raise failed[0][1]
        return config


class Items(c.ListOfItems):
    def __init__(self, option_type, default=None, *, min_items: int = 0, unique: bool = False, empty: str = ""):
        super().__init__(option_type, default=default)
        self.min_items, self.unique, self.empty = min_items, unique, empty

    def run_validation(self, value: object) -> list:
        if value is None:
            value = self.default
        if value is None:
            raise c.ValidationError(self.empty or "必须填写这一项。")
        if not isinstance(value, list):
            raise c.ValidationError(f"应当是一个列表，不能写成{_kind(value)}。")
        if len(value) < self.min_items:
            raise c.ValidationError(self.empty or f"至少要写 {self.min_items} 项。")
        items = super().run_validation(value)
        if self.unique and len({repr(item) for item in items}) != len(items):
            raise c.ValidationError(f"有重复的项：{shown(items)}。")
        return items


# ---------------------------------------------------------------------------------------------
# The plugin's options.


class SectionRightsConfig(_StrictConfig):
    _location = "sections.rights"
    # A section whose articles belong to someone else, or are openly licensed.
    holder = c.Optional(Text())
    notice = c.Optional(Text())
    license = c.Optional(Text())
    # The licence's deed on another site (also written into JSON-LD, which needs an absolute address).
    license_url = c.Optional(Url())


_SECTION_ID = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")


class SectionConfig(_StrictConfig):
    _location = "sections"
    # Folder under docs/ and the section's URL; lower-case ASCII.
    id = Text()
    title = Text()
    description = Text(default="")
    # Inspection rule: warn when the section has had no new article for this many days.
    stale_after_days = c.Optional(Integer(minimum=1))
    # Visible credit on this section's pictures; unset follows media.watermark.enabled.
    watermark = c.Optional(Flag())
    rights = Group(SectionRightsConfig)

    def check(self) -> list[tuple[str, str]]:
        problems = []
        if self.id in RESERVED_FOLDERS or not _SECTION_ID.fullmatch(self.id):
            problems.append(("id", f"栏目 id “{shown(self.id)}”不可用：请用小写英文或拼音（可用连字符），且不能是 {', '.join(sorted(RESERVED_FOLDERS))}。"))
        if not self.title:
            problems.append(("title", "栏目名称不能为空。"))
        return problems


class ContactConfig(_StrictConfig):
    _location = "contact"
    phone = Text(default="")
    email = Text(default="")
    address = Text(default="")


class SiteCode(Text):
    """网站标识码 of a government site: ten letters or digits (a region's six-digit code and a number, bm… for a ministry)."""

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value)
        if text and not re.fullmatch(r"[0-9A-Za-z]{10}", text):
            raise c.ValidationError(f"网站标识码是 10 位数字或字母（例如 4505210001），写成了 {shown(text)}。")
        return text


class PoliceNumber(Text):
    """公安机关备案号 as the filing system issues it: 桂公网安备 45052102000123号."""

    PATTERN = re.compile(r"[\u4e00-\u9fff]{1,3}公网安备 ?\d{14}号?")

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value)
        if text and not self.PATTERN.fullmatch(text):
            raise c.ValidationError(
                f"公安机关备案号应写成“桂公网安备 45052102000123号”这样：省份简称、公网安备、14 位数字、号；写成了 {shown(text)}。"
            )
        return text


class ThemeImage(Text):
    """A picture among the theme's own files (custom_dir, i.e. overrides/), as the site serves it: assets/images/x.png.
    Never an address on another host: the Content Security Policy loads images from the site only."""

    PATTERN = re.compile(r"(?:[A-Za-z0-9_-][A-Za-z0-9_.-]*/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*\.(?:png|gif|jpe?g|svg|webp)", re.IGNORECASE)

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value)
        if text and not self.PATTERN.fullmatch(text):
            raise c.ValidationError(
                "应是主题文件夹 overrides/ 里的一张图片，按网站上的位置写，例如 assets/images/dangzheng.png"
                f"（不以 / 开头，不含 ..、空格或中文，扩展名为 png、gif、jpg、svg 或 webp）；写成了 {shown(text)}。"
            )
        return text


class RegistrationConfig(_StrictConfig):
    _location = "registration"
    # 网站标识码 (government sites): ten letters or digits.
    site_code = SiteCode(default="")
    # ICP filing number; shown linked to the MIIT filing site.
    icp = Text(default="")
    icp_url = Url(default="https://beian.miit.gov.cn/")
    # Public security (公安) filing number with the site's badge; linked to its record URL
    # (empty: the record page on the national filing site, found from the number).
    police = PoliceNumber(default="")
    police_url = Url(default="")
    # 党政机关网站标识: the image issued to the site, placed in the theme folder (overrides/assets/images/),
    # and its verification page. Both or neither.
    party_government_image = ThemeImage(default="")
    party_government_url = Url(default="")

    def check(self) -> list[tuple[str, str]]:
        if bool(self.party_government_image) != bool(self.party_government_url):
            missing = "party_government_url" if self.party_government_image else "party_government_image"
            return [(missing, "党政机关网站标识需要同时填写图片（party_government_image）和链接（party_government_url），只填了一项。")]
        return []


class RightsConfig(_StrictConfig):
    _location = "rights"
    holder = Text()
    policy = Text(
        default="未经书面授权，任何媒体、网站或个人不得转载、摘编或以其他方式使用本站作品；已获授权的，应在授权范围内使用并注明来源。",
    )
    reprint_contact = Text(default="")
    legal_counsel = Text(default="")
    # How to ask for permission, shown on the rights page.
    permission_howto = Text(
        default="请以书面形式（信函或电子邮件）说明拟使用的作品、用途、范围和期限，并附单位名称和联系人，经同意后方可使用。",
    )
    since_year = c.Optional(Integer(minimum=1900, maximum=2106))


class WatermarkConfig(_StrictConfig):
    _location = "media.watermark"
    enabled = Flag(default=False)
    # {holder} and {author} are filled in per image.
    text = Text(default="© {holder}")
    # A font with Chinese glyphs; empty: the first Noto CJK / WenQuanYi font found.
    font = Text(default="")

    def check(self) -> list[tuple[str, str]]:
        # Filled in with str.format for every image: anything but {holder}/{author} would fail mid-build.
        try:
            fields = [(name, spec, conversion) for _text, name, spec, conversion in string.Formatter().parse(self.text) if name is not None]
        except ValueError:
            fields = [("{", "", None)]
        if any(name not in ("holder", "author") or spec or conversion for name, spec, conversion in fields):
            return [("text", f"署名文字“{shown(self.text)}”中只能用 {{holder}}（版权方）和 {{author}}（作者）两个占位符；要写花括号本身请写成 {{{{ 和 }}}}。")]
        return []


_NO_WIDTHS = f"至少要写一个图片宽度（像素），例如 {list(DEFAULT_WIDTHS)}。"


class MediaConfig(_StrictConfig):
    _location = "media"
    enabled = Flag(default=True)
    widths = Items(Integer(minimum=1, maximum=20000), default=list(DEFAULT_WIDTHS), min_items=1, unique=True, empty=_NO_WIDTHS)
    formats = Items(Choice(MODERN_FORMATS), default=list(DEFAULT_FORMATS), unique=True)
    quality_avif = Integer(default=DEFAULT_QUALITY["avif"], minimum=1, maximum=100)
    quality_webp = Integer(default=DEFAULT_QUALITY["webp"], minimum=1, maximum=100)
    quality_jpeg = Integer(default=DEFAULT_QUALITY["jpeg"], minimum=1, maximum=100)
    # Larger images are refused as likely decompression bombs.
    max_megapixels = Integer(default=DEFAULT_MAX_MEGAPIXELS, minimum=1)
    # Narrower images get a warning when used as a cover or in an article.
    min_width = Integer(default=DEFAULT_MIN_WIDTH, minimum=0)
    cache_dir = Text(default=".cache/media")
    workers = Integer(default=0, minimum=0)  # 0: all cores
    lightbox = Flag(default=True)
    watermark = Group(WatermarkConfig)


class OfflineConfig(_StrictConfig):
    _location = "offline"
    # Set by `township-archive offline` (through !ENV in mkdocs.yml); plain builds are online.
    enabled = Flag(default=False)
    # Kiosk mode for the education base's touch screens.
    kiosk = Flag(default=False)
    # At most a day: the kiosk's timer takes milliseconds, and browsers fire timers above 2^31 ms at once.
    idle_seconds = Integer(default=180, minimum=1, maximum=86400)
    # A kiosk screen needs fewer variants than the web: smaller bundle.
    widths = Items(Integer(minimum=1, maximum=20000), default=[480, 960], min_items=1, unique=True, empty=_NO_WIDTHS)
    formats = Items(Choice(MODERN_FORMATS), default=["avif"], unique=True)
    # File name stem of the bundle; empty: pinyin of site_name.
    bundle_name = FileStem(default="")


class HomeConfig(_StrictConfig):
    _location = "home"
    # A photo across the top of the home page, inside docs/ (images/banner.jpg), made into variants like
    # every picture (its credit from a sidecar banner.jpg.yml, else the site's holder); empty: no banner.
    banner = DocsPicture(default="")
    # What the photo shows, for readers who cannot see it.
    banner_alt = Text(default="")
    # The heading over the banner (the page's H1); empty: the township's name from `region`.
    title = Text(default="")
    # The line under it; empty: the levels above the township from `region`.
    subtitle = Text(default="")
    # 图片新闻: the newest articles with a cover; 0 leaves the block out.
    picture_news = Integer(default=4, minimum=0, maximum=12)

    def check(self) -> list[tuple[str, str]]:
        if self.banner and not self.banner_alt:
            return [("banner_alt", "首页横幅照片需要替代文字：用一句话说明照片里是什么，例如“曲樟乡全景，远处是客家围屋”。")]
        return []


class ArchiveConfig(_StrictConfig):
    enabled = Flag(default=True)

    # Site identity
    region = Text()
    sponsor = Text()
    organizer = Text(default="")
    default_source = Text(default="")
    contact = Group(ContactConfig)
    registration = Group(RegistrationConfig)
    rights = Group(RightsConfig)

    # Content
    sections = Items(Group(SectionConfig), min_items=1, empty="至少要配置一个栏目（sections）。")
    # Honoured villages (name, description, honours), beside mkdocs.yml; joined with articles' `villages`.
    villages_file = Text(default="villages.yml")

    # Images
    media = Group(MediaConfig)

    # Offline bundle and kiosk
    offline = Group(OfflineConfig)

    # Our Chinese search (substrings, traditional characters, pinyin, shards loaded on demand).
    # false: Material's own lunr + jieba search, kept as the baseline the search benchmark compares with.
    archive_search = Flag(default=True)

    # Wrongly written official terms and their correct forms, flagged by `check`.
    terms = Terms()

    # Body HTML policy: hosts whose video players articles may embed with <iframe>, as https://host
    # origins (they are added to the CSP's frame-src too). None by default: embeds are removed.
    embeds = Items(Origin(), default=[], unique=True)
    # Script, HTML and SVG files placed under docs/ run in readers' browsers: left out unless true.
    allow_active_files = Flag(default=False)

    # The page that explains rights and reprinting (rendered with overrides/rights.html).
    rights_page = Text(default="about.md")

    # Listings
    page_size = Integer(default=20, minimum=1)
    feed_items = Integer(default=20, minimum=1)
    # Local time of the dates staff write, for machine-readable timestamps.
    utc_offset = UtcOffset(default="+08:00")
    home_latest = Integer(default=8, minimum=1)
    # The home page's banner and 图片新闻.
    home = Group(HomeConfig)
    reading_speed = Integer(default=400, minimum=1)  # Chinese characters per minute

    def check(self) -> list[tuple[str, str]]:
        problems = []
        ids = [section.id for section in self.sections]
        if len(set(ids)) != len(ids):
            problems.append(("sections", "栏目 id 有重复。"))
        watermark = self.media.watermark
        if watermark.enabled or any(s.watermark for s in self.sections):
            font = watermark.font or find_cjk_font()
            if not font or not Path(font).is_file():
                problems.append(("media", (
                    "已开启图片可见署名（watermark），但找不到中文字体。请安装 fonts-noto-cjk，或在 media.watermark.font 中写明字体文件路径。"
                )))
        return problems


def settings_of(config: ArchiveConfig, site: MkDocsConfig) -> Settings:
    """The typed settings everything outside this package reads, from the plugin's options and mkdocs.yml."""
    config_file = Path(site.config_file_path)
    project = config_file.parent
    offline = config.offline
    rights = config.rights
    return Settings(
        project_dir=project,
        docs_dir=Path(site.docs_dir),
        config_file=config_file,
        identity=Identity(
            site_name=site.site_name,
            site_url=site.site_url or "",
            region=config.region,
            sponsor=config.sponsor,
            organizer=config.organizer,
            default_source=config.default_source,
            contact=Contact(config.contact.phone, config.contact.email, config.contact.address),
            registration=_registration(config.registration),
            rights=RightsSettings(
                rights.holder, rights.policy, rights.reprint_contact, rights.legal_counsel, rights.permission_howto, rights.since_year,
            ),
        ),
        sections=tuple(_section(s) for s in config.sections),
        media=_media_settings(config, project),
        media_enabled=config.media.enabled,
        lightbox=config.media.lightbox,
        offline=OfflineSettings(offline.enabled, offline.kiosk, offline.idle_seconds, offline.bundle_name),
        # Material's offline plugin turns directory URLs off after our on_config; the offline copy never has them.
        directory_urls=site.use_directory_urls and not offline.enabled,
        villages_file=config.villages_file,
        archive_search=config.archive_search,
        terms=MappingProxyType(dict(config.terms)),
        embeds=tuple(config.embeds),
        allow_active_files=config.allow_active_files,
        rights_page=config.rights_page,
        page_size=config.page_size,
        feed_items=config.feed_items,
        utc_offset=config.utc_offset,
        home_latest=config.home_latest,
        home=_home_settings(config),
        reading_speed=config.reading_speed,
        markdown=MarkdownSettings(tuple(site.markdown_extensions), MappingProxyType(dict(site.mdx_configs))),
    )


def _registration(r: RegistrationConfig) -> Registration:
    return Registration(
        icp=r.icp, icp_url=r.icp_url, police=r.police, police_url=r.police_url, site_code=r.site_code,
        party_government_image=r.party_government_image, party_government_url=r.party_government_url,
    )


def _section(s: SectionConfig) -> Section:
    return Section(
        s.id, s.title, s.description, s.stale_after_days, s.watermark,
        RightsOverride(holder=s.rights.holder, notice=s.rights.notice, license=s.rights.license, license_url=s.rights.license_url),
    )


def _home_settings(config: ArchiveConfig) -> HomeSettings:
    home = config.home
    township, above = township_name(config.region)
    return HomeSettings(
        banner=home.banner, banner_alt=home.banner_alt, title=home.title or township,
        subtitle=home.subtitle or above, picture_news=home.picture_news,
    )


def _media_settings(config: ArchiveConfig, project_dir: Path) -> MediaSettings:
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
