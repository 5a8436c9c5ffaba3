"""The preview's search index, written by another process after the pages.

At 2,000 articles the index is some 3,000 files and seconds of work; the preview shows a saved page
without waiting for it. The pages are written, Material's index file points at the newest complete
index already in the site, the browser reloads; meanwhile a process on the other core writes the new
index and points at it. A save while it works stops it (its index would be stale): the index follows
once the writer pauses. An index is complete when its manifest.json is written (last); incomplete ones
and all but the newest two complete ones are removed.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import shutil
import sys
import tempfile
from pathlib import Path

from ..search.index import SearchDocument
from ..search.publish import SearchCollector, latest_manifest
from .search import point_material_index


def _context():
    # forkserver where the system has it (a fork of a threaded server is unsafe), else spawn (Windows, macOS).
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def complete_indexes(site: Path) -> tuple[str, ...]:
    """Site folders of the complete indexes in `site` (to keep when the preview clears the rest)."""
    return tuple(f"search/{manifest.parent.name}/" for manifest in (site / "search").glob("*/manifest.json"))


class PreviewSearch:
    def __init__(self) -> None:
        self.process = None
        self.batch: Path | None = None

    def start(self, site: Path, documents: list[SearchDocument]) -> bool:
        """Point the site at its newest complete index and write the new one in the background;
        False when the site has no index yet (the caller writes one now)."""
        self.stop()
        if (manifest := latest_manifest(site)) is None:
            return False
        point_material_index(site, manifest)
        # Through a file: handing megabytes of documents down the new process's pipe kept the preview waiting.
        with tempfile.NamedTemporaryFile("wb", prefix="township-archive-search-", suffix=".pickle", delete=False) as batch:
            pickle.dump(documents, batch, protocol=pickle.HIGHEST_PROTOCOL)
        self.batch = Path(batch.name)
        self.process = _context().Process(target=publish_index, args=(str(site), batch.name), daemon=True)
        self.process.start()
        return True

    def stop(self) -> None:
        """Stop a writer still at work: a newer save makes its index stale."""
        if self.process is not None:
            if self.process.is_alive():
                self.process.terminate()
            self.process.join()
            self.process = None
        if self.batch is not None:
            self.batch.unlink(missing_ok=True)  # a writer stopped before it read its documents
            self.batch = None

    def wait(self) -> None:
        if self.process is not None:
            self.process.join()
        self.stop()


def publish_index(site_dir: str, batch: str) -> None:
    site = Path(site_dir)
    try:
        with open(batch, "rb") as stream:
            documents: list[SearchDocument] = pickle.load(stream)  # written by this preview (start) a moment ago
        os.unlink(batch)
        before = latest_manifest(site)
        collector = SearchCollector()
        for document in documents:
            collector.add(document)
        files = collector.publish(site)
        point_material_index(site, files.manifest)
        keep = {files.version, before["version"] if before else ""}
        for folder in (site / "search").iterdir():
            if folder.is_dir() and folder.name not in keep:
                shutil.rmtree(folder, ignore_errors=True)
    except Exception as error:  # noqa: BLE001 - the preview goes on with the last index
        sys.stderr.write(f"警告：预览的搜索索引没有更新（{type(error).__name__}：{error}），搜索仍用上一次的索引。\n")
