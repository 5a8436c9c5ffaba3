"""One front-matter reader for every module: the loader, the lint, the authoring commands.

`township-archive check` runs in-process on a small project (the sample's configuration and
theme, two articles), so a crash shows as the exception itself rather than a traceback in a
subprocess's output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import ROOT, article
from township_archive import cli

LINKING = article(title="链接文章", slug="lian-jie", body="见[另一篇的一段](ling-yi-pian.md#di-yi-duan)。\n")
TARGET = article(title="另一篇", slug="ling-yi-pian", body="## 第一段\n\n正文。\n")


def small_project(root: Path, files: dict[str, str | bytes]) -> Path:
    """The sample's mkdocs.yml, villages.yml and theme with only `files` under docs/; returns mkdocs.yml."""
    root.mkdir(parents=True)
    for name in ("mkdocs.yml", "villages.yml"):
        shutil.copy2(ROOT / name, root / name)
    shutil.copytree(ROOT / "overrides", root / "overrides")
    files = {"index.md": "---\ntitle: 首页\n---\n欢迎。\n", **files}
    for relative, content in files.items():
        path = root / "docs" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root / "mkdocs.yml"


def run_check(config: Path, capsys) -> tuple[int, list[dict]]:
    code = cli.main(["--config", str(config), "check", "--format", "json", "--today", "2025-03-20"])
    report = json.loads(capsys.readouterr().out)
    return code, report["problems"]


def test_check_reports_an_anchor_link_to_a_page_that_is_not_utf8_without_a_traceback(tmp_path: Path, capsys):
    config = small_project(tmp_path / "project", {
        "dangjian/lian-jie.md": LINKING,
        "dangjian/ling-yi-pian.md": TARGET.encode("gbk"),
    })
    code, problems = run_check(config, capsys)
    assert code == 1
    bad = [p for p in problems if p["path"] == "docs/dangjian/ling-yi-pian.md"]
    assert [p["code"] for p in bad] == ["not-utf8"], problems  # reported once, by the loader
    assert "不是 UTF-8 编码" in bad[0]["message"]
    # The anchor cannot be checked in a file that cannot be read: no second, misleading problem at the link.
    assert not [p for p in problems if p["path"] == "docs/dangjian/lian-jie.md" and p["code"] == "broken-anchor"]
