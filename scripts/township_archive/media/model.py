"""Value objects of the media pipeline: what to make, whose it is, what was made."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from types import MappingProxyType

# Bump when the pixels or metadata the pipeline writes change, so caches refresh.
PIPELINE_VERSION = 4

RASTER_EXTENSIONS = frozenset({".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".gif", ".webp", ".heic", ".heif", ".tif", ".tiff", ".bmp", ".avif"})
MIME = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}
EXTENSION = {"avif": "avif", "webp": "webp", "jpeg": "jpg", "png": "png"}


# The media settings' defaults, here once: MediaSpec's and MediaSettings' defaults and the
# defaults of the mkdocs.yml options (township_archive.mkdocs.config) are these.
DEFAULT_WIDTHS = (480, 960, 1600)  # variant widths in pixels
# The formats made beside the JPEG/PNG fallback, in the order browsers should try them.
MODERN_FORMATS = ("avif", "webp")
DEFAULT_FORMATS = MODERN_FORMATS
DEFAULT_QUALITY = MappingProxyType({"avif": 50, "webp": 78, "jpeg": 80})
DEFAULT_MAX_MEGAPIXELS = 220  # larger images are refused as likely decompression bombs
# Narrower images get a warning as a cover or in an article: every screen would enlarge them.
DEFAULT_MIN_WIDTH = DEFAULT_WIDTHS[0]


@dataclass(frozen=True)
class MediaSpec:
    """How variants are made; part of every cache key."""

    widths: tuple[int, ...] = DEFAULT_WIDTHS
    formats: tuple[str, ...] = DEFAULT_FORMATS  # the JPEG/PNG fallback is always made
    quality: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_QUALITY))
    avif_speed: int = 8
    max_pixels: int = DEFAULT_MAX_MEGAPIXELS * 1_000_000

    def fingerprint(self) -> str:
        return _spec_fingerprint(self)


_FINGERPRINTS: dict[int, tuple[MediaSpec, str]] = {}


def _spec_fingerprint(spec: MediaSpec) -> str:
    # Part of every picture's cache key: worked out once per settings object, not once per picture
    # (the spec holds a dict, so it is remembered by identity, with the object kept alive beside it).
    found = _FINGERPRINTS.get(id(spec))
    if found is None or found[0] is not spec:
        if len(_FINGERPRINTS) > 64:
            _FINGERPRINTS.clear()
        found = _FINGERPRINTS[id(spec)] = spec, json.dumps({**asdict(spec), "version": PIPELINE_VERSION}, sort_keys=True)
    return found[1]


@dataclass(frozen=True)
class Credit:
    """Who made the picture and who holds its rights; written into every variant."""

    holder: str
    author: str = ""
    year: int | None = None
    terms: str = ""
    watermark: str = ""  # visible text drawn on the picture; empty for none

    @property
    def copyright(self) -> str:
        return f"© {self.year} {self.holder}" if self.year else f"© {self.holder}"

    @property
    def line(self) -> str:
        """The credit line under a figure."""
        return f"摄影：{self.author}" if self.author else f"图片：{self.holder}"


@dataclass(frozen=True)
class Variant:
    format: str
    width: int
    height: int
    filename: str
    bytes: int = 0

    @property
    def mime(self) -> str:
        return MIME[self.format]


@dataclass(frozen=True)
class ProcessedImage:
    source: str  # relative to docs/
    key: str
    width: int
    height: int
    has_alpha: bool
    variants: tuple[Variant, ...]
    notes: tuple[str, ...] = ()

    @property
    def fallback_format(self) -> str:
        return "png" if self.has_alpha else "jpeg"

    @property
    def folder(self) -> str:
        return self.source.rsplit("/", 1)[0] + "/" if "/" in self.source else ""

    def of_format(self, fmt: str) -> list[Variant]:
        return sorted((v for v in self.variants if v.format == fmt), key=lambda v: v.width)

    def fallback(self, max_width: int | None = None) -> Variant:
        candidates = self.of_format(self.fallback_format)
        fitting = [v for v in candidates if max_width is None or v.width <= max_width]
        return (fitting or candidates[:1])[-1]

    def src_uri(self, variant: Variant) -> str:
        return self.folder + variant.filename

    def as_json(self) -> str:
        data = asdict(self)
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ProcessedImage:
        data = json.loads(text)
        data["variants"] = tuple(Variant(**v) for v in data["variants"])
        data["notes"] = tuple(data["notes"])
        return cls(**data)


class ImageError(Exception):
    """A source image that cannot be published, explained in Chinese."""

    def __init__(self, code: str, message: str, hint: str = ""):
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint


def cache_key(source: str, source_digest: str, spec: MediaSpec, credit: Credit) -> str:
    """The source path is part of the key because variant file names are made from it."""
    text = "\n".join([source, source_digest, spec.fingerprint(), json.dumps(asdict(credit), ensure_ascii=False, sort_keys=True)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
