"""The preview (`make serve`): its 草稿箱 in the plan, in-process; and one run of the real `mkdocs
serve` that opens the 草稿箱 and a draft, then edits villages.yml and sees the page follow."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import BIN, ROOT, Project, article, plan_settings, small_project, write_doc
from jinja2 import Environment, FileSystemLoader, pass_context
from township_archive.mkdocs.templating import install
from township_archive.plan import DRAFTS_URL, NavEntry, PageKind, prepare, watched_paths
from township_archive.settings import Settings
from township_archive.templating import SiteView

HOSTILE_TITLE = '<script>alert(1)</script> "引号" & 尖括号'


def settings_for(root: Path) -> Settings:
    return plan_settings(root, media_enabled=False)  # the 草稿箱 needs no picture processed


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory) -> Path:
    """A week in the township's newsroom: one article out, others waiting for review or still being written."""
    root = tmp_path_factory.mktemp("preview")
    write_doc(root, "index.md", "---\ntitle: 首页\ntemplate: home.html\n---\n")
    write_doc(root, "dangjian/index.md", "---\ntitle: 党建成果\n---\n")
    write_doc(root, "kejia/index.md", "---\ntitle: 客家文化\n---\n")
    write_doc(root, "dangjian/wangge.md", article("网格员走村入户记", "wangge-ji", date="2025-03-02"))
    write_doc(root, "dangjian/zhian.md", article("村级治安亭建成投用", "zhian-ting", status="draft", date="2025-03-10",
                                               extra="summary: " + "治安亭建在村口，" * 30))
    write_doc(root, "dangjian/dangke.md", article("党员冬训第一课", "dangke", status="review", date="2025-01-08",
                                                extra="reviews: [{level: 初审, by: 李审核, date: 2025-01-09}]"))
    # Imported yesterday: no editor yet, a picture not yet copied in, its alt text still the importer's placeholder.
    write_doc(root, "dangjian/lizhi.md", article("荔枝园里的党员示范岗", "lizhi-shifan", status="draft", date="2025-06-20",
                                               body="党员示范岗设在荔枝园。\n\n![（请填写图片说明）](lizhi/yuan.jpg)\n").replace("editor: 测试编辑\n", ""))
    write_doc(root, "kejia/shange.md", article(f"'{HOSTILE_TITLE}'", "shan-ge", status="draft", date="2025-02-01"))
    write_doc(root, "jihua.md", "---\ntitle: 筹备中的专题\nstatus: draft\n---\n")
    return root


def test_the_draftbox_exists_only_in_the_preview(newsroom: Path):
    settings = settings_for(newsroom)
    built, _ = prepare(settings)  # `mkdocs build`, `township-archive build`, the offline copy, `check`
    assert built.drafts_page is None
    assert all(entry.source != "drafts/index.md" for entry in built.nav)
    assert built.kind("drafts/index.md") is PageKind.PAGE

    preview, _ = prepare(settings, include_drafts=True)  # `mkdocs serve`
    page = preview.drafts_page
    assert (page.title, page.url, page.source) == ("草稿箱", DRAFTS_URL, "drafts/index.md")
    assert preview.nav[-1] == NavEntry("drafts/index.md", "草稿箱")
    assert preview.kind(page.source) is PageKind.DRAFTS
    assert preview.page_facts(page.source).template == "drafts.html"
    assert preview.search_document(page.source, "草稿箱", "<p>x</p>") is None
    # The preview rebuilds on what the plan reads, villages.yml too.
    assert watched_paths(settings) == (newsroom / "docs", newsroom / "mkdocs.yml", newsroom / "villages.yml")


def test_the_draftbox_lists_drafts_and_pending_articles_section_by_section(newsroom: Path):
    plan, _ = prepare(settings_for(newsroom), include_drafts=True)
    listed = [(e.article.section.id, e.article.status.label, e.article.title) for e in plan.drafts_page.entries]
    assert listed == [
        ("dangjian", "待审", "党员冬训第一课"),  # a reviewer is waiting: first, though older
        ("dangjian", "草稿", "荔枝园里的党员示范岗"),  # then drafts, newest first
        ("dangjian", "草稿", "村级治安亭建成投用"),
        ("kejia", "草稿", HOSTILE_TITLE),
    ]  # the published article and the unpublished page are not articles to work on
    first, second = plan.drafts_page.entries[:2]
    assert first.file == "docs/dangjian/dangke.md"
    # Who reviewed which version and what comes next, as `check` says it.
    assert first.review_progress.startswith("初审：李审核（2025-01-09，") and first.review_progress.endswith("下一步：复审")
    assert second.review_progress.startswith("尚未审核")


def test_each_draft_shows_what_blocks_publishing_it(newsroom: Path):
    plan, problems = prepare(settings_for(newsroom), include_drafts=True)
    by_title = {entry.article.title: entry for entry in plan.drafts_page.entries}
    imported = by_title["荔枝园里的党员示范岗"].problems
    # The readiness rules' 发布前需处理, as `check` shows them, in line order.
    assert [(p.code, p.severity.label) for p in imported] == [
        ("missing-field", "发布前需处理"), ("image-missing", "发布前需处理"), ("placeholder-alt", "发布前需处理"),
    ]
    assert "责任编辑" in imported[0].message and imported[1].line == imported[2].line > imported[0].line
    assert all(p in plan.archive.pending for p in imported)
    # A warning of the build, on the file it was found in and no other.
    long_summary = [p for p in by_title["村级治安亭建成投用"].problems if p.code == "long-summary"]
    assert long_summary and long_summary[0] in problems and long_summary[0].line > 0
    assert not [p for p in imported if p.code == "long-summary"]


def test_unpublished_pages_are_marked_with_their_status(newsroom: Path):
    plan, _ = prepare(settings_for(newsroom), include_drafts=True)
    assert plan.draft_label("dangjian/zhian.md") == "草稿"
    assert plan.draft_label("dangjian/dangke.md") == "待审"
    assert plan.draft_label("jihua.md") == "草稿"
    assert plan.draft_label("dangjian/wangge.md") is None
    assert plan.draft_label("index.md") is None


def test_draft_titles_are_printed_as_text(newsroom: Path):
    plan, _ = prepare(settings_for(newsroom), include_drafts=True)
    env = Environment(loader=FileSystemLoader(ROOT / "overrides"))
    env.filters["url"] = pass_context(lambda context, value: value)  # stands in for MkDocs' filter
    install(env, SiteView.from_plan(plan))  # the environment the adapter gives every template
    html = env.get_template("partials/archive/drafts.html").render(drafts=plan.drafts_page)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &#34;引号&#34; &amp; 尖括号" in html
    assert '<a href="kejia/shan-ge/">' in html and "docs/kejia/shange.md" in html


def test_the_draftbox_address_is_reserved(tmp_path: Path):
    write_doc(tmp_path, "index.md", "---\ntitle: 首页\n---\n")
    write_doc(tmp_path, "drafts.md", "---\ntitle: 我的草稿\n---\n")
    write_doc(tmp_path, "drafts/index.md", "---\ntitle: 草稿箱说明\n---\n")  # unlike villages/index.md, no introduction either
    _, problems = prepare(settings_for(tmp_path))
    assert sorted(p.path for p in problems if p.code == "reserved-place") == ["docs/drafts.md", "docs/drafts/index.md"]


def test_new_names_the_draftbox(tmp_path: Path, monkeypatch, capsys):
    from township_archive import cli

    config = small_project(tmp_path / "project", {"dangjian/index.md": "---\ntitle: 党建成果\n---\n"})
    monkeypatch.chdir(config.parent)
    monkeypatch.setenv("COLUMNS", "200")
    assert cli.main(["new", "曲樟乡开展防溺水安全教育", "--section", "党建成果", "--today", "2025-06-02 09:00"]) == 0
    assert f"草稿箱：http://127.0.0.1:8000/{DRAFTS_URL}" in capsys.readouterr().out


# -- the real preview ----------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def _wait_for(url: str, seen, timeout: float, log: Path) -> str:
    """The page at `url` once `seen(page)` holds (the preview rebuilds in the background)."""
    deadline = time.monotonic() + timeout
    page = ""
    while time.monotonic() < deadline:
        try:
            page = _get(url)
            if seen(page):
                return page
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} did not show the change in {timeout} s; server log:\n{log.read_text(encoding='utf-8')}")


@pytest.mark.slow
def test_preview_shows_the_draftbox_chinese_banner_and_follows_villages_yml(project: Project, sample_site: Path, tmp_path: Path):
    project.write("kejia-wenhua/jian-kuo-hao.md", article(f"'{HOSTILE_TITLE}'", "jian-kuo-hao", status="draft"))
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    log = tmp_path / "serve.log"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true", NO_COLOR="1")
    with log.open("w", encoding="utf-8") as output:
        # What `make serve` runs: after each save only the pages whose inputs changed are drawn again.
        server = subprocess.Popen([str(BIN / "township-archive"), "serve", "--port", str(port)],
                                  cwd=project.root, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        drafts = _wait_for(f"{base}drafts/", lambda page: "草稿箱" in page, 120, log)
        assert f"草稿箱：{base}drafts/" in log.read_text(encoding="utf-8")
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &#34;引号&#34; &amp; 尖括号" in drafts
        assert "<script>alert(1)" not in drafts
        assert re.search(r'<a href="\.\./kejia-wenhua/jian-kuo-hao/">', drafts)
        assert "村级治安亭建设情况（草稿）" in drafts and "客家山歌小记（审核中）" in drafts  # the sample's own

        draft = _get(f"{base}kejia-wenhua/jian-kuo-hao/")
        assert "草稿：本文尚未发布，只在本地预览中可见。" in draft
        assert "DRAFT" not in draft and "mkdocs-draft-marker" not in draft
        assert 'href="../../drafts/"' in draft  # the preview links its 草稿箱 from every page
        assert "待审：本文尚未发布，只在本地预览中可见。" in _get(f"{base}kejia-wenhua/shenhe-shili/")

        villages = project.root / "villages.yml"
        text = villages.read_text(encoding="utf-8")
        description = re.search(r"description: (.+)", text).group(1)
        villages.write_text(text.replace(description, "（示例）村史馆今年重新布展。", 1), encoding="utf-8")
        village = _wait_for(f"{base}villages/shi-li-cun-jia/", lambda page: "村史馆今年重新布展" in page, 60, log)
        assert description not in village

        # The draft's new title reaches its page, the 草稿箱 and its section's other pages' links.
        project.write("kejia-wenhua/jian-kuo-hao.md", article("改过的草稿标题", "jian-kuo-hao", status="draft"))
        _wait_for(f"{base}kejia-wenhua/jian-kuo-hao/", lambda page: "改过的草稿标题" in page, 60, log)
        assert "改过的草稿标题" in _get(f"{base}drafts/")
        assert "增量构建" in log.read_text(encoding="utf-8")
    finally:
        server.send_signal(signal.SIGINT)  # as Ctrl+C: MkDocs removes its temporary site folder
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    # A normal build has no 草稿箱 and no link to one.
    assert not (sample_site / "drafts").exists()
    assert "drafts/" not in (sample_site / "index.html").read_text(encoding="utf-8")
