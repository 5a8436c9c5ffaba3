"""Reading modes as a matrix: every kind of page of the sample site, in each of the four text sizes
with and without high contrast, at 360, 390, 768 and 1366 px, set the way a reader sets them (the
reading bar's buttons). On each: no sideways scrolling, no clipped control, text and control
outlines visible against what is really painted behind them, text at least 14 px, targets at least
44 × 44 px on touch widths (links inside running text excepted, as WCAG allows), and axe-core
without violations (at 390 px only, in every mode: axe checks what does not change with the width,
and the whole matrix through axe would take ten minutes for nothing). Then Chinese typography:
figures, captions, credits, dates, addresses and titles."""

from __future__ import annotations

import re
import time
from collections import defaultdict
from pathlib import Path

import pytest
from accessibility import axe_violations
from browser import browser_page
from conftest import article
from reading import MODES, PAGE_KINDS, SETTLED, SIZES, WIDTHS, audit, fast_animations, mode_name, page_states, set_reading
from search_quality import serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE_WIDTH = 390
HEIGHT = 800


@pytest.fixture(scope="module")
def reader(sample_site: Path):
    """One server, one browser, one page for the whole module."""
    with serve(sample_site) as base, browser_page((base,), width=AXE_WIDTH, height=HEIGHT) as (page, watch):
        fast_animations(page)
        yield page, base, watch


def test_the_page_kinds_are_those_the_matrix_walks(sample_site: Path):
    assert tuple(state.name for state in page_states(sample_site)) == PAGE_KINDS


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_every_page_type_reads_right_in_every_mode_at_every_width(sample_site: Path, reader, kind: str):
    page, base, watch = reader
    found: dict[str, list[str]] = defaultdict(list)
    started = time.monotonic()
    for state in [state for state in page_states(sample_site) if state.name == kind]:
        page.goto(base + state.path)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": HEIGHT})
            for size, contrast in MODES:
                set_reading(page, size, contrast)
                state.open(page, base)
                where = f"{width}px {mode_name(size, contrast)}"
                for problem in audit(page, state, width):
                    found[f"{state.name}（{state.path or '/'}）{problem}"].append(where)
                if width == AXE_WIDTH:
                    for violation in axe_violations(page):
                        found[f"{state.name}（{state.path or '/'}）axe {violation}"].append(where)
                state.close(page)
    assert not watch.console_errors, watch.console_errors
    assert not watch.blocked, watch.blocked
    report = [f"{problem}  [{'; '.join(places[:4])}{' …' if len(places) > 4 else ''}]" for problem, places in found.items()]
    assert not report, f"{len(report)} problems ({time.monotonic() - started:.0f} s):\n" + "\n".join(report)


# --- Chinese typography: figures, captions, credits, addresses, titles and dates -----------------------

CJK = r"[\u3400-\u9fff]"
ITALIC_CJK = """(cjk) => {
  const re = new RegExp(cjk);
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!re.test(node.data) || !el || el.closest("script, style, template")) { continue; }
    if (getComputedStyle(el).fontStyle !== "normal") { found.push(el.tagName + "「" + node.data.trim().slice(0, 12) + "」"); }
  }
  return found;
}"""
# Where a reader would see italic if a rule slanted it: elements browsers and Material draw in italic.
ITALIC_BY_DEFAULT = """() => {
  const host = document.querySelector(".md-content .md-typeset");
  return ["em", "i", "cite", "dfn", "var", "address", "blockquote", "figcaption"].filter((tag) => {
    const el = host.appendChild(document.createElement(tag));
    el.textContent = "示例";
    const style = getComputedStyle(el).fontStyle;
    el.remove();
    return style !== "normal";
  });
}"""
# Each character of an element's text with the top of the line it is on.
CHARACTER_LINES = """(el) => {
  const out = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.data.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (rect && node.data[i].trim()) { out.push([node.data[i], Math.round(rect.top)]); }
    }
  }
  return out;
}"""


def _lines(page, locator) -> list[str]:
    """The element's visible characters, line by line, as the browser laid them out."""
    lines: list[list[str]] = []
    last = None
    for char, top in locator.evaluate(CHARACTER_LINES):
        if last is None or abs(top - last) > 2:
            lines.append([])
            last = top
        lines[-1].append(char)
    return ["".join(line) for line in lines]


def _first_page(site: Path, marker: str, unless: str = "") -> str:
    for path in sorted(site.rglob("index.html")):
        text = path.read_text(encoding="utf-8")
        if marker in text and not (unless and unless in text):
            return path.parent.relative_to(site).as_posix() + "/"
    raise AssertionError(f"no page holds {marker}")


def test_caption_and_credit_are_apart_and_nothing_chinese_is_italic(sample_site: Path, reader):
    page, base, _ = reader
    article = _first_page(sample_site, 'class="ta-gallery"')
    for width in (360, 1366):
        page.set_viewport_size({"width": width, "height": HEIGHT})
        page.goto(base + article)
        set_reading(page, 0, False)
        figures = page.locator("figure.ta-figure:has(.ta-credit)")
        assert figures.count() >= 3
        for index in range(figures.count()):
            caption = figures.nth(index).locator("figcaption")
            # The credit starts on a line below the last line of the caption's own text.
            caption_bottom = caption.evaluate(
                "c => { const r = document.createRange(); r.selectNodeContents(c.firstChild); return r.getBoundingClientRect().bottom; }"
            )
            credit_top = caption.locator(".ta-credit").evaluate("e => e.getBoundingClientRect().top")
            assert credit_top >= caption_bottom - 1, (width, caption.inner_text())
        assert not page.evaluate(ITALIC_CJK, CJK)
        assert page.evaluate(ITALIC_BY_DEFAULT) == []
    for path in ("", "about/", _first_page(sample_site, 'class="ta-list"')):
        page.goto(base + path)
        assert not page.evaluate(ITALIC_CJK, CJK), path


def test_pictures_fit_the_screen_and_galleries_are_even(sample_site: Path, reader):
    page, base, _ = reader
    # A landscape screen as low as a laptop's with the browser's bars: 80 % of it is 320 px, less than
    # the photo's height at the column's width, so the limit shows (a portrait phone photo meets it anywhere).
    single = _first_page(sample_site, 'class="ta-figure"', unless='class="ta-gallery"')
    page.set_viewport_size({"width": 1366, "height": 400})
    page.goto(base + single)
    set_reading(page, 0, False)
    for box in page.locator(".ta-article-body figure.ta-figure img").evaluate_all(
        "imgs => imgs.map(i => [i.getBoundingClientRect().width, i.getBoundingClientRect().height, i.naturalWidth / i.naturalHeight])"
    ):
        width, height, ratio = box
        assert height <= 0.8 * 400 + 0.5
        assert abs(width / height - ratio) < 0.02 * ratio  # not squeezed

    gallery_page = _first_page(sample_site, 'class="ta-gallery"')
    for width in (360, 390, 768, 1366):
        page.set_viewport_size({"width": width, "height": HEIGHT})
        page.goto(base + gallery_page)
        for size in (0, 3):
            set_reading(page, size, False)
            gallery = page.locator(".ta-gallery").first
            left, right = gallery.evaluate("g => [g.getBoundingClientRect().left, g.getBoundingClientRect().right]")
            boxes = gallery.locator("img").evaluate_all(
                "imgs => imgs.map(i => { const r = i.getBoundingClientRect(); return [r.left, r.right, r.top, r.height]; })"
            )
            rows: dict[int, list] = defaultdict(list)
            for box in boxes:
                rows[round(box[2])].append(box)
            *full, last = rows.values()
            # Full rows: thumbnails of one size, from the column's left edge to its right edge.
            assert len({round(b[1] - b[0]) for row in full for b in row} | {round(b[3]) for row in full for b in row}) <= 2
            for row in full:
                assert abs(row[0][0] - left) < 1.5 and abs(row[-1][1] - right) < 1.5, (width, size, row)
            # The last row fills the column too, or is centred in it with thumbnails of the same size.
            spans = abs(last[0][0] - left) < 1.5 and abs(last[-1][1] - right) < 1.5
            centred = abs((last[0][0] - left) - (right - last[-1][1])) < 1.5 and (
                not full or abs((last[0][1] - last[0][0]) - (full[0][0][1] - full[0][0][0])) < 1.5
            )
            assert spans or centred, (width, size, boxes)
    set_reading(page, 0, False)


def _widowed(page, titles) -> list[list[str]]:
    """Titles whose last line holds a single character (punctuation not counted)."""
    found = []
    for title in titles:
        lines = _lines(page, title)
        if len(lines) > 1 and len(re.sub(r"[\W_]", "", lines[-1])) < 2:
            found.append(lines)
    return found


def test_addresses_titles_and_dates_break_only_where_they_should(sample_site: Path, reader):
    page, base, _ = reader
    article = _first_page(sample_site, 'class="ta-gallery"')
    listing = _first_page(sample_site, 'class="ta-list"')
    for width in (360, 390, 768):
        page.set_viewport_size({"width": width, "height": HEIGHT})
        for size in range(4):
            where = f"{width}px {SIZES[size]}"
            page.goto(base + article)
            set_reading(page, size, False)
            # The permalink and the address in the citation: a line may end after a slash (or _ ? = & #)
            # or before a dot, never inside https:// nor after a hyphen (kejia- / wenhua).
            for locator in (page.locator("#ta-permalink"), page.locator(".ta-cite__text")):
                lines = _lines(page, locator)
                text = "".join(lines)
                start = text.find("https://")
                assert start >= 0, text
                position = 0
                for line in lines[:-1]:
                    position += len(line)
                    if position > start:
                        assert position >= start + len("https://"), (where, lines)
                        assert text[position - 1] in "/_?=&#" or text[position] == ".", (where, lines)
            # Dates in the citation, (2024-06-20) and the reader's [2026-11-29], stay on one line.
            cite = _lines(page, page.locator(".ta-cite__text"))
            for date in re.findall(r"\d{4}-\d{2}-\d{2}", "".join(cite)):
                assert any(date in line for line in cite), (where, date, cite)
            titles = page.locator(".ta-article-header h1, .ta-neighbours a, .ta-related a").all()
            assert not _widowed(page, titles), where
            for time_element in page.locator("time").all():
                if time_element.is_visible():
                    assert len(_lines(page, time_element)) == 1, (where, _lines(page, time_element))

            page.goto(base + listing)
            assert not _widowed(page, page.locator(".md-content h1, .ta-item__title").all()), where
            # Titles in lists start at the left: justified, a short line spreads its characters apart.
            assert page.locator(".ta-item__title").evaluate_all(
                "els => els.filter(e => getComputedStyle(e).textAlign === 'justify').length") == 0, where
            page.goto(base)
            assert not _widowed(page, page.locator(".ta-latest a, .ta-card__title").all()), where
            for time_element in page.locator("time").all():
                assert len(_lines(page, time_element)) == 1, (where, _lines(page, time_element))
    set_reading(page, 0, False)


def test_logo_names_the_site_and_footer_text_is_large_enough(sample_site: Path, reader):
    page, base, _ = reader
    page.set_viewport_size({"width": 1366, "height": HEIGHT})
    page.goto(base)
    set_reading(page, 0, False)
    site_name = page.evaluate("document.querySelector('meta[property=\"og:site_name\"]')?.content") or page.title().split(" - ")[-1]
    alts = page.locator("img.md-logo, .md-logo img").evaluate_all("imgs => imgs.map(i => i.alt)")
    assert alts and set(alts) == {site_name}
    sizes = page.locator(".md-footer :is(p, a, span)").evaluate_all("els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert sizes and min(sizes) >= 14


# A yearly statistics table as offices send them: many columns of figures, which cannot wrap the way
# Chinese text does, so on a phone it scrolls sideways however narrow the columns get.
STATISTICS = """\
## 历年数字

| 年份 | 网格 | 网格党小组 | 村级治安亭 | 上岗人数 | 解决问题 | 跑腿次数 | 结对儿童 | 辅导学生 |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
| 2024年 | 80 | 35 | 11 | 222 | 359 | 382 | 86 | 307 |

## 说明

| 项目 | 说明 |
| --- | --- |
| 跑腿次数 | “红色代跑员”全年代办事项 |
"""


def test_a_table_wider_than_a_phone_scrolls_with_the_keyboard(project):
    """A reader without a mouse tabs to the table and reads its hidden columns with the arrow keys."""
    project.write("dangjian/li-nian-shu-zi.md", article(title="曲樟乡历年数字", slug="li-nian-shu-zi", body=STATISTICS))
    built = project.mkdocs_build()
    assert built.returncode == 0, built.output
    with serve(project.root / "site") as base, browser_page((base,), width=360, height=HEIGHT) as (page, watch):
        page.goto(base + "dangjian/li-nian-shu-zi/")
        wrapper = page.locator(".md-typeset__scrollwrap").first
        assert wrapper.evaluate("w => w.scrollWidth > w.clientWidth + 20")
        for _ in range(100):
            page.keyboard.press("Tab")
            if wrapper.evaluate("w => document.activeElement === w"):
                break
        else:
            raise AssertionError("Tab never reached the table")
        assert wrapper.get_attribute("aria-label") == "表格（可左右滚动）"
        assert wrapper.evaluate("w => getComputedStyle(w).outlineStyle") != "none"  # the reader sees where focus is
        page.keyboard.press("ArrowRight")
        page.wait_for_function("w => w.scrollLeft > 0", arg=wrapper.element_handle())
        # Headers keep a few characters a line (网格党小组, not one a line); figures stay with their units.
        for width in (360, 390):
            page.set_viewport_size({"width": width, "height": HEIGHT})
            for header in page.locator(".md-typeset__scrollwrap th").all():
                assert len(_lines(page, header)) <= 2, (width, _lines(page, header))
        # Where a table fits, it is no extra stop on the way through the page, at any width.
        for width in (1366, 360):
            page.set_viewport_size({"width": width, "height": HEIGHT})
            fits = page.locator(".md-typeset__scrollwrap").nth(1)
            assert fits.evaluate("w => w.scrollWidth <= w.clientWidth")
            assert not fits.evaluate("w => w.hasAttribute('tabindex') || w.hasAttribute('role')")
            assert wrapper.get_attribute("tabindex") == "0"  # nine columns are too wide for 1366 px too
        assert not watch.console_errors


# Where the keyboard's focus is, and whether a reader can see it there.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const r = el.getBoundingClientRect();
  return { name: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : ""),
    text: (el.getAttribute("aria-label") || el.textContent || "").trim().slice(0, 20), for: el.getAttribute("for"),
    seen: r.width > 0 && r.height > 0 && r.left >= -1 && r.right <= innerWidth + 1
      && el.checkVisibility({ visibilityProperty: true, opacityProperty: true }) };
}"""


def _tab_through(page, limit: int = 150) -> list[dict]:
    page.evaluate("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        if stop is None or (stops and stop == stops[0]):
            break
        stops.append(stop)
    return stops


def test_the_keyboard_reaches_every_control_and_only_what_the_reader_sees(sample_site: Path, reader):
    """Tab from the top of an article to its end on a phone and a PC: every stop is on screen and visible
    (not in the closed menu drawer or the closed search), the header's menu and search buttons are stops
    and work from the keyboard, and a picture closed in the lightbox gives the focus back to where it was."""
    page, base, _ = reader
    path = _first_page(sample_site, 'class="ta-gallery"')
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": HEIGHT})
        page.goto(base + path)
        set_reading(page, 0, False)
        stops = _tab_through(page)
        unseen = [stop for stop in stops if not stop["seen"]]
        assert not unseen, (width, unseen)
        assert any(stop["name"].startswith("a.glightbox") for stop in stops), width
        if width == 390:
            assert [stop["for"] for stop in stops if stop["for"] in ("__drawer", "__search")] == ["__drawer", "__search"]
    # The menu button opens the drawer with Enter; its links are then stops, and on screen.
    page.set_viewport_size({"width": 390, "height": HEIGHT})
    page.goto(base + path)
    page.locator("label.md-header__button[for='__drawer']").focus()
    page.keyboard.press("Space")  # as a button is pressed (Enter works too: Material's own script)
    page.wait_for_function("() => document.getElementById('__drawer').checked")
    page.wait_for_function(SETTLED)
    stop = page.evaluate(FOCUSED)  # the drawer's first link has the focus
    assert stop["seen"] and ".md-nav" in page.evaluate("document.activeElement.closest('.md-nav') ? '.md-nav' : ''"), stop
    page.keyboard.press("Tab")
    stop = page.evaluate(FOCUSED)
    assert stop["seen"] and ".md-nav" in page.evaluate("document.activeElement.closest('.md-nav') ? '.md-nav' : ''"), stop
    # The lightbox: opened from a picture with Enter, closed with Escape, the focus back on that picture.
    page.goto(base + path)
    link = page.locator("figure.ta-figure > a.glightbox").nth(1)
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".glightbox-container .gslide.current.loaded img", state="visible")
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.querySelector('.glightbox-container')")
    assert link.evaluate("el => document.activeElement === el")


def test_text_pasted_or_spoken_into_the_search_box_finds_articles(sample_site: Path, reader):
    """A phone's paste menu and voice input put text in the box without a key press."""
    from browser import RESULTS_SHOWN

    page, base, _ = reader
    page.set_viewport_size({"width": 390, "height": HEIGHT})
    page.goto(base)
    page.locator("label.md-header__button[for='__search']").click()
    page.locator(".md-search__input").fill("客家")  # an input event, no keyup
    page.wait_for_function(RESULTS_SHOWN)


def test_the_banner_text_never_covers_the_photo_at_large_text_or_high_contrast(sample_site: Path, reader):
    page, base, _ = reader
    for width in (390, 768, 1366):
        page.set_viewport_size({"width": width, "height": HEIGHT})
        page.goto(base)
        for size, contrast in ((2, False), (3, False), (0, True), (3, True)):
            set_reading(page, size, contrast)
            image, text = page.evaluate(
                "() => [document.querySelector('.ta-banner__image'), document.querySelector('.ta-banner__scrim')]"
                ".map(e => { const r = e.getBoundingClientRect(); return [r.top, r.bottom, r.height]; })"
            )
            assert image[2] > 100, (width, size, contrast, image)  # the photo is there, not a sliver
            assert image[1] <= text[0] + 1, (width, mode_name(size, contrast), image, text)
    set_reading(page, 0, False)


def test_wide_screens_show_no_sidebar_that_holds_only_the_page_name(sample_site: Path, reader):
    page, base, _ = reader
    page.set_viewport_size({"width": 1366, "height": HEIGHT})
    for path in ("dangjian/", "tags/", "archive/", "villages/", "about/", _first_page(sample_site, 'class="ta-gallery"')):
        page.goto(base + path)
        shown = page.locator(".md-sidebar--primary a.md-nav__link").evaluate_all(
            "links => links.filter(a => a.checkVisibility({visibilityProperty: true})).map(a => a.textContent.trim())"
        )
        assert shown == [], (path, shown)


# What the matrix would report, shown on purpose: the audit itself is tested, so a page passing it means
# something. Elements are added to a real page, styled the way the mistakes were made.
MISTAKES = """() => {
  const body = document.querySelector(".ta-article-body");
  body.insertAdjacentHTML("beforeend", `
    <p id="t-grey" style="color:#fff;background:#bdbdbd">7 个符合条件的结果</p>
    <p><a id="t-chip" href="#" style="display:inline-block;border:1px solid #e3e3e3;padding:0 .5em">客家文化</a></p>
    <p id="t-small" style="font-size:12.8px">主办单位：合浦县曲樟乡人民政府</p>
    <div id="t-wide" style="width:448px;border:1px solid #767676">栏目卡片的文字被截断</div>
    <div style="overflow:hidden;width:100px"><span id="t-cut" style="white-space:nowrap">这一行文字比框宽得多会被截断</span></div>
    <pre><code id="t-code" tabindex="0">${"x".repeat(200)}</code></pre>`);
}"""


def test_the_audit_reports_what_a_reader_would_miss(sample_site: Path, reader):
    from reading import State

    page, base, _ = reader
    state = State("图文文章", _first_page(sample_site, 'class="ta-gallery"'))
    page.set_viewport_size({"width": 360, "height": HEIGHT})
    page.goto(base + state.path)
    set_reading(page, 0, False)
    assert audit(page, state, 360) == []
    page.evaluate(MISTAKES)
    found = "\n".join(audit(page, state, 360))
    for expected in (
        "文字对比度不足：p#t-grey「7 个符合条件的结果」 #ffffff 对 #bdbdbd：1.88:1",
        "控件边框对比度不足：a#t-chip「客家文化」",
        "点击区域太小：a#t-chip「客家文化」",
        "文字太小：p#t-small",
        "超出屏幕右边：div#t-wide",
        "文字被裁切：span#t-cut",
    ):
        assert expected in found, (expected, found)
    # Wide code scrolls with shadows at its edges; without them the audit asks for a cue.
    assert "可横向滚动" not in found
    page.evaluate("document.getElementById('t-code').style.background = 'none'")
    assert "可横向滚动但没有提示：code#t-code" in "\n".join(audit(page, state, 360))
    # Material makes wide code focusable, so the arrow keys scroll it; without that a keyboard cannot.
    page.evaluate("document.getElementById('t-code').removeAttribute('tabindex')")
    assert "可横向滚动但键盘无法滚动：code#t-code" in "\n".join(audit(page, state, 360))
