"""Archive benchmark: our build and stock MkDocs + Material on the same 2,000 generated articles.

    make bench          (or: .venv/bin/python bench/archive.py [--articles 2000] [--skip-stock] ...)

Generates, outside the repository, an archive of Chinese articles (about 1,500
characters each, five sections, tags and villages) with two photo-like images per
article, then measures in one run, for our build and for stock Material (theme
`material`, search with jieba, nothing else) on the same Markdown:

- first build (ours processes every image), full build with images cached,
  no-change rebuild, rebuild after editing one article, peak memory, output size;
- one article page: HTML size raw and gzip, and everything a reader downloads;
- search: bytes before any search, bytes and time for a first query (Playwright,
  Debian's chromium, the site behind nginx with the repository's configuration);
- Lighthouse performance (mobile) of an article page, behind nginx;
- a 30-second wrk load test (64 connections) on an article page and an image variant.

Figures, not assertions: they go in the README.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
BIN = Path(sys.executable).parent
console = Console()

SECTIONS = ["dangjian", "jiaoyu-jidi", "kejia-wenhua", "jiafeng-jiaxun", "rongyu-mingcun"]
# Common characters to build words from; the words, not real sentences, are what indexing and pages weigh.
CHARACTERS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经"
    "十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相"
    "全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料"
    "象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取"
    "据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清美再采转更单风切打白教速花带安场身车"
    "例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音"
    "众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲"
    "快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞村乡镇客家风训荣誉陈铭枢曲樟"
)
TAGS = [
    "乡村振兴", "基层治理", "客家文化", "家风建设", "爱国主义教育", "荣誉", "产业发展", "民生服务", "平安建设", "乡土风物",
    "党员先锋", "教育帮扶", "乡村旅游", "人居环境", "网格化治理", "移风易俗", "陈氏家训", "鸡嘴荔枝", "十九路军", "文明实践",
]
VILLAGES = [f"{name}村" for name in ("曲樟", "璋嘉", "旱田", "湴塘", "鸭兰", "高山", "新华", "东山", "石窝", "红星", "白沙", "平山")]
QUERY = "客家文化"  # a typical query: four Han characters, in many articles


def _words(rng: random.Random, count: int) -> list[str]:
    return ["".join(rng.choice(CHARACTERS) for _ in range(rng.choice((2, 2, 2, 3, 4)))) for _ in range(count)]


def article_text(rng: random.Random, vocabulary: list[str], target: int = 1500) -> str:
    paragraphs, length = [], 0
    while length < target:
        sentence_count = rng.randint(2, 5)
        sentences = []
        for _ in range(sentence_count):
            words = [rng.choice(vocabulary) for _ in range(rng.randint(6, 16))]
            sentences.append("".join(words) + rng.choice("。。。；！"))
        paragraph = "".join(sentences)
        if rng.random() < 0.15:
            paragraphs.append("## " + "".join(rng.choice(vocabulary) for _ in range(3)))
        paragraphs.append(paragraph)
        length += len(paragraph)
    return "\n\n".join(paragraphs)


def generate(project: Path, articles: int, images_per_article: int) -> None:
    """A copy of the repository's configuration with generated content in docs/."""
    from township_archive.samples import photo_like

    shutil.copytree(ROOT / "overrides", project / "overrides")
    shutil.copy2(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    docs = project / "docs"
    docs.mkdir()
    shutil.copy2(ROOT / "docs/index.md", docs / "index.md")
    shutil.copy2(ROOT / "docs/about.md", docs / "about.md")
    # mkdocs.yml names the home page's banner photo (with its credit sidecar).
    shutil.copytree(ROOT / "docs/images", docs / "images")
    rng = random.Random(2000)
    vocabulary = _words(rng, 6000)
    with Progress(console=console) as progress:
        task = progress.add_task("生成文章和图片", total=articles)
        for n in range(articles):
            section = SECTIONS[n % len(SECTIONS)]
            slug = f"wenzhang-{n:04d}"
            day = 1 + n % 28
            month = 1 + (n // 28) % 12
            year = 2019 + n // (28 * 12)
            tags = rng.sample(TAGS, 3)
            villages = rng.sample(VILLAGES, 1)
            folder = docs / section / slug
            folder.mkdir(parents=True, exist_ok=True)
            figures = []
            for i in range(images_per_article):
                photo_like(1200, 800, seed=n * 7 + i).save(folder / f"photo-{i + 1}.jpg", quality=88)
                figures.append(f"![示意图{i + 1}]({slug}/photo-{i + 1}.jpg \"第 {n} 篇的示意图 {i + 1}\")")
            body = article_text(rng, vocabulary)
            parts = body.split("\n\n")
            parts.insert(len(parts) // 2, "\n".join(figures))
            title = "".join(rng.choice(vocabulary) for _ in range(rng.randint(3, 6)))
            (docs / section / f"{slug}.md").write_text(
                "---\n"
                f"title: {title}第{n}期\nslug: {slug}\nstatus: published\n"
                f"date: {year}-{month:02d}-{day:02d} 09:00\nauthors:\n- 作者{n % 17}\neditor: 编辑{n % 5}\n"
                f"tags:\n" + "".join(f"- {t}\n" for t in tags) + "villages:\n" + "".join(f"- {v}\n" for v in villages)
                + f"summary: {parts[0][:60]}\n" + (f"cover: {slug}/photo-1.jpg\n" if figures else "")
                + "---\n\n" + "\n\n".join(parts) + "\n",
                encoding="utf-8",
            )
            progress.advance(task)
    # Published articles need their 三审 record: generated ones are marked as imported before 三审, as staff would.
    sources = sorted(str(p.relative_to(project)) for p in docs.glob("*/wenzhang-*.md"))
    subprocess.run([str(BIN / "township-archive"), "review", "--level", "历史稿件", "--by", "基准测试", *sources],
                   cwd=project, check=True, capture_output=True)


def stock_project(ours: Path, stock: Path) -> None:
    """The same Markdown and images under plain Material: theme, Chinese search with jieba, nothing else."""
    shutil.copytree(ours / "docs", stock / "docs")
    # Our home and rights pages use our templates; stock Material gets plain pages in their place.
    (stock / "docs/index.md").write_text("# 曲樟乡宣传文化档案\n\n欢迎访问。\n", encoding="utf-8")
    (stock / "docs/about.md").write_text("# 关于本站与版权\n\n版权所有。\n", encoding="utf-8")
    (stock / "mkdocs.yml").write_text(
        "site_name: 曲樟乡宣传文化档案\nsite_url: https://www.example.gov.cn/\n"
        # font: false only so that the measurements never wait on Google's servers, which are blocked here.
        "theme:\n  name: material\n  language: zh\n  font: false\n"
        "plugins:\n  - search:\n      lang: zh\n",
        encoding="utf-8",
    )


PEAK = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "print(f'@@ {time.perf_counter() - start:.2f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}', file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def timed(command: list[str], cwd: Path) -> tuple[float, float, str]:
    """Seconds, peak memory of the largest process (MB) and the build's output."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true", NO_COLOR="1")
    result = subprocess.run([sys.executable, "-c", PEAK, *command], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        console.print(result.stdout[-3000:], result.stderr[-3000:])
        raise SystemExit(f"构建失败：{' '.join(command)}")
    seconds, peak_kb = re.search(r"@@ ([\d.]+) (\d+)", result.stderr).groups()
    return float(seconds), int(peak_kb) / 1024, result.stdout + result.stderr


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def processed_images(output: str) -> int:
    found = re.search(r"图片：新处理 (\d+) 张", output)
    return int(found.group(1)) if found else 0


EDITED = f"{SECTIONS[0]}/wenzhang-0000.md"


def edit_one_article(project: Path, reviewed: bool) -> None:
    """One paragraph added to one article. `reviewed`: our build publishes a changed article only after
    三审, so the change is reviewed (three names) as staff would, before the build is timed."""
    article = project / "docs" / EDITED
    article.write_text(article.read_text(encoding="utf-8") + "\n补记：本段为基准测试修改的内容。\n", encoding="utf-8")
    if reviewed:
        for level, name in (("初审", "基准甲"), ("复审", "基准乙"), ("终审", "基准丙")):
            subprocess.run([str(BIN / "township-archive"), "review", f"docs/{EDITED}", "--level", level, "--by", name],
                           cwd=project, check=True, capture_output=True)


def serve_latency(project: Path, command: list[str], edits: int) -> list[float]:
    """Seconds from saving an article to Chromium showing the changed page, in the preview server
    (`command` + --dev-addr/--port): the article is open in the browser, its file is written, the
    server rebuilds and tells the page to reload. The edited article is a draft (our preview shows
    drafts; a published article changes only through 三审)."""
    from browser import browser_page

    article = project / "docs" / EDITED
    text = article.read_text(encoding="utf-8").replace("status: published", "status: draft", 1)
    article.write_text(text, encoding="utf-8")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}/"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true", NO_COLOR="1")
    address = ["--port", str(port)] if command[0].endswith("township-archive") else ["--dev-addr", f"127.0.0.1:{port}"]
    log = project.parent / f"{project.name}-serve.log"  # outside the project: the preview watches its folder
    with log.open("w", encoding="utf-8") as output:
        server = subprocess.Popen([*command, *address], cwd=project, env=env, stdout=output, stderr=subprocess.STDOUT)
    url = f"{base}{SECTIONS[0]}/wenzhang-0000/"
    seconds = []
    try:
        deadline = time.monotonic() + 900
        while True:  # the first build of the whole archive
            try:
                with urllib.request.urlopen(url, timeout=5):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit(f"预览没有启动：{log.read_text(encoding='utf-8')[-2000:]}") from None
                time.sleep(1)
        with browser_page((base,)) as (page, _watch):
            page.goto(url)
            page.wait_for_load_state("load")
            page.wait_for_timeout(2000)  # the live-reload script is waiting for the server
            for n in range(edits):
                marker = f"基准测试第{n + 1}次保存{random.randrange(10**9)}"  # never already in the file
                started = time.perf_counter()
                article.write_text(article.read_text(encoding="utf-8") + f"\n{marker}。\n", encoding="utf-8")
                page.wait_for_function(f"document.body && document.body.innerText.includes({json.dumps(marker)})",
                                       timeout=600_000, polling=50)
                seconds.append(time.perf_counter() - started)
                page.wait_for_timeout(1500)  # the server settles before the next save
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
    return seconds


def measure_builds(project: Path, command: list[str], label: str) -> dict:
    figures = {}
    with console.status(f"{label}：第一次构建"):
        figures["first"], figures["peak_first"], output = timed(command, project)
    figures["images_first"] = processed_images(output)
    # Ours keeps the pages whose inputs did not change (--full: every page is made); stock Material makes them all.
    full = [*command, "--full"] if label == "本项目" else command
    with console.status(f"{label}：完整构建（图片已缓存）"):
        figures["full"], figures["peak"], output = timed(full, project)
    with console.status(f"{label}：内容未改，再构建"):
        figures["nochange"], figures["peak_nochange"], output = timed(command, project)
    figures["images_nochange"] = processed_images(output)
    edit_one_article(project, reviewed=label == "本项目")
    with console.status(f"{label}：改一篇文章后构建"):
        figures["edit"], _, output = timed(command, project)
    figures["images_edit"] = processed_images(output)
    site = project / "site"
    figures["size"] = folder_size(site)
    figures["files"] = sum(1 for p in site.rglob("*") if p.is_file())
    page = site / SECTIONS[0] / "wenzhang-0005" / "index.html"
    html = page.read_bytes()
    figures["page_raw"], figures["page_gzip"] = len(html), len(gzip.compress(html, 6))
    figures["page_links"] = html.count(b"<a ")
    return figures


def browser_figures(base: str, article: str) -> dict:
    """Bytes a reader downloads for an article page, before and for a first search (Playwright)."""
    from browser import browser_page, search

    figures: dict = {}
    with browser_page((base,), width=412, height=823) as (page, _watch):
        finished: list = []
        page.on("requestfinished", lambda request: finished.append(request))
        page.goto(base + article)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1000)

        def transferred(requests) -> tuple[int, int]:
            """Bytes on the wire if the server gzips text (as deploy/nginx does), and bytes unpacked."""
            wire = raw = 0
            for request in requests:
                response = request.response()
                try:
                    body = response.body() if response is not None else b""
                except Exception:  # noqa: BLE001 - redirects and the like have no body
                    body = b""
                kind = response.headers.get("content-type", "") if response is not None else ""
                text = kind.startswith(("text/", "application/javascript", "application/json", "image/svg"))
                raw += len(body)
                wire += len(gzip.compress(body, 6)) if text and len(body) > 512 else len(body)
            return wire, raw

        before = list(finished)
        search_before = [r for r in before if "/search/" in r.url]
        figures["load_gzip"], figures["load_raw"] = transferred(before)
        figures["search_before_gzip"], figures["search_before_raw"] = transferred(search_before)
        page.locator("label.md-header__button[for=__search]").click()
        page.wait_for_timeout(300)
        mark = len(finished)
        started = time.perf_counter()
        results = search(page, QUERY, timeout_ms=120_000, attempts=1)
        figures["query_ms"] = (time.perf_counter() - started) * 1000
        page.wait_for_timeout(500)
        figures["query_gzip"], figures["query_raw"] = transferred(finished[mark:])
        figures["results"] = len(results)
    return figures


def lighthouse(url: str) -> int | None:
    binary = ROOT / "node_modules/.bin/lighthouse"
    if not binary.exists():
        console.print("[yellow]没有 node_modules/.bin/lighthouse（运行 npm ci），跳过 Lighthouse[/]")
        return None
    with tempfile.TemporaryDirectory() as out:
        report = Path(out) / "report.json"
        env = dict(os.environ, CHROME_PATH="/usr/bin/chromium")
        flags = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --no-first-run"
        subprocess.run(
            [str(binary), url, "--quiet", "--only-categories=performance", "--output=json", f"--output-path={report}",
             f"--chrome-flags={flags}"],
            env=env, check=False, capture_output=True,
        )
        if not report.exists():
            return None
        return round(json.loads(report.read_text())["categories"]["performance"]["score"] * 100)


def load_test(url: str, seconds: int) -> dict:
    if not shutil.which("wrk"):
        console.print("[yellow]没有 wrk（apt-get install wrk），跳过压力测试[/]")
        return {}
    result = subprocess.run(
        ["wrk", "-t2", "-c64", f"-d{seconds}s", "--latency", "-H", "Accept-Encoding: gzip", url],
        capture_output=True, text=True, check=False,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", result).group(1))
    p99 = re.search(r"99%\s+([\d.]+\w+)", result).group(1)
    errors = sum(int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|timeout|read|write|connect)\s*:?\s*(\d+)", result))
    return {"rps": rps, "p99": p99, "errors": errors}


def kb(n: float) -> str:
    return f"{n / 1024:,.0f} KB" if n < 10 * 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--images", type=int, default=2, help="images per article")
    parser.add_argument("--skip-stock", action="store_true")
    parser.add_argument("--skip-ours", action="store_true", help="stock Material only (its figures do not depend on our code)")
    parser.add_argument("--from", dest="source", type=Path,
                        help="an archive generated before (docs/, mkdocs.yml, overrides/, .cache/): copied instead of generating;"
                             " its image cache is reused, so the first build processes no images")
    parser.add_argument("--load-seconds", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the generated archive")
    parser.add_argument("--serve-edits", type=int, default=3, help="saves timed in our preview (stock Material: one)")
    args = parser.parse_args()
    from nginx import nginx_serving

    work = Path(tempfile.mkdtemp(prefix="archive-bench-"))
    try:
        ours, stock = work / "ours", work / "stock"
        if args.source:
            ours.mkdir()
            for part in ("docs", "overrides"):
                shutil.copytree(args.source / part, ours / part)
            shutil.copy2(args.source / "mkdocs.yml", ours / "mkdocs.yml")
            if (args.source / ".cache").is_dir():
                shutil.copytree(args.source / ".cache", ours / ".cache", copy_function=os.link)
        else:
            ours.mkdir()
            generate(ours, args.articles, args.images)
        stock.mkdir()
        stock_project(ours, stock)
        results = {}
        if not args.skip_ours:
            results["ours"] = measure_builds(ours, [str(BIN / "township-archive"), "build"], "本项目")
        if not args.skip_stock:
            results["stock"] = measure_builds(stock, [str(BIN / "mkdocs"), "build", "-q"], "原版 Material")
        article = f"{SECTIONS[0]}/wenzhang-0005/"
        if not args.skip_ours:
            with console.status("本项目：预览中保存一篇文章到浏览器刷新"):
                results["ours"]["serve"] = serve_latency(ours, [str(BIN / "township-archive"), "serve"], args.serve_edits)
        if not args.skip_stock:
            with console.status("原版 Material：预览中保存一篇文章到浏览器刷新"):
                results["stock"]["serve"] = serve_latency(stock, [str(BIN / "mkdocs"), "serve"], 1)
        for name, figures in results.items():
            with nginx_serving((ours if name == "ours" else stock) / "site", work / f"nginx-{name}", workers=2) as base:
                with console.status(f"{name}：浏览器下载量与搜索"):
                    figures.update(browser_figures(base, article))
                with console.status(f"{name}：Lighthouse"):
                    figures["lighthouse"] = lighthouse(base + article)
                if name == "ours":
                    variant = next((ours / "site" / SECTIONS[0] / "wenzhang-0005").glob("*.960.avif"), None)
                    with console.status("wrk：文章页"):
                        figures["wrk_page"] = load_test(base + article, args.load_seconds)
                    if variant is not None:  # an archive generated with --images 0 has none
                        with console.status("wrk：图片"):
                            figures["wrk_image"] = load_test(f"{base}{article}{variant.name}", args.load_seconds)
        print_table(results, args)
        name = "last-archive-bench.json" if len(results) == 2 else f"last-archive-bench-{next(iter(results))}.json"
        (ROOT / "bench" / name).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    finally:
        if args.keep:
            console.print(f"生成的档案保留在 {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def print_table(results: dict, args) -> None:
    table = Table(title=f"{args.source} 的档案" if args.source else f"{args.articles} 篇文章、{args.articles * args.images} 张图片")
    columns = list(results)
    table.add_column("项目")
    for name in columns:
        table.add_column({"ours": "本项目", "stock": "原版 Material"}[name], justify="right")
    rows = [
        ("第一次构建（含处理图片）", lambda r: f"{r['first']:.1f} s（图片 {r['images_first']} 张）"),
        ("完整构建（图片已缓存）", lambda r: f"{r['full']:.1f} s"),
        ("内容未改再构建", lambda r: f"{r['nochange']:.1f} s（处理图片 {r['images_nochange']} 张）"),
        ("改一篇文章后构建", lambda r: f"{r['edit']:.1f} s（处理图片 {r['images_edit']} 张）"),
        ("预览：保存到浏览器显示新页面", lambda r: " / ".join(f"{s:.1f}" for s in r["serve"]) + " s"),
        ("峰值内存（最大进程）", lambda r: f"{r['peak']:.0f} MB"),
        ("输出大小 / 文件数", lambda r: f"{kb(r['size'])} / {r['files']}"),
        ("文章页 HTML（原始 / gzip）", lambda r: f"{kb(r['page_raw'])} / {kb(r['page_gzip'])}"),
        ("文章页链接数", lambda r: str(r["page_links"])),
        ("打开文章页共传输（gzip）", lambda r: kb(r["load_gzip"])),
        ("其中搜索数据（打开搜索前）", lambda r: f"{kb(r['search_before_gzip'])}（原始 {kb(r['search_before_raw'])}）"),
        (f"首次查询“{QUERY}”传输（gzip / 原始）", lambda r: f"{kb(r['query_gzip'])} / {kb(r['query_raw'])}"),
        ("输入到出结果", lambda r: f"{r['query_ms']:.0f} ms（{r['results']} 条）"),
        ("Lighthouse 性能（手机）", lambda r: str(r.get("lighthouse"))),
        ("wrk 文章页 请求/秒、p99、错误", lambda r: _wrk(r.get("wrk_page"))),
        ("wrk 图片 请求/秒、p99、错误", lambda r: _wrk(r.get("wrk_image"))),
    ]
    for label, cell in rows:
        table.add_row(label, *[_safe(cell, results[name]) for name in columns])
    console.print(table)


def _wrk(figures: dict | None) -> str:
    return f"{figures['rps']:,.0f} / {figures['p99']} / {figures['errors']}" if figures else "—"


def _safe(cell, result) -> str:
    try:
        return cell(result)
    except (KeyError, TypeError):
        return "—"


if __name__ == "__main__":
    sys.exit(main())
