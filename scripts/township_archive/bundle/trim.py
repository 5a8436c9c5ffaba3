"""What the offline copy leaves out: nothing a reader needs, only what a browser from file:// never asks for."""

from __future__ import annotations

from pathlib import Path


def trim_offline_site(site: Path, languages: list[str]) -> list[str]:
    """Remove source maps, lunr languages the site does not search in, the JSON index (the offline
    copy loads search_index.js) and the 404 page (from file:// there is no "not found", and MkDocs
    writes it with site-absolute links). Returns what was removed, for the build log."""
    removed = []
    keep_lunr = {"lunr.stemmer.support.min.js", *(f"lunr.{lang}.min.js" for lang in languages if lang != "en")}
    if len(languages) > 1:
        keep_lunr.add("lunr.multi.min.js")
    candidates = list(site.rglob("*.map"))
    candidates += [p for p in (site / "assets/javascripts/lunr").rglob("*.js") if p.name not in keep_lunr]
    candidates += [site / "search/search_index.json", site / "404.html"]
    for path in candidates:
        if path.is_file():
            path.unlink()
            removed.append(path.relative_to(site).as_posix())
    return removed
