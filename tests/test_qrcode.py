"""The QR code of each article's online address: drawn at build time as inline SVG, shown in the offline
and kiosk copies, printed from the web site, and only when site_url is a real address.

The decisive checks decode what Chromium shows: a screenshot of the page's QR element, read by
zxing-cpp, must give the article's permalink (https://…/section/slug/)."""

from __future__ import annotations

import gzip
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import segno
import zxingcpp
from accessibility import axe_violations
from browser import browser_page
from conftest import REAL_SITE, Project, RealSite, published_articles
from PIL import Image
from search_quality import serve
from test_visitor import HTML_BUDGET, page_weight
from township_archive.problems import Severity
from township_archive.rights.qrcode import QUIET_ZONE, qr_svg
from township_archive.site_checks import site_url_placeholder, site_url_problems

SVG = "{http://www.w3.org/2000/svg}"
ARTICLE = "jiaoyu-jidi/chen-mingshu-shengping/"
URLS = [
    REAL_SITE + ARTICLE,
    "http://8.8.8.8/dangjian/a/",
    REAL_SITE + "kejia-wenhua/%E5%AE%A2%E5%AE%B6-" + "x" * 150 + "/",
]


def decode(png: bytes) -> list[str]:
    with Image.open(io.BytesIO(png)) as image:
        return [found.text for found in zxingcpp.read_barcodes(image.convert("L"))]


def dark_modules(path: str) -> set[tuple[int, int]]:
    """The modules our path paints: each `m dx dy` moves (relative, y on the row's middle), `h n` strokes n modules."""
    x, y, dark = 0.0, 0.0, set()
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if command == "h":
            dark |= {(int(x) + i, int(y - .5)) for i in range(int(a))}
            x += int(a)
        else:
            x, y = (float(a), float(b)) if command == "M" else (x + float(a), y + float(b))
    return dark


# --- the SVG, in-process -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", URLS)
def test_qr_svg_is_one_small_svg_with_its_own_white_ground(url: str):
    svg = qr_svg(url)
    root = ET.fromstring(svg)  # well-formed XML
    assert root.tag == SVG + "svg" and root.get("role") == "img" and root.get("aria-label") == "本文网址的二维码"
    size = segno.make_qr(url, error="m").symbol_size(border=QUIET_ZONE)[0]
    assert root.get("viewBox") == f"0 0 {size} {size}"
    rect, path = list(root)
    assert rect.tag == SVG + "rect" and rect.get("fill") == "#fff" and rect.get("width") == rect.get("height") == str(size)
    assert path.tag == SVG + "path" and path.get("stroke") == "#000" and path.get("shape-rendering") == "crispEdges"
    # The address is only in the modules: no text of it (nothing to escape), no script, no links.
    assert "qzx" not in svg and "8.8.8.8" not in svg and "<script" not in svg and "href" not in svg
    assert len(svg) < 2_500 or len(url) > 100


@pytest.mark.parametrize("url", URLS)
def test_the_path_paints_exactly_the_symbols_modules_and_decodes(url: str):
    qr = segno.make_qr(url, error="m")
    expected = {
        (x + QUIET_ZONE, y + QUIET_ZONE) for y, row in enumerate(qr.matrix) for x, dark in enumerate(row) if dark
    }
    painted = dark_modules(ET.fromstring(qr_svg(url))[1].get("d"))
    assert painted == expected
    # The painted modules, drawn 6 px each with Pillow, read back as the address.
    size = qr.symbol_size(border=QUIET_ZONE)[0]
    image = Image.new("L", (size, size), 255)
    for x, y in painted:
        image.putpixel((x, y), 0)
    png = io.BytesIO()
    image.resize((size * 6, size * 6), Image.NEAREST).save(png, format="PNG")
    assert decode(png.getvalue()) == [url]


@pytest.mark.browser
def test_qr_svg_as_chromium_draws_it_scans_at_small_sizes_on_a_black_page():
    url = URLS[0]
    with browser_page() as (page, _watch):
        for width in (110, 160, 241):
            page.set_content(f'<body style="background:#000;color:#fff"><div id="q" style="width:{width}px">{qr_svg(url)}</div>')
            assert decode(page.locator("#q svg").screenshot()) == [url], width


# --- which site_url is real ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "site_url",
    [None, "", "/", "https://www.example.gov.cn/", "https://example.com/", "http://EXAMPLE.org./", "https://site.example/",
     "https://x.invalid/", "https://archive.test/", "http://localhost:8000/", "http://a.localhost/", "http://127.0.0.1/",
     "http://10.1.2.3/", "http://172.16.0.9/", "http://192.168.1.20:8080/", "http://169.254.1.1/", "http://100.64.0.1/",
     "http://[::1]/", "http://[fd12::1]/", "http://0.0.0.0/"],
)
def test_placeholder_site_urls(site_url):
    assert site_url_placeholder(site_url)


@pytest.mark.parametrize(
    "site_url",
    ["https://www.qzx.gov.cn/", "http://qzx.gov.cn/archive/", "https://examples.com/", "https://www.example-town.cn/",
     "https://my.examplesite.org/", "http://8.8.8.8/", "http://[2001:4860:4860::8888]/"],
)
def test_real_site_urls(site_url):
    assert site_url_placeholder(site_url) == ""


def test_placeholder_is_a_warning_at_the_site_url_line(tmp_path: Path):
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: 档案\n# 正式上线时改成真实域名\nsite_url: http://192.168.1.20/\n", encoding="utf-8")
    (problem,) = site_url_problems(config, "http://192.168.1.20/")
    assert (problem.path, problem.line, problem.code, problem.severity) == ("mkdocs.yml", 3, "site-url-placeholder", Severity.WARNING)
    assert "192.168.1.20" in problem.message and "二维码" in problem.message and "site_url" in problem.hint
    assert site_url_problems(config, "https://www.qzx.gov.cn/") == []
    assert site_url_problems(config, None) == []  # a missing site_url is theme_problems' own problem


# --- the sample's placeholder: no QR code, a warning from check, a strict build that passes ---------------


def test_sample_placeholder_site_url_has_no_qr_code_and_check_warns(sample_site: Path, unpacked: Path, project: Project):
    for site in (sample_site, unpacked):  # the session's sample builds passed `--strict` with this site_url
        html = (site / ARTICLE / "index.html").read_text(encoding="utf-8")
        assert "ta-qr" not in html and "本文网址的二维码" not in html
    result = project.cli_in_process("check", "--today", "2025-03-02")
    assert result.returncode == 0, result.output  # a warning, not an error
    line = next(n for n, text in enumerate((project.root / "mkdocs.yml").read_text(encoding="utf-8").splitlines(), 1)
                if text.startswith("site_url:"))
    assert f"mkdocs.yml:{line}: 警告 [site-url-placeholder] site_url（https://www.example.gov.cn/）不是网站的正式地址" in result.stdout
    assert "文章页不会显示二维码" in result.stdout


# --- a project with a real site_url: the web site, the offline and the kiosk copies ---------------------


def _permalink(page) -> str:
    return page.locator("#ta-permalink").get_attribute("href")


@pytest.mark.browser
def test_every_offline_article_shows_a_qr_code_of_its_own_permalink(real_site: RealSite):
    articles = [path for path, _meta in published_articles()]
    with browser_page() as (page, watch):
        for path in articles:
            page.goto((real_site.offline / path).as_uri())
            code = page.locator("figure.ta-qr")
            assert code.is_visible(), path
            assert code.locator("figcaption").inner_text() == "用手机扫码，回家继续阅读"
            expected = REAL_SITE + path.removesuffix("index.html")
            assert _permalink(page) == expected
            assert decode(code.locator("svg").screenshot()) == [expected], path
    assert not watch.blocked and not watch.console_errors


@pytest.mark.browser
def test_offline_qr_code_still_scans_in_high_contrast_mode(real_site: RealSite):
    with browser_page() as (page, watch):
        page.goto((real_site.offline / ARTICLE / "index.html").as_uri())
        page.locator("[data-ta-toggle-contrast]").click()
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
        code = page.locator("figure.ta-qr svg")
        assert code.is_visible()
        assert decode(code.screenshot()) == [REAL_SITE + ARTICLE]
    assert not watch.blocked and not watch.console_errors


@pytest.mark.browser
def test_offline_article_with_its_qr_code_has_no_accessibility_violation(real_site: RealSite):
    # Over loopback http: axe-core itself requests files, which file:// refuses. The CSP (the page's <meta>)
    # is bypassed only so that axe-core can be injected.
    with serve(real_site.offline) as base, browser_page((base,), width=412, height=823, bypass_csp=True) as (page, watch):
        page.goto(base + ARTICLE + "index.html")
        assert page.locator("figure.ta-qr").is_visible()
        assert axe_violations(page) == []
        page.locator("[data-ta-set-size='3']").click()
        page.locator("[data-ta-toggle-contrast]").click()
        page.wait_for_timeout(500)  # Material's buttons fade to the new colours (.125 s): judge the settled page
        assert axe_violations(page) == []
    assert not watch.blocked  # (the offline copy, made for file://, lacks files an http visit asks for: not this test's matter)


@pytest.mark.browser
def test_kiosk_article_shows_the_qr_code(real_site: RealSite):
    with browser_page(width=1080, height=1920) as (page, watch):
        page.goto((real_site.kiosk / ARTICLE / "index.html").as_uri())
        assert "kiosk.css" in page.content()
        code = page.locator("figure.ta-qr")
        assert code.is_visible()
        assert decode(code.locator("svg").screenshot()) == [REAL_SITE + ARTICLE]
    assert not watch.blocked and not watch.console_errors


@pytest.mark.browser
def test_web_site_prints_the_qr_code_but_does_not_show_it_on_screen(real_site: RealSite):
    with serve(real_site.site) as base, browser_page((base,)) as (page, watch):
        page.goto(base + ARTICLE)
        code = page.locator("figure.ta-qr")
        assert code.count() == 1 and not code.is_visible()
        page.emulate_media(media="print")
        assert code.is_visible() and not page.locator(".md-header").is_visible()
        assert decode(code.locator("svg").screenshot()) == [REAL_SITE + ARTICLE]
    assert not watch.blocked and not watch.console_errors


def test_qr_code_costs_little_of_the_page_budget(real_site: RealSite):
    page = real_site.site / ARTICLE / "index.html"
    html = page.read_text(encoding="utf-8")
    figure = re.search(r'\s*<figure class="ta-qr">.*?</figure>', html, re.DOTALL).group(0)
    without = len(gzip.compress(html.replace(figure, "").encode(), 6))
    assert len(gzip.compress(html.encode(), 6)) - without < 1024
    for path, _meta in published_articles():
        assert page_weight(real_site.site, path.removesuffix("index.html"))[0] <= HTML_BUDGET, path


def test_check_is_quiet_about_a_real_site_url(real_site: RealSite):
    result = real_site.project.cli_in_process("check", "--today", "2025-03-02")
    assert result.returncode == 0, result.output
    assert "site-url-placeholder" not in result.stdout
