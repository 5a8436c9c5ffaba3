"""Reading benchmark: `plan.prepare` (read and check docs/, the pictures, villages.yml, then plan) in one process.

    .venv/bin/python bench/load.py [--articles 2000] [--images 0] [--project PATH] [--repeat 3]

Generates an archive with `bench/archive.py`'s generator (outside the repository; or reads `--project`),
then measures, in CPU seconds of this process (user + system; the machine may be shared):

- cold: `prepare` without a memo, as `township-archive build` and `check` call it;
- again, nothing changed: `prepare` with the memo the preview keeps (`content.loader.LoadMemo`);
- after one edit: one article's text changed, then `prepare` with the memo, as after a save in `make serve`.

Each figure is the best of `--repeat` runs; the memo's runs each edit the article again. With `--images`,
the pictures are processed once before measuring (their cache is what a staff machine has).
Figures, not assertions: they go in the README.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import sys
import tempfile
import time
from pathlib import Path

from archive import SECTIONS, console, generate
from rich.table import Table
from township_archive.content.loader import LoadMemo
from township_archive.mkdocs.project import load_project
from township_archive.plan import prepare


def cpu(call) -> tuple[float, object]:
    start = time.process_time()
    result = call()
    return time.process_time() - start, result


def measure(project: Path, repeat: int) -> list[tuple[str, float, str]]:
    settings = load_project(project / "mkdocs.yml").settings
    first = cpu(lambda: prepare(settings))[0]  # the modules' patterns compiled (and, the first time, the pictures processed)
    cold = min(cpu(lambda: prepare(settings))[0] for _ in range(repeat))
    if settings.media_enabled:
        without = dataclasses.replace(settings, media_enabled=False)
        reading = min(cpu(lambda: prepare(without))[0] for _ in range(repeat))
    memo = LoadMemo()
    prepare(settings, memo=memo)
    unchanged = min(cpu(lambda: prepare(settings, memo=memo))[0] for _ in range(repeat))
    reused_unchanged = memo.reused
    article = project / "docs" / SECTIONS[0] / "wenzhang-0000.md"
    text = article.read_text(encoding="utf-8")
    edited = []
    for n in range(repeat):
        article.write_text(text + f"\n补记：基准测试第 {n + 1} 次修改。\n", encoding="utf-8")
        edited.append(cpu(lambda: prepare(settings, memo=memo))[0])
    article.write_text(text, encoding="utf-8")
    files = len(memo)
    rows = [("进程里第一次读", first, "含编译正则等一次性开销"), ("冷读（无记忆，build 和 check 的方式）", cold, "")]
    if settings.media_enabled:
        rows.append(("  其中不含图片库", reading, "media 关闭"))
    rows += [
        ("再读，没有改动（预览的记忆）", unchanged, f"{reused_unchanged:,} / {files:,} 个文件沿用"),
        ("改一篇文章后再读（预览保存后）", min(edited), f"{memo.reused:,} / {files:,} 个文件沿用"),
    ]
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--images", type=int, default=0, help="images per article (default none)")
    parser.add_argument("--project", type=Path, help="an archive made by bench/archive.py's generator, read as it is")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = None
    project = args.project
    if project is None:
        work = Path(tempfile.mkdtemp(prefix="load-bench-"))
        project = work / "archive"
        project.mkdir()
        generate(project, args.articles, args.images)
    try:
        with console.status("读取并检查"):
            rows = measure(project.resolve(), args.repeat)
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    table = Table(title=f"plan.prepare：读取、检查 docs/ 并规划（{project.name}，CPU 秒，{args.repeat} 次取最好）")
    for column in ("读法", "CPU", "说明"):
        table.add_column(column, justify="right" if column == "CPU" else "left")
    for label, seconds, note in rows:
        table.add_row(label, f"{seconds:.2f} s", note)
    console.print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
