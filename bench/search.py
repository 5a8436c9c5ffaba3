"""Search benchmark: ranking quality on the graded set, recall on the query set, and the index's budgets.

    make bench          (or: .venv/bin/python bench/search.py [--baseline REV] [--skip-browser])

1. Ranking (tests/search-graded.yml, typed into the real search box in Chromium): nDCG@10, MRR and
   hit@1 for our search over http, from the offline copy (file://, sample only) and for Material's
   default Chinese search (lunr + jieba: the same site built with `archive_search: false`), on the
   repository's sample and on the graded set's generated archive built as a site.
2. Recall (tests/search-queries.yml): per category, the queries whose page is among the first three.
3. Budgets at 2,000 generated articles (bench/archive.py's text), the real worker under Node on the
   index files: index size, what a first query loads (gzip), the worker's milliseconds per first query.
   With --baseline REV the same for the search code of commit REV (index.py/text.py/pinyin.py and the
   worker, read with `git show`), for the before/after figures in the README.
Figures, not assertions.
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))
BIN = Path(sys.executable).parent
console = Console(soft_wrap=True)
BUDGET_ARTICLES = 2000
BUDGET_QUERIES = ["客家文化", "陈铭枢", "曲樟 荔枝", "围屋", "2024年", "kejia"]


def _copy(destination: Path) -> Path:
    """The project as the tests copy it, with the repository's image cache (no image work to redo)."""
    from conftest import copy_project

    project = copy_project(destination).root
    if (ROOT / ".cache").is_dir():
        shutil.copytree(ROOT / ".cache", project / ".cache")
    return project


def _generated(destination: Path) -> Path:
    """The graded set's generated archive as a site: the repository's configuration, its home and about pages."""
    from search_graded import write_generated

    project = _copy(destination)
    docs = project / "docs"
    for child in docs.iterdir():
        if child.name not in ("index.md", "about.md", "images"):
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    write_generated(docs)
    # Published articles need their 三审 record: generated ones are marked as imported before 三审, as staff would.
    sources = sorted(str(p.relative_to(project)) for p in docs.glob("*/*.md") if p.parent != docs)
    _run([str(BIN / "township-archive"), "review", "--level", "历史稿件", "--by", "基准测试", *sources], project)
    return project


def _stock(project: Path) -> None:
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("  - township-archive:\n", "  - township-archive:\n      archive_search: false\n"),
        encoding="utf-8",
    )


def _run(command: list[str], cwd: Path) -> None:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true")
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(result.stdout[-2000:] + result.stderr[-2000:])


def quality(work: Path) -> None:
    from browser import browser_page
    from search_graded import figures, load_graded, misranked
    from search_quality import load_queries, misses, report, run_queries, serve

    graded = load_graded()
    recall = load_queries()
    sample_graded = [q for q in graded if q.archive == "sample"]
    generated_graded = [q for q in graded if q.archive == "generated"]
    texts = {q.text for q in sample_graded} | {q.text for q in recall}

    projects = {"ours": _copy(work / "ours"), "stock": _copy(work / "stock"), "gen": _generated(work / "gen"), "gen-stock": _generated(work / "gen-stock")}
    _stock(projects["stock"])
    _stock(projects["gen-stock"])
    with console.status("构建示例网站和生成的档案（本项目、离线版、原版搜索）"):
        for project in projects.values():
            _run([str(BIN / "mkdocs"), "build"], project)
        _run([str(BIN / "township-archive"), "offline"], projects["ours"])
    offline = next(p for p in (projects["ours"] / "dist").iterdir() if p.is_dir())

    def typed(start: str, queries: list, base: str | None = None) -> dict:
        from search_quality import Query

        with browser_page(*([(base,)] if base else [])) as (page, _):
            found = run_queries(page, start, [Query("", text, "") for text in queries])
        return {query.text: results for query, results in found.items()}

    sample, generated = {}, {}
    with console.status(f"示例网站 {len(texts)} 个查询 × 3，生成的档案 {len(generated_graded)} 个查询 × 2"):
        with serve(projects["ours"] / "site") as base:
            sample["本项目（http）"] = typed(base, sorted(texts), base)
        sample["本项目（离线版 file://）"] = typed((offline / "index.html").as_uri(), sorted(texts))
        with serve(projects["stock"] / "site") as base:
            sample["Material 默认（lunr + jieba）"] = typed(base, sorted(texts), base)
        generated_texts = sorted({q.text for q in generated_graded})
        with serve(projects["gen"] / "site") as base:
            generated["本项目（http）"] = typed(base, generated_texts, base)
        with serve(projects["gen-stock"] / "site") as base:
            generated["Material 默认（lunr + jieba）"] = typed(base, generated_texts, base)

    console.print("\n排序（tests/search-graded.yml，输入真实搜索框）\n")
    console.print("| 档案 | 搜索 | 查询数 | nDCG@10 | MRR | hit@1 |\n|---|---|---:|---:|---:|---:|")
    for archive, columns, queries in (("示例", sample, sample_graded), ("生成", generated, generated_graded)):
        for name, answers in columns.items():
            results = {q: answers[q.text] for q in queries}
            console.print(f"| {archive} | {name} | {figures(results).row()} |")
    for archive, columns, queries in (("示例", sample, sample_graded), ("生成", generated, generated_graded)):
        for name, answers in columns.items():
            missed = misranked({q: answers[q.text] for q in queries})
            if missed:
                console.print(f"\n[bold]{archive} · {name}[/] 第一条不是想要的文章：{len(missed)}")
                for line in missed:
                    console.print("  " + line)

    recall_columns = {name: {q: answers[q.text] for q in recall} for name, answers in sample.items()}
    console.print("\n召回（tests/search-queries.yml，目标在前 3 条）\n")
    console.print(report(recall_columns, recall))
    for name, results in recall_columns.items():
        missed = misses(results)
        if missed:
            console.print(f"\n[bold]{name}[/] 未找到（前 3 条）：{len(missed)}")
            for line in missed:
                console.print("  " + line)


# --- budgets -------------------------------------------------------------------------------------


def budget_documents(count: int = BUDGET_ARTICLES) -> list:
    """bench/archive.py's articles as search documents (no site build: the index is what is measured)."""
    from archive import SECTIONS, TAGS, VILLAGES, _words, article_text
    from township_archive.search.index import SearchDocument

    rng = random.Random(2000)
    vocabulary = _words(rng, 6000)
    documents = []
    for n in range(count):
        title = "".join(rng.choice(vocabulary) for _ in range(rng.randint(3, 6))) + f"第{n}期"
        body = article_text(rng, vocabulary).replace("## ", "")
        date = f"{2019 + n // 336}-{1 + (n // 28) % 12:02d}-{1 + n % 28:02d}"
        documents.append(
            SearchDocument(f"{SECTIONS[n % 5]}/wenzhang-{n:04d}/", title, body, section=SECTIONS[n % 5], date=date,
                           date_label=date, tags=tuple(rng.sample(TAGS, 3)), villages=tuple(rng.sample(VILLAGES, 1)))
        )
    return documents


def _old_search(rev: str, folder: Path):
    """The search package and worker of commit `rev`, from git, importable as `search_<rev>`."""
    package = folder / f"search_{rev}"
    package.mkdir(parents=True)
    for name in ("__init__", "index", "pinyin", "text"):
        source = subprocess.run(["git", "show", f"{rev}:scripts/township_archive/search/{name}.py"], cwd=ROOT, capture_output=True, text=True, check=True)
        (package / f"{name}.py").write_text(source.stdout, encoding="utf-8")
    worker = folder / f"worker-{rev}.js"
    source = subprocess.run(["git", "show", f"{rev}:overrides/assets/javascripts/workers/archive-search.js"], cwd=ROOT, capture_output=True, text=True, check=True)
    worker.write_text(source.stdout, encoding="utf-8")
    sys.path.insert(0, str(folder))
    return importlib.import_module(f"search_{rev}.index"), worker


def _first_queries(files, worker: Path) -> list[tuple[int, float, int]]:
    """Each budget query as the first of a fresh worker: (gzip bytes loaded, milliseconds, results)."""
    node = shutil.which("node")
    out = []
    for query in BUDGET_QUERIES:
        payload = json.dumps({"worker": str(worker), "manifest": files.manifest, "files": files.files, "searches": [query]})
        done = subprocess.run([node, str(ROOT / "tests/search_contract.js")], input=payload, capture_output=True, text=True, encoding="utf-8", check=True)
        result = json.loads(done.stdout)
        version = files.manifest["version"]
        loaded = sum(len(gzip.compress(files.files[path].encode(), 6)) for path in result["loads"][0] if path.startswith(version))
        out.append((loaded, result["times"][0], len(result["searches"][0])))
    return out


FIRST_QUERY = """async ([manifest, query]) => {
  const worker = new Worker("assets/javascripts/workers/archive-search.js");
  const send = (message) => new Promise((resolve) => { worker.onmessage = (e) => resolve(e.data); worker.postMessage(message); });
  await send({ type: 0, data: { config: { archive: manifest } } });
  const start = performance.now();
  const reply = await send({ type: 2, data: query });
  const ms = performance.now() - start;
  worker.terminate();
  return [ms, reply.data.items.length];
}"""


def _chromium_first_queries(files, worker: Path, folder: Path, rounds: int = 7) -> list[float]:
    """Each budget query as the first of a new worker in Chromium over http (the median of `rounds`; the machine may be shared),
    milliseconds from the query message to the first answer (what the reader sees first), index files fetched from loopback."""
    from browser import browser_page
    from search_quality import serve

    for path, content in files.files.items():
        target = folder / "search" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    script = folder / "assets/javascripts/workers/archive-search.js"
    script.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(worker, script)
    (folder / "index.html").write_text("<!doctype html><title>bench</title>", encoding="utf-8")
    times = []
    with serve(folder) as base, browser_page((base,)) as (page, _):
        page.goto(base)
        for query in BUDGET_QUERIES:
            runs = sorted(page.evaluate(FIRST_QUERY, [files.manifest, query])[0] for _ in range(rounds))
            times.append(runs[len(runs) // 2])
    return times


def budgets(rev: str | None, work: Path) -> None:
    from search_graded import WORKER
    from township_archive.hanzi import traditional_to_simplified
    from township_archive.search.index import build_search_files

    documents = budget_documents()
    simplified = traditional_to_simplified()
    builds = {"本项目": (build_search_files, WORKER)}
    if rev:
        old_index, old_worker = _old_search(rev, work / "old")
        builds = {f"{rev}（改动前）": (old_index.build_search_files, old_worker), **builds}
    console.print(
        f"\n预算（{len(documents)} 篇生成文章；每个查询都是新 worker 的第一次查询：传输量 gzip（Node 中记录加载的文件），"
        "Chromium 中从发出查询到收到第一批结果的毫秒数（命中多于 100 篇时先发前 100 条；七次取中位数），结果条数）\n"
    )
    header = "| 搜索代码 | 索引（原始） | 索引（gzip） | " + " | ".join(f"“{q}”" for q in BUDGET_QUERIES) + " |"
    console.print(header + "\n|---|---:|---:|" + "---:|" * len(BUDGET_QUERIES))
    for name, (build, worker) in builds.items():
        files = build(documents, simplified)
        raw = sum(len(c.encode()) for c in files.files.values())
        packed = sum(len(gzip.compress(c.encode(), 6)) for c in files.files.values())
        chromium = _chromium_first_queries(files, worker, work / name)
        cells = [f"{loaded / 1024:.0f} KB · {ms:.0f} ms · {n} 条" for (loaded, _, n), ms in zip(_first_queries(files, worker), chromium, strict=True)]
        console.print(f"| {name} | {raw / 1e6:.1f} MB | {packed / 1e6:.1f} MB | " + " | ".join(cells) + " |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="also measure the budgets with the search code of this commit")
    parser.add_argument("--skip-browser", action="store_true", help="only the budgets")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        if not args.skip_browser:
            quality(Path(work))
        budgets(args.baseline, Path(work))
    return 0


if __name__ == "__main__":
    sys.exit(main())
