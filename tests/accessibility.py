"""axe-core (the npm package package-lock.json pins) injected into real pages in Chromium."""

from __future__ import annotations

from pathlib import Path

from township_archive.serving import page_url

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules/axe-core/axe.min.js"
# Every WCAG 2.0/2.1 A and AA rule (what GB/T 37668-2019 follows) plus axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def _axe() -> str:
    if not AXE.exists():
        raise RuntimeError("axe-core 未安装：请先运行 npm ci（make test 会自动安装）。")
    return str(AXE)


def preload_axe(context) -> None:
    """axe-core in every page the browser context opens from now on, from its start: a walk over many
    pages need not inject it into each (about 0.15 s a page)."""
    context.add_init_script(path=_axe())


# Two frames for what starts on load, then every transition or animation that ends (a colour still fading
# in would be judged half-way; injecting axe-core into each page used to give them the time).
SETTLED = """async () => {
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  await Promise.all(document.getAnimations()
    .filter((animation) => animation.effect && animation.effect.getComputedTiming().endTime !== Infinity)
    .map((animation) => animation.finished.catch(() => null)));
}"""


def axe_violations(page) -> list[str]:
    """Violations on the page as loaded and settled, as "rule: target …" lines."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=_axe())
    page.evaluate(SETTLED)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
    )
    return [
        f"{violation['id']}: {node['target']} {node.get('failureSummary', '')[:160]}"
        for violation in result["violations"]
        for node in violation["nodes"]
    ]


def site_pages(site: Path) -> list[str]:
    """Every HTML page of a built site as a site path, redirect pages left out."""
    return [
        page_url(site, path).removeprefix("/")
        for path in sorted(site.rglob("*.html"))
        if 'http-equiv="refresh"' not in path.read_text(encoding="utf-8", errors="replace")[:2000]
    ]
