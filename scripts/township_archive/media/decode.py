"""Decoding staff photos into correct sRGB pixels.

Choices: EXIF orientation is applied to the pixels; embedded ICC profiles are
converted to sRGB; CMYK becomes RGB; 16-bit greyscale is scaled (not clipped)
to 8 bits; palette images keep their transparency as RGBA; an animated GIF or
WebP is published as a still of its first frame (pages stay light, and the
archive's readers expect photos, not animations); alpha that is fully opaque
is dropped so the fallback can be JPEG.
"""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from .model import ImageError

try:  # decode-only HEIF support for iPhone photos
    from pi_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - pi-heif is a pinned dependency
    pass

FORMAT_EXTENSIONS = {
    "JPEG": {".jpg", ".jpeg"},
    "PNG": {".png"},
    "GIF": {".gif"},
    "WEBP": {".webp"},
    "HEIF": {".heic", ".heif"},
    "TIFF": {".tif", ".tiff"},
    "BMP": {".bmp"},
    "AVIF": {".avif"},
}
_SRGB = ImageCms.createProfile("sRGB")


@dataclass
class Decoded:
    image: Image.Image | None  # mode RGB or RGBA, upright, sRGB
    width: int  # of the upright full-size original
    height: int
    notes: list[str]


def decode(path: str, max_pixels: int, largest_width: int) -> Decoded:
    if os.path.getsize(path) == 0:
        raise ImageError("image-empty", "图片文件是空的（0 字节）。", "重新从手机或相机导出这张照片。")
    notes: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        previous_limit = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = max_pixels
        try:
            image = Image.open(path)
            _check_size(image.size, max_pixels)
            expected = FORMAT_EXTENSIONS.get(image.format or "", set())
            extension = os.path.splitext(path)[1].lower()
            if expected and extension not in expected:
                notes.append(f"扩展名 {extension} 与实际格式 {image.format} 不符，已按实际格式处理")
            if getattr(image, "is_animated", False):
                image.seek(0)
                notes.append("动图只发布第一帧")
            full_size = image.size
            if image.format == "JPEG":
                # Shrink-on-load: decode at 1/2, 1/4 or 1/8 while keeping 2x headroom over the largest variant.
                image.draft(None, (largest_width * 2, largest_width * 2 * image.height // max(image.width, 1)))
            image.load()
        except UnidentifiedImageError:
            raise ImageError(
                "image-unreadable", "无法识别这个图片文件：可能已损坏、不是图片，或是不支持的格式。",
                "用看图软件打开确认；请使用 JPG、PNG、HEIC、WebP 或 GIF 格式。",
            ) from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_big(_header_size(path), max_pixels) from None
        except (OSError, SyntaxError, ValueError) as error:
            raise ImageError(
                "image-corrupt", f"图片文件已损坏或不完整（{error}）。", "可能只拷贝了一半，请重新导出或重新拷贝原图。"
            ) from None
        finally:
            Image.MAX_IMAGE_PIXELS = previous_limit

    image, turned = _upright(image)
    width, height = (full_size[1], full_size[0]) if turned else full_size
    return Decoded(_to_srgb(image), width, height, notes)


def _check_size(size: tuple[int, int], max_pixels: int) -> None:
    if size[0] * size[1] > max_pixels:
        raise _too_big(size, max_pixels)


def _too_big(size: tuple[int, int], max_pixels: int) -> ImageError:
    megapixels = size[0] * size[1] / 1e6
    return ImageError(
        "image-too-many-pixels",
        f"图片有 {size[0]}×{size[1]} 像素（约 {megapixels:.0f} 百万像素），超过上限 {max_pixels / 1e6:.0f} 百万像素，"
        "可能是超大扫描件或恶意的“压缩炸弹”文件。",
        "用图片软件把长边缩小到 10000 像素以内再放入。",
    )


def _header_size(path: str) -> tuple[int, int]:
    """Read only the header, with Pillow's limit lifted, to tell staff how big the file claims to be."""
    previous, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
    try:
        with Image.open(path) as image:
            return image.size
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def _upright(image: Image.Image) -> tuple[Image.Image, bool]:
    """Apply the EXIF orientation to the pixels; say whether width and height swapped."""
    orientation = image.getexif().get(0x0112, 1)
    if orientation in (1, None) or not isinstance(orientation, int) or not 2 <= orientation <= 8:
        return image, False
    return ImageOps.exif_transpose(image), orientation in (5, 6, 7, 8)


def _to_srgb(image: Image.Image) -> Image.Image:
    icc = image.info.get("icc_profile")
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I"):
        # Scale 16-bit values into 0-255 instead of clipping them to white.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    elif mode in ("P", "PA") or mode == "LA":
        image = image.convert("RGBA")
    elif mode == "1":
        image = image.convert("L")
    if icc and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        image = _apply_profile(image, icc)
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.mode or "transparency" in image.info else "RGB")
    if image.mode == "RGBA" and image.getchannel("A").getextrema()[0] == 255:
        image = image.convert("RGB")
    image.info.pop("icc_profile", None)
    return image


def _apply_profile(image: Image.Image, icc: bytes) -> Image.Image:
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    except (OSError, ImageCms.PyCMSError):
        return image  # an unreadable profile: keep the pixels as they are
    alpha = image.getchannel("A") if image.mode == "RGBA" else None
    base = image.convert("RGB") if alpha is not None else image
    try:
        converted = ImageCms.profileToProfile(base, source, _SRGB, outputMode="RGB")
    except ImageCms.PyCMSError:
        return image
    if alpha is not None:
        converted.putalpha(alpha)
    return converted
