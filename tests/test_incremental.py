"""Incremental builds never publish a stale page: after each edit staff make, `township-archive build`
(which keeps the pages whose inputs did not change) writes exactly the site a clean build writes."""

from __future__ import annotations

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
    "articles": [edit_title, edit_tags, edit_date, new_articles, move_section, change_slug],
    "files": [delete_article, change_image, credit_image, edit_villages, edit_template],
}


@pytest.mark.parametrize("series", EDITS)
def test_every_edit_builds_what_a_clean_build_builds(project: Project, series: str):
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
        if edit is edit_template:
            assert kept == 0, result.output  # a template change redraws every page
        else:
            assert kept > 0, f"{edit.__name__} rebuilt every page: {result.output}"
        if edit in (credit_image, edit_villages):  # no page's search document changed: the last index is linked
            assert "搜索索引：没有变化" in result.output, result.output
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
