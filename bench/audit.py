"""Visitor-experience audit: Lighthouse (mobile) on three kinds of page and axe-core on every page.

    make audit          (or: .venv/bin/python bench/audit.py [--site site])

Serves the built site with Debian's nginx and the repository's production configuration
(tests/nginx.py), runs Lighthouse (npm, Debian's chromium) on the home page, a section page
and an image-heavy article, and axe-core in Chromium on every page. Prints the scores and
page weights; exits non-zero below the targets (Performance 95, the others 100, zero axe
violations). Then writes screenshots for people to look at (tests/reading.py): the home page and
the image-heavy article at 390 and 1366 px, in 标准 and in 超大 + 高对比度, set with the reading
bar's buttons, into reports/screenshots/ (<page>-<width>-<mode>.png).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
console = Console()
PAGES = {"首页": "", "栏目页": "dangjian/", "多图文章": "kejia-wenhua/kejia-xiangzhen/"}
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --no-first-run"


def lighthouse(url: str) -> dict:
    binary = ROOT / "node_modules/.bin/lighthouse"
    if not binary.exists():
        raise SystemExit("没有 Lighthouse：请先运行 npm ci（make audit 会自动安装）。")
    with tempfile.TemporaryDirectory() as out:
        report = Path(out) / "report.json"
        subprocess.run(
            [str(binary), url, "--quiet", "--output=json", f"--output-path={report}", f"--chrome-flags={CHROME_FLAGS}",
             "--only-categories=performance,accessibility,best-practices,seo"],
            env=dict(os.environ, CHROME_PATH="/usr/bin/chromium"), check=False, capture_output=True,
        )
        data = json.loads(report.read_text())
    scores = {key: round(category["score"] * 100) for key, category in data["categories"].items()}
    weights = {}
    for item in data["audits"]["network-requests"]["details"]["items"]:
        kind = item.get("resourceType", "Other")
        weights[kind] = weights.get(kind, 0) + item.get("transferSize", 0)
    failed = [
        f"{key}: {audit['title']}"
        for key, audit in data["audits"].items()
        if audit.get("score") is not None and audit["score"] < 1 and audit.get("scoreDisplayMode") == "binary"
    ]
    return {"scores": scores, "weights": weights, "failed": failed}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--screenshots", type=Path, default=ROOT / "reports/screenshots")
    args = parser.parse_args()
    from accessibility import axe_violations, site_pages
    from browser import browser_page
    from nginx import nginx_serving
    from reading import write_screenshots

    site = args.site.resolve()
    if not (site / "index.html").is_file():
        raise SystemExit(f"{site} 里没有构建好的网站：请先运行 make site。")
    ok = True
    with tempfile.TemporaryDirectory() as work, nginx_serving(site, Path(work)) as base:
        table = Table(title="Lighthouse（手机模式）")
        for column in ("页面", "性能", "无障碍", "最佳做法", "SEO", "HTML+CSS+JS 传输"):
            table.add_column(column, justify="right" if column != "页面" else "left")
        for label, path in PAGES.items():
            with console.status(f"Lighthouse：{label}"):
                result = lighthouse(base + path)
            scores = result["scores"]
            weight = sum(result["weights"].get(kind, 0) for kind in ("Document", "Stylesheet", "Script", "Font"))
            table.add_row(label, *(str(scores[key]) for key in TARGETS), f"{weight / 1024:.0f} KB")
            for key, target in TARGETS.items():
                if scores[key] < target:
                    ok = False
                    console.print(f"[red]{label} {key} {scores[key]} < {target}[/]")
            for line in result["failed"]:
                console.print(f"  {label} 未通过：{line}")
        console.print(table)
        pages = site_pages(site)
        found = {}
        with console.status(f"axe-core：{len(pages)} 个页面"), browser_page((base,), width=412, height=823, bypass_csp=True) as (page, _):
            for path in pages:
                page.goto(base + path)
                violations = axe_violations(page)
                if violations:
                    found[path] = violations
        console.print(f"axe-core：{len(pages)} 个页面，违规 {sum(len(v) for v in found.values())} 处")
        for path, violations in found.items():
            ok = False
            for line in violations:
                console.print(f"  {path}: {line}")
        with console.status("截图"), browser_page((base,)) as (page, _):
            shots = write_screenshots(page, base, {"home": PAGES["首页"], "article": PAGES["多图文章"]}, args.screenshots)
        console.print(f"截图 {len(shots)} 张：{args.screenshots}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
