"""Reading modes as a reader sets them (the reading bar's buttons), the page states a reader opens
(search with results, the cite box, the lightbox), and the layout and contrast audit of
reading_check.js. Shared by tests/test_reading_modes.py and bench/audit.py's screenshots."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from browser import RESULTS_SHOWN, search

CHECK = (Path(__file__).parent / "reading_check.js").read_text(encoding="utf-8")
SIZES = ("标准", "大", "特大", "超大")
TOUCH_WIDTHS = (360, 390, 768)
WIDTHS = (*TOUCH_WIDTHS, 1366)
MIN_TEXT_PX = 14
TEXT_RATIO = 4.5
# All eight modes, each one click from the one before (sizes up, contrast on, sizes down).
MODES = tuple((size, False) for size in range(4)) + tuple((size, True) for size in reversed(range(4)))
# Colours and opacity at rest (Material fades them); movement may go on, the checks do not depend on it.
SETTLED = (
    "() => document.getAnimations().every(a => !(a instanceof CSSTransition) || a.playState !== 'running'"
    " || !/color|opacity|visibility|fill|stroke/.test(a.transitionProperty))"
)


def fast_animations(page, rate: float = 20) -> None:
    """Run the page's CSS transitions and animations `rate` times faster (Chromium's DevTools protocol):
    the lightbox's zoom and Material's fades end sooner; what they end in is unchanged."""
    page.context.new_cdp_session(page).send("Animation.setPlaybackRate", {"playbackRate": rate})


def mode_name(size: int, contrast: bool) -> str:
    return SIZES[size] + ("+高对比度" if contrast else "")


def set_reading(page, size: int, contrast: bool) -> None:
    """Press the reading bar's buttons as a reader would, then let Material's colour transitions end."""
    page.locator(f"[data-ta-set-size='{size}']").click()
    toggle = page.locator("[data-ta-toggle-contrast]")
    if (toggle.get_attribute("aria-pressed") == "true") != contrast:
        toggle.click()
    page.wait_for_function(SETTLED)


@dataclass(frozen=True)
class State:
    """A page type: where it is, what a reader does there before looking, and what they can then reach."""

    name: str
    path: str
    action: str = ""  # "search", "cite" or "lightbox"
    scope: str | None = None  # the open dialog, when one covers the page

    def open(self, page, base: str) -> None:
        if self.action == "search":
            open_search(page)
            # Material keeps the query and its results when the search is closed and opened again.
            if not page.evaluate(RESULTS_SHOWN):
                search(page, "客家")
        elif self.action == "cite":
            open_cite(page)
        elif self.action == "lightbox":
            open_lightbox(page)
        page.wait_for_function(SETTLED)

    def close(self, page) -> None:
        if self.action == "search":
            page.keyboard.press("Escape")
            page.wait_for_function("() => !document.querySelector('[data-md-toggle=search]').checked")
        elif self.action == "lightbox":
            page.keyboard.press("Escape")
            page.wait_for_function("() => !document.querySelector('.glightbox-container')")
        page.evaluate("window.scrollTo(0, 0)")


def open_search(page) -> None:
    """The search box, opened with the header's button where the box itself is folded away (phones)."""
    button = page.locator("label.md-header__button[for='__search']")
    if button.is_visible():
        button.click()
    else:
        page.locator("input.md-search__input").click()
    page.wait_for_function("() => document.querySelector('[data-md-toggle=search]').checked")
    page.wait_for_function(SETTLED)


def open_cite(page) -> None:
    """The cite box: opened if it folds, scrolled to, and its copy button pressed (the status shows)."""
    cite = page.locator(".ta-cite").first
    toggle = cite.locator("summary")
    if toggle.count() and cite.locator("details:not([open])").count():
        toggle.first.click()
    cite.scroll_into_view_if_needed()
    copy = cite.locator("button[data-ta-copy]")
    if copy.count():
        copy.first.click()
        page.wait_for_function("() => document.querySelector('.ta-cite [role=status]')?.textContent.trim()")


def open_lightbox(page) -> None:
    page.locator("figure a.glightbox").first.click()
    page.wait_for_selector(".glightbox-container .gslide.current.loaded img", state="visible")
    page.wait_for_function(
        "() => document.getAnimations().every(a => a.playState !== 'running')"
    )


PAGE_KINDS = ("首页", "栏目页", "图文文章", "表格文章", "标签索引", "标签页", "大事记", "大事记年份", "村庄名录",
              "关于与版权", "404", "搜索结果", "引用本文", "图片灯箱")


def page_states(site: Path) -> list[State]:
    """Every kind of page of a built archive, found in the site rather than named from its markup."""
    article = _first_page(site, 'class="ta-gallery"')
    # Tables are the content most likely to be wider than a phone: one article with a table too.
    table = _first_page(site, "<table")
    tag = _first_link(site / "tags/index.html", "tags/")
    year = _first_link(site / "archive/index.html", "archive/")
    section = next(
        path.parent.relative_to(site).as_posix() + "/"
        for path in sorted(site.glob("*/index.html"))
        if 'class="ta-list"' in path.read_text(encoding="utf-8") and path.parent.name not in ("tags", "archive", "villages")
    )
    return [
        State("首页", ""),
        State("栏目页", section),
        State("图文文章", article),
        State("表格文章", table),
        State("标签索引", "tags/"),
        State("标签页", tag),
        State("大事记", "archive/"),
        State("大事记年份", year),
        State("村庄名录", "villages/"),
        State("关于与版权", "about/"),
        State("404", "404.html"),
        State("搜索结果", "", "search", ".md-search"),
        State("引用本文", article, "cite"),
        State("图片灯箱", article, "lightbox", ".glightbox-container"),
    ]


def _first_page(site: Path, marker: str) -> str:
    """The first page (as a site path) whose HTML holds `marker`."""
    for path in sorted(site.rglob("index.html")):
        if marker in path.read_text(encoding="utf-8"):
            return path.parent.relative_to(site).as_posix() + "/"
    raise AssertionError(f"no page of {site} holds {marker}")


def _first_link(index: Path, folder: str) -> str:
    """The first link on `folder`'s index page to a page inside `folder`, as a site path."""
    from urllib.parse import urljoin

    for href in re.findall(r'href="([^"#]+)"', index.read_text(encoding="utf-8")):
        path = urljoin("/" + folder, href).lstrip("/")
        if path.startswith(folder) and path != folder:
            return path
    raise AssertionError(f"{index} links no page inside {folder}")


def audit(page, state: State, width: int) -> list[str]:
    """What reading_check.js finds on the page as it is now, text over pictures measured from pixels."""
    result = page.evaluate(
        CHECK, {"scope": state.scope, "touch": width in TOUCH_WIDTHS, "minTextPx": MIN_TEXT_PX}
    )
    found = [f"{p['kind']}：{p['where']} {p['detail']}" for p in result["problems"]]
    for box in result["overImage"]:
        worst = _contrast_over_picture(page, box)
        if worst < TEXT_RATIO:
            found.append(f"图上文字对比度不足：{box['where']} {worst:.2f}:1")
    return found


def _contrast_over_picture(page, box: dict) -> float:
    """Text over a picture: the text hidden, its box photographed, and the contrast of its colour
    against the pixels behind it (the 10th percentile, so a few stray pixels do not decide)."""
    from PIL import Image

    def luminance(rgb) -> float:
        def lin(v):
            v /= 255
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return 0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2])

    colour = tuple(int(box["colour"][i : i + 2], 16) for i in (1, 3, 5))
    page.add_style_tag(content="* { color: transparent !important; text-shadow: none !important; }")
    try:
        shot = page.screenshot(
            clip={"x": box["x"], "y": box["y"], "width": max(1, box["width"]), "height": max(1, box["height"])},
            full_page=True,
        )
    finally:
        page.evaluate("document.head.lastElementChild.remove()")
    data = Image.open(io.BytesIO(shot)).convert("RGB").tobytes()
    pixels = [data[i : i + 3] for i in range(0, len(data), 3)]
    text = luminance(colour)
    ratios = sorted((max(text, luminance(p)) + 0.05) / (min(text, luminance(p)) + 0.05) for p in pixels)
    return ratios[len(ratios) // 10]


# The screenshots `make audit` writes for people to look at: each page at a phone's and a desktop's
# width, as most readers see it and as a reader with poor sight sets it.
SCREENSHOT_WIDTHS = (390, 1366)
SCREENSHOT_MODES = {"standard": (0, False), "largest-high-contrast": (3, True)}


def screenshot(page, path: Path) -> None:
    """The whole page as a reader scrolls through it, lazy pictures loaded."""
    page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(img => { img.loading = 'eager'; })")
    page.wait_for_function("() => [...document.images].every(img => img.complete)")
    page.evaluate("window.scrollTo(0, 0)")
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)


def write_screenshots(page, base: str, pages: dict[str, str], folder: Path) -> list[Path]:
    """`pages` (file name -> site path) at each width and mode, as <name>-<width>-<mode>.png in `folder`."""
    written = []
    for name, path in pages.items():
        for width in SCREENSHOT_WIDTHS:
            page.set_viewport_size({"width": width, "height": 900 if width > 1000 else 844})
            for mode, (size, contrast) in SCREENSHOT_MODES.items():
                page.goto(base + path)
                set_reading(page, size, contrast)
                target = folder / f"{name}-{width}-{mode}.png"
                screenshot(page, target)
                written.append(target)
        set_reading(page, 0, False)
    return written
