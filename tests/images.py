"""Real image files made by the tests: rotated phone photos, CMYK, 16-bit, palette, animation, broken ones."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from PIL import Image, ImageCms
from township_archive.samples import photo_like

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE, MODEL = 0x010F, 0x0110
BODY_SERIAL = 0xA431
MAKER_NOTE = 0x927C
EXIF_IFD = 0x8769
WIDE_GAMUT_ICC = Path("/usr/share/color/icc/ghostscript/rommrgb.icc")  # ProPhoto RGB, from Debian's libgs-common


def phone_photo(path: Path, width: int = 4000, height: int = 3000, orientation: int = 6) -> Path:
    """A landscape-stored JPEG that a phone says to rotate, with GPS, serial and maker notes."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[MAKE], exif[MODEL] = "PhoneMaker", "Model X"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (21.0, 40.0, 12.5), 3: "E", 4: (109.0, 12.0, 3.0)})
    exif.get_ifd(EXIF_IFD).update({BODY_SERIAL: "SN-123456789", MAKER_NOTE: b"secret maker note"})
    path.parent.mkdir(parents=True, exist_ok=True)
    photo_like(width, height, 5).save(path, quality=90, exif=exif)
    return path


def cmyk_jpeg(path: Path) -> Path:
    image = Image.new("CMYK", (800, 600), (255, 0, 0, 0))  # pure cyan ink
    image.save(path, quality=95)
    return path


def wide_gamut_png(path: Path) -> Path:
    """Saturated green tagged with a ProPhoto profile: shown as sRGB it must change."""
    image = Image.new("RGB", (800, 600), (40, 200, 40))
    image.save(path, icc_profile=ImageCms.ImageCmsProfile(str(WIDE_GAMUT_ICC)).tobytes())
    return path


def greyscale_16bit_png(path: Path) -> Path:
    """A left-to-right ramp over the full 16-bit range."""
    image = Image.new("I;16", (1024, 600))
    image.putdata([(x * 64) for _y in range(600) for x in range(1024)])
    image.save(path)
    return path


def palette_png_with_transparency(path: Path) -> Path:
    image = Image.new("P", (800, 600), 0)
    image.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    image.paste(1, (0, 0, 400, 600))  # left half: palette index 1 (blue); right half: index 0
    image.info["transparency"] = 0  # index 0 is transparent
    image.save(path, transparency=0)
    return path


def animated_gif(path: Path) -> Path:
    frames = [Image.new("RGB", (600, 400), colour) for colour in ((200, 30, 30), (30, 200, 30), (30, 30, 200))]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=200, loop=0)
    return path


def truncated_jpeg(path: Path) -> Path:
    full = path.with_suffix(".full.jpg")
    photo_like(1600, 1000, 2).save(full, quality=90)
    data = full.read_bytes()
    full.unlink()
    path.write_bytes(data[: len(data) // 2])
    return path


def decompression_bomb_png(path: Path, side: int = 30000) -> Path:
    """A tiny PNG whose header claims side x side pixels (900 MP)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    body = zlib.compress(b"\x00" * (side // 8 + 1) * 8)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b""))
    return path
