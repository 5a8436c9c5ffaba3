"""The preview's search index writer (`make serve`): one long-lived process that skips to the newest
save's documents. Its loop in-process, then once as the real process."""

from __future__ import annotations

import json
import pickle
import queue
import tempfile
from pathlib import Path

import pytest
from test_search_index_identity import many_documents
from township_archive.hanzi import traditional_to_simplified
from township_archive.mkdocs import preview_search
from township_archive.mkdocs.preview_search import PreviewSearch, serve_batches
from township_archive.search import publish
from township_archive.search.index import build_search_files, write_index


@pytest.fixture(autouse=True)
def fresh_analyser(monkeypatch):
    monkeypatch.setattr(publish, "_shared", None)  # as in a new writer process


def batch(documents) -> Path:
    with tempfile.NamedTemporaryFile("wb", suffix=".pickle", delete=False) as stream:
        pickle.dump(documents, stream)
    return Path(stream.name)


def pointed_at(site: Path) -> str:
    return json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))["config"]["archive"]["version"]


def indexes(site: Path) -> set[str]:
    return {folder.name for folder in (site / "search").iterdir() if folder.is_dir()}


def version(documents) -> str:
    return build_search_files(documents, traditional_to_simplified()).version


def test_two_saves_in_a_row_the_second_wins_and_the_first_is_never_written(tmp_path):
    site = tmp_path / "site"
    first, second = many_documents(30, seed=1), many_documents(30, seed=2)
    requests, done = queue.Queue(), queue.Queue()
    batches = [batch(first), batch(second)]
    for number, path in enumerate(batches, start=1):
        requests.put((number, str(site), str(path)))
    requests.put(None)
    serve_batches(requests, done)
    assert [done.get_nowait() for _ in range(2)] == [1, 2]
    assert indexes(site) == {version(second)} and pointed_at(site) == version(second)
    assert not any(path.exists() for path in batches)  # the skipped save's documents too


def test_the_newest_two_indexes_stay_and_the_rest_goes(tmp_path):
    site = tmp_path / "site"
    (site / "search/.partial-stale").mkdir(parents=True)  # a writer ended half-way
    archives = [many_documents(10, seed=seed) for seed in range(4)]
    requests, done = queue.Queue(), queue.Queue()
    for number, documents in enumerate(archives, start=1):
        requests.put((number, str(site), str(batch(documents))))
        requests.put(None)
        serve_batches(requests, done)
        assert done.get_nowait() == number
    assert indexes(site) == {version(archives[2]), version(archives[3])}
    assert pointed_at(site) == version(archives[3])
    # The same documents again: the index already there becomes the newest, nothing is written.
    requests.put((5, str(site), str(batch(archives[2]))))
    requests.put(None)
    serve_batches(requests, done)
    assert pointed_at(site) == version(archives[2]) and indexes(site) == {version(archives[2]), version(archives[3])}


def test_the_writer_process_publishes_the_last_save_and_wait_returns_after_it(tmp_path):
    site = tmp_path / "site"
    first = many_documents(20, seed=1)
    write_index(first, traditional_to_simplified(), site / "search")  # the first build writes one itself
    preview = PreviewSearch()
    try:
        later = [many_documents(20, seed=seed) for seed in (2, 3)]
        for documents in later:
            assert preview.start(site, documents)
            assert pointed_at(site) in {version(first), version(later[0])}  # the pages reload with a complete index
        process = preview_search._writer.process
        preview.stop()  # a build starts: the writer goes on
        PreviewSearch().wait()  # MkDocs may make a new plugin for the next build
        assert pointed_at(site) == version(later[1])
        assert process.is_alive()  # kept for the next save, with its analyses
    finally:
        preview.close()
    assert not process.is_alive()


def test_the_writer_makes_its_index_beside_the_site_so_a_build_clearing_the_site_cannot_break_it(tmp_path, monkeypatch):
    site = tmp_path / "site"
    seen = []
    real = preview_search.write_index

    def watched(*args, work=None, **kwargs):
        seen.append(work)
        return real(*args, work=work, **kwargs)

    monkeypatch.setattr(preview_search, "write_index", watched)
    requests, done = queue.Queue(), queue.Queue()
    requests.put((1, str(site), str(batch(many_documents(5)))))
    requests.put(None)
    serve_batches(requests, done)
    assert seen == [tmp_path] and pointed_at(site) == version(many_documents(5))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]  # nothing left beside it
