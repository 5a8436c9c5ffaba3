"""Incremental builds never publish a stale page: after each edit staff make, `township-archive build`
(which keeps the pages whose inputs did not change) writes exactly the site a clean build writes."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import Project, _in_process, article
from township_archive.samples import photo_like

pytestmark = pytest.mark.slow

REVIEWERS = (("初审", "甲编辑"), ("复审", "乙审核"), ("终审", "丙总编"))


def clean_build(project: Project, target: Path) -> None:
    """The reference: the engine's ordinary build into an empty folder, nothing kept."""
    from township_archive.cli import _engine_env, _environment
    from township_archive.mkdocs.engine import build_site

    shutil.rmtree(target, ignore_errors=True)
    with _in_process(project.root), _environment(_engine_env()):
        assert build_site(project.root / "mkdocs.yml", target, dated_by_content=True).ok


def differences(built: Path, reference: Path) -> list[str]:
    def tree(root: Path) -> dict[str, Path]:
        return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*"))}

    mine, theirs = tree(built), tree(reference)
    found = [f"only in the incremental build: {p}" for p in sorted(mine.keys() - theirs.keys())]
    found += [f"missing from the incremental build: {p}" for p in sorted(theirs.keys() - mine.keys())]
    found += [
        f"differs: {p}" for p in sorted(mine.keys() & theirs.keys())
        if mine[p].is_file() and mine[p].read_bytes() != theirs[p].read_bytes()
    ]
    return found


def rendered(output: str) -> tuple[int, int]:
    """(pages rendered, pages kept) as the build reports them."""
    match = re.search(r"增量构建：(\d+) 个页面重新生成，(\d+) 个没有变化", output)
    assert match, output
    return int(match[1]), int(match[2])


def review(project: Project, *files: str) -> None:
    """Published articles pass 三审 again after every change, as staff would."""
    for file in files:
        for level, name in REVIEWERS:
            result = project.cli_in_process("review", f"docs/{file}", "--level", level, "--by", name)
            if "不需要再审核" in result.output:
                break  # the change is not one 三审 covers (the date)
            assert result.returncode == 0, result.output


def set_field(project: Project, file: str, field: str, value: str) -> None:
    path = project.docs / file
    text, count = re.subn(rf"(?m)^{field}:.*(\n- .*)*$", f"{field}: {value}", path.read_text(encoding="utf-8"), count=1)
    assert count == 1, (file, field)
    path.write_text(text, encoding="utf-8")


def edit_title(project: Project) -> None:
    set_field(project, "dangjian/zhian-xunluo.md", "title", "治安巡逻队守护村民平安（修订）")
    review(project, "dangjian/zhian-xunluo.md")


def edit_tags(project: Project) -> None:
    # A tag no article had: a new tag page, the tag index and the article's related articles change.
    set_field(project, "kejia-wenhua/kejia-xinsu.md", "tags", "[客家文化, 乡村新风]")
    review(project, "kejia-wenhua/kejia-xinsu.md")


def edit_date(project: Project) -> None:
    set_field(project, "jiafeng-jiaxun/jiafeng-gushi.md", "date", "2021-03-15 09:00")
    review(project, "jiafeng-jiaxun/jiafeng-gushi.md")


def new_articles(project: Project) -> None:
    # Two new articles, the first linking to the second.
    project.write("dangjian/xin-wenzhang.md", article("新来的文章", "xin-wenzhang", date="2025-06-01 08:00",
                                                       body="见[另一篇](ling-yi-pian.md)。\n"))
    project.write("dangjian/ling-yi-pian.md", article("另一篇文章", "ling-yi-pian", date="2025-06-02 08:00"))


def move_section(project: Project) -> None:
    # The article linked to above moves to another section: its address changes, so does the link to it.
    (project.docs / "dangjian/ling-yi-pian.md").rename(project.docs / "kejia-wenhua/ling-yi-pian.md")
    path = project.docs / "dangjian/xin-wenzhang.md"
    path.write_text(path.read_text(encoding="utf-8").replace("](ling-yi-pian.md)", "](../kejia-wenhua/ling-yi-pian.md)"), encoding="utf-8")
    review(project, "dangjian/xin-wenzhang.md")


def change_slug(project: Project) -> None:
    # The linked article's address changes, the linking article's file does not: its page must follow.
    set_field(project, "kejia-wenhua/ling-yi-pian.md", "slug", "geng-ming-hou")
    review(project, "kejia-wenhua/ling-yi-pian.md")


def links_a_scanner_of_lines_misses(project: Project) -> None:
    # A shortcut reference, a link broken over two lines and a footnote written without spaces, as Chinese is.
    path = project.docs / "kejia-wenhua/kejia-xinsu.md"
    path.write_text(path.read_text(encoding="utf-8") + (
        "\n另见[新来的文章]。\n\n[新来的文章]: ../dangjian/xin-wenzhang.md\n"
        "\n参看[新来\n的文章](../dangjian/xin-wenzhang.md)。\n"
        "\n详见注释[^1]。\n\n[^1]: 参见[新来的文章](../dangjian/xin-wenzhang.md)。\n"
    ), encoding="utf-8")
    review(project, "kejia-wenhua/kejia-xinsu.md")


def rename_what_they_link_to(project: Project) -> None:
    # The linking article's file does not change; its three links must follow the new address.
    set_field(project, "dangjian/xin-wenzhang.md", "slug", "xin-wenzhang-gaiming")
    review(project, "dangjian/xin-wenzhang.md")


def retitle_about(project: Project) -> None:
    # 关于 names itself in the navigation: every page's tabs show its title.
    path = project.docs / "about.md"
    path.write_text(re.sub(r"(?m)^title: .*$", "title: 关于本站（新）", path.read_text(encoding="utf-8"), count=1), encoding="utf-8")


def describe_from_environment(project: Project) -> None:
    # mkdocs.yml takes a value from the environment: the file's bytes stay the same when the value changes.
    config = project.root / "mkdocs.yml"
    config.write_text(re.sub(r"(?m)^site_description: .*$", "site_description: !ENV [TA_TEST_DESCRIPTION, 原来的描述]",
                             config.read_text(encoding="utf-8"), count=1), encoding="utf-8")


def change_the_environment(project: Project) -> None:
    os.environ["TA_TEST_DESCRIPTION"] = "环境变量给的新描述"


def tamper_with_the_search_index(project: Project) -> None:
    # Someone edits a file of the published index: the next build must not keep it.
    shard = next((project.root / "site/search").glob("*/d/0.js"))
    shard.write_text(shard.read_text(encoding="utf-8") + "\n// changed by hand\n", encoding="utf-8")


def delete_article(project: Project) -> None:
    (project.docs / "jiafeng-jiaxun/wojia-woyuan-wocun.md").unlink()


def change_image(project: Project) -> None:
    photo_like(1600, 1000, seed=99).save(project.docs / "dangjian/chanye-fazhan/cover.jpg", quality=85)
    review(project, "dangjian/chanye-fazhan.md")  # the 三审 covers the pictures too


def credit_image(project: Project) -> None:
    project.write("kejia-wenhua/lizhi-chanyedai/cover.jpg.yml", "author: 新摄影者\n")
    review(project, "kejia-wenhua/lizhi-chanyedai.md")


def edit_villages(project: Project) -> None:
    villages = project.root / "villages.yml"
    villages.write_text(villages.read_text(encoding="utf-8").replace("客家老屋老巷", "客家老屋和石板老巷"), encoding="utf-8")


def edit_template(project: Project) -> None:
    main = project.root / "overrides/main.html"
    main.write_text(main.read_text(encoding="utf-8") + "\n{#- changed -#}\n", encoding="utf-8")


# Two series (the test workers run them side by side); each edit is checked against a clean build.
EDITS = {
    "articles": [edit_title, edit_tags, edit_date, new_articles, move_section, change_slug, links_a_scanner_of_lines_misses,
                 rename_what_they_link_to],
    "files": [delete_article, change_image, credit_image, edit_villages, retitle_about, describe_from_environment,
              change_the_environment, tamper_with_the_search_index, edit_template],
}


@pytest.mark.parametrize("series", EDITS)
def test_every_edit_builds_what_a_clean_build_builds(project: Project, series: str, monkeypatch):
    monkeypatch.delenv("TA_TEST_DESCRIPTION", raising=False)  # change_the_environment sets it; monkeypatch restores
    first = project.cli_in_process("build")
    assert first.returncode == 0, first.output
    again = project.cli_in_process("build")
    changed, kept = rendered(again.output)
    # Nothing changed: only the pages that print the whole archive (home, free pages) are drawn again.
    assert changed < 10 < kept, again.output
    for edit in EDITS[series]:
        edit(project)
        result = project.cli_in_process("build")
        assert result.returncode == 0, f"{edit.__name__}: {result.output}"
        changed, kept = rendered(result.output)
        if edit in (edit_template, retitle_about, describe_from_environment, change_the_environment):
            assert kept == 0, result.output  # what every page prints changed: every page is drawn again
        else:
            assert kept > 0, f"{edit.__name__} rebuilt every page: {result.output}"
        if edit in (credit_image, edit_villages):  # no page's search document changed: the last index is linked
            assert "搜索索引：没有变化" in result.output, result.output
        if edit is tamper_with_the_search_index:
            assert "搜索索引：没有变化" not in result.output, result.output
        clean_build(project, project.root / "clean")
        assert differences(project.root / "site", project.root / "clean") == [], edit.__name__


def test_a_failed_build_leaves_the_last_site_and_the_next_build_keeps_from_it(project: Project):
    assert project.cli_in_process("build").returncode == 0
    page = project.root / "site/dangjian/zhian-xunluo/index.html"
    before = page.read_bytes()
    # An edit without its 三审: the build stops, site/ (whose files the new build linked) is untouched.
    set_field(project, "dangjian/zhian-xunluo.md", "title", "未经审核的标题")
    assert project.cli_in_process("build").returncode == 1
    assert page.read_bytes() == before
    review(project, "dangjian/zhian-xunluo.md")
    result = project.cli_in_process("build")
    assert result.returncode == 0 and rendered(result.output)[1] > 0, result.output
    assert "未经审核的标题" in page.read_text(encoding="utf-8")
    clean_build(project, project.root / "clean")
    assert differences(project.root / "site", project.root / "clean") == []


def test_a_link_to_a_heading_that_went_away_stops_the_next_build_too(project: Project):
    """With `validation: anchors: warn`, MkDocs warns about a link to a missing heading after all pages are read."""
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nvalidation:\n  anchors: warn\n", encoding="utf-8")
    path = project.docs / "kejia-wenhua/kejia-xinsu.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n项目见[这里](../dangjian/chanye-fazhan.md#lin-ye-he-guo-ye-bing-jin)。\n",
                    encoding="utf-8")
    review(project, "kejia-wenhua/kejia-xinsu.md")
    assert project.cli_in_process("build").returncode == 0
    target = project.docs / "dangjian/chanye-fazhan.md"
    target.write_text(target.read_text(encoding="utf-8").replace("## 林业和果业并进", "## 林业果业齐头并进"), encoding="utf-8")
    review(project, "dangjian/chanye-fazhan.md")
    first = project.cli_in_process("build")
    assert first.returncode == 1 and "lin-ye-he-guo-ye-bing-jin" in first.output, first.output
    # Shown once with --no-strict, the warning still stops the next strict build, which keeps the page.
    assert project.cli_in_process("build", "--no-strict").returncode == 0
    again = project.cli_in_process("build")
    assert again.returncode == 1 and "lin-ye-he-guo-ye-bing-jin" in again.output, again.output


def test_a_warning_of_a_kept_page_still_stops_a_strict_build(project: Project):
    """`build` is strict: a page whose warning was shown once must not pass the next build because it was kept."""
    project.write("dangjian/kuan-lian.md", article("坏链接", "kuan-lian", body="见[不存在的文章](bu-cunzai.md)。\n"))
    first = project.cli_in_process("build", "--no-strict")
    assert first.returncode == 0 and "bu-cunzai.md" in first.output, first.output
    second = project.cli_in_process("build")
    assert second.returncode == 1 and "bu-cunzai.md" in second.output, second.output


PREVIEW_URL = "http://127.0.0.1:8000/"


def preview_build(project: Project, site: Path, *, incremental: bool = True) -> str:
    """One build of the preview as `township-archive serve` makes it after a save (in place, with drafts);
    `incremental=False`: the reference, every page drawn into an empty folder. Returns the build's log."""
    import io

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from township_archive.cli import _engine_env, _environment
    from township_archive.mkdocs.engine import chinese_log

    if not incremental:
        shutil.rmtree(site, ignore_errors=True)
    log = io.StringIO()
    with _in_process(project.root), _environment(_engine_env()), chinese_log(log):
        config = load_config(str(project.root / "mkdocs.yml"), site_dir=str(site))
        config.plugins.on_startup(command="serve", dirty=incremental)
        config.site_url = PREVIEW_URL
        build(config, serve_url=PREVIEW_URL, dirty=incremental)
        plugin = next(p for p in config.plugins.values() if hasattr(p, "preview_search"))
        plugin.preview_search.wait()  # the preview writes its search index after the pages
    return log.getvalue()


PREVIEW_EDITS = [
    edit_title,
    lambda project: project.write("dangjian/xin-caogao.md", article("新草稿", "xin-caogao", status="draft")),
    lambda project: project.write("dangjian/xin-caogao.md", article("新草稿改了标题", "xin-caogao", status="draft")),
    edit_villages,
    lambda project: (project.docs / "dangjian/xin-caogao.md").unlink(),
]


def test_the_preview_redraws_in_place_what_changed_and_nothing_stale(project: Project):
    site, reference = project.root / "preview", project.root / "reference"
    preview_build(project, site)
    changed, kept = rendered(preview_build(project, site))
    assert changed < 10 < kept
    for number, edit in enumerate(PREVIEW_EDITS):
        edit(project)
        log = preview_build(project, site)
        assert rendered(log)[1] > 0 or number in (1, 4), log  # a new or deleted draft changes every page's 草稿箱 count
        preview_build(project, reference, incremental=False)
        # The preview keeps its index before the last for a page reloaded while the newest was written.
        found = [d for d in differences(site, reference) if not re.fullmatch(r"only in the incremental build: search/\w+(/.*)?", d)]
        assert found == [], number
