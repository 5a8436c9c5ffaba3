"""The offline bundle as the education base uses it: unzipped from a USB stick, opened from file://
with no network, in real Chromium."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from browser import browser_page, search
from conftest import Project, build_offline


def local_targets(page_path: Path, html: str) -> list[tuple[str, Path]]:
    """Every link and image of a page that should be a file of the bundle."""
    found = []
    for attribute, value in re.findall(r'\b(href|src|srcset)="([^"]*)"', html):
        values = [v.strip().split(" ")[0] for v in value.split(",")] if attribute == "srcset" else [value]
        for link in values:
            parts = urlsplit(link)
            if not link or parts.scheme or link.startswith(("#", "//")):
                continue
            found.append((link, (page_path.parent / unquote(parts.path)).resolve()))
    return found


def test_every_page_works_from_file_with_no_network(unpacked: Path):
    """What each page loads is a file of the bundle, and links to the network carry the 需联网 mark.
    Every page of this same bundle is also opened in Chromium from file://, with no network, no blocked
    request and no script error, by the walk in test_offline_links.py, which clicks every link."""
    pages = sorted(unpacked.rglob("*.html"))
    assert len(pages) > 40
    broken = []
    for path in pages:
        html = path.read_text(encoding="utf-8")
        broken += [f"{path.relative_to(unpacked)} -> {link}" for link, target in local_targets(path, html) if not target.exists()]
        for href in re.findall(r'<a [^>]*href="(https?://[^"]+)"[^>]*>', html):
            tag = re.search(r'<a [^>]*href="' + re.escape(href) + r'"[^>]*>', html).group(0)
            assert "ta-external" in tag, f"{path.relative_to(unpacked)}: external link without the 需联网 mark: {href}"
    assert broken == []


@pytest.mark.browser
def test_a_new_visitor_finds_an_article_by_searching(unpacked: Path):
    with browser_page() as (page, watch):  # a new visitor at the kiosk: nothing opened before
        page.goto((unpacked / "index.html").as_uri())
        results = search(page, "陈铭枢")
    assert watch.blocked == []
    assert watch.console_errors == []
    assert "陈铭枢生平简介" in results


@pytest.mark.browser
def test_offline_copy_looks_like_the_site_and_marks_network_links(unpacked: Path):
    html = (unpacked / "jiaoyu-jidi/chen-mingshu-shengping/index.html").read_text(encoding="utf-8")
    assert "offline.css" in html and "iframe-worker.js" in html
    assert "unpkg" not in html and not (unpacked / "404.html").exists()
    with browser_page() as (page, _watch):
        page.goto((unpacked / "jiaoyu-jidi/chen-mingshu-shengping/index.html").as_uri())
        marker = page.evaluate("getComputedStyle(document.querySelector('a.ta-external'), '::after').content")
        assert "需联网" in marker
        assert page.locator(".ta-byline").inner_text().startswith("来源：")


def test_bundle_has_guide_manifest_and_verifies(offline_zip: Path, unpacked: Path, project: Project):
    assert (unpacked / "使用说明.txt").read_text(encoding="utf-8-sig").startswith("曲樟乡宣传文化档案（离线版）使用说明")
    assert (unpacked / "SHA256SUMS").is_file()
    ok = project.cli("verify", str(offline_zip))
    assert ok.returncode == 0 and "校验通过" in ok.stdout
    assert project.cli_in_process("verify", str(unpacked)).returncode == 0

    changed = project.root / "changed"
    shutil.copytree(unpacked, changed)
    (changed / "about.html").write_text("被改过", encoding="utf-8")
    (changed / "tags/index.html").unlink()
    result = project.cli_in_process("verify", str(changed))
    assert result.returncode == 1
    assert "文件已被改动：about.html" in result.stdout and "缺少文件：tags/index.html" in result.stdout


def test_same_content_gives_byte_identical_zips(offline_zip: Path, project: Project):
    again = build_offline(project)
    assert again.name == offline_zip.name
    assert again.read_bytes() == offline_zip.read_bytes()


def test_bundle_keeps_only_kiosk_sized_images(unpacked: Path):
    variants = [p.name for p in unpacked.rglob("*") if re.search(r"\.\w{10}\.\d+\.(avif|webp|jpg|png)$", p.name)]
    assert variants
    widths = {int(name.rsplit(".", 2)[-2]) for name in variants}
    assert max(widths) <= 960
    assert not [n for n in variants if n.endswith(".webp")]
    assert not list(unpacked.rglob("*.map"))


@pytest.mark.browser
def test_kiosk_mode_has_big_touch_targets_a_home_button_and_goes_home_when_idle(kiosk: Path):
    folder = kiosk  # the session's kiosk bundle: it returns home after KIOSK_IDLE_SECONDS (3)
    with browser_page(width=1920, height=1080) as (page, watch):
        page.goto((folder / "dangjian/shifan-chuangjian/index.html").as_uri())
        home = page.locator("a.ta-kiosk-home")
        assert home.is_visible() and home.inner_text() == "返回首页"
        box = home.bounding_box()
        assert box["height"] >= 48
        assert float(page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")) >= 24
        assert not page.locator(".ta-cite__actions").is_visible()  # nothing to download on a kiosk
        page.locator("[data-ta-toggle-cursor]").click()  # a visitor's 大鼠标 …
        assert page.evaluate("document.documentElement.dataset.taCursor") == "large"
        # The home page (an article's address ends in index.html too, so the whole address is compared).
        page.wait_for_url((folder / "index.html").as_uri(), timeout=10000)
        assert page.evaluate("document.documentElement.dataset.taCursor") == "normal"  # … is not the next one's
    assert watch.blocked == [] and watch.console_errors == []
