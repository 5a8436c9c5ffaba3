"""The rest of the 适老化 reading bar, as a reader uses it with the keyboard: 朗读 (the browser's speech
synthesis, the passage being read highlighted), 大鼠标, 重置, all remembered from page to page, online
and from the offline bundle (file://, under its Content Security Policy)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import browser_page
from search_quality import serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTICLE = "kejia-wenhua/kejia-xiangzhen/"  # a title, paragraphs and a gallery with captions
OTHER_ARTICLE = "dangjian/wangge-zhili/"
NO_VOICE = "这台设备上没有中文语音"
NO_SPEECH = "这个浏览器不能朗读网页"
RESET = "已恢复默认设置"

# How the page sees the browser's voices: the list after "voiceschanged", or after 3 s without one.
VOICES = """() => new Promise(resolve => {
  if (!window.speechSynthesis) { resolve(null); return; }
  const done = () => resolve(speechSynthesis.getVoices().map(v => v.lang));
  if (speechSynthesis.getVoices().length) { done(); return; }
  speechSynthesis.addEventListener("voiceschanged", done, { once: true });
  setTimeout(done, 3000);
})"""

# A speech engine that speaks each utterance in 250 ms and writes down what it was asked to say: the
# browser's own interface, for machines without a speech backend (Chromium here has none), so that the
# reading order, the highlight, pause and stop are checked everywhere.
SCRIPTED_ENGINE = """(() => {
  const voices = [{ name: "测试英语", lang: "en-US", localService: true }, { name: "测试粤语", lang: "zh-HK", localService: true },
                  { name: "测试普通话", lang: "zh-CN", localService: true }];
  const log = window.__spoken = [];
  let queue = [], current = null, paused = false, timer = null;
  function finish() { const done = current; current = null; if (done.onend) done.onend({}); next(); }
  function next() {
    if (paused || current || !queue.length) return;
    current = queue.shift();
    log.push({ text: current.text, lang: current.lang, voice: current.voice && current.voice.name, rate: current.rate });
    timer = setTimeout(finish, 250);
  }
  const engine = new EventTarget();
  Object.assign(engine, {
    getVoices: () => voices,
    speak(utterance) { queue.push(utterance); next(); },
    cancel() {
      clearTimeout(timer);
      const dropped = [current, ...queue].filter(Boolean);
      current = null; queue = [];
      dropped.forEach(u => u.onerror && u.onerror({ error: "interrupted" }));
    },
    pause() { paused = true; clearTimeout(timer); },
    resume() { paused = false; if (current) { timer = setTimeout(finish, 250); } else { next(); } },
    get speaking() { return Boolean(current); },
    get paused() { return paused; },
  });
  class Utterance { constructor(text) { this.text = text; this.lang = ""; this.voice = null; this.rate = 1; } }
  Object.defineProperty(window, "speechSynthesis", { value: engine, configurable: true });
  window.SpeechSynthesisUtterance = Utterance;
})()"""

NO_SPEECH_API = "Object.defineProperty(window, 'speechSynthesis', { value: undefined, configurable: true });"


def focus_and_press(page, selector: str, key: str) -> None:
    """Tab from the control before it, as a keyboard user does, and press the key."""
    page.locator(selector).focus()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none", selector  # visible focus
    page.keyboard.press(key)


def highlighted(page) -> list[str]:
    return page.eval_on_selector_all(".ta-speaking", "els => els.map(e => e.textContent.trim())")


def test_speech_reads_aloud_where_chromium_has_a_voice_and_otherwise_says_why_not(sample_site: Path):
    with serve(sample_site) as base, browser_page((base,)) as (page, watch):
        page.goto(base + ARTICLE)
        voices = page.evaluate(VOICES)
        play = page.locator("[data-ta-speech-play]")
        # Tab reaches 朗读 from 大鼠标, and Enter presses it.
        page.locator("[data-ta-toggle-cursor]").focus()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.hasAttribute('data-ta-speech-play')")
        page.keyboard.press("Enter")
        if voices and any(re.match(r"(zh|cmn)", lang, re.IGNORECASE) for lang in voices):
            # A real speech backend with a Chinese voice: it speaks, the title first.
            page.wait_for_function("document.querySelector('.ta-speaking') !== null")
            assert play.get_attribute("aria-pressed") == "true"
            assert page.evaluate("speechSynthesis.speaking")
            assert highlighted(page) == ["走进曲樟：一个客家乡镇"]
            focus_and_press(page, "[data-ta-speech-stop]", "Enter")
            assert not page.evaluate("speechSynthesis.speaking") and highlighted(page) == []
        else:
            # None (Chromium here has no speech backend): the polite note, nothing pressed, nothing highlighted.
            note = page.locator(".ta-reading__note")
            note.filter(has_text=NO_VOICE).wait_for()
            assert "添加中文（普通话）" in note.inner_text() and note.get_attribute("role") == "status"
            assert play.get_attribute("aria-pressed") == "false" and highlighted(page) == []
            assert page.locator("[data-ta-speech-stop]").is_hidden()
        assert not watch.console_errors and not watch.blocked


def test_speech_highlights_each_passage_and_pauses_stops_and_slows_down_by_keyboard(sample_site: Path):
    with serve(sample_site) as base, browser_page((base,), width=390, height=700) as (page, watch):
        page.add_init_script(SCRIPTED_ENGINE)
        page.goto(base + ARTICLE)
        play, pause, stop = (page.locator(f"[data-ta-speech-{name}]") for name in ("play", "pause", "stop"))
        assert pause.is_hidden() and stop.is_hidden()
        focus_and_press(page, "[data-ta-speech-play]", "Space")
        page.wait_for_function("window.__spoken.length >= 1")
        assert play.get_attribute("aria-pressed") == "true" and pause.is_visible() and stop.is_visible()
        first = page.evaluate("window.__spoken[0]")
        assert (first["text"], first["voice"], first["lang"], first["rate"]) == ("走进曲樟：一个客家乡镇", "测试普通话", "zh-CN", 1)
        assert highlighted(page) == ["走进曲樟：一个客家乡镇"]

        # The body follows in order, each passage highlighted while it is read and scrolled into view.
        page.wait_for_function("window.__spoken.length >= 5")
        spoken = [item["text"] for item in page.evaluate("window.__spoken")]
        assert spoken[1] == "曲樟乡地处北海市合浦县，是一个以客家人为主的乡镇。"
        assert spoken[2].startswith("客家人重视宗族和家风")
        assert "#" not in "".join(spoken) and "↩" not in "".join(spoken)  # heading anchors and footnote marks are not read
        current = page.locator(".ta-speaking")
        assert current.count() == 1 and page.evaluate(
            "(() => { const b = document.querySelector('.ta-speaking').getBoundingClientRect();"
            " return b.bottom > 0 && b.top < innerHeight; })()"
        )
        assert page.evaluate("getComputedStyle(document.querySelector('.ta-speaking')).outlineStyle") == "solid"

        # 暂停 with Space: nothing more is said until it is pressed again.
        focus_and_press(page, "[data-ta-speech-pause]", "Space")
        assert pause.get_attribute("aria-pressed") == "true"
        count = page.evaluate("window.__spoken.length")
        page.wait_for_timeout(800)
        assert page.evaluate("window.__spoken.length") == count
        # 慢速朗读 applies from the next sentence; Space on 暂停 again goes on.
        focus_and_press(page, "[data-ta-toggle-slow]", "Enter")
        assert page.locator("[data-ta-toggle-slow]").get_attribute("aria-pressed") == "true"
        focus_and_press(page, "[data-ta-speech-pause]", "Space")
        assert pause.get_attribute("aria-pressed") == "false"
        page.wait_for_function(f"window.__spoken.length > {count + 1}")
        assert page.evaluate("window.__spoken[window.__spoken.length - 1].rate") < 1

        # 停止 with Enter: quiet, no highlight, the keyboard back on 朗读.
        focus_and_press(page, "[data-ta-speech-stop]", "Enter")
        assert highlighted(page) == [] and stop.is_hidden() and pause.is_hidden()
        assert play.get_attribute("aria-pressed") == "false"
        assert page.evaluate("document.activeElement.hasAttribute('data-ta-speech-play')")
        count = page.evaluate("window.__spoken.length")
        page.wait_for_timeout(600)
        assert page.evaluate("window.__spoken.length") == count

        # 重置 stops a reading too, and slows nothing down any more.
        focus_and_press(page, "[data-ta-speech-play]", "Enter")
        page.wait_for_function(f"window.__spoken.length > {count}")
        focus_and_press(page, "[data-ta-reset]", "Enter")
        assert highlighted(page) == [] and play.get_attribute("aria-pressed") == "false"
        assert page.locator("[data-ta-toggle-slow]").get_attribute("aria-pressed") == "false"
        assert RESET in page.locator(".ta-reading__note").inner_text()
        assert not watch.console_errors and not watch.blocked


def test_a_browser_without_speech_synthesis_gets_the_note(sample_site: Path):
    with serve(sample_site) as base, browser_page((base,)) as (page, watch):
        page.add_init_script(NO_SPEECH_API)
        page.goto(base + ARTICLE)
        focus_and_press(page, "[data-ta-speech-play]", "Enter")
        page.locator(".ta-reading__note").filter(has_text=NO_SPEECH).wait_for()
        assert page.locator("[data-ta-speech-play]").get_attribute("aria-pressed") == "false"
        assert not watch.console_errors


def test_speech_controls_only_on_pages_with_an_article_body(sample_site: Path):
    for page in ("index.html", "dangjian/index.html", "archive/index.html", "about/index.html", "tags/index.html"):
        html = (sample_site / page).read_text(encoding="utf-8")
        assert "data-ta-speech" not in html and "reading.js" not in html, page
        assert "data-ta-toggle-cursor" in html and "data-ta-reset" in html, page
    html = (sample_site / ARTICLE / "index.html").read_text(encoding="utf-8")
    assert "data-ta-speech-play" in html and "assets/javascripts/reading.js" in html


SETTINGS = "() => JSON.parse(localStorage.getItem(__md_scope.pathname + '.ta-reading'))"
CURSOR = "getComputedStyle(document.body).cursor"


def test_large_cursor_and_reset_by_keyboard_remembered_across_pages(sample_site: Path):
    with serve(sample_site) as base, browser_page((base,), width=1366, height=900) as (page, watch):
        page.goto(base)
        assert page.evaluate(CURSOR) == "auto"
        # 大鼠标 with Space: the cursor of the whole document is our large one, links get the large hand.
        page.locator("[data-ta-toggle-contrast]").focus()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.hasAttribute('data-ta-toggle-cursor')")
        page.keyboard.press("Space")
        assert page.locator("[data-ta-toggle-cursor]").get_attribute("aria-pressed") == "true"
        assert page.evaluate("document.documentElement.dataset.taCursor") == "large"
        assert "assets/images/cursor-arrow.svg" in page.evaluate(CURSOR)
        assert "assets/images/cursor-hand.svg" in page.evaluate("getComputedStyle(document.querySelector('.md-content a[href]')).cursor")
        # The pictures are there to draw (a missing file would leave the browser's own cursor without a word).
        for name in ("cursor-arrow.svg", "cursor-hand.svg"):
            assert page.request.get(base + "assets/images/" + name).ok
        page.locator("[data-ta-set-size='3']").click()
        page.locator("[data-ta-toggle-contrast]").click()

        # Another page, and another after that: every setting is still there before any click.
        for path in (ARTICLE, OTHER_ARTICLE):
            page.goto(base + path)
            assert "cursor-arrow.svg" in page.evaluate(CURSOR)
            assert page.evaluate("[document.documentElement.dataset.taSize, document.documentElement.dataset.taContrast]") == ["3", "high"]
            assert page.locator("[data-ta-toggle-cursor]").get_attribute("aria-pressed") == "true"
        focus_and_press(page, "[data-ta-toggle-slow]", "Space")
        assert page.evaluate(SETTINGS) == {"size": 3, "contrast": True, "cursor": True, "slow": True}

        # 重置 with Enter: every setting back to its default at once, said in the note, nothing kept.
        focus_and_press(page, "[data-ta-reset]", "Enter")
        defaults = ["0", "normal", "normal"]
        read_root = "['taSize', 'taContrast', 'taCursor'].map(k => document.documentElement.dataset[k])"
        assert page.evaluate(read_root) == defaults
        assert page.evaluate(CURSOR) == "auto"
        assert RESET in page.locator(".ta-reading__note").inner_text()
        pressed = page.eval_on_selector_all(".ta-reading [aria-pressed='true']", "els => els.map(e => e.textContent.trim())")
        assert pressed == ["标准"]
        assert page.evaluate(SETTINGS) is None
        # The defaults stay after a reload and on the next page.
        for path in (OTHER_ARTICLE, ""):
            page.goto(base + path)
            assert page.evaluate(read_root) == defaults and page.evaluate(CURSOR) == "auto"
            assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(0, 0, 0)"
            assert page.locator(".ta-reading__note").is_hidden()  # an empty note takes no room
        assert not watch.console_errors and not watch.blocked


def test_the_reading_bar_works_from_the_offline_bundle(unpacked: Path):
    """file:// under the bundle's own Content Security Policy (a <meta>): the cursor pictures and reading.js
    load, 朗读 answers, the settings follow to the next page, 重置 clears them; no violation, no network."""
    with browser_page() as (page, watch):
        page.goto((unpacked / ARTICLE / "index.html").as_uri())
        assert 'http-equiv="Content-Security-Policy"' in page.content()
        # The cite box's downloads are the article's own files in the bundle too.
        for name in ("kejia-xiangzhen.json", "kejia-xiangzhen.bib"):
            assert page.locator(f'.ta-cite a[download="{name}"]').get_attribute("href") == name
            assert (unpacked / ARTICLE / name).is_file()
        violations = []
        page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
        focus_and_press(page, "[data-ta-toggle-cursor]", "Space")
        assert "cursor-arrow.svg" in page.evaluate(CURSOR)
        focus_and_press(page, "[data-ta-speech-play]", "Enter")
        note = page.locator(".ta-reading__note")
        note.filter(has_text=re.compile(f"{NO_VOICE}|{NO_SPEECH}")).or_(page.locator(".ta-speaking")).first.wait_for()
        if page.locator(".ta-speaking").count():
            focus_and_press(page, "[data-ta-speech-stop]", "Enter")
        page.locator(".ta-crumbs a").nth(1).click()  # the section, as a reader goes on
        page.wait_for_load_state()
        assert page.url.startswith("file:") and page.url.endswith("/kejia-wenhua/index.html")
        assert page.evaluate("document.documentElement.dataset.taCursor") == "large"
        focus_and_press(page, "[data-ta-reset]", "Enter")
        assert page.evaluate("document.documentElement.dataset.taCursor") == "normal"
        page.reload()
        assert page.evaluate("document.documentElement.dataset.taCursor") == "normal"
        assert not violations and not watch.blocked and not watch.console_errors


# Every layout shift the page makes while it loads, summed (the Cumulative Layout Shift of the load).
LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => { for (const entry of list.getEntries()) total += entry.value; })
    .observe({ type: "layout-shift", buffered: true });
  setTimeout(() => resolve(total), 500);
})"""


@pytest.mark.parametrize("path", ["", ARTICLE])
def test_the_reading_bar_is_there_from_the_first_paint_and_the_page_never_jumps(sample_site: Path, path: str):
    """On a slow phone Material's script, at the end of the page, runs a second or more after the text
    is painted: nothing of the bar may appear only then and push what the reader is reading down."""
    with serve(sample_site) as base, browser_page((base,), width=412, height=823) as (page, watch):
        def late(route):  # Material's bundle arrives 1.5 s late, as on a slow connection
            page.wait_for_timeout(1500)
            route.continue_()

        page.route(re.compile(r".*/assets/javascripts/bundle\.[0-9a-f]+\.min\.js$"), late)
        page.goto(base + path, wait_until="commit")
        page.wait_for_selector(".ta-reading", state="visible", timeout=1000)  # before the bundle has come
        assert page.evaluate("document.documentElement.classList.contains('no-js')")
        page.wait_for_load_state("load")
        assert not page.evaluate("document.documentElement.classList.contains('no-js')")  # the bundle ran
        assert page.evaluate(LAYOUT_SHIFT) < 0.01
        assert not watch.console_errors


def test_the_offline_permalink_reads_as_one_address_with_its_note_below(unpacked: Path):
    """From the USB stick the permalink is marked （需联网）: at a phone's width and 超大 the address keeps the
    link's whole width and the note goes under it, not into a column of one character a line beside it."""
    with browser_page(width=390, height=800) as (page, watch):
        page.goto((unpacked / ARTICLE / "index.html").as_uri())
        for size in ("0", "3"):
            focus_and_press(page, f"[data-ta-set-size='{size}']", "Enter")
            link, address = page.locator("#ta-permalink"), page.locator("#ta-permalink > span")
            assert "需联网" in page.evaluate("getComputedStyle(document.querySelector('#ta-permalink'), '::after').content")
            assert address.evaluate("s => s.getBoundingClientRect().width") >= link.evaluate("a => a.clientWidth") - 2, size
        assert not watch.console_errors
