"""Collects the search documents of the rendered pages and writes the search files into the site."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from ..hanzi import traditional_to_simplified
from .index import Analyser, SearchDocument, SearchFiles, write_index

# MkDocs' preview server makes new plugins, and so a new collector, for every rebuild; the analyses
# of the documents that did not change are kept here, so that a rebuild analyses only the edited one.
_shared: Analyser | None = None
_published = 0  # builds in this process so far


def shared_analyser(simplified: Mapping[str, str]) -> Analyser:
    global _shared
    if _shared is None or _shared.simplified is not simplified:
        _shared = Analyser(simplified, keep=True)
    return _shared


class SearchCollector:
    """`keep`: the process will build again (the preview server), so keep what a rebuild can reuse.
    None: keep from this process's second build on (a single `make site` then holds nothing extra)."""

    def __init__(self, *, keep: bool | None = None) -> None:
        self.documents: list[SearchDocument] = []
        self.keep = keep

    def add(self, document: SearchDocument | None) -> None:
        if document is not None:
            self.documents.append(document)

    def publish(self, site_dir: Path) -> SearchFiles:
        """Write the shards and their manifest under site_dir/search/<version>/ (file by file: a build
        holds little more than its documents while it writes them)."""
        simplified = traditional_to_simplified()
        global _published
        _published += 1
        keep = self.keep if self.keep is not None else _published > 1
        return write_index(self.documents, simplified, site_dir / "search", shared_analyser(simplified) if keep else None)


def write_search_files(files: SearchFiles, site_dir: Path) -> None:
    """Files built in memory (`build_search_files`) into the site, as `write_index` writes them."""
    root = site_dir / "search"
    manifest = root / files.version / "manifest.json"
    if manifest.is_file():  # written whole by an earlier build: the version is the hash of every file, the manifest comes last
        manifest.touch()  # the newest index again, for latest_manifest
        return
    for folder in {root / path.rpartition("/")[0] for path in files.files}:
        folder.mkdir(parents=True, exist_ok=True)
    for path, content in files.files.items():
        (root / path).write_bytes(content.encode())
    # Last: a manifest says its index is complete.
    manifest.write_text(json.dumps(files.manifest), encoding="utf-8")


def latest_manifest(site_dir: Path) -> dict | None:
    """The manifest of the newest complete index already in the site, if there is one."""
    manifests = sorted((site_dir / "search").glob("*/manifest.json"), key=lambda p: p.stat().st_mtime)
    return json.loads(manifests[-1].read_text(encoding="utf-8")) if manifests else None
