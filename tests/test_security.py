"""Safe to publish, end to end: hostile text through every input channel, built with the real CLI,
then read in real Chromium behind the project's nginx and from the offline bundle via file://.

The browser ignores the Content Security Policy here (`bypass_csp`), so a payload that the policy
would merely block still counts: no dialog may fire because no injected script may reach a page."""

from __future__ import annotations

import re
import shutil
import uuid
import zipfile
from pathlib import Path

import pytest
from browser import browser_page, search
from conftest import BIN, BUNDLE_GLOB, Project, cached_copy, historical, run
from images import phone_photo
from nginx import check_config, nginx_serving, write_config
from township_archive.serving import REDIRECT_LINE, content_security_policy

pytestmark = pytest.mark.slow


def payload(label: str) -> str:
    """Breaks out of text, attributes, scripts and comments alike if anything prints it raw."""
    return f"\"'><script>alert('{label}')</script><img src=x onerror=alert('{label}')><!--"


def yaml_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


ODD_TITLE = '“引号”与"ASCII 引号" & <尖括号> <!-- 不是注释 --> {{ 7*7 }}'
HOSTILE_URL = "https://example.org/?q=\"><svg/onload=alert('url')>"

HOSTILE_ARTICLE = f"""---
title: {yaml_text("测试恶意标题" + payload("title"))}
slug: e-yi-wen-zhang
aliases: [jiu-wang-zhi]
status: published
date: 2024-05-02
source: {yaml_text(payload("source"))}
authors: [{yaml_text(payload("author"))}, 张三]
editor: {yaml_text(payload("editor"))}
tags: [{yaml_text("标签" + payload("tag"))}]
villages: [{yaml_text("示例村" + payload("village-ref"))}]
summary: {yaml_text(payload("summary"))}
photographer: {yaml_text(payload("photographer"))}
rights:
  holder: {yaml_text(payload("holder"))}
  original_title: {yaml_text(payload("original-title"))}
  original_source: {yaml_text(payload("original-source"))}
  original_author: {yaml_text(payload("original-author"))}
  original_url: {yaml_text(HOSTILE_URL)}
---

正文第一段，测试恶意内容。

<script>alert('body-script')</script>

<img src="x" onerror="alert('body-img')">

<a href="javascript:alert('body-link')">点我</a> <a href="JaVa&#x09;Script:alert('body-link2')">再点</a>

<iframe srcdoc="<script>alert('body-srcdoc')</script>"></iframe>

<style>body {{ display: none }}</style>

<meta http-equiv="refresh" content="0; url=a {{ alias /etc/; }}">

<svg><script>alert('body-svg')</script></svg>

段落
{{: onclick="alert('attr-list')" onmouseover="alert('attr-list2')" }}

## 小标题 <b>加粗</b> & 符号 {{{{ 7*7 }}}}

![图片说明"><img src=x onerror=alert('alt')>](e-yi-wen-zhang/photo.jpg "说明<img src=x onerror=window.onerror=alert;throw'caption'>")

[链接](https://example.org/ "标题&quot;><img src=x onerror=window.onerror=alert;throw'link-title'>")

<figure class="ta-figure"><a class="glightbox" href="https://example.com/video.mp4" data-type="video" title="&lt;img src=x onerror=alert('fake-figure')&gt;">假图</a></figure>

<figure class="ta-figure"><a class="glightbox" href="photo.jpg" data-type="external" title="&lt;img src=x onerror=alert('fake-figure2')&gt;">假图二</a></figure>

<img src="https://tracker.example/pixel.gif" alt="外站图片">

脚注[^1]

[^1]: 脚注 <script>alert('footnote')</script>
"""

ODD_ARTICLE = f"""---
title: {yaml_text(ODD_TITLE)}
slug: qi-guai-biao-ti
status: published
date: 2024-05-03
authors: [李四]
editor: 王五
tags: [测试]
summary: {yaml_text("摘要里也有 " + ODD_TITLE)}
---

正文。
"""

HOSTILE_VILLAGES = f"""- name: {yaml_text("示例村" + payload("village-ref"))}
  description: {yaml_text(payload("village-description"))}
  honours:
    - title: {yaml_text(payload("honour"))}
      year: 2024
      by: {yaml_text(payload("honour-by"))}
"""

# mkdocs.yml lines (as written in the repository's file) and the hostile values put in their place.
CONFIG_VALUES = {
    "site_name": "site_name", "site_description": "site_description", "site_author": "site_author",
    "      sponsor": "sponsor", "        phone": "phone", "        address": "address",
    "        holder": "rights-holder", "        reprint_contact": "reprint", "        legal_counsel": "counsel",
    "          title: 党建成果": "section-title",
}


def _hostile_config(text: str) -> str:
    for key, label in CONFIG_VALUES.items():
        name = key.split(":")[0]
        pattern = re.compile(rf"^{re.escape(name)}:.*$", re.MULTILINE)
        assert pattern.search(text), key
        value = ("党建" + payload(label)) if label == "section-title" else payload(label)
        text = pattern.sub(lambda _m, name=name, value=value: f"{name}: {yaml_text(value)}", text, count=1)
    return text.replace('copyright: ""', f"copyright: {yaml_text(payload('copyright'))}")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, sample_cache: Path) -> tuple[Project, str]:
    """The sample project with hostile text in front matter, body, villages.yml, a sidecar and mkdocs.yml,
    plus a secret beside docs/ and in the build's environment that must never reach the site."""
    project = cached_copy(tmp_path_factory.mktemp("hostile") / "project", sample_cache)  # the sample's photos are done
    secret = uuid.uuid4().hex
    (project.root / "secret.txt").write_text(f"SECRET-{secret}", encoding="utf-8")
    project.write("dangjian/e-yi-wen-zhang.md", historical(HOSTILE_ARTICLE))  # published before 三审: the gate lets it through
    project.write("dangjian/qi-guai-biao-ti.md", historical(ODD_ARTICLE))
    project.write("shuoming.md", "# 说明 A & B 与 R&D\n\n## 第二节 <C> & “引号”\n\n内容。\n")  # titles from headings
    phone_photo(project.docs / "dangjian/e-yi-wen-zhang/photo.jpg", 1200, 900)
    for name in ("gps.jfif", "gps.jpe", "GPS.JPG"):  # originals under other JPEG names, not used by any article
        phone_photo(project.docs / "dangjian/e-yi-wen-zhang" / name, 640, 480)
    project.write("dangjian/e-yi-wen-zhang/photo.jpg.yml",
                  f"author: {yaml_text(payload('sidecar-author'))}\nholder: {yaml_text(payload('sidecar-holder'))}\n")
    villages = project.root / "villages.yml"
    villages.write_text(villages.read_text(encoding="utf-8") + HOSTILE_VILLAGES, encoding="utf-8")
    config = project.root / "mkdocs.yml"
    config.write_text(_hostile_config(config.read_text(encoding="utf-8")), encoding="utf-8")
    return project, secret


def _build(project: Project, secret: str, *args: str):
    """The CLI with the secret in its environment, which the build must never write anywhere."""
    return run(["env", f"TA_BUILD_SECRET={secret}", str(BIN / "township-archive"), *args], project.root)


@pytest.fixture(scope="module")
def hostile_site(hostile) -> Path:
    project, secret = hostile
    result = _build(project, secret, "build", "--no-strict")
    assert result.returncode == 0, result.output
    assert "Traceback" not in result.output
    # Every removal is reported in Chinese with the file and the line it came from.
    assert re.search(r"docs/dangjian/e-yi-wen-zhang\.md:\d+: 警告 \[body-removed\] 发布时删除了 <script> 元素", result.output)
    assert "<p> 的 onclick 属性" in result.output
    return project.root / "site"


@pytest.fixture(scope="module")
def hostile_bundle(hostile, hostile_site) -> Path:
    project, secret = hostile
    result = _build(project, secret, "offline", "--no-strict")
    assert result.returncode == 0, result.output
    (zip_path,) = (project.root / "dist").glob(BUNDLE_GLOB)
    return zip_path


AFFECTED = [
    "", "dangjian/", "dangjian/e-yi-wen-zhang/", "dangjian/qi-guai-biao-ti/", "tags/", "archive/", "archive/2024/",
    "villages/", "about/", "dangjian/jiu-wang-zhi/",
]


def _affected_pages(site: Path) -> list[str]:
    tag_pages = sorted(p.parent.relative_to(site).as_posix() + "/" for p in (site / "tags").glob("*/index.html"))
    village_pages = sorted(p.parent.relative_to(site).as_posix() + "/" for p in (site / "villages").glob("*/index.html"))
    return AFFECTED + tag_pages + village_pages + ["404.html"]


def _read_everything(page, dialogs: list[str]) -> None:
    """What a reader does on the hostile article: open the photo in the lightbox, hover and click the paragraph."""
    page.locator("figure.ta-figure a.glightbox").first.click()
    page.locator(".glightbox-container .gslide-title").first.wait_for()
    title = page.locator(".glightbox-container .gslide-title").first.inner_text()
    assert "<img src=x onerror=window.onerror=alert;throw'caption'>" in title  # shown as written, not as markup
    page.keyboard.press("Escape")
    page.locator(".glightbox-container").wait_for(state="detached")
    page.get_by_text("段落", exact=True).hover()
    page.get_by_text("段落", exact=True).click()
    # A link posing as a figure opens, at most, an image slide: no player, no frame, no HTML title.
    # (The one to another host is an ordinary external link: it is left out of the lightbox.)
    page.get_by_text("假图二", exact=True).click()
    page.locator(".glightbox-container").wait_for()
    assert not page.locator(".glightbox-container iframe, .glightbox-container video").count()
    page.keyboard.press("Escape")
    page.locator(".glightbox-container").wait_for(state="detached")


@pytest.mark.browser
@pytest.mark.nginx
def test_no_injected_script_runs_behind_nginx(hostile_site: Path, tmp_path: Path):
    dialogs: list[str] = []
    pages = _affected_pages(hostile_site)
    with nginx_serving(hostile_site, tmp_path) as base:
        with browser_page(allowed_prefixes=(base,), bypass_csp=True) as (page, watch):
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            for path in pages:
                page.goto(base + path)
                page.wait_for_load_state("load")
                if path == "dangjian/e-yi-wen-zhang/":
                    _read_everything(page, dialogs)
            page.goto(base)
            titles = search(page, "测试恶意标题")
        assert dialogs == []
        assert watch.blocked == []
        assert any("<script>alert('title')</script>" in title for title in titles), titles
        # With the policy on, as readers get it, nothing even tries to run.
        with browser_page(allowed_prefixes=(base,)) as (page, _watch):
            violations: list[str] = []
            page.expose_function("reportViolation", lambda text: violations.append(text))
            page.add_init_script(
                "document.addEventListener('securitypolicyviolation', e => reportViolation(e.violatedDirective + ' ' + e.blockedURI))"
            )
            for path in pages:
                page.goto(base + path)
                page.wait_for_load_state("load")
        assert violations == []


@pytest.mark.browser
@pytest.mark.nginx
def test_legitimate_odd_titles_render_exactly_as_written(hostile_site: Path, tmp_path: Path):
    with nginx_serving(hostile_site, tmp_path) as base, browser_page(allowed_prefixes=(base,)) as (page, _watch):
        page.goto(base + "dangjian/qi-guai-biao-ti/")
        assert page.locator("article h1").inner_text() == ODD_TITLE
        assert page.locator('meta[property="og:title"]').get_attribute("content") == ODD_TITLE
        assert page.title().startswith(ODD_TITLE)
        assert page.locator('meta[name="description"]').get_attribute("content") == "摘要里也有 " + ODD_TITLE
        assert "正文。" in page.locator("article").inner_text()  # the body after the title is still there
        page.goto(base + "dangjian/")
        assert page.get_by_role("link", name=ODD_TITLE, exact=True).count() == 1
        page.goto(base + "dangjian/e-yi-wen-zhang/")
        heading = page.locator("article h2").first.inner_text().rstrip("#").strip()
        assert heading == "小标题 加粗 & 符号 {{ 7*7 }}"
        toc = page.locator(".md-nav--secondary .md-nav__link").all_text_contents()
        assert "小标题 加粗 & 符号 {{ 7*7 }}" in [t.strip() for t in toc], toc
        assert "<script>alert('title')</script>" in page.locator("article h1").inner_text()
        page.goto(base + "shuoming/")
        assert page.title().startswith("说明 A & B 与 R&D")
        tabs = [t.strip() for t in page.locator(".md-tabs__link").all_text_contents()]
        assert "说明 A & B 与 R&D" in tabs, tabs
        toc = [t.strip() for t in page.locator(".md-nav--secondary .md-nav__link").all_text_contents()]
        assert "第二节 & “引号”" in toc, toc


def test_nothing_from_outside_docs_is_published(hostile, hostile_site: Path, hostile_bundle: Path):
    _project, secret = hostile
    leaked = [p for p in hostile_site.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]
    assert leaked == []
    # No original photo either: the camera's serial number travels in the originals' EXIF only.
    assert not [p for p in hostile_site.rglob("*") if p.is_file() and b"SN-123456789" in p.read_bytes()]
    with zipfile.ZipFile(hostile_bundle) as bundle:
        assert not [name for name in bundle.namelist() if secret.encode() in bundle.read(name)]
        assert not [name for name in bundle.namelist() if name.endswith((".md", ".yml", ".py"))]


@pytest.mark.nginx
def test_server_rules_come_from_aliases_only(hostile, hostile_site: Path, tmp_path: Path):
    project, _secret = hostile
    conf = (project.root / "dist/nginx/redirects.conf").read_text(encoding="utf-8")
    lines = [line for line in conf.splitlines() if line.strip() and not line.startswith("#")]
    assert lines and all(REDIRECT_LINE.fullmatch(line) for line in lines), lines
    assert not re.search(r"\b(alias|root|include|rewrite|proxy_pass)\s", conf) and "/etc" not in conf
    assert any("/dangjian/jiu-wang-zhi/" in line for line in lines)
    csp = (project.root / "dist/nginx/csp.conf").read_text(encoding="utf-8")
    assert content_security_policy() in csp and "sha256-" not in csp
    snippets = tmp_path / "nginx"
    config = write_config(hostile_site, snippets, 8, redirects=[])
    shutil.copy2(project.root / "dist/nginx/redirects.conf", snippets / "township-archive/redirects.conf")
    checked = check_config(config)
    assert checked.returncode == 0, checked.stderr


@pytest.mark.browser
def test_no_injected_script_runs_in_the_offline_bundle(hostile_bundle: Path, tmp_path: Path):
    with zipfile.ZipFile(hostile_bundle) as bundle:
        bundle.extractall(tmp_path)
    (folder,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    csp = content_security_policy(meta=True)
    dialogs: list[str] = []
    with browser_page(bypass_csp=True) as (page, watch):
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for path in _affected_pages(folder):
            if path == "404.html" or path.endswith("jiu-wang-zhi/"):
                continue  # the bundle has no 404 page; the old address is a plain redirect page
            html_file = folder / (path + "index.html")
            if not html_file.exists():  # offline pages outside sections are files: about.md -> about.html
                html_file = folder / (path.rstrip("/") + ".html")
            page.goto(html_file.as_uri())
            page.wait_for_load_state("load")
            assert page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content") == csp
            if path == "dangjian/e-yi-wen-zhang/":
                _read_everything(page, dialogs)
        page.goto((folder / "index.html").as_uri())
        titles = search(page, "测试恶意标题")
        # Another frame posts to the search stand-in, pointing its index at a file of the bundle: ignored.
        page.evaluate("""() => document.querySelector('iframe[title=search]').contentWindow.postMessage(
            {type: 0, data: {config: {archive: {version: '../dangjian/e-yi-wen-zhang/x.js#', shards: 1, chunk: 100}}}}, '*')""")
        again = search(page, "陈铭枢")
    assert dialogs == []
    assert "陈铭枢生平简介" in again
    assert watch.blocked == []
    assert any("<script>alert('title')</script>" in title for title in titles), titles


def test_a_link_out_of_docs_stops_the_build_and_keeps_the_last_site(hostile, hostile_site: Path):
    project, secret = hostile
    before = sorted(p.relative_to(hostile_site).as_posix() for p in hostile_site.rglob("*"))
    link = project.docs / "dangjian/leak.md"
    link.symlink_to(project.root / "secret.txt")
    try:
        result = _build(project, secret, "build", "--no-strict")
    finally:
        link.unlink()
    assert result.returncode != 0 and "Traceback" not in result.output
    assert "docs/dangjian/leak.md" in result.output and "符号链接" in result.output
    assert sorted(p.relative_to(hostile_site).as_posix() for p in hostile_site.rglob("*")) == before
