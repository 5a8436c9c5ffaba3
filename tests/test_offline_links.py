"""Every link of the offline bundle lands on a page, clicked as a visitor clicks it.

The bundles (normal and kiosk) are unpacked into a folder named like a USB stick a township
office really has (`U盘 资料`, spaces and Chinese characters), mounted read-only where the
machine allows it, and opened from file:// with every other host blocked. From the home page,
breadth-first, every page of the bundle is visited once; on each, every link to another page
is checked against the set of addresses already proven by a real click, and each address not
yet proven is clicked. Five searches follow, clicking the first two results of each.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from collections import deque
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest
from browser import browser_page, search_links
from conftest import Project, build_offline, copy_project

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
def stick(request, tmp_path_factory, sample_project: Project):
    project = copy_project(tmp_path_factory.mktemp("bundle") / "project")
    shutil.copytree(sample_project.root / ".cache", project.root / ".cache")
    zip_path = build_offline(project, *(["--kiosk"] if request.param == "kiosk" else []))
    usb = tmp_path_factory.mktemp("usb") / "U盘 资料"
    usb.mkdir()
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(usb)
    (folder,) = [p for p in usb.iterdir() if p.is_dir()]
    with read_only(folder) as mounted:
        yield mounted


def _landing(page, bundle: str, site_name: str) -> str:
    """Where the page is now, after checking it is an HTML page of the bundle with the site's title."""
    url = urldefrag(page.url).url
    assert url.startswith(bundle) and url.endswith(".html"), f"landed outside the bundle's pages: {page.url}"
    title = page.title()
    assert site_name in title and "Index of" not in title, f"{url}: title {title!r}"
    assert page.locator("h1, .md-content").count(), f"{url}: not a page of the site"
    return url


LINKS = """els => els.map(e => [e.getAttribute('href'), e.href, e.target || '', e.hasAttribute('download'),
    e.matches('figure.ta-figure > a.glightbox')])"""


def _next_unproven(page, current: str, proven: set[str]) -> tuple[str, str, bool] | None:
    """The first link of the page whose address no click has proven yet (raw href, address, is a photo);
    links to files and to other hosts are checked on the way."""
    for raw, resolved, target, download, lightbox in page.eval_on_selector_all("a[href]", LINKS):
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
        queue = deque([_landing(page, bundle, site_name)])
        proven.add(queue[0])
        while queue:  # breadth-first; each page is left only when every address it links to is proven
            current = queue.popleft()
            page.goto(current)
            while (step := _next_unproven(page, current, proven)) is not None:
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
                assert landed == address, f"{current}: {raw} landed on {landed}"
                proven.add(landed)
                queue.append(landed)
                page.go_back(wait_until="load")  # the browser's back button, as a visitor returns
        pages = {p.as_uri() for p in stick.rglob("*.html")} - {(stick / "404.html").as_uri()}
        unreached = sorted(unquote(p.removeprefix(bundle)) for p in pages - proven if "search/" not in p)
        # Results of searches, clicked as a visitor clicks them.
        for query in QUERIES:
            page.goto(bundle + "index.html")
            results = search_links(page, query)
            assert results, query
            for href in results[:2]:
                page.goto(bundle + "index.html")
                search_links(page, query)
                with page.expect_navigation(wait_until="load"):
                    page.locator(f'.md-search-result__link[href="{href}"]').first.click()
                assert urldefrag(_landing(page, bundle, site_name)).url == urldefrag(href).url
    assert watch.blocked == []
    assert watch.console_errors == []
    assert clicks > 40
    # Old addresses of renamed articles are only reached from outside (bookmarks); everything else by clicking.
    assert [p for p in unreached if not p.endswith("kejia-chuantong/index.html")] == []
