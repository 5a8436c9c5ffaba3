"""The site behind Debian's nginx with the repository's production configuration."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import browser_page, search
from nginx import BROTLI, fetch, nginx_serving
from township_archive.serving import content_security_policy

pytestmark = pytest.mark.nginx

IMMUTABLE = "public, max-age=31536000, immutable"


def test_nginx_serves_compressed_cached_and_secured(sample_site: Path, tmp_path: Path):
    with nginx_serving(sample_site, tmp_path) as base:
        home = fetch(base, "/", "gzip")
        assert home.status == 200 and home.getheader("Content-Type") == "text/html; charset=utf-8"
        assert home.getheader("Content-Encoding") == "gzip"
        assert home.getheader("Cache-Control") == "public, max-age=300"
        policy = home.getheader("Content-Security-Policy")
        assert policy == content_security_policy() and "sha256-" not in policy
        assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
        assert home.getheader("X-Content-Type-Options") == "nosniff"
        assert home.getheader("Referrer-Policy") == "strict-origin-when-cross-origin"
        if BROTLI.exists():
            assert fetch(base, "/", "br").getheader("Content-Encoding") == "br"

        html = fetch(base, "/kejia-wenhua/kejia-xiangzhen/").body.decode()
        bundle = re.search(r'src="([^"]*bundle\.[0-9a-f]{8}\.min\.js)"', html).group(1)
        asset = fetch(base, "/kejia-wenhua/kejia-xiangzhen/" + bundle, "gzip")
        assert asset.status == 200 and asset.getheader("Cache-Control") == IMMUTABLE
        assert asset.getheader("Content-Encoding") == "gzip" and asset.getheader("Content-Security-Policy")
        variant = re.search(r'srcset="([^" ]+\.avif)', html).group(1)
        image = fetch(base, "/kejia-wenhua/kejia-xiangzhen/" + variant)
        assert image.status == 200 and image.getheader("Content-Type") == "image/avif"
        assert image.getheader("Cache-Control") == IMMUTABLE

        old = fetch(base, "/kejia-wenhua/kejia-chuantong/")
        assert old.status == 301 and old.getheader("Location") == "/kejia-wenhua/kejia-xinsu/"
        assert fetch(base, "/dangjian").status == 301
        missing = fetch(base, "/no-such-page/")
        assert missing.status == 404 and "页面不存在" in missing.body.decode()
        assert missing.getheader("Content-Security-Policy")


CSP_WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber + ' ' + e.sample));
"""


@pytest.mark.browser
def test_pages_break_no_rule_of_the_content_security_policy(sample_site: Path, tmp_path: Path):
    with nginx_serving(sample_site, tmp_path) as base, browser_page((base,)) as (page, watch):
        page.add_init_script(CSP_WATCH)
        for path in ("", "jiaoyu-jidi/songhu-kangzhan/", "dangjian/", "about/", "tags/"):
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            assert page.evaluate("window.__violations") == [], path
        page.goto(base + "kejia-wenhua/kejia-xiangzhen/")
        page.locator("figure a.glightbox").first.click()
        page.locator(".glightbox-container").wait_for()
        page.keyboard.press("Escape")
        page.locator(".glightbox-container").wait_for(state="detached")
        assert search(page, "陈铭枢")
        assert page.evaluate("window.__violations") == []
        assert not [e for e in watch.console_errors if "Content Security Policy" in e]
