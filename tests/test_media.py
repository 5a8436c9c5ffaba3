"""The media pipeline on real image files the tests make: pixels, metadata, cache, bad input,
and the figures, galleries and pictures a reader gets."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urljoin

import images
import pytest
from conftest import ROOT, Project, article
from PIL import Image, ImageChops, ImageCms, ImageStat
from township_archive.media.model import Credit, MediaSpec
from township_archive.media.process import MediaCache, planned_widths, run_pipeline

CREDIT = Credit("合浦县曲樟乡人民政府", "张三", 2024, "未经书面授权不得转载。")


def process(tmp_path: Path, *paths: Path, credit: Credit = CREDIT):
    cache = MediaCache(tmp_path / "cache")
    result = run_pipeline({f"a/{p.name}": (p, credit) for p in paths}, MediaSpec(), cache, workers=1)
    return result, cache


def variant_file(cache: MediaCache, result, source: str, fmt: str, largest: bool = True) -> Path:
    image = result.images[source]
    variants = image.of_format(fmt)
    return cache.dir_for(image.key) / (variants[-1] if largest else variants[0]).filename


def xmp_text(image: Image.Image) -> str:
    raw = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp") or b""
    return raw.decode("utf-8") if isinstance(raw, bytes) else raw


def test_phone_photo_is_turned_upright_stripped_and_credited(tmp_path: Path):
    photo = images.phone_photo(tmp_path / "phone.jpg")
    result, cache = process(tmp_path, photo)
    image = result.images["a/phone.jpg"]
    assert (image.width, image.height) == (3000, 4000)  # portrait after applying orientation 6
    assert sorted({v.width for v in image.variants}) == [480, 960, 1600]
    assert {v.format for v in image.variants} == {"avif", "webp", "jpeg"}
    for variant in image.variants:
        with Image.open(cache.dir_for(image.key) / variant.filename) as published:
            assert published.width == variant.width and published.height > published.width
            exif = published.getexif()
            assert ORIENTATION_IS_GONE(exif)
            assert images.GPS_IFD not in exif and not exif.get_ifd(images.GPS_IFD)
            assert images.MAKE not in exif and images.MODEL not in exif
            assert images.BODY_SERIAL not in exif.get_ifd(images.EXIF_IFD)
            assert images.MAKER_NOTE not in exif.get_ifd(images.EXIF_IFD)
            assert exif[0x8298] == "(c) 2024 He Pu Xian Qu Zhang Xiang Ren Min Zheng Fu"
            assert exif[0x013B] == "Zhang San"
            xmp = xmp_text(published)
            assert "<dc:creator><rdf:Seq><rdf:li>张三</rdf:li>" in xmp
            assert "© 2024 合浦县曲樟乡人民政府" in xmp
    assert b"secret maker note" not in b"".join((cache.dir_for(image.key) / v.filename).read_bytes() for v in image.variants)


def ORIENTATION_IS_GONE(exif) -> bool:
    return exif.get(images.ORIENTATION, 1) == 1


def test_widths_are_never_upscaled():
    assert planned_widths(4000, (480, 960, 1600)) == [480, 960, 1600]
    assert planned_widths(1200, (480, 960, 1600)) == [480, 960, 1200]
    assert planned_widths(300, (480, 960, 1600)) == [300]


def test_cmyk_becomes_rgb_with_the_right_colour(tmp_path: Path):
    result, cache = process(tmp_path, images.cmyk_jpeg(tmp_path / "cmyk.jpg"))
    with Image.open(variant_file(cache, result, "a/cmyk.jpg", "jpeg")) as published:
        assert published.mode == "RGB"
        red, green, blue = published.getpixel((400, 300))
        assert red < 40 and green > 200 and blue > 200  # cyan, not a muddy or inverted colour


def test_embedded_wide_gamut_profile_is_converted_to_srgb(tmp_path: Path):
    result, cache = process(tmp_path, images.wide_gamut_png(tmp_path / "prophoto.png"))
    expected = ImageCms.profileToProfile(
        Image.new("RGB", (1, 1), (40, 200, 40)), str(images.WIDE_GAMUT_ICC), ImageCms.createProfile("sRGB")
    ).getpixel((0, 0))
    with Image.open(variant_file(cache, result, "a/prophoto.png", "jpeg")) as published:
        got = published.getpixel((400, 300))
    assert max(abs(a - b) for a, b in zip(got, expected)) <= 6
    assert got[1] - (40, 200, 40)[1] > 20 or abs(got[0] - 40) > 20  # visibly different from ignoring the profile


def test_16_bit_greyscale_keeps_its_tones(tmp_path: Path):
    result, cache = process(tmp_path, images.greyscale_16bit_png(tmp_path / "scan16.png"))
    with Image.open(variant_file(cache, result, "a/scan16.png", "jpeg")) as published:
        grey = published.convert("L")
        left, right = grey.getpixel((5, 100)), grey.getpixel((grey.width - 5, 100))
        assert left < 30 and right > 220
        assert 100 < ImageStat.Stat(grey).mean[0] < 160  # a ramp, not clipped to white


def test_palette_png_keeps_transparency_and_falls_back_to_png(tmp_path: Path):
    result, cache = process(tmp_path, images.palette_png_with_transparency(tmp_path / "logo.png"))
    image = result.images["a/logo.png"]
    assert image.has_alpha and image.fallback_format == "png"
    assert not image.of_format("jpeg")
    for fmt in ("png", "webp", "avif"):
        with Image.open(variant_file(cache, result, "a/logo.png", fmt)) as published:
            rgba = published.convert("RGBA")
            assert rgba.getpixel((10, 10))[2] > 200 and rgba.getpixel((10, 10))[3] == 255  # opaque blue half
            assert rgba.getpixel((rgba.width - 10, 10))[3] == 0  # transparent half stays transparent


def test_animated_gif_is_published_as_its_first_frame(tmp_path: Path):
    result, cache = process(tmp_path, images.animated_gif(tmp_path / "anim.gif"))
    assert "动图只发布第一帧" in result.images["a/anim.gif"].notes
    with Image.open(variant_file(cache, result, "a/anim.gif", "jpeg")) as published:
        red, green, blue = published.getpixel((100, 100))
        assert red > 150 and green < 80 and blue < 80


def test_iphone_heic_is_decoded_and_cleaned(tmp_path: Path):
    source = tmp_path / "iphone.heic"
    shutil.copy(ROOT / "tests/fixtures/iphone-sample.heic", source)
    with Image.open(source) as original:
        assert images.GPS_IFD in original.getexif()  # the fixture really carries a position
    result, cache = process(tmp_path, source)
    image = result.images["a/iphone.heic"]
    assert (image.width, image.height) == (640, 480)
    with Image.open(variant_file(cache, result, "a/iphone.heic", "jpeg")) as published:
        exif = published.getexif()
        assert images.GPS_IFD not in exif and images.MAKE not in exif
        assert "张三" in xmp_text(published)


@pytest.mark.parametrize(
    "make,code,words",
    [
        (lambda p: (p.write_bytes(b""), p)[1], "image-empty", "0 字节"),
        (images.truncated_jpeg, "image-corrupt", "已损坏或不完整"),
        (images.decompression_bomb_png, "image-too-many-pixels", "30000×30000"),
        (lambda p: (p.write_text("这不是图片", encoding="utf-8"), p)[1], "image-unreadable", "无法识别"),
    ],
    ids=["zero-byte", "truncated", "decompression-bomb", "text-named-jpg"],
)
def test_bad_image_is_reported_and_others_still_process(tmp_path: Path, make, code, words):
    suffix = ".png" if code == "image-too-many-pixels" else ".jpg"
    bad = make(tmp_path / f"bad{suffix}")
    good = images.phone_photo(tmp_path / "good.jpg", 1600, 1200, orientation=1)
    result, _cache = process(tmp_path, bad, good)
    failure_code, message, hint = result.failures[f"a/bad{suffix}"]
    assert failure_code == code and words in message and hint
    assert "a/good.jpg" in result.images


def test_unchanged_images_are_not_processed_again(tmp_path: Path):
    photo = images.phone_photo(tmp_path / "p.jpg", 2000, 1500)
    first, _cache = process(tmp_path, photo)
    second, _ = process(tmp_path, photo)
    assert (first.processed, second.processed, second.cached) == (1, 0, 1)
    assert first.images == second.images
    photo.write_bytes(photo.read_bytes() + b"\0")  # any change to the bytes is a new image
    third, _ = process(tmp_path, photo)
    assert third.processed == 1


# --- through a real build -------------------------------------------------------------------


def srcset_urls(value: str) -> list[str]:
    return [part.strip().split(" ")[0] for part in value.split(",") if part.strip()]


def picture_files(site: Path, page: Path) -> list[Path]:
    html = page.read_text(encoding="utf-8")
    url = page.relative_to(site).as_posix()
    found = []
    for picture in re.findall(r"<picture>.*?</picture>", html, re.DOTALL):
        for attribute, value in re.findall(r'\b(src|srcset)="([^"]*)"', picture):
            for link in srcset_urls(value) if attribute == "srcset" else [value]:
                found.append(site / unquote(urljoin(url, link)))
    return found


def test_sample_pages_serve_pictures_whose_files_all_exist(sample_site: Path):
    checked = 0
    for page in sample_site.rglob("*.html"):
        for path in picture_files(sample_site, page):
            assert path.is_file(), f"{page.relative_to(sample_site)} -> {path.relative_to(sample_site)}"
            checked += 1
    assert checked > 100
    assert not list(sample_site.rglob("cover.jpg")) and not list(sample_site.rglob("photo-1.jpg"))
    for published in sample_site.rglob("*.jpg"):
        with Image.open(published) as image:
            assert images.GPS_IFD not in image.getexif()


def _photo_article(project: Project) -> Path:
    folder = project.docs / "dangjian/tu-pian"
    images.phone_photo(folder / "phone.jpg", 3000, 2000)
    (folder / "phone.jpg.yml").write_text("author: 李四\nwatermark: true\n", encoding="utf-8")
    for n in range(1, 4):
        images.phone_photo(folder / f"g{n}.jpg", 1200, 900, orientation=1)
    shutil.copy(ROOT / "tests/fixtures/iphone-sample.heic", folder / "iphone.heic")
    body = (
        "导语。\n\n![村民在晒谷场上（示例）](tu-pian/phone.jpg \"晒谷场\")\n\n"
        "![组图一](tu-pian/g1.jpg \"一\")\n![组图二](tu-pian/g2.jpg \"二\")\n![组图三](tu-pian/g3.jpg \"三\")\n\n"
        "![苹果手机拍的照片](tu-pian/iphone.heic)\n"
    )
    return project.write("dangjian/tu-pian.md", article(title="图片测试", slug="tu-pian", extra="photographer: 王五", body=body))


@pytest.mark.slow
def test_article_photos_become_credited_figures_gallery_and_lightbox(project: Project):
    source = _photo_article(project)
    originals = {p: p.read_bytes() for p in source.parent.rglob("*") if p.is_file()}
    result = project.mkdocs_build_in_process()
    assert result.returncode == 0, result.output
    site = project.root / "site"
    page = site / "dangjian/tu-pian/index.html"
    html = page.read_text(encoding="utf-8")
    assert html.count("<figure") == 5 and html.count('class="ta-gallery"') == 1
    assert "晒谷场<span class=\"ta-credit\">摄影：李四</span>" in html  # sidecar beats the article
    assert "摄影：王五" in html  # the article's photographer for the rest
    assert 'fetchpriority="high"' in html and html.count('loading="lazy"') == 4
    for img in re.findall(r"<picture>.*?(<img [^>]*>)", html, re.DOTALL):
        assert re.search(r' width="\d+"', img) and re.search(r' height="\d+"', img), img
    assert "glightbox.min.js" in html and html.count('class="glightbox"') == 5
    assert "glightbox.min.js" not in (site / "about/index.html").read_text(encoding="utf-8")
    for path in picture_files(site, page):
        assert path.is_file()
    assert not (site / "dangjian/tu-pian/phone.jpg").exists() and not (site / "dangjian/tu-pian/phone.jpg.yml").exists()
    assert originals == {p: p.read_bytes() for p in source.parent.rglob("*") if p.is_file()}

    # The sidecar asked for a visible credit: the watermarked corner differs from the same photo without one.
    marked = max(site.glob("dangjian/tu-pian/phone.*.1600.jpg"))
    plain_result, plain_cache = process(project.root, source.with_suffix("") / "phone.jpg")
    plain = variant_file(plain_cache, plain_result, "a/phone.jpg", "jpeg")
    with Image.open(marked) as a, Image.open(plain) as b:
        corner = (a.width * 3 // 4, a.height * 9 // 10, a.width, a.height)
        assert ImageStat.Stat(ImageChops.difference(a.crop(corner), b.crop(corner))).mean[0] > 2
        middle = (0, 0, a.width // 2, a.height // 2)
        assert ImageStat.Stat(ImageChops.difference(a.crop(middle), b.crop(middle))).mean[0] < 2
        assert "李四" in xmp_text(a)

    again = project.mkdocs_build_in_process()
    assert "新处理 0 张" in again.output


def test_bad_images_fail_the_build_with_article_image_and_reason(project: Project):
    folder = project.docs / "dangjian/huai-tu"
    folder.mkdir(parents=True)
    images.truncated_jpeg(folder / "half.jpg")
    images.decompression_bomb_png(folder / "bomb.png")
    (folder / "empty.jpg").write_bytes(b"")
    images.phone_photo(folder / "tiny.jpg", 300, 200, orientation=1)
    images.phone_photo(folder / "ok.jpg", 1200, 900, orientation=1)
    body = "\n\n".join([
        "![半张](huai-tu/half.jpg)", "![炸弹](huai-tu/bomb.png)", "![空](huai-tu/empty.jpg)",
        "![不存在](huai-tu/missing.jpg)", "![外面](../../outside.jpg)", "![外站](https://example.com/x.jpg)",
        "![太小](huai-tu/tiny.jpg)", "![](huai-tu/ok.jpg)",
    ])
    project.write("dangjian/huai-tu.md", article(title="坏图片", slug="huai-tu", body=body + "\n"))
    result = project.mkdocs_build_in_process()
    assert result.returncode != 0
    out = result.output
    expected = [
        (11, "docs/dangjian/huai-tu/half.jpg 无法发布：图片文件已损坏或不完整"),
        (13, "docs/dangjian/huai-tu/bomb.png 无法发布：图片有 30000×30000 像素"),
        (15, "docs/dangjian/huai-tu/empty.jpg 无法发布：图片文件是空的"),
        (17, "找不到图片 huai-tu/missing.jpg"),
        (19, "图片路径 ../../outside.jpg 指向了 docs/ 文件夹之外"),
        (21, "不能引用其他网站的图片"),
        (23, "只有 300 像素宽"),
        (25, "缺少替代文字"),
    ]
    for line, words in expected:
        assert re.search(rf"docs/dangjian/huai-tu\.md:{line}: .*{re.escape(words)}", out), words
    assert "Traceback" not in out
    assert list((project.root / ".cache/media").rglob("ok.*.960.jpg"))  # the good image was still processed

    check = project.cli_in_process("check")
    assert check.returncode == 1
    assert "docs/dangjian/huai-tu.md:11" in check.stdout and "缺少替代文字" in check.stdout


def test_misnamed_image_is_processed_by_its_real_format_with_a_note(tmp_path: Path):
    png_named_jpg = tmp_path / "scan.jpg"
    Image.new("RGB", (800, 600), (10, 120, 200)).save(png_named_jpg, format="PNG")
    result, cache = process(tmp_path, png_named_jpg)
    assert any("与实际格式 PNG 不符" in note for note in result.images["a/scan.jpg"].notes)
    with Image.open(variant_file(cache, result, "a/scan.jpg", "jpeg")) as published:
        assert published.format == "JPEG" and published.size == (800, 600)
