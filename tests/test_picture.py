"""The one `<picture>` (media/picture.py): which sources, srcset and sizes, which fallback, and that the
templates' markup and the figure extension's element say the same, escaped."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from markdown import Markdown
from markupsafe import Markup
from township_archive.media.figures import FigureContext, FigureExtension
from township_archive.media.library import MediaLibrary
from township_archive.media.model import DEFAULT_WIDTHS, MIME, Credit, ProcessedImage, Variant
from township_archive.media.picture import SIZES, PictureRole, fallback_width, picture
from township_archive.urls import file_url

EXTENSION = {"avif": "avif", "webp": "webp", "jpeg": "jpg", "png": "png"}


def processed(source: str = "dangjian/a/photo.jpg", widths=(480, 960, 1200), formats=("avif", "webp", "jpeg"),
              height_ratio: float = 2 / 3) -> ProcessedImage:
    stem = source.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    variants = tuple(
        Variant(fmt, w, round(w * height_ratio), f"{stem}.0123456789.{w}.{EXTENSION[fmt]}") for w in widths for fmt in formats
    )
    has_alpha = "png" in formats
    return ProcessedImage(source, "0123456789abcdef", max(widths), round(max(widths) * height_ratio), has_alpha, variants)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def tags(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


# ------------------------------------------------------------------ the fallback rule


@pytest.mark.parametrize(
    ("widths", "figure", "thumbnail"),
    [
        (DEFAULT_WIDTHS, 960, 480),  # the site's defaults: what the two renderers chose before they were one
        ((480, 960), 960, 480),  # the offline copy's defaults
        ((1600, 480, 960), 960, 480),  # order does not matter
        ((640,), 640, 640),
        ((320, 640, 960, 1280), 960, 320),  # an even count takes the upper middle
        ((320, 640, 960, 1280, 2400), 960, 320),
    ],
)
def test_fallback_width_comes_from_the_configured_widths(widths, figure, thumbnail):
    assert fallback_width(widths, PictureRole.FIGURE) == figure
    assert fallback_width(widths, PictureRole.GALLERY) == figure
    assert fallback_width(widths, PictureRole.THUMBNAIL) == thumbnail


def test_no_widths_is_a_programming_error():
    with pytest.raises(ValueError):
        fallback_width((), PictureRole.FIGURE)


@pytest.mark.parametrize(
    ("variant_widths", "configured", "role", "expected"),
    [
        ((480, 960, 1200), DEFAULT_WIDTHS, PictureRole.FIGURE, 960),
        ((480, 960, 1200), DEFAULT_WIDTHS, PictureRole.THUMBNAIL, 480),
        ((480, 960, 1600), DEFAULT_WIDTHS, PictureRole.FIGURE, 960),
        ((480, 700), DEFAULT_WIDTHS, PictureRole.FIGURE, 700),  # a 700-pixel original: its own width
        ((300,), DEFAULT_WIDTHS, PictureRole.FIGURE, 300),  # smaller than every width: the one variant
        ((300,), DEFAULT_WIDTHS, PictureRole.THUMBNAIL, 300),
        ((320, 640, 1000), (320, 640, 1280), PictureRole.FIGURE, 640),
        ((480, 960), (480, 960), PictureRole.FIGURE, 960),
    ],
)
def test_fallback_is_the_largest_variant_within_the_rule(variant_widths, configured, role, expected):
    chosen = picture(processed(widths=variant_widths), role, configured, str)
    assert chosen.width == expected
    assert chosen.src == f"dangjian/a/photo.0123456789.{expected}.jpg"
    assert chosen.height == round(expected * 2 / 3)


# ------------------------------------------------------------------ sources, srcset, sizes


def test_sources_srcset_and_sizes():
    chosen = picture(processed(), PictureRole.THUMBNAIL, DEFAULT_WIDTHS, lambda uri: file_url(uri, "dangjian/"))
    assert [s.type for s in chosen.sources] == ["image/avif", "image/webp"]
    assert chosen.sources[0].srcset == "a/photo.0123456789.480.avif 480w, a/photo.0123456789.960.avif 960w, a/photo.0123456789.1200.avif 1200w"
    assert chosen.srcset == "a/photo.0123456789.480.jpg 480w, a/photo.0123456789.960.jpg 960w, a/photo.0123456789.1200.jpg 1200w"
    assert chosen.src == "a/photo.0123456789.480.jpg"
    assert chosen.sizes == SIZES[PictureRole.THUMBNAIL]


def test_only_the_formats_made_are_offered_and_transparent_pictures_fall_back_to_png():
    chosen = picture(processed(formats=("avif", "png")), PictureRole.FIGURE, (480, 960), str)
    assert [s.type for s in chosen.sources] == [MIME["avif"]]
    assert chosen.src.endswith(".960.png") and chosen.srcset.endswith(".1200.png 1200w")
    assert picture(processed(formats=("jpeg",)), PictureRole.FIGURE, (480, 960), str).sources == ()


def test_addresses_are_relative_to_the_page_and_percent_encoded():
    image = processed("党建/文章 一/photo.jpg")
    chosen = picture(image, PictureRole.FIGURE, DEFAULT_WIDTHS, lambda uri: file_url(uri, "dangjian/wen-zhang/"))
    assert chosen.src.startswith("../../%E5%85%9A%E5%BB%BA/%E6%96%87%E7%AB%A0%20%E4%B8%80/photo.")
    assert all(" " not in candidate.strip().split(" ")[0] for candidate in chosen.srcset.split(","))
    separate = picture(image, PictureRole.FIGURE, DEFAULT_WIDTHS, str, src_for=lambda uri: "SRC:" + uri)
    assert separate.src == "SRC:党建/文章 一/photo.0123456789.960.jpg" and separate.srcset.startswith("党建/")


# ------------------------------------------------------------------ the two renderers


def test_markup_is_what_the_cover_template_printed():
    chosen = picture(processed(widths=(480, 960)), PictureRole.THUMBNAIL, DEFAULT_WIDTHS, str)
    html = chosen.markup(class_="ta-item__cover")
    assert isinstance(html, Markup)
    assert html == (
        "<picture>"
        '\n    <source type="image/avif" srcset="dangjian/a/photo.0123456789.480.avif 480w, dangjian/a/photo.0123456789.960.avif 960w"'
        ' sizes="(min-width: 45em) 180px, 130px">'
        '\n    <source type="image/webp" srcset="dangjian/a/photo.0123456789.480.webp 480w, dangjian/a/photo.0123456789.960.webp 960w"'
        ' sizes="(min-width: 45em) 180px, 130px">'
        '\n    <img class="ta-item__cover" src="dangjian/a/photo.0123456789.480.jpg"'
        ' srcset="dangjian/a/photo.0123456789.480.jpg 480w, dangjian/a/photo.0123456789.960.jpg 960w"'
        ' sizes="(min-width: 45em) 180px, 130px" alt="" width="480" height="320" loading="lazy" decoding="async">'
        "\n  </picture>"
    )


@pytest.mark.parametrize("hostile", ['"><script>alert(1)</script>', "it's & <b>", "{{ 7*7 }}", "a\"b'c"])
def test_every_value_in_the_markup_is_escaped(hostile: str):
    chosen = picture(processed(), PictureRole.FIGURE, DEFAULT_WIDTHS, lambda uri: uri + hostile)
    html = chosen.markup(alt=hostile, class_=hostile, title=hostile)
    assert "<script>" not in html and "<b>" not in html
    found = tags(html)
    assert [t for t, _ in found] == ["picture", "source", "source", "img"]
    img = found[-1][1]
    assert img["alt"] == img["class"] == img["title"] == hostile
    assert img["src"].endswith(hostile)


@pytest.mark.parametrize("priority", [True, False])
def test_markup_and_element_carry_the_same_attributes(priority: bool):
    chosen = picture(processed(), PictureRole.GALLERY, DEFAULT_WIDTHS, str)
    options = {"alt": "清晨的田野 & 远山", "class_": "off-glb", "priority": priority, "title": "说明"}
    element = chosen.element(**options)
    from_element = [(element.tag, dict(element.attrib))] + [(child.tag, dict(child.attrib)) for child in element]
    assert tags(chosen.markup(**options)) == from_element
    img = from_element[-1][1]
    if priority:
        assert img["fetchpriority"] == "high" and "loading" not in img
    else:
        assert (img["loading"], img["decoding"]) == ("lazy", "async") and "fetchpriority" not in img


# ------------------------------------------------------------------ the figure extension uses it


def _render(markdown: str, widths=DEFAULT_WIDTHS, lightbox: bool = True) -> str:
    library = MediaLibrary()
    for name in ("photo.jpg", "two.jpg"):
        library.images[f"dangjian/a/{name}"] = processed(f"dangjian/a/{name}")
        library.credits[f"dangjian/a/{name}"] = Credit("曲樟乡人民政府", "张三")
    context = FigureContext(library=library, lightbox=lightbox, widths=widths)
    context.start_page("dangjian/a.md", lambda uri: file_url(uri, "dangjian/a/"))
    return Markdown(extensions=[FigureExtension(context)]).convert(markdown)


def test_figure_extension_draws_the_same_picture():
    html = _render('![清晨的田野](a/photo.jpg "说明")\n')
    found = tags(html)
    assert [t for t, _ in found] == ["figure", "a", "picture", "source", "source", "img", "figcaption", "span"]
    expected = picture(processed(), PictureRole.FIGURE, DEFAULT_WIDTHS, lambda uri: file_url(uri, "dangjian/a/"),
                       src_for=lambda uri: uri.removeprefix("dangjian/"))
    img = found[5][1]
    assert img == expected.img_attributes(alt="清晨的田野", class_="off-glb", priority=True, title="说明")
    assert img["src"] == "a/photo.0123456789.960.jpg"  # docs-relative, for MkDocs to check and rewrite
    assert found[1][1]["href"] == "a/photo.0123456789.1200.jpg"  # the lightbox opens the largest


def test_gallery_pictures_use_the_gallery_sizes_and_only_the_first_is_eager():
    found = tags(_render("![一](a/photo.jpg) ![二](a/two.jpg)\n"))
    images = [attrs for tag, attrs in found if tag == "img"]
    assert [i["sizes"] for i in images] == [SIZES[PictureRole.GALLERY]] * 2
    assert [i.get("fetchpriority") for i in images] == ["high", None]
    assert [i["width"] for i in images] == ["960", "960"]


def test_an_odd_last_gallery_picture_asks_for_a_phone_wide_variant():
    """Two a row on phones: the third of three spans the row, so the browser must fetch for the whole
    width (a 50vw choice would be blurry there); the first two stay half-width."""
    found = tags(_render("![一](a/photo.jpg) ![二](a/two.jpg) ![三](a/photo.jpg)\n"))
    sizes = [attrs["sizes"] for tag, attrs in found if tag == "img"]
    assert sizes[:2] == [SIZES[PictureRole.GALLERY]] * 2
    assert sizes[2].endswith(", 100vw") and sizes[2].startswith("(min-width: 60em) 240px")
    sources = [attrs["sizes"] for tag, attrs in found if tag == "source"]
    assert sources == [size for size in sizes for _format in range(len(sources) // 3)]  # each <source> says the same


def test_figure_fallback_follows_the_configured_widths():
    img = next(attrs for tag, attrs in tags(_render("![一](a/photo.jpg)\n", widths=(480, 640, 960))) if tag == "img")
    assert img["width"] == "480" and img["src"].endswith(".480.jpg")  # the middle of 480/640/960 is 640: 480 is the largest within


def test_unknown_pictures_are_left_as_written():
    assert '<img alt="x" src="a/missing.svg" />' in _render("![x](a/missing.svg)\n")
