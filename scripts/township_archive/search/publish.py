"""Collects the search documents of the rendered pages and writes the search files into the site."""

from __future__ import annotations

import json
from pathlib import Path

from ..hanzi import traditional_to_simplified
from .index import SearchDocument, SearchFiles, build_search_files


class SearchCollector:
    def __init__(self) -> None:
        self.documents: list[SearchDocument] = []

    def add(self, document: SearchDocument | None) -> None:
        if document is not None:
            self.documents.append(document)

    def publish(self, site_dir: Path) -> SearchFiles:
        """Write the shards and their manifest under site_dir/search/<version>/."""
        files = build_search_files(self.documents, traditional_to_simplified())
        root = site_dir / "search"
        for path, content in files.files.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        (root / files.version / "manifest.json").write_text(json.dumps(files.manifest), encoding="utf-8")
        return files


def latest_manifest(site_dir: Path) -> dict | None:
    """The manifest of the newest complete index already in the site, if there is one."""
    manifests = sorted((site_dir / "search").glob("*/manifest.json"), key=lambda p: p.stat().st_mtime)
    return json.loads(manifests[-1].read_text(encoding="utf-8")) if manifests else None
