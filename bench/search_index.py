"""Search index benchmark: building and writing the index of 2,000 generated articles, in-process.

    .venv/bin/python bench/search_index.py [--articles 2000] [--rounds 3] [--baseline REV]

Rows: the index of commit REV (default e22d932, before the index was made fast; its build only);
a single build as `make site` makes it (nothing kept); then as the preview server (`make serve`)
publishes: the first time (every document analysed, the analyses kept in the process), the same
documents again, after one document was edited, and after the edit was undone. Each is run `--rounds` times; the table gives the
median CPU seconds (user + system of this process) and wall seconds, the build apart from the writing
of the ~3,000 files. The documents are bench/search.py's budget articles (bench/archive.py's text).
Figures, not assertions: the machine may be shared, so read CPU seconds before wall seconds.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rich.table import Table
from search import _old_search, budget_documents, console
from township_archive.hanzi import traditional_to_simplified
from township_archive.search import publish
from township_archive.search.index import build_search_files


def _timed(run) -> tuple[float, float, object]:
    cpu, wall = time.process_time(), time.perf_counter()
    result = run()
    return time.process_time() - cpu, time.perf_counter() - wall, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", default="e22d932", help="the commit whose index build is the 'before' row")
    args = parser.parse_args()
    documents = budget_documents(args.articles)
    edited = list(documents)
    middle = len(edited) // 2
    edited[middle] = dataclasses.replace(edited[middle], text=edited[middle].text + "\n补充：村委会再次走访了曲樟村。")
    simplified = traditional_to_simplified()
    rows: dict[str, list[tuple[float, float, float, float]]] = {}

    def measure(name: str, docs: list, fresh: bool):
        if fresh:
            publish._shared = None  # as in a new process
        build_cpu, build_wall, files = _timed(lambda: build_search_files(docs, simplified, publish.shared_analyser(simplified)))
        with tempfile.TemporaryDirectory() as site:
            write_cpu, write_wall, _ = _timed(lambda: publish.write_search_files(files, Path(site)))
        rows.setdefault(name, []).append((build_cpu, build_wall, build_cpu + write_cpu, build_wall + write_wall))
        return files

    with tempfile.TemporaryDirectory() as folder:
        old_index, _ = _old_search(args.baseline, Path(folder))
        for _ in range(args.rounds):  # interleaved, so that a busy machine slows both alike
            cpu, wall, old = _timed(lambda: old_index.build_search_files(documents, simplified))
            rows.setdefault(f"{args.baseline}（改动前）", []).append((cpu, wall, float("nan"), float("nan")))
            cpu, wall, single = _timed(lambda: build_search_files(documents, simplified))
            rows.setdefault("一次构建（make site）", []).append((cpu, wall, float("nan"), float("nan")))
            first = measure("预览：第一次（分析全部）", documents, fresh=True)
            measure("预览：无改动", documents, fresh=False)
            measure("预览：改了一篇", edited, fresh=False)
            measure("预览：改回", documents, fresh=False)
    if not first.version == single.version == old.version or first.files != old.files:
        raise SystemExit("索引与改动前不同")

    table = Table(title=f"搜索索引：{len(documents)} 篇，每项 {args.rounds} 次的中位数（秒）")
    for column in ("", "构建 CPU", "构建 墙钟", "构建+写入 CPU", "构建+写入 墙钟"):
        table.add_column(column, justify="right" if column else "left")
    for name, values in rows.items():
        table.add_row(name, *(f"{statistics.median(column):.2f}" for column in zip(*values, strict=True)))
    console.print(table)
    console.print(f"{len(first.files)} 个文件，版本 {first.version}（与 {args.baseline} 的输出逐字节相同）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
