"""The kiosk bundle as the education base's touch screens run it: a closed exhibit that resets itself.

Chromium in kiosk mode, no keyboard, no network: pages opened from file:// of the unpacked kiosk
bundle, with every request to another host blocked and recorded (browser.py). The bundle is the
session's `kiosk` (conftest.py): a copy of the project whose idle time is a few seconds and which has
one more article, with links to other sites in its body.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from accessibility import SETTLED
from browser import browser_page
from conftest import KIOSK_IDLE_SECONDS as IDLE_SECONDS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LANDSCAPE = {"width": 1920, "height": 1080}
PORTRAIT = {"width": 1080, "height": 1920}
TARGET = 48  # CSS px, as README promises
OUTSIDE = "kejia-wenhua/wai-bu-lian-jie/index.html"  # the added article with links to other sites
FIGURES = "kejia-wenhua/kejia-xiangzhen/index.html"  # a sample article with a gallery
PROSE = "jiaoyu-jidi/songhu-kangzhan/index.html"  # a sample article of plain paragraphs


def pages_of(folder: Path) -> list[Path]:
    """Every page of a bundle a visitor can stay on (redirect stubs move on at once)."""
    return [p for p in sorted(folder.rglob("*.html")) if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")]


# Every visible interactive element smaller than the target, named so a failure says what and where.
SMALL_TARGETS = """(target) => {
  const selector = "a, button, input, select, textarea, summary, label[for], [role=button], [tabindex]";
  const width = document.documentElement.clientWidth;
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.matches("input[type=hidden]")) continue;
    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right <= 0 || box.left >= width) continue;  // off-canvas
    if (box.width >= target && box.height >= target) continue;
    const classes = typeof el.className === "string" && el.className.trim()
      ? "." + el.className.trim().split(/\\s+/).join(".") : "";
    const text = (el.getAttribute("aria-label") || el.textContent || el.value || "").trim().replace(/\\s+/g, " ");
    small.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${classes} “${text.slice(0, 16)}” `
      + `${Math.round(box.width)}×${Math.round(box.height)}`);
  }
  return small;
}"""

# Where every link of the page leads, after kiosk.js has tidied them.
LINKS = """() => Array.from(document.querySelectorAll("a[href]"), (a) => ({
  href: a.href, picture: a.matches("figure.ta-figure > a.glightbox"), text: a.textContent.trim().slice(0, 20),
}))"""


@pytest.fixture(scope="module")
def survey(kiosk: Path) -> dict:
    """Every page of the kiosk bundle, once, at 1920×1080 and at 1080×1920 in one browser: the
    controls smaller than the target and the links; then the states a visitor opens (search with
    results, the navigation drawer, the lightbox)."""
    small: dict[str, list[str]] = {}
    links: dict[str, list[dict]] = {}
    pages = pages_of(kiosk)
    with browser_page(width=LANDSCAPE["width"], height=LANDSCAPE["height"]) as (page, watch):
        for path in pages:
            name = str(path.relative_to(kiosk))
            page.set_viewport_size(LANDSCAPE)
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            links[name] = page.evaluate(LINKS)
            for label, size in (("1920×1080", LANDSCAPE), ("1080×1920", PORTRAIT)):
                page.set_viewport_size(size)
                for found in page.evaluate(SMALL_TARGETS, TARGET):
                    small.setdefault(f"{label} {found}", []).append(name)
        for label, size in (("1920×1080", LANDSCAPE), ("1080×1920", PORTRAIT)):
            page.set_viewport_size(size)
            page.goto((kiosk / FIGURES).as_uri())
            box = page.locator("input.md-search__input")
            box.click()
            box.fill("客家")
            box.press("End")
            page.wait_for_selector(".md-search-result__item", timeout=15000)
            page.evaluate(SETTLED)  # the search box's buttons are still scaling in when the results show
            for found in page.evaluate(SMALL_TARGETS, TARGET):
                small.setdefault(f"{label} search open: {found}", []).append(FIGURES)
            page.goto((kiosk / FIGURES).as_uri())
            if size is PORTRAIT:
                page.locator("label.md-header__button[for=__drawer]").click()
                page.wait_for_timeout(400)  # the drawer slides in
                for found in page.evaluate(SMALL_TARGETS, TARGET):
                    small.setdefault(f"{label} drawer open: {found}", []).append(FIGURES)
                page.goto((kiosk / FIGURES).as_uri())
            page.locator("figure.ta-figure > a.glightbox").first.click()
            page.wait_for_selector(".glightbox-container .gslide.current", timeout=5000)
            page.wait_for_timeout(600)  # the zoom-in effect
            for found in page.evaluate(SMALL_TARGETS, TARGET):
                small.setdefault(f"{label} lightbox open: {found}", []).append(FIGURES)
    return {"small": small, "links": links, "pages": pages, "blocked": watch.blocked, "errors": watch.console_errors}


def test_every_control_is_a_48px_touch_target_in_both_orientations(survey: dict):
    assert len(survey["pages"]) > 40
    offenders = [f"{what} on {len(where)} page(s), e.g. {where[0]}" for what, where in sorted(survey["small"].items())]
    assert offenders == [], "smaller than 48×48 CSS px:\n" + "\n".join(offenders)
    assert survey["blocked"] == [] and survey["errors"] == []


def test_every_link_lands_on_a_page_of_the_bundle(survey: dict, kiosk: Path):
    """No link leads to another host, a file listing, a missing file or a file that is not a page."""
    wrong = []
    for name, links in survey["links"].items():
        for link in links:
            parts = urlsplit(link["href"])
            target = Path(unquote(parts.path))
            inside = parts.scheme == "file" and target.resolve().is_relative_to(kiosk.resolve())
            page = target.suffix == ".html" or (link["picture"] and target.suffix in (".jpg", ".png", ".avif"))
            if not (inside and target.is_file() and page):
                wrong.append(f"{name}: “{link['text']}” -> {link['href']}")
    assert wrong == [], "\n".join(wrong)


def test_body_text_is_150_percent_of_the_normal_bundle(kiosk: Path, unpacked: Path):
    size = "parseFloat(getComputedStyle(document.querySelector('.ta-article-body p')).fontSize)"
    ratios = {}
    with browser_page() as (page, _watch):
        for label, viewport in (("1920×1080", LANDSCAPE), ("1080×1920", PORTRAIT)):
            page.set_viewport_size(viewport)
            page.goto((unpacked / PROSE).as_uri())
            normal = page.evaluate(size)
            page.goto((kiosk / PROSE).as_uri())
            ratios[label] = page.evaluate(size) / normal
    assert all(abs(ratio - 1.5) <= 1.5 * 0.02 for ratio in ratios.values()), ratios


def tap(page, locator) -> None:
    """A touch where the element is shown (the mouse at its centre: whatever is on top gets it)."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_tapping_where_a_link_to_another_site_is_shown_opens_nothing(kiosk: Path):
    with browser_page(width=LANDSCAPE["width"], height=LANDSCAPE["height"]) as (page, watch):
        opened = []
        page.context.on("page", lambda new: opened.append(new.url))
        page.goto((kiosk / OUTSIDE).as_uri())
        page.wait_for_load_state("load")
        here = page.url
        assert page.locator("a[href^='http'], a[href^='mailto']").count() == 0
        shown = {
            "permalink": page.locator("#ta-permalink"),
            "ICP filing": page.locator(".ta-footer__filing").first,
            "body link": page.get_by_text("广西壮族自治区人民政府门户网站"),
            "body autolink": page.get_by_text("https://www.example.org/dang-an/1937/"),
            "body mailto": page.get_by_text("archive@example.org"),
            "body http link": page.get_by_text("北海市人民政府网"),
        }
        for what, place in shown.items():
            assert place.is_visible(), what
            assert place.evaluate("el => el.closest('a') === null"), f"{what} is still a link"
            tap(page, place)
            page.wait_for_timeout(150)
            assert page.url == here, what
        assert "www.example.gov.cn" in shown["permalink"].inner_text()
        assert "ICP" in shown["ICP filing"].inner_text()
        # Anything that is (or becomes) a link to another site is guarded: plain, new-tab, middle and Enter.
        page.evaluate("""() => {
          const body = document.querySelector(".ta-article-body");
          for (const [id, href, target] of [["out-plain", "https://www.gxzf.gov.cn/", ""],
                                            ["out-blank", "https://beian.miit.gov.cn/", "_blank"],
                                            ["out-mail", "mailto:archive@example.org", ""]]) {
            const a = document.createElement("a");
            a.id = id; a.href = href; a.textContent = id; if (target) a.target = target;
            body.prepend(a);
          }
        }""")
        for link in ("#out-plain", "#out-blank", "#out-mail"):
            page.locator(link).dispatch_event("click")
            page.locator(link).dispatch_event("auxclick", {"button": 1})
            page.locator(link).focus()
            page.keyboard.press("Enter")
            page.wait_for_timeout(150)
            assert page.url == here, link
        assert page.evaluate("window.open('https://www.gxzf.gov.cn/', '_blank')") is None
        page.wait_for_timeout(300)
        assert page.url == here
    assert opened == []
    assert watch.blocked == [] and watch.console_errors == []


def test_no_link_opens_a_file_listing_or_a_file_that_is_not_a_page(kiosk: Path):
    """Links added after the page loaded (search results are): a folder opens its index.html; a folder
    outside the bundle, the file system's root and a file that is not a page open nothing."""
    article_page = kiosk / FIGURES
    with browser_page(width=PORTRAIT["width"], height=PORTRAIT["height"]) as (page, watch):
        page.goto(article_page.as_uri())
        here = page.url
        add = """([id, href]) => { const a = document.createElement("a"); a.id = id; a.href = href;
                  a.textContent = id; document.querySelector(".ta-article-body").prepend(a); }"""
        for link_id, href in (("to-xml", "../../sitemap.xml"), ("to-root", "file:///"),
                              ("to-outside", "../../../../"), ("to-text", "../../使用说明.txt")):
            page.evaluate(add, [link_id, href])
            page.locator(f"#{link_id}").click()
            page.wait_for_timeout(150)
            assert page.url == here, href
        page.evaluate(add, ["to-folder", "../"])
        page.locator("#to-folder").click()
        page.wait_for_url(re.compile(r"/kejia-wenhua/index\.html$"))
        assert page.locator("h1").first.is_visible()
    assert watch.blocked == [] and watch.console_errors == []


READING_STATE = """() => ({
  size: document.documentElement.getAttribute("data-ta-size"),
  contrast: document.documentElement.getAttribute("data-ta-contrast"),
  cursor: document.documentElement.getAttribute("data-ta-cursor"),
  pressed: Array.from(document.querySelectorAll(".ta-reading__button"),
                      (b) => b.textContent.trim() + ":" + b.getAttribute("aria-pressed")),
  stored: window.__md_get("ta-reading"),
  searchOpen: document.querySelector("[data-md-toggle=search]").checked,
  query: document.querySelector("input.md-search__input").value,
  lightbox: document.querySelector(".glightbox-container") !== null
            || document.documentElement.classList.contains("glightbox-open"),
  scrollY: window.scrollY,
})"""
FRESH = {
    "size": "0", "contrast": "normal", "cursor": "normal",
    "pressed": ["标准:true", "大:false", "特大:false", "超大:false", "高对比度:false", "大鼠标:false", "重置:null"],
    "stored": None, "searchOpen": False, "query": "", "lightbox": False, "scrollY": 0,
}


def change_everything(page, with_lightbox: bool) -> None:
    """What a visitor leaves behind: 超大, high contrast and 大鼠标, a query in an open search, a photo in
    the lightbox, the page scrolled down."""
    page.get_by_role("button", name="超大").click()
    page.get_by_role("button", name="高对比度").click()
    page.get_by_role("button", name="大鼠标").click()
    if with_lightbox:
        page.locator("figure.ta-figure > a.glightbox").first.click()
        page.wait_for_selector(".glightbox-container .gslide.current", timeout=5000)
    box = page.locator("input.md-search__input")
    if with_lightbox:  # the lightbox covers the page: the search opens as a keyboard user opens it
        box.focus()
    else:
        box.click()
    box.fill("客家")
    box.press("End")
    page.evaluate("window.scrollTo(0, 1500)")
    state = page.evaluate(READING_STATE)
    assert state["size"] == "3" and state["contrast"] == "high" and state["cursor"] == "large"
    assert state["stored"] == {"size": 3, "contrast": True, "cursor": True, "slow": False}
    assert state["searchOpen"] and state["query"] == "客家" and state["scrollY"] > 0
    assert state["lightbox"] == with_lightbox


def test_idle_return_goes_home_and_undoes_what_the_visitor_changed(kiosk: Path):
    home = (kiosk / "index.html").as_uri()
    with browser_page(width=LANDSCAPE["width"], height=LANDSCAPE["height"]) as (page, watch):
        # On an article: after the idle time, the home page, as the first visitor saw it.
        page.goto((kiosk / FIGURES).as_uri())
        change_everything(page, with_lightbox=True)
        page.wait_for_url(home, timeout=(IDLE_SECONDS + 10) * 1000)
        page.wait_for_load_state("load")
        assert page.evaluate(READING_STATE) == FRESH

        # On the home page itself: the same, without leaving it.
        change_everything(page, with_lightbox=False)
        page.evaluate("window.leftBehind = true")
        page.wait_for_function("() => !window.leftBehind", timeout=(IDLE_SECONDS + 10) * 1000, polling=200)
        page.wait_for_load_state("load")
        assert page.url == home
        assert page.evaluate(READING_STATE) == FRESH

        # Nobody there: the home page is left as it is.
        page.evaluate("window.leftBehind = true")
        page.wait_for_timeout((IDLE_SECONDS + 1) * 1000)
        assert page.evaluate("window.leftBehind") is True
    assert watch.blocked == [] and watch.console_errors == []
