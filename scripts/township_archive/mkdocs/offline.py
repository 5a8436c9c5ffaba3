"""What the offline copy leaves out: nothing a reader needs, only what a browser from file:// never asks for."""

from __future__ import annotations

from pathlib import Path


def trim_offline_site(site: Path) -> list[str]:
    """Remove source maps, Material's lunr search (our own worker searches), the JSON index (the
    offline copy loads search_index.js) and the 404 page (from file:// there is no "not found",
    and MkDocs writes it with site-absolute links). Returns what was removed, for the build log."""
    removed = []
    candidates = list(site.rglob("*.map"))
    candidates += list((site / "assets/javascripts/lunr").rglob("*.js"))
    candidates += list((site / "assets/javascripts/workers").glob("search.*.min.js"))
    candidates += [site / "search/search_index.json", site / "404.html"]
    for path in candidates:
        if path.is_file():
            path.unlink()
            removed.append(path.relative_to(site).as_posix())
    for folder in sorted((site / "assets/javascripts/lunr").glob("**/"), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return removed
