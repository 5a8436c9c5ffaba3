"""Resizing, the visible credit, and encoding with clean, credited metadata.

Every variant gets a fresh EXIF block holding only Artist and Copyright, in
ASCII (pinyin) because EXIF readers show Chinese as '?', and an XMP packet with
the Chinese credit in dc:creator / dc:rights. Nothing of the original's
metadata is copied, so GPS, serial numbers and maker notes cannot survive.
"""

from __future__ import annotations

import io
from functools import lru_cache
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw, ImageFont, PngImagePlugin
from pypinyin import lazy_pinyin

from .model import Credit, MediaSpec

EXIF_ARTIST = 0x013B
EXIF_COPYRIGHT = 0x8298
# Fonts with Chinese glyphs, in order of preference, for the optional visible credit.
CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


def ascii_form(text: str) -> str:
    """`合浦县曲樟乡人民政府` -> `He Pu Xian Qu Zhang Xiang Ren Min Zheng Fu`; other characters dropped."""
    words = [w if w != w.lower() or not w.isalpha() else w.capitalize() for w in lazy_pinyin(text, errors=lambda run: [run])]
    ascii_text = " ".join(words).replace("©", "(c)")
    cleaned = "".join(ch if 32 <= ord(ch) < 127 else " " for ch in ascii_text)
    return " ".join(cleaned.split())


def exif_bytes(credit: Credit) -> bytes:
    exif = Image.Exif()
    if credit.author:
        exif[EXIF_ARTIST] = ascii_form(credit.author)
    exif[EXIF_COPYRIGHT] = ascii_form(credit.copyright)
    return exif.tobytes()


def xmp_bytes(credit: Credit) -> bytes:
    creator = (
        f"<dc:creator><rdf:Seq><rdf:li>{escape(credit.author)}</rdf:li></rdf:Seq></dc:creator>" if credit.author else ""
    )
    terms = (
        f'<xmpRights:UsageTerms><rdf:Alt><rdf:li xml:lang="x-default">{escape(credit.terms)}</rdf:li></rdf:Alt></xmpRights:UsageTerms>'
        if credit.terms
        else ""
    )
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/">'
        f"{creator}"
        f'<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">{escape(credit.copyright)}</rdf:li></rdf:Alt></dc:rights>'
        "<xmpRights:Marked>True</xmpRights:Marked>"
        f"{terms}"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    )
    return packet.encode("utf-8")


def resize(image: Image.Image, width: int) -> Image.Image:
    if width >= image.width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


@lru_cache(maxsize=8)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def find_cjk_font() -> str | None:
    import os

    return next((path for path in CJK_FONTS if os.path.exists(path)), None)


def draw_watermark(image: Image.Image, text: str, font_path: str) -> Image.Image:
    """The credit in the lower right corner, light text on a soft shadow, sized to the picture."""
    size = max(12, image.width // 42)
    font = _font(font_path, size)
    marked = image.convert("RGBA")
    layer = Image.new("RGBA", marked.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    margin = size
    x, y = marked.width - (right - left) - margin, marked.height - (bottom - top) - margin
    draw.text((x + 1, y + 1), text, font=font, fill=(0, 0, 0, 110))
    draw.text((x, y), text, font=font, fill=(255, 255, 255, 190))
    result = Image.alpha_composite(marked, layer)
    return result if image.mode == "RGBA" else result.convert("RGB")


def encode(image: Image.Image, fmt: str, spec: MediaSpec, credit: Credit) -> bytes:
    buffer = io.BytesIO()
    exif, xmp = exif_bytes(credit), xmp_bytes(credit)
    if fmt == "jpeg":
        image.save(buffer, "JPEG", quality=spec.quality["jpeg"], optimize=True, progressive=True, exif=exif, xmp=xmp)
    elif fmt == "webp":
        image.save(buffer, "WEBP", quality=spec.quality["webp"], method=4, exif=exif, xmp=xmp)
    elif fmt == "avif":
        image.save(buffer, "AVIF", quality=spec.quality["avif"], speed=spec.avif_speed, exif=exif, xmp=xmp, max_threads=1)
    elif fmt == "png":
        info = PngImagePlugin.PngInfo()
        info.add_itxt("XML:com.adobe.xmp", xmp.decode("utf-8"))
        image.save(buffer, "PNG", compress_level=6, exif=exif, pnginfo=info)
    else:
        raise ValueError(fmt)
    return buffer.getvalue()
