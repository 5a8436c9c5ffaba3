"""The preview's search index, written by another process after the pages.

At 2,000 articles the index is some 3,000 files and seconds of work; the preview shows a saved page
without waiting for it. The pages are written, Material's index file points at the newest complete
index already in the site, the browser reloads; meanwhile one long-lived process on the other core
writes the new index and points at it. That process keeps every document's analysis between saves,
so a save costs it the edited article's analysis and the assembly, not the whole archive's analysis.
Saves that come while it works wait in its queue; it skips to the newest (older ones would be stale).
An index is complete when its manifest.json is written (last); incomplete ones and all but the newest
two complete ones are removed.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import shutil
import signal
import sys
import tempfile
from pathlib import Path

from ..hanzi import traditional_to_simplified
from ..search.index import SearchDocument, write_index
from ..search.publish import latest_manifest, shared_analyser
from .search import point_material_index

KEPT_INDEXES = 2  # the newest, and the one before for a page loaded while the newest was written


def _context():
    # forkserver where the system has it (a fork of a threaded server is unsafe), else spawn (Windows, macOS).
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def complete_indexes(site: Path) -> tuple[str, ...]:
    """Site folders of the complete indexes in `site` (to keep when the preview clears the rest)."""
    return tuple(f"search/{manifest.parent.name}/" for manifest in (site / "search").glob("*/manifest.json"))


class _Writer:
    """The writer process, its queue of batches (sequence number, site, documents' file; None: end)
    and its queue of the sequence numbers it is done with (published or skipped)."""

    def __init__(self) -> None:
        context = _context()
        self.requests = context.Queue()
        self.done = context.Queue()
        self.process = context.Process(target=_writer_main, args=(self.requests, self.done), daemon=True)
        self.process.start()
        self.submitted = self.finished = 0
        self.batches: dict[int, Path] = {}  # submitted, not yet done with

    def submit(self, site: Path, batch: Path) -> None:
        # Read what it is done with so far: unread answers would fill the pipe and hold the writer at its end.
        while self._collect(timeout=0):
            pass
        self.submitted += 1
        self.batches[self.submitted] = batch
        self.requests.put((self.submitted, str(site), str(batch)))

    def wait(self) -> None:
        while self.finished < self.submitted and self.process.is_alive():
            self._collect(timeout=0.5)

    def _collect(self, timeout: float) -> bool:
        try:
            number = self.done.get(timeout=timeout) if timeout else self.done.get_nowait()
        except queue.Empty:
            return False
        self.finished = max(self.finished, number)
        self.batches.pop(number, None)
        return True

    def close(self) -> None:
        if self.process.is_alive():
            self.requests.put(None)
            self.process.join(timeout=1)
            if self.process.is_alive():  # still writing an index nobody will see: the preview is closing
                self.process.terminate()  # it removes its unfinished index (_writer_main)
                self.process.join()
        for batch in self.batches.values():  # saves it never took
            batch.unlink(missing_ok=True)
        self.requests.close()
        self.done.close()


# One writer for the preview process (MkDocs may make new plugins, and so new PreviewSearch, for a build).
_writer: _Writer | None = None


class PreviewSearch:
    def start(self, site: Path, documents: list[SearchDocument]) -> bool:
        """Point the site at its newest complete index and have the writer write the new one;
        False when the site has no index yet (the caller writes one now)."""
        global _writer
        if (manifest := latest_manifest(site)) is None:
            return False
        point_material_index(site, manifest)
        # Through a file: handing megabytes of documents down a pipe kept the preview waiting.
        with tempfile.NamedTemporaryFile("wb", prefix="township-archive-search-", suffix=".pickle", delete=False) as batch:
            pickle.dump(documents, batch, protocol=pickle.HIGHEST_PROTOCOL)
        if _writer is None or not _writer.process.is_alive():
            if _writer is not None:  # ended by an error: its untaken saves go
                _writer.close()
            _writer = _Writer()
        _writer.submit(site, Path(batch.name))
        return True

    def stop(self) -> None:
        """A build starts: nothing to stop. The writer goes on; a newer save's documents supersede
        whatever still waits in its queue, and an index it finishes meanwhile is replaced by the next."""

    def wait(self) -> None:
        """Until the documents of the last `start` are published (or the writer is gone)."""
        if _writer is not None:
            _writer.wait()

    def close(self) -> None:
        """End the writer (the preview stops); what it has not written yet is dropped."""
        global _writer
        if _writer is not None:
            _writer.close()
            _writer = None


def _writer_main(requests, done) -> None:
    # Terminated (the preview closing): unwind, so that write_index removes its unfinished folder.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    serve_batches(requests, done)


def serve_batches(requests, done) -> None:
    """The writer's loop: take the newest batch waiting (skipping older ones), publish it, repeat;
    None ends it (after the newest batch before it)."""
    while True:
        pending = [requests.get()]
        while pending[-1] is not None:
            try:
                pending.append(requests.get_nowait())
            except queue.Empty:
                break
        closing = pending[-1] is None
        batches = [request for request in pending if request is not None]
        newest = batches.pop() if batches else None
        for number, _, batch in batches:
            Path(batch).unlink(missing_ok=True)
            done.put(number)
        if newest is not None:
            number, site, batch = newest
            publish_batch(Path(site), Path(batch))
            done.put(number)
        if closing:
            return


def publish_batch(site: Path, batch: Path) -> None:
    """Write the index of the documents in `batch` (then removed), point Material's index at it and
    remove all indexes but the newest complete ones."""
    try:
        with batch.open("rb") as stream:
            documents: list[SearchDocument] = pickle.load(stream)  # written by this preview (start) a moment ago
        os.unlink(batch)
        simplified = traditional_to_simplified()
        # Made beside the site, not in it: the preview's builds clear what the site does not keep.
        files = write_index(documents, simplified, site / "search", shared_analyser(simplified), work=site.parent)
        point_material_index(site, files.manifest)
        manifests = sorted((site / "search").glob("*/manifest.json"), key=lambda p: p.stat().st_mtime)
        keep = {files.version, *(manifest.parent.name for manifest in manifests[-KEPT_INDEXES:])}
        for folder in (site / "search").iterdir():
            if folder.is_dir() and folder.name not in keep:
                shutil.rmtree(folder, ignore_errors=True)
    except Exception as error:  # noqa: BLE001 - the preview goes on with the last index
        batch.unlink(missing_ok=True)
        sys.stderr.write(f"警告：预览的搜索索引没有更新（{type(error).__name__}：{error}），搜索仍用上一次的索引。\n")
