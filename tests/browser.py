"""Real headless Chromium (Debian's package) driven by Playwright, with every request to another host blocked and recorded.

Under pytest one Chromium serves the whole session (closed by conftest at the end); each `browser_page`
gets a context of its own, as fresh as a new browser: no cookies, storage, cache or history carried over."""

from __future__ import annotations

import contextlib
import re
from contextlib import contextmanager
from dataclasses import dataclass, field

import tiers
from playwright.sync_api import Browser, BrowserContext, sync_playwright
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


@dataclass
class Watch:
    """What the pages did that a reader would not want: errors, and requests leaving the allowed origins."""

    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


_shared: dict = {}  # "playwright", "browser": the session's Chromium under pytest


def _shared_browser() -> Browser:
    browser = _shared.get("browser")
    if browser is None or not browser.is_connected():
        close_shared()
        _shared["playwright"] = sync_playwright().start()
        _shared["browser"] = browser = _shared["playwright"].chromium.launch(executable_path=CHROMIUM, args=FLAGS)
    return browser


def _shared_context(**options) -> BrowserContext:
    """A new context in the session's Chromium, started on first use and again when it has gone away (a
    crash, or a kill on a crowded machine, shows only when it is used next): a dead one fails no other test."""
    try:
        return _shared_browser().new_context(**options)
    except PlaywrightError:
        close_shared()
        return _shared_browser().new_context(**options)


def close_shared() -> None:
    browser, playwright = _shared.pop("browser", None), _shared.pop("playwright", None)
    with contextlib.suppress(Exception):  # already gone
        if browser is not None:
            browser.close()
    with contextlib.suppress(Exception):
        if playwright is not None:
            playwright.stop()


@contextmanager
def browser_page(
    allowed_prefixes: tuple[str, ...] = ("file:",), width: int = 1280, height: int = 900, bypass_csp: bool = False
):
    """`bypass_csp` only for injecting test tools (axe-core) into pages served with the site's policy."""
    tiers.require("browser", "Chromium")
    watch = Watch()
    options = {"viewport": {"width": width, "height": height}, "locale": "zh-CN", "bypass_csp": bypass_csp}
    with contextlib.ExitStack() as stack:
        if tiers.running_under_pytest():
            context = _shared_context(**options)
        else:
            browser = stack.enter_context(sync_playwright()).chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            stack.callback(browser.close)
            context = browser.new_context(**options)
        stack.callback(_quietly, context.close)  # the page may have taken the browser down with it

        def block(route):
            watch.blocked.append(route.request.url)
            route.abort()

        # Only requests outside the allowed prefixes are intercepted (the driver matches the pattern):
        # routing every file of the site through Python made each page take about 0.4 s to open.
        allowed = (*allowed_prefixes, "data:", "blob:", "about:")
        context.route(re.compile("^(?!" + "|".join(re.escape(prefix) for prefix in allowed) + ")"), block)
        page = context.new_page()
        page.on("console", lambda message: message.type == "error" and watch.console_errors.append(message.text))
        page.on("pageerror", lambda error: watch.console_errors.append(str(error)))
        yield page, watch


def _quietly(close) -> None:
    with contextlib.suppress(PlaywrightError):
        close()


RESULTS_SHOWN = (
    "() => { const m = document.querySelector('.md-search-result__meta');"
    " return m && /结果|共 \\d+ 篇/.test(m.textContent); }"  # 共 N 篇, or 没有找到符合条件的结果
)
RESULTS_CLEARED = (
    "() => { const m = document.querySelector('.md-search-result__meta');"
    " return m && !/结果|共 \\d+ 篇/.test(m.textContent); }"
)


def _typed_results(page, query: str, timeout_ms: int) -> bool:
    box = page.locator("input.md-search__input")
    if not box.evaluate("el => el === document.activeElement"):  # for the next query a reader's cursor is still there
        box.click()
    waited = 0
    while waited < timeout_ms:
        # Empty the box first and wait until the old results are gone, so they are never mistaken for new ones.
        box.fill("")
        box.press("End")
        page.wait_for_function(RESULTS_CLEARED, timeout=timeout_ms)
        # The whole query at once, as an IME commits it, then a key that changes nothing: Material
        # reads the box on keyup (Playwright inserts Han characters with no key events at all).
        box.fill(query)
        box.press("End")
        try:
            page.wait_for_function(RESULTS_SHOWN, timeout=2000)
            return True
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError: not ready yet
            waited += 2000
    return False


def _results(page, query: str, timeout_ms: int, attempts: int) -> None:
    """Type into Material's real search box until it shows results (or says there are none).

    Material ignores what is typed before its worker has the index; like a reader, type
    again, and reload the page if the box stays silent."""
    for attempt in range(attempts):
        if _typed_results(page, query, timeout_ms):
            return
        if attempt == attempts - 1:
            meta = page.locator(".md-search-result__meta").inner_text()
            raise AssertionError(f"search for {query!r} showed no results after {attempts} tries: {meta!r}")
        page.reload()


def search(page, query: str, timeout_ms: int = 15000, attempts: int = 3) -> list[str]:
    """The result titles for a query typed into the real search box."""
    _results(page, query, timeout_ms, attempts)
    titles = page.locator(".md-search-result__item > .md-search-result__link h1").all_inner_texts()
    return [t.replace("\u200b", "") for t in titles]


def search_links(page, query: str, timeout_ms: int = 15000, attempts: int = 3) -> list[str]:
    """The addresses of the results, best first (one per article)."""
    _results(page, query, timeout_ms, attempts)
    return page.eval_on_selector_all(".md-search-result__item > .md-search-result__link", "els => els.map(e => e.href)")
