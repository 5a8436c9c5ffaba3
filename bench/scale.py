"""Growth benchmark: the full build at 500, 2,000 and 8,000 generated articles.

    make bench          (or: .venv/bin/python bench/scale.py [--sizes 500 2000 8000] [--images 0])

For each size, generates an archive with `bench/archive.py`'s generator (outside the repository),
builds it once (the home page's banner photo is processed and cached), then measures a second,
full build (`township-archive build --full`: every page made), a build with nothing changed and one
after editing one article (`township-archive build`, which keeps the pages whose inputs did not
change): wall time, CPU time (user + system), peak memory of the build process, and one article
page's weight (raw and gzip). Pictures are left out by default
(`--images 0`): processing thousands of photos would measure the image pipeline (`make bench-media`),
not the build; `bench/archive.py` measures the 2,000-article archive with its pictures cached.

Time and memory should grow no faster than the number of articles; an article page's weight not at all.
Figures, not assertions: they go in the README.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from archive import BIN, ROOT, SECTIONS, console, edit_one_article, generate
from rich.table import Table

# The build in a child process: wall seconds, CPU seconds and the peak memory of the largest process.
MEASURE = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(f'@@ {time.perf_counter() - start:.2f} {usage.ru_utime + usage.ru_stime:.2f} {usage.ru_maxrss}', file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def build(project: Path, *options: str) -> dict:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true", NO_COLOR="1")
    env.pop("SOURCE_DATE_EPOCH", None)  # as `make site` runs it: the build dates itself by its newest article
    result = subprocess.run([sys.executable, "-c", MEASURE, str(BIN / "township-archive"), "build", *options],
                            cwd=project, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        console.print(result.stdout[-3000:], result.stderr[-3000:])
        raise SystemExit(f"构建失败：{project}")
    wall, cpu, peak_kb = re.search(r"@@ ([\d.]+) ([\d.]+) (\d+)", result.stderr).groups()
    return {"wall": float(wall), "cpu": float(cpu), "peak_mb": int(peak_kb) / 1024}


def measure(articles: int, images: int, work: Path) -> dict:
    project = work / f"archive-{articles}"
    project.mkdir()
    generate(project, articles, images)
    with console.status(f"{articles} 篇：第一次构建"):
        build(project)
    with console.status(f"{articles} 篇：完整构建"):
        figures = build(project, "--full")
    with console.status(f"{articles} 篇：内容未改再构建"):
        figures["nochange"] = build(project)
    edit_one_article(project, reviewed=True)
    with console.status(f"{articles} 篇：改一篇文章后构建"):
        figures["edit"] = build(project)
    html = (project / "site" / SECTIONS[0] / "wenzhang-0005" / "index.html").read_bytes()
    figures.update(articles=articles, page_raw=len(html), page_gzip=len(gzip.compress(html, 6)))
    shutil.rmtree(project, ignore_errors=True)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 8000])
    parser.add_argument("--images", type=int, default=0, help="images per article (default none: see above)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="scale-bench-"))
    rows = []
    try:
        for n in sorted(args.sizes):
            rows.append(measure(n, args.images, work))
            console.print(f"{n} 篇：{rows[-1]}")  # each size as it ends: 8,000 articles take a while
    finally:
        shutil.rmtree(work, ignore_errors=True)
    table = Table(title=f"规模增长（每篇 {args.images} 张图片；完整构建 --full，内容未改、改一篇后的构建）")
    columns = ("文章数", "完整构建（墙钟）", "CPU（用户+系统）", "每篇 CPU", "峰值内存", "内容未改 墙钟 / CPU",
               "改一篇 墙钟 / CPU", "文章页 HTML（原始 / gzip）")
    for column in columns:
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(
            f"{row['articles']:,}", f"{row['wall']:.1f} s", f"{row['cpu']:.1f} s", f"{row['cpu'] / row['articles'] * 1000:.1f} ms",
            f"{row['peak_mb']:.0f} MB", f"{row['nochange']['wall']:.1f} s / {row['nochange']['cpu']:.1f} s",
            f"{row['edit']['wall']:.1f} s / {row['edit']['cpu']:.1f} s",
            f"{row['page_raw'] / 1024:.1f} KB / {row['page_gzip'] / 1024:.1f} KB",
        )
    console.print(table)
    (ROOT / "bench" / "last-scale-bench.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
