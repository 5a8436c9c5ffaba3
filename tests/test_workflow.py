"""The path of a new article as staff take it, end to end in subprocesses: new → check → 三审 → publish → build."""

from __future__ import annotations

import pytest
from conftest import Project

pytestmark = pytest.mark.slow

BODY = (
    "3月18日，曲樟乡在乡党委会议室召开网格员业务培训会，全乡 80 个网格的网格员参加（示例）。\n\n"
    "## 培训内容\n\n培训围绕网格信息上报和及时签收展开，乡综治中心工作人员逐项讲解操作流程。\n"
)


def test_new_check_review_three_times_publish_build(project: Project):
    before = set(project.docs.glob("dangjian/*.md"))
    created = project.cli("new", "曲樟乡召开网格员业务培训会", "--section", "党建成果", "--author", "示例作者",
                          "--editor", "示例编辑", "--tag", "网格化治理", "--today", "2025-03-18 10:00")
    assert created.returncode == 0, created.output
    (path,) = set(project.docs.glob("dangjian/*.md")) - before
    relative = str(path.relative_to(project.root))
    assert path.with_suffix("").is_dir() and "make serve" in created.stdout  # its picture folder, how to preview it

    # The fresh draft: check passes, and says what is left to do before publishing.
    checked = project.cli("check", "--today", "2025-03-18")
    assert checked.returncode == 0, checked.output
    assert f"{relative}:11: 发布前需处理 [placeholder-text]" in checked.stdout
    assert "草稿中还有 1 处发布前需处理" in checked.stdout

    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("（在这里写正文")] + BODY, encoding="utf-8")  # the editor writes the article
    assert relative not in project.cli("check", "--today", "2025-03-18").stdout

    for level, name, day in (("初审", "张三", "2025-03-18"), ("复审", "李四", "2025-03-19"), ("终审", "王五", "2025-03-20")):
        reviewed = project.cli("review", relative, "--level", level, "--by", name, "--today", day)
        assert reviewed.returncode == 0, reviewed.output
        assert f"{level}：{name}（{day}，版本 " in reviewed.stdout
    assert "终审：王五（2025-03-20" in project.cli("check", "--today", "2025-03-20").stdout  # who reviewed which version

    published = project.cli("publish", relative, "--today", "2025-03-20 16:30")
    assert published.returncode == 0, published.output
    assert "发布时间 2025-03-20 16:30" in published.stdout

    built = project.cli("build")
    assert built.returncode == 0, built.output
    page = project.root / "site/dangjian" / path.stem / "index.html"
    assert "曲樟乡召开网格员业务培训会" in page.read_text(encoding="utf-8")
