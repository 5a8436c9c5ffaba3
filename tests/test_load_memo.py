"""Reading docs/ again in the same process (`make serve` after each save) reuses the per-file work of the
last reading (`content.loader.LoadMemo`) and gives exactly what a first reading gives: the same articles,
the same problems with the same lines and texts, the same plan. An archive with many kinds of problems is
read cold, then after each edit both warm (with the memo) and cold (without), and the two are compared.

Most edits change other files than the one whose outcome changes: a cover that appears, a picture that
changes under a reviewed article, a second article with the same slug, a folder at an old address."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from conftest import article, remark_fixtures, write_doc
from conftest import plan_settings as settings_for
from PIL import Image
from township_archive.content.loader import LoadMemo, load_archive
from township_archive.content.model import Section
from township_archive.plan import prepare
from township_archive.settings import Settings

LONG_SLUG = "zhe-shi-yi-ge-fei-chang-fei-chang-chang-de-wang-zhi-ming-zi-yao-gai-duan"


def zoo(root: Path) -> None:
    """An archive whose files show most kinds of problems the loader, the schema, the readiness check and
    the body scan report (errors, warnings, notes and 发布前需处理), beside valid articles."""
    files: dict[str, str | bytes] = {
        "index.md": "---\ntitle: 首页\ntemplate: home.html\n---\n",
        "about.md": "---\ntitle: 关于\nstatus: draft\n---\n正文。\n",
        "bad-page.md": "---\ntitle: 页面\ncolour: red\ntemplate: nope.html\nhide: toc\n---\n",
        "weird-page.md": "---\ntitle: [1, 2]\nstatus: 完成\n---\n",
        "feed.xml": "<rss/>\n",
        "assets/x.md": "---\ntitle: 冒充\n---\n",
        "dangjian/index.md": "---\ntitle: 党建成果\n---\n",
        "dangjian/ok.md": article("网格化治理", "wangge-zhili", extra="aliases: [old-wangge]\nvillages: [双庄村]",
                                  body="网格员走村入户。\n\n![网格员在村委会](ok/photo.jpg)\n"),
        "dangjian/dup-a.md": article("重复一", "chong-fu"),
        "dangjian/dup-b.md": article("重复二", "chong-fu"),
        "dangjian/no-title.md": article().replace("title: 测试文章\n", ""),
        "dangjian/typo.md": article(slug="typo").replace("authors:", "autors:"),
        "dangjian/tags-map.md": article(slug="tags-map").replace("tags: [测试]", "tags: {a: 1}"),
        "dangjian/section.md": article(slug="section-x", extra="section: 不存在的栏目"),
        "dangjian/mismatch.md": article(slug="mismatch", extra="section: kejia"),
        "buzai/outside.md": article(slug="outside"),
        "dangjian/bad-date.md": article(slug="bad-date", date="2024-13-45"),
        "dangjian/zone.md": article(slug="zone", date="2024-05-01T08:00:00Z"),
        "dangjian/far.md": article(slug="far", date="2200-01-01"),
        "dangjian/updated.md": article(slug="updated", extra="updated: 2020-01-01"),
        "dangjian/cover.md": article(slug="cover", extra="cover: cover/cover.jpg"),
        "dangjian/gbk.md": article(title="编码测试", slug="gbk").encode("gbk"),
        "dangjian/yaml.md": article(slug="yaml").replace("tags: [测试]", "tags: [测试"),
        "dangjian/colon.md": article(slug="colon").replace("editor: 测试编辑", "editor：测试编辑"),
        "dangjian/anchor.md": article(slug="anchor", extra="summary: &a 摘要"),
        "dangjian/tag.md": article(slug="tag", extra="summary: !!binary abc"),
        "dangjian/twice.md": article(slug="twice", extra="editor: 又一个"),
        "dangjian/no-slug.md": article(slug=None),
        "dangjian/no-fm.md": "# 只有正文\n\n没有头信息。\n",
        "dangjian/status.md": article(slug="status", status="发布"),
        "dangjian/no-editor.md": article(slug="no-editor").replace("editor: 测试编辑\n", ""),
        "dangjian/bad-slug.md": article(slug="Bad_Slug"),
        "dangjian/alias.md": article(slug="alias", extra="aliases: [wangge-zhili, kejia/shange-old, kejia/shan-ge, dangjian]"),
        "dangjian/alias-bad.md": article(slug="alias-bad", extra="aliases: ['/x/', nope/x]"),
        "dangjian/alias-folder.md": article(slug="alias-folder", extra="aliases: [will-be-folder]"),
        "dangjian/control.md": article(slug="control", body="正文\x07里有控制字符。\n"),
        "dangjian/control-draft.md": article(title="草稿\x07标题", slug="control-draft", status="draft"),
        "dangjian/punct.md": article(title="！！！", slug=None, status="draft"),
        "dangjian/long.md": article("一篇网址很长的草稿", LONG_SLUG, status="draft"),
        "dangjian/placeholder.md": article(
            "请填写标题", "placeholder", status="review", extra="villages: 请填写村名",
            body="请填写正文。\n\n2024年5月1日 来源：曲樟乡人民政府 作者：张三\n\n（责任编辑：王编辑）\n",
        ),
        "dangjian/images.md": article("图片", "images", status="draft", body=(
            "![](https://example.com/a.jpg)\n\n![出界](../../x.jpg)\n\n![不在](images/none.jpg)\n\n"
            "![](images/a.jpg)\n\n![（请填写替代文字）](images/a.jpg)\n\n![参考][p]\n\n[p]: images/ref.jpg\n\n"
            '<img src="images/html.jpg" alt="">\n\n```\n![代码里](images/code.jpg)\n```\n\n'
            "`![行内代码](images/span.jpg)` 和 [链接](ok.md)\n"
        )),
        "dangjian/empty.md": article(slug="empty", status="draft", body=""),
        "dangjian/lists.md": article(slug="lists", status="draft", extra="villages: ［双庄村，曲樟村］")
        .replace("tags: [测试]", "tags: [甲、乙, 丙]").replace("authors: [测试作者]", "authors: 张三、李四"),
        "dangjian/summary.md": article(slug="summary", extra="summary: " + "长" * 230),
        "dangjian/rights.md": article(slug="rights", extra="rights: {holder: 报社, colour: red, license_url: 'javascript:x', original_url: 2}"),
        "dangjian/reviews.md": article(slug="reviews", status="published",
                                       extra="reviews: [{level: 初审, by: 张三, date: 2024-05-01}, 5, {level: 复审, by: '张\u200d三', date: 1}]"),
        "dangjian/historical.md": article(slug="historical", status="published", extra="reviews: 历史稿件"),
        "dangjian/unreviewed.md": article(slug="unreviewed", status="published", extra="reviews: []"),
        "dangjian/changed.md": article(slug="changed", body="正文。\n\n![照片](changed/photo.jpg)\n"),
        "kejia/shange.md": article("客家山歌进校园", "shan-ge", date="2023-11-20"),
        "kejia/widget.js": "alert(1)\n",
        "kejia/review.md": article("待审的稿子", "dai-shen", status="review", body="正文里有 请填写 的地方。\n"),
    }
    for relative, content in files.items():
        write_doc(root, relative, content)
    for picture in ("ok/photo.jpg", "changed/photo.jpg", "images/a.jpg"):
        (root / "docs/dangjian" / picture).parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (64, 48), (120, 80, 40)).save(root / "docs/dangjian" / picture)
    (root / "docs/dangjian/ok/photo.jpg.yml").write_text("author: 李摄影\n", encoding="utf-8")
    remark_fixtures(root / "docs")


def outcome(settings: Settings, memo: LoadMemo | None = None) -> dict:
    """What a user sees of one reading: the plan's facts, the problems and what drafts still need, as values."""
    plan, problems = prepare(settings, include_drafts=True, memo=memo)
    archive = plan.archive
    return {
        "problems": [problem.as_text() for problem in problems],
        "pending": [problem.as_text() for problem in archive.pending],
        "articles": [dataclasses.asdict(article) for article in archive.articles],
        "pages": (sorted(archive.unpublished_pages), archive.active_files, archive.page_urls),
        "plan": (dict(plan.generated), plan.redirects, plan.nav, plan.draft_folders, plan.drafts_page, plan.listings),
    }


def settings_of(root: Path) -> Settings:
    """The test settings without pictures; made once per archive (`plan_settings` marks the fixtures again
    for their pictures, which would hide a picture's change from the 三审 gate)."""
    return settings_for(root, media_enabled=False)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def _picture(path: Path, colour: tuple[int, int, int]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (64, 48), colour).save(path)


# Each edit as staff (or a command) would make it while the preview runs.
EDITS = {
    "a draft's body": lambda docs: _replace(docs / "kejia/review.md", "正文里有 请填写 的地方。", "正文写好了。"),
    "a missing cover appears": lambda docs: _picture(docs / "dangjian/cover/cover.jpg", (1, 2, 3)),
    "a reviewed article's picture changes": lambda docs: _picture(docs / "dangjian/changed/photo.jpg", (9, 9, 9)),
    "a picture's credits change": lambda docs: (docs / "dangjian/ok/photo.jpg.yml").write_text("author: 王摄影\n", encoding="utf-8"),
    "one of two articles with a slug goes": lambda docs: (docs / "dangjian/dup-b.md").unlink(),
    "a new article takes a draft's suggested slug": lambda docs: write_doc(docs.parent, "kejia/new.md", article("新", "yi-pian-wang-zhi-hen-zhang-de-cao-gao")),
    "a folder appears at an old address": lambda docs: (docs / "dangjian/will-be-folder").mkdir(),
    "an article moves to another section": lambda docs: shutil.move(docs / "dangjian/summary.md", docs / "kejia/summary.md"),
    "a broken file is fixed": lambda docs: _replace(docs / "dangjian/yaml.md", "tags: [测试", "tags: [测试]"),
    "a page is published": lambda docs: _replace(docs / "about.md", "status: draft", "status: published"),
    "an article breaks": lambda docs: _replace(docs / "kejia/shange.md", "editor: 测试编辑", "editor: [测试编辑"),
}


@pytest.fixture(scope="module")
def zoo_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("zoo")
    zoo(root)
    return root


def test_the_zoo_shows_many_kinds_of_problems(zoo_root: Path):
    """Guards the test below: an archive without these would prove little."""
    found = outcome(settings_of(zoo_root))
    codes = {text.split("[", 1)[1].split("]", 1)[0] for text in found["problems"] + found["pending"]}
    assert len(codes) >= 40, sorted(codes)


def test_a_second_reading_with_the_memo_equals_a_first_reading_after_every_edit(zoo_root: Path, tmp_path: Path):
    root = tmp_path / "archive"
    shutil.copytree(zoo_root, root)
    settings = settings_of(root)
    memo = LoadMemo()
    first = outcome(settings, memo)
    assert outcome(settings) == first  # nothing changed: the memo gives what it was given
    assert outcome(settings, memo) == first
    for name, edit in EDITS.items():
        edit(root / "docs")
        warm, cold = outcome(settings, memo), outcome(settings)
        assert warm == cold, name
        assert warm != first, f"{name}: the edit changed nothing a reader sees"
        first = warm
    # mkdocs.yml changed: the same files say other things.
    renamed = dataclasses.replace(settings, sections=(Section("dangjian", "基层党建"), Section("kejia", "客家文化")))
    assert outcome(renamed, memo) == outcome(renamed) != first
    sourced = dataclasses.replace(settings, identity=dataclasses.replace(settings.identity, default_source="曲樟乡融媒体中心"))
    assert outcome(sourced, memo) == outcome(sourced) != first


def test_the_memo_reuses_the_unchanged_files_and_forgets_the_gone(zoo_root: Path, tmp_path: Path):
    """What makes the second reading fast: unchanged files are not parsed again; files that are gone
    are not kept (the memo holds one reading's worth of files)."""
    root = tmp_path / "archive"
    shutil.copytree(zoo_root, root)
    settings = settings_of(root)
    memo = LoadMemo()
    load_archive(settings.docs_dir, list(settings.sections), "本站", root, memo=memo)
    size = len(memo)
    assert memo.reused == 0
    EDITS["a draft's body"](root / "docs")
    (root / "docs/dangjian/dup-b.md").unlink()
    load_archive(settings.docs_dir, list(settings.sections), "本站", root, memo=memo)
    assert memo.reused == size - 2
    assert len(memo) == size - 1
