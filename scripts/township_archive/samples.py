"""Photo-like sample images drawn with Pillow: no downloaded photos in the repo.

The same seed always gives the same picture, so sample content, test
fixtures and benchmark archives are reproducible.

    python -m township_archive.samples OUT.jpg [--seed N] [--size 1600x1000]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

PALETTES = [
    ((118, 170, 220), (226, 238, 246), (74, 124, 64), (40, 86, 50)),  # clear sky, green hills
    ((236, 150, 96), (250, 214, 160), (96, 110, 70), (52, 66, 44)),  # evening
    ((150, 170, 186), (214, 222, 228), (88, 120, 100), (60, 80, 70)),  # overcast
    ((96, 140, 200), (200, 226, 240), (120, 150, 70), (150, 110, 70)),  # fields
]


def _lerp(a: tuple[int, ...], b: tuple[int, ...], t: float) -> tuple[int, ...]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


def photo_like(width: int = 1600, height: int = 1000, seed: int = 0) -> Image.Image:
    """A landscape of sky, hills, fields and Hakka-style round-house roofs."""
    rng = random.Random(seed)
    sky_top, sky_bottom, hill_near, hill_far = PALETTES[seed % len(PALETTES)]
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    horizon = int(height * rng.uniform(0.45, 0.6))
    for y in range(horizon):
        draw.line([(0, y), (width, y)], fill=_lerp(sky_top, sky_bottom, y / horizon))
    sun_x, sun_y, sun_r = rng.randint(width // 6, width * 5 // 6), rng.randint(height // 10, horizon // 2), height // 14
    draw.ellipse([sun_x - sun_r, sun_y - sun_r, sun_x + sun_r, sun_y + sun_r], fill=(255, 244, 214))
    for layer, colour in ((0, hill_far), (1, hill_near)):
        base = horizon + layer * height // 12
        points = [(0, height)]
        for x in range(0, width + 80, 80):
            points.append((x, base - rng.randint(0, height // (5 + layer * 3))))
        points.append((width, height))
        draw.polygon(points, fill=_lerp(colour, sky_bottom, 0.25 * (1 - layer)))
    for row in range(6):
        y0 = horizon + height // 6 + row * (height - horizon) // 7
        tone = _lerp(hill_near, (190, 180, 110), (row % 2) * 0.4)
        draw.rectangle([0, y0, width, y0 + (height - horizon) // 7], fill=tone)
    for _ in range(rng.randint(2, 4)):
        cx, cy = rng.randint(width // 8, width * 7 // 8), horizon + rng.randint(height // 20, height // 6)
        r = rng.randint(width // 20, width // 10)
        draw.ellipse([cx - r, cy - r // 3, cx + r, cy + r // 3], fill=(120, 110, 100))
        draw.ellipse([cx - r * 3 // 4, cy - r // 5, cx + r * 3 // 4, cy + r // 5], fill=(200, 190, 170))
    # Fine noise so encoders see texture as in a real photo, then a slight blur.
    noise = Image.frombytes("L", (width, height), rng.randbytes(width * height)).convert("RGB")
    image = Image.blend(image, noise, 0.05)
    return image.filter(ImageFilter.GaussianBlur(0.6))


def save_photo_like(path: Path, width: int = 1600, height: int = 1000, seed: int = 0, quality: int = 82) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    photo_like(width, height, seed).save(path, quality=quality, optimize=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description="生成示例风景图（不含任何真实照片）")
    parser.add_argument("output", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--size", default="1600x1000")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    save_photo_like(args.output, width, height, args.seed)


if __name__ == "__main__":
    main()
