"""The search index written by another process while the engine draws the pages.

Once every page's search document is known (after the pages are read, before they are drawn),
the index needs nothing else: a process on the other core writes it while this one renders the
pages, and the build waits for it only at the end. It also keeps the index's memory out of the
process that holds the rendered site.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import sys
import tempfile
from pathlib import Path

from .index import SearchDocument
from .publish import SearchCollector


def process_context():
    # forkserver where the system has it (a fork of a process with threads is unsafe), else spawn (Windows, macOS).
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


class BackgroundIndex:
    """The index of `documents` being written under `site`/search/ by another process."""

    def __init__(self, site: Path, documents: list[SearchDocument]) -> None:
        self.site = site
        # Through a file: megabytes of documents down a new process's start-up pipe kept the parent waiting.
        with tempfile.NamedTemporaryFile("wb", prefix="township-archive-search-", suffix=".pickle", delete=False) as batch:
            pickle.dump(documents, batch, protocol=pickle.HIGHEST_PROTOCOL)
        self.batch = Path(batch.name)
        self.answer = Path(batch.name + ".json")
        self.process = process_context().Process(target=_write, args=(str(site), str(self.batch), str(self.answer)), daemon=True)
        self.process.start()

    def result(self) -> dict:
        """Wait for the index; its manifest. Raises RuntimeError (in Chinese) when it could not be written."""
        self.process.join()
        try:
            answer = json.loads(self.answer.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            answer = {"error": f"写搜索索引的进程意外退出（代码 {self.process.exitcode}）"}
        finally:
            self._clean()
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return answer["manifest"]

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self._clean()

    def _clean(self) -> None:
        self.batch.unlink(missing_ok=True)
        self.answer.unlink(missing_ok=True)


def _write(site: str, batch: str, answer: str) -> None:
    try:
        with open(batch, "rb") as stream:
            documents: list[SearchDocument] = pickle.load(stream)  # written a moment ago by the build that started us
        os.unlink(batch)
        collector = SearchCollector()
        for document in documents:
            collector.add(document)
        outcome = {"manifest": collector.publish(Path(site)).manifest}
    except Exception as error:  # noqa: BLE001 - reported by the parent, in Chinese, with the build's other problems
        outcome = {"error": f"搜索索引没有写成（{type(error).__name__}：{error}）"}
    Path(answer).write_text(json.dumps(outcome, ensure_ascii=False), encoding="utf-8")
    sys.stdout.flush()
