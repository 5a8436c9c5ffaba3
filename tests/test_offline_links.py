"""Every link of the offline bundle lands on a page, clicked as a visitor clicks it.

The bundles (normal and kiosk) are unpacked into a folder named like a USB stick a township
office really has (`U盘 资料`, spaces and Chinese characters), mounted read-only where the
machine allows it, and opened from file:// with every other host blocked. From the home page,
depth-first, every page of the bundle is visited once; on each, every link to another page
is checked against the set of addresses already proven by a real click, and each address not
yet proven is clicked; when none is left, the browser's history leads back to the nearest page
that still has one. Old addresses, which no link leads to, are opened as bookmarks are. Five
searches follow, clicking the first two results of each. No request may leave the bundle and no
page may log an error.

The bundles are the session's: the sample's offline copy, and the kiosk copy of the sample with a
real site_url (with QR codes; its idle return is three minutes away, longer than the walk of a page).
"""

from __future__ import annotations

import subprocess
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest
from browser import browser_page, search_links
from conftest import unzip

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUERIES = ["陈铭枢", "客家", "网格", "家训", "荔枝"]


@contextmanager
def read_only(folder: Path):
    """`folder` on a read-only mount (a locked USB stick, a CD), or as it is where mounting is not allowed."""
    target = folder.with_name(folder.name + " 只读")
    target.mkdir()
    mounted = subprocess.run(["mount", "--bind", str(folder), str(target)], capture_output=True, check=False).returncode == 0
    if mounted:
        mounted = subprocess.run(["mount", "-o", "remount,bind,ro", str(target)], capture_output=True, check=False).returncode == 0
    try:
        yield target if mounted else folder
    finally:
        if mounted:
            subprocess.run(["umount", str(target)], check=False)
        target.rmdir()


@pytest.fixture(scope="module", params=["normal", "kiosk"])
def stick(request, tmp_path_factory):
    zip_path = request.getfixturevalue("offline_zip") if request.param == "normal" else request.getfixturevalue("real_site").kiosk_zip
    usb = tmp_path_factory.mktemp("usb") / "U盘 资料"
    usb.mkdir()
    with read_only(unzip(zip_path, usb)) as mounted:
        yield mounted


# What a landing needs checked, and the page's links, in one call.
LANDED = """() => ({title: document.title, page: document.querySelector("h1, .md-content") !== null,
  links: Array.from(document.querySelectorAll("a[href]"), (e) => [e.getAttribute("href"), e.href, e.target || "",
    e.hasAttribute("download"), e.matches("figure.ta-figure > a.glightbox")])})"""


def _landing(page, bundle: str, site_name: str) -> tuple[str, list]:
    """Where the page is now, after checking it is an HTML page of the bundle with the site's title; and its links."""
    url = urldefrag(page.url).url
    assert url.startswith(bundle) and url.endswith(".html"), f"landed outside the bundle's pages: {page.url}"
    seen = page.evaluate(LANDED)
    assert site_name in seen["title"] and "Index of" not in seen["title"], f"{url}: title {seen['title']!r}"
    assert seen["page"], f"{url}: not a page of the site"
    return url, seen["links"]


def _next_unproven(current: str, links: list, proven: set[str]) -> tuple[str, str, bool] | None:
    """The first link of the page whose address no click has proven yet (raw href, address, is a photo);
    links to files and to other hosts are checked on the way."""
    for raw, resolved, target, download, lightbox in links:
        address = urldefrag(resolved).url
        if urlsplit(resolved).scheme != "file" or address == current:
            continue  # links to the network are marked 需联网 (tested elsewhere); same-page anchors
        if download:  # the citation files (CSL-JSON, BibTeX): files to save, not pages
            assert Path(unquote(urlsplit(address).path)).is_file(), f"{current}: {raw} is missing"
            continue
        assert target != "_blank", f"{current}: {raw} opens a new window"
        if address not in proven:
            return raw, address, lightbox
    return None


def test_every_link_of_the_bundle_lands_on_one_of_its_pages(stick: Path):
    bundle = stick.as_uri() + "/"
    site_name = "曲樟乡宣传文化档案"
    proven: set[str] = set()  # addresses a click has been seen to land on, as a page (or photo) of the bundle
    clicks = 0
    with browser_page() as (page, watch):
        page.goto(bundle + "index.html")
        trail = [_landing(page, bundle, site_name)]  # the pages of the browser's history, the current one last
        proven.add(trail[0][0])
        while trail:
            current, links = trail[-1]
            step = _next_unproven(current, links, proven)
            if step is None:  # every address of this page is proven: back to the nearest page with one that is not
                back = 0
                while trail and _next_unproven(*trail[-1], proven) is None:
                    trail.pop()
                    back += 1
                if trail:
                    with page.expect_navigation(wait_until="load"):  # after the call returns: the page it runs in goes
                        page.evaluate("steps => { setTimeout(() => history.go(-steps)); }", back)
                    assert urldefrag(page.url).url == trail[-1][0], f"history led back to {page.url}, not {trail[-1][0]}"
                continue
            raw, address, lightbox = step
            if lightbox:  # a photo opens large in the lightbox, on the same page
                page.locator(f'figure.ta-figure > a.glightbox[href="{raw}"]').first.click()
                page.locator(".glightbox-container .gslide-image img").first.wait_for()
                assert urldefrag(page.url).url == current and Path(unquote(urlsplit(address).path)).is_file()
                page.keyboard.press("Escape")
                page.locator(".glightbox-container").wait_for(state="detached")
                proven.add(address)
                continue
            try:
                with page.expect_navigation(wait_until="load", timeout=10_000):
                    # evaluate: also the links of the closed drawer or a folded tab bar, as a tap would
                    page.locator(f'a[href="{raw}"]').first.evaluate("el => el.click()")
            except Exception as error:
                raise AssertionError(f"{current}: clicking {raw} ({address}) went nowhere") from error
            clicks += 1
            landed = _landing(page, bundle, site_name)
            assert landed[0] == address, f"{current}: {raw} landed on {landed[0]}"
            proven.add(address)
            trail.append(landed)
        pages = {p.as_uri() for p in stick.rglob("*.html")} - {(stick / "404.html").as_uri()}
        unreached = sorted(p for p in pages - proven if "search/" not in p)
        # Old addresses of renamed articles are only reached from outside (bookmarks); everything else by clicking.
        assert [unquote(p.removeprefix(bundle)) for p in unreached if not p.endswith("kejia-chuantong/index.html")] == []
        for old in unreached:  # opened as a bookmark opens them, they lead on to a page of the bundle
            page.goto(old)
            page.wait_for_url(lambda url: urldefrag(url).url in proven, timeout=10_000)
        # Results of searches, clicked as a visitor clicks them.
        for query in QUERIES:
            page.goto(bundle + "index.html")
            results = search_links(page, query)
            assert results, query
            for n, href in enumerate(results[:2]):
                if n:  # the first result is clicked in the results just shown, the second after searching again
                    page.goto(bundle + "index.html")
                    search_links(page, query)
                with page.expect_navigation(wait_until="load"):
                    page.locator(f'.md-search-result__link[href="{href}"]').first.click()
                assert urldefrag(_landing(page, bundle, site_name)[0]).url == urldefrag(href).url
    assert watch.blocked == []
    assert watch.console_errors == []
    assert clicks > 40
