"""Search quality: the query set (tests/search-queries.yml) typed into the real search box.

    make bench          (or: .venv/bin/python bench/search.py)

Three columns on the repository's sample site: our search over http, our search in the
offline copy from file://, and Material's default Chinese search (lunr + jieba) — the
same site built with `archive_search: false`. Prints the per-category table for the README.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
BIN = Path(sys.executable).parent
console = Console()


def _copy(destination: Path) -> Path:
    """The project as the tests copy it, with the repository's image cache (no image work to redo)."""
    from conftest import copy_project

    project = copy_project(destination).root
    if (ROOT / ".cache").is_dir():
        shutil.copytree(ROOT / ".cache", project / ".cache")
    return project


def _run(command: list[str], cwd: Path) -> None:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true")
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(result.stdout[-2000:] + result.stderr[-2000:])


def main() -> int:
    from browser import browser_page
    from search_quality import load_queries, misses, report, run_queries, serve

    queries = load_queries()
    with tempfile.TemporaryDirectory() as work:
        ours = _copy(Path(work) / "ours")
        stock = _copy(Path(work) / "stock")
        config = stock / "mkdocs.yml"
        config.write_text(
            config.read_text(encoding="utf-8").replace("  - township-archive:\n", "  - township-archive:\n      archive_search: false\n"),
            encoding="utf-8",
        )
        with console.status("构建示例网站（本项目、离线版、原版搜索）"):
            _run([str(BIN / "mkdocs"), "build"], ours)
            _run([str(BIN / "township-archive"), "offline"], ours)
            _run([str(BIN / "mkdocs"), "build"], stock)
        offline = next(p for p in (ours / "dist").iterdir() if p.is_dir())
        columns = {}
        with console.status(f"{len(queries)} 个查询 × 3"):
            with serve(ours / "site") as base, browser_page((base,)) as (page, _):
                columns["本项目（http）"] = run_queries(page, base, queries)
            with browser_page() as (page, _):
                columns["本项目（离线版 file://）"] = run_queries(page, (offline / "index.html").as_uri(), queries)
            with serve(stock / "site") as base, browser_page((base,)) as (page, _):
                columns["Material 默认（jieba）"] = run_queries(page, base, queries)
    console.print(report(columns, queries))
    for name, results in columns.items():
        missed = misses(results)
        if missed:
            console.print(f"\n[bold]{name}[/] 未找到（前 3 条）：{len(missed)}")
            for line in missed:
                console.print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
