"""The one place that decides a processed image's `<picture>`: which sources, their srcset and
sizes, and which variant is the fallback `<img src>` with its intrinsic size.

Two renderers consume the same `Picture`: the templates print `Picture.markup()` (through
`SiteView.picture`), and the figure Markdown extension inserts `Picture.element()` into the
page's element tree, where MkDocs still checks and rewrites the `src`.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from markupsafe import Markup

from .model import MODERN_FORMATS, ProcessedImage


class PictureRole(StrEnum):
    """Where a picture is shown: it decides `sizes` and the fallback (see `fallback_width`)."""

    FIGURE = "figure"  # alone in an article's text
    GALLERY = "gallery"  # one of several pictures in a paragraph of their own
    GALLERY_LAST_ODD = "gallery-last-odd"  # a gallery's odd last picture: the whole row on phones
    THUMBNAIL = "thumbnail"  # a cover in a list of articles
    BANNER = "banner"  # the home page's banner photo, across the content column
    CARD = "card"  # a cover on the home page's 图片新闻 cards
    SECTION_CARD = "section-card"  # a section's cover on the home page: beside the text on phones


# How wide the stylesheet (overrides/assets/stylesheets/archive.css) draws each role, for the
# browser to pick a variant before it has laid out the page.
SIZES = {
    PictureRole.FIGURE: "(min-width: 76.25em) 720px, (min-width: 60em) 62vw, 100vw",  # the text column
    PictureRole.GALLERY: "(min-width: 60em) 240px, 50vw",  # .ta-gallery's grid cells
    # Two a row on phones, where an odd last picture takes the whole row; three a row from about
    # 30em, where it is centred at the others' size.
    PictureRole.GALLERY_LAST_ODD: "(min-width: 60em) 240px, (min-width: 30em) 34vw, 100vw",
    PictureRole.THUMBNAIL: "(min-width: 45em) 180px, 130px",  # .ta-item__cover: 9rem, 6.5rem on phones
    PictureRole.BANNER: "(min-width: 76.25em) 1180px, 100vw",  # .ta-banner: the home page's content column
    # .ta-cards: three or four a row on wide screens, two on tablets, one on phones (a section's
    # cover then takes two fifths of the card, beside its text).
    PictureRole.CARD: "(min-width: 60em) 380px, (min-width: 30em) 50vw, 100vw",
    PictureRole.SECTION_CARD: "(min-width: 60em) 380px, (min-width: 30em) 50vw, 40vw",
}

# Phones: at most the middle configured width for these roles (see `phone_width`).
PHONE_MEDIA = "(max-width: 44.9375em)"
PHONE_CAPPED = frozenset({PictureRole.BANNER, PictureRole.CARD})


def fallback_width(widths: Sequence[int], role: PictureRole) -> int:
    """The configured width the fallback `<img src>` is chosen for: the largest variant no wider than it.

    Browsers that understand srcset never load the fallback; for the rest it is the one picture
    every screen gets, and its size gives the box its
    aspect ratio. A thumbnail is drawn at most 180 CSS pixels wide, a card's cover about 380, so the
    smallest configured width is plenty. Pictures in an article's text (alone or in a gallery, whose pictures are the
    same photographs) take the middle configured width (the upper middle of an even count): the
    one made for the text column, between the phone size and the large-screen size.
    For the default widths (480, 960, 1600) and the offline ones (480, 960) that is 960 in the
    text and 480 for thumbnails, as the two renderers chose before they were one.
    """
    ordered = sorted(widths)
    if not ordered:
        raise ValueError("no configured widths")
    small = (PictureRole.THUMBNAIL, PictureRole.CARD, PictureRole.SECTION_CARD)
    return ordered[0] if role in small else ordered[len(ordered) // 2]


def phone_width(widths: Sequence[int]) -> int:
    """The widest variant a phone is offered for a PHONE_CAPPED role: the middle configured width.

    A picture across a phone of 390 CSS pixels at a device pixel ratio of 3 would otherwise
    take the largest variant (1600 by default), several times the bytes for a picture no wider than
    the phone: the middle width (960) is sharp enough on such a screen."""
    return fallback_width(widths, PictureRole.FIGURE)


@dataclass(frozen=True)
class Source:
    type: str  # MIME type
    srcset: str
    media: str = ""  # a media query the source is for; "" for every screen


@dataclass(frozen=True)
class Picture:
    sources: tuple[Source, ...]
    src: str  # the fallback variant's address
    srcset: str  # the fallback format's variants
    sizes: str
    width: int  # the fallback variant's intrinsic size
    height: int

    def img_attributes(self, alt: str = "", class_: str = "", priority: bool = False, title: str = "") -> dict[str, str]:
        """The `<img>` attributes, in the order the templates write them. `priority`: the page's first
        picture, likely above the fold, is fetched early instead of lazily."""
        attributes = {"class": class_} if class_ else {}
        attributes |= {
            "src": self.src,
            "srcset": self.srcset,
            "sizes": self.sizes,
            "alt": alt,
            "width": str(self.width),
            "height": str(self.height),
        }
        attributes |= {"fetchpriority": "high"} if priority else {"loading": "lazy", "decoding": "async"}
        if title:
            attributes["title"] = title
        return attributes

    def markup(self, alt: str = "", class_: str = "", priority: bool = False, title: str = "") -> Markup:
        """The `<picture>` as HTML for a template; every value is escaped."""
        parts = [Markup("<picture>")]
        for source in self.sources:
            media = Markup(' media="{}"').format(source.media) if source.media else ""
            parts.append(Markup('\n    <source{} type="{}" srcset="{}" sizes="{}">').format(media, source.type, source.srcset, self.sizes))
        attributes = self.img_attributes(alt, class_, priority, title)
        parts.append(Markup("\n    <img{}>\n  </picture>").format(Markup("").join(
            Markup(' {}="{}"').format(name, value) for name, value in attributes.items()
        )))
        return Markup("").join(parts)

    def element(self, alt: str = "", class_: str = "", priority: bool = False, title: str = "") -> etree.Element:
        """The `<picture>` as an element for a Markdown tree (serialised, and escaped, by Python-Markdown)."""
        picture = etree.Element("picture")
        for source in self.sources:
            media = {"media": source.media} if source.media else {}
            etree.SubElement(picture, "source", {**media, "type": source.type, "srcset": source.srcset, "sizes": self.sizes})
        etree.SubElement(picture, "img", self.img_attributes(alt, class_, priority, title))
        return picture


def srcset(image: ProcessedImage, fmt: str, url_for: Callable[[str], str], max_width: int | None = None) -> str:
    variants = [v for v in image.of_format(fmt) if max_width is None or v.width <= max_width] or image.of_format(fmt)[:1]
    return ", ".join(f"{url_for(image.src_uri(v))} {v.width}w" for v in variants)


def picture(
    image: ProcessedImage,
    role: PictureRole,
    widths: Sequence[int],
    url_for: Callable[[str], str],
    src_for: Callable[[str], str] | None = None,
) -> Picture:
    """The `<picture>` of `image` where `role` shows it. `widths` are the configured variant widths;
    `url_for` turns a docs-relative file into the address the page links to; `src_for`, when
    given, does so for the fallback `src` alone (the figure extension leaves that to MkDocs)."""
    fallback = image.fallback(max_width=fallback_width(widths, role))
    formats = [fmt for fmt in MODERN_FORMATS if image.of_format(fmt)]
    phone: tuple[Source, ...] = ()
    if role in PHONE_CAPPED and image.of_format(image.fallback_format)[-1].width > phone_width(widths):
        # The first source that matches wins: phones find theirs, with the smaller variants, before the others.
        phone = tuple(
            Source(image.of_format(fmt)[0].mime, srcset(image, fmt, url_for, phone_width(widths)), PHONE_MEDIA)
            for fmt in (*formats, image.fallback_format)
        )
    return Picture(
        sources=phone + tuple(Source(image.of_format(fmt)[0].mime, srcset(image, fmt, url_for)) for fmt in formats),
        src=(src_for or url_for)(image.src_uri(fallback)),
        srcset=srcset(image, image.fallback_format, url_for),
        sizes=SIZES[role],
        width=fallback.width,
        height=fallback.height,
    )
